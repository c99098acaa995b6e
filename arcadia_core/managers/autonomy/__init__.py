"""Autonomy: how much the agent may do alone (ArcadiaForge's `autonomy` module).

records: levels, categories, AutonomyConfig, PerformanceMetrics, AutonomyDecision, OutcomeShift;
rules: required/effective level, promotion/demotion, the decision, what-if replay;
queries: the stored rows and the decision history; manager: AutonomyManager.
"""

from __future__ import annotations

from arcadia_core.managers.autonomy.manager import (
    ActionChecker,
    AutonomyManager,
    create_autonomy_manager,
    create_autonomy_manager_async,
)
from arcadia_core.managers.autonomy.queries import ROW_ID, config_from_row, metrics_from_row
from arcadia_core.managers.autonomy.records import (
    ActionCategory,
    AutonomyConfig,
    AutonomyDecision,
    AutonomyLevel,
    PerformanceMetrics,
)
from arcadia_core.managers.autonomy.rules import (
    CATEGORY_REQUIRED_LEVELS,
    DEFAULT_ACTION_CATEGORIES,
    adjusted_level,
    base_tool_name,
    changed_settings,
    clamp_level,
    decide,
    effective_level,
    tool_category,
)

__all__ = [
    "ActionCategory",
    "ActionChecker",
    "AutonomyConfig",
    "AutonomyDecision",
    "AutonomyLevel",
    "AutonomyManager",
    "CATEGORY_REQUIRED_LEVELS",
    "DEFAULT_ACTION_CATEGORIES",
    "PerformanceMetrics",
    "ROW_ID",
    "adjusted_level",
    "base_tool_name",
    "changed_settings",
    "clamp_level",
    "config_from_row",
    "create_autonomy_manager",
    "create_autonomy_manager_async",
    "decide",
    "effective_level",
    "metrics_from_row",
    "tool_category",
]
