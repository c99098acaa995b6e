"""Pure observability text: one-line event summaries, the metrics summary, timeline entries."""

from __future__ import annotations

from typing import Any

from arcadia_core.managers.observability.records import Event, RunMetrics


def format_event_summary(event: Event) -> str:
    """One line: `[timestamp] type tool=… feature=#… (Nms)`."""
    parts = [f"[{event.timestamp[:19]}] {event.event_type}"]
    if event.tool_name:
        parts.append(f"tool={event.tool_name}")
    if event.feature_index is not None:
        parts.append(f"feature=#{event.feature_index}")
    if event.duration_ms is not None:
        parts.append(f"({event.duration_ms}ms)")
    return " ".join(parts)


def format_metrics_summary(metrics: RunMetrics) -> str:
    """A text block summarising the run metrics."""
    return "\n".join(
        [
            "=" * 60,
            "  RUN METRICS",
            "=" * 60,
            f"  Run ID:        {metrics.run_id}",
            f"  Project:       {metrics.project_dir}",
            f"  First event:   {metrics.first_event_at or '-'}",
            f"  Last event:    {metrics.last_event_at or '-'}",
            f"  Sessions:      {metrics.sessions_completed}/{metrics.sessions_total} completed",
            f"  Tool calls:    {metrics.total_tool_calls} "
            f"({metrics.total_tool_errors} errors, {metrics.total_tool_blocked} blocked)",
            f"  Features:      {metrics.total_features_completed} completed, "
            f"{metrics.total_features_failed} failed",
            f"  Tokens:        {metrics.total_input_tokens:,} in / "
            f"{metrics.total_output_tokens:,} out",
            f"  Cost:          ${metrics.total_estimated_cost_usd:.2f}",
            "=" * 60,
        ]
    )


def timeline_entry(event: Event) -> dict[str, Any]:
    """One entry of a session timeline: time, type, and the tool, feature and outcome if any."""
    entry: dict[str, Any] = {"time": event.timestamp, "type": event.event_type}
    if event.tool_name:
        entry["tool"] = event.tool_name
    if event.feature_index is not None:
        entry["feature"] = event.feature_index
    for source, target in (
        ("status", "status"),
        ("error_message", "error"),
        ("choice", "decision"),
    ):
        if event.data.get(source):
            entry[target] = event.data[source]
    return entry
