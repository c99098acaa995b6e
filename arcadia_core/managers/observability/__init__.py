"""TODO."""

from __future__ import annotations

from arcadia_core.events import EventType
from arcadia_core.managers.observability.manager import (
    TOOL_INPUT_LIMIT,
    Observability,
    format_event_summary,
    format_metrics_summary,
)
from arcadia_core.managers.observability.queries import (
    Event,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
)

__all__ = [
    "Event",
    "EventType",
    "Observability",
    "RunMetrics",
    "SessionInfo",
    "SessionMetrics",
    "TOOL_INPUT_LIMIT",
    "format_event_summary",
    "format_metrics_summary",
]
