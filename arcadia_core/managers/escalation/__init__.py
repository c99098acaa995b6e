"""TODO."""

from __future__ import annotations

from arcadia_core.managers.escalation.manager import (
    EscalationEngine,
    StoredRule,
    create_escalation_engine,
    create_escalation_engine_async,
    rule_from_row,
    should_escalate,
    stored_rules,
)
from arcadia_core.managers.escalation.rules import (
    BUILTIN_RULE_IDS,
    CONDITION_TYPES,
    ConditionFunction,
    EscalationContext,
    EscalationResult,
    EscalationRule,
    RuleProblem,
    builtin_rules,
    check_rule,
    context_summary,
    evaluate_condition,
    format_message,
    rule_severity,
    sort_rules,
)
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_core.managers.injection_points import (
    InjectionPoint,
    InjectionResponse,
    InjectionType,
    json_safe,
)

__all__ = [
    "BUILTIN_RULE_IDS",
    "CONDITION_TYPES",
    "ConditionFunction",
    "EscalationContext",
    "EscalationEngine",
    "EscalationResult",
    "EscalationRule",
    "HumanInterface",
    "InjectionPoint",
    "InjectionResponse",
    "InjectionType",
    "RuleProblem",
    "StoredRule",
    "builtin_rules",
    "check_rule",
    "context_summary",
    "create_escalation_engine",
    "create_escalation_engine_async",
    "evaluate_condition",
    "format_message",
    "json_safe",
    "rule_from_row",
    "rule_severity",
    "should_escalate",
    "sort_rules",
    "stored_rules",
]
