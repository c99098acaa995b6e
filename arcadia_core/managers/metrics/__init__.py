"""TODO."""

from __future__ import annotations

from arcadia_core.managers.metrics.manager import (
    WEEKDAYS,
    BudgetConfig,
    ComprehensiveMetrics,
    FeatureMetrics,
    MetricsCollector,
    QualityMetrics,
    SessionMetrics,
    TimeMetrics,
    ToolMetrics,
    decision_stats,
    event_range,
    feature_metrics,
    format_dashboard,
    format_metrics_markdown,
    human_interventions,
    session_counts,
    session_metrics,
    tool_metrics,
    type_counts,
    usage_totals,
)

__all__ = [
    "BudgetConfig",
    "ComprehensiveMetrics",
    "FeatureMetrics",
    "MetricsCollector",
    "QualityMetrics",
    "SessionMetrics",
    "TimeMetrics",
    "ToolMetrics",
    "WEEKDAYS",
    "decision_stats",
    "event_range",
    "feature_metrics",
    "format_dashboard",
    "format_metrics_markdown",
    "human_interventions",
    "session_counts",
    "session_metrics",
    "tool_metrics",
    "type_counts",
    "usage_totals",
]
