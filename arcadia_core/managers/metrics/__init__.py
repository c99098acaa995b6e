"""Metrics: run, session, tool and feature figures from the events (ArcadiaForge's `metrics`).

records: BudgetConfig, TimeMetrics, QualityMetrics, ComprehensiveMetrics, ToolMetrics,
FeatureMetrics; rules: rates and time metrics; queries: the aggregations, in SQL;
manager: MetricsCollector, its exports and text formats.
"""

from __future__ import annotations

from arcadia_core.managers.metrics.manager import (
    MetricsCollector,
    format_dashboard,
    format_metrics_markdown,
)
from arcadia_core.managers.metrics.queries import (
    decision_stats,
    event_range,
    feature_metrics,
    human_interventions,
    session_counts,
    tool_metrics,
    type_counts,
    usage_totals,
)
from arcadia_core.managers.metrics.records import (
    BudgetConfig,
    ComprehensiveMetrics,
    FeatureMetrics,
    QualityMetrics,
    TimeMetrics,
    ToolMetrics,
)
from arcadia_core.managers.metrics.rules import WEEKDAYS
from arcadia_core.managers.observability.queries import session_metrics
from arcadia_core.managers.observability.records import SessionMetrics

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
