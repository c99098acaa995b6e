"""ArcadiaForge's module path for failure analysis; the code lives in `failure/`."""

from __future__ import annotations

from arcadia_core.managers.failure.manager import (
    FailureAnalyzer,
    analyze_session,
    analyze_session_async,
    format_report,
    format_report_markdown,
)
from arcadia_core.managers.failure.queries import (
    ERROR_TYPES,
    PATTERN_SCAN_LIMIT,
    SIMILARITY_SCAN_LIMIT,
    recent_error_events,
    session_events,
)
from arcadia_core.managers.failure.records import (
    FailurePattern,
    FailureReport,
    FailureSignature,
    FailureType,
    ReportSummary,
    Severity,
    severity_name,
)
from arcadia_core.managers.failure.rules import (
    KNOWN_PATTERNS,
    build_timeline,
    classify,
    detect_patterns,
    scan,
    similar_hits,
    similarity_score,
    suggest_fixes,
)
from arcadia_core.managers.failure.rules import normalize_failure_message as normalize_error
from arcadia_core.managers.observability.queries import events_query, to_event
from arcadia_core.managers.observability.records import Event

__all__ = [
    "ERROR_TYPES",
    "Event",
    "FailureAnalyzer",
    "FailurePattern",
    "FailureReport",
    "FailureSignature",
    "FailureType",
    "KNOWN_PATTERNS",
    "PATTERN_SCAN_LIMIT",
    "ReportSummary",
    "SIMILARITY_SCAN_LIMIT",
    "Severity",
    "analyze_session",
    "analyze_session_async",
    "build_timeline",
    "classify",
    "detect_patterns",
    "events_query",
    "format_report",
    "format_report_markdown",
    "normalize_error",
    "recent_error_events",
    "scan",
    "session_events",
    "severity_name",
    "similar_hits",
    "similarity_score",
    "suggest_fixes",
    "to_event",
]
