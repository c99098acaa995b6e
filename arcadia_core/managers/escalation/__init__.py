"""Escalation: rules that decide when the agent must involve a person (ArcadiaForge's `escalation`).

records: EscalationRule, EscalationContext, EscalationResult, RuleProblem, StoredRule;
rules: the 8 built-ins, condition evaluation, message formatting, rule checks;
queries: stored rules merged with the built-ins, the escalation log; manager: EscalationEngine.
"""

from __future__ import annotations

from arcadia_core.managers.escalation.manager import (
    EscalationEngine,
    create_escalation_engine,
    create_escalation_engine_async,
)
from arcadia_core.managers.escalation.queries import rule_from_row, stored_rules
from arcadia_core.managers.escalation.records import (
    EscalationContext,
    EscalationResult,
    EscalationRule,
    RuleProblem,
    StoredRule,
)
from arcadia_core.managers.escalation.rules import (
    BUILTIN_RULE_IDS,
    CONDITION_TYPES,
    ConditionFunction,
    builtin_rules,
    check_rule,
    context_summary,
    evaluate_condition,
    format_message,
    rule_severity,
    should_escalate,
    sort_rules,
)
from arcadia_core.managers.injection import (
    HumanInterface,
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
