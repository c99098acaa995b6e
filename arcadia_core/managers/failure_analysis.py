"""TODO."""

from __future__ import annotations

from arcadia_core.managers.failure.manager import (
    ERROR_TYPES,
    PATTERN_SCAN_LIMIT,
    SIMILARITY_SCAN_LIMIT,
    FailureAnalyzer,
    analyze_session,
    analyze_session_async,
    format_report,
    format_report_markdown,
    recent_error_events,
    session_events,
)
from arcadia_core.managers.failure.records import (
    KNOWN_PATTERNS,
    FailurePattern,
    FailureReport,
    FailureSignature,
    FailureType,
    ReportSummary,
    Severity,
    severity_name,
)
from arcadia_core.managers.failure.rules import (
    build_timeline,
    classify,
    detect_patterns,
    normalize_error,
    scan,
    similar_hits,
    similarity_score,
    suggest_fixes,
)
from arcadia_core.managers.observability.queries import Event, events_query, to_event

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
