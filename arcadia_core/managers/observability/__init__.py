"""Observability: sessions and the event stream (ArcadiaForge's `observability` module).

records: Event, SessionMetrics, RunMetrics, SessionInfo; queries: event filters, sessions,
SQL aggregates, the context at a time, exports; rules: event and metrics summaries, timelines;
manager: Observability (writes and reads).
"""

from __future__ import annotations

from arcadia_core.events import EventType
from arcadia_core.managers.observability.manager import TOOL_INPUT_LIMIT, Observability
from arcadia_core.managers.observability.records import (
    Event,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
)
from arcadia_core.managers.observability.rules import format_event_summary, format_metrics_summary

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
