"""TODO."""

from __future__ import annotations

from arcadia_core.managers.metrics.manager import (
    WEEKDAYS,
    BudgetConfig,
    ComprehensiveMetrics,
    MetricsCollector,
    QualityMetrics,
    TimeMetrics,
    format_dashboard,
    format_metrics_markdown,
)
from arcadia_core.managers.metrics.queries import (
    FeatureMetrics,
    ToolMetrics,
    decision_stats,
    event_range,
    feature_metrics,
    human_interventions,
    session_counts,
    tool_metrics,
    type_counts,
    usage_totals,
)
from arcadia_core.managers.observability.queries import SessionMetrics, session_metrics

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
