"""Pure metrics arithmetic: rates, and time metrics from the sessions' durations and starts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from arcadia_core.managers.metrics.records import TimeMetrics
from arcadia_core.managers.observability.records import SessionMetrics


def ratio(part: float, whole: float) -> float:
    """`part / whole`, 0.0 when there is no whole."""
    return part / whole if whole else 0.0


def time_metrics_of(
    first: datetime | None, last: datetime | None, sessions: dict[int, SessionMetrics]
) -> TimeMetrics:
    """Run span, session durations, and sessions by start hour and weekday."""
    metrics = TimeMetrics()
    if first is not None and last is not None:
        metrics.total_run_duration_seconds = (last - first).total_seconds()
    durations = [s.duration_seconds for s in sessions.values() if s.duration_seconds > 0]
    if durations:
        metrics.total_active_time_seconds = sum(durations)
        metrics.avg_session_duration_seconds = sum(durations) / len(durations)
        metrics.longest_session_seconds = max(durations)
        metrics.shortest_session_seconds = min(durations)
    starts = [datetime.fromisoformat(s.started_at) for s in sessions.values() if s.started_at]
    metrics.sessions_by_hour = dict(sorted(Counter(start.hour for start in starts).items()))
    metrics.sessions_by_day = dict(Counter(WEEKDAYS[start.weekday()] for start in starts))
    return metrics


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
