"""TODO."""

from __future__ import annotations

from arcadia_core.managers.observability.manager import (
    TOOL_INPUT_LIMIT,
    Event,
    EventType,
    Observability,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
    format_event_summary,
    format_metrics_summary,
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
