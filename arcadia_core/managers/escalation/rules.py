"""Escalation rules: the 8 built-ins, condition evaluation, safe message formatting, rule checks.

Everything here is pure. Evaluation never raises: a rule with an unknown condition type or
unusable parameters simply does not fire, and `check_rule` says why.
"""

from __future__ import annotations

import math
import operator
import re
import string
from collections.abc import Callable
from typing import Any

from arcadia_core.clock import utc_now
from arcadia_core.display import safe_str
from arcadia_core.managers.escalation.records import (
    EscalationContext,
    EscalationResult,
    EscalationRule,
    RuleProblem,
)
from arcadia_core.managers.injection import InjectionType
from arcadia_core.vocabulary import BuiltinRule

ConditionFunction = Callable[[dict[str, Any], dict[str, Any]], bool]

CONDITION_TYPES = (
    "threshold_below",
    "threshold_above",
    "equals",
    "not_equals",
    "regression",
    "contains",
    "threshold",
    "custom",
)
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
SUMMARY_KEYS = ("confidence", "feature_index", "consecutive_failures", "action", "error_message")


def _rule(
    rule_id: str, name: str, description: str, condition_type: str, params: dict[str, Any],
    severity: int, injection_type: InjectionType, template: str, actions: list[str],
    auto_pause: bool, timeout: int, default: str | None,
) -> EscalationRule:
    return EscalationRule(
        str(rule_id), name, description, condition_type, params, severity, injection_type.value,
        template, actions, auto_pause, timeout, default,
    )


def builtin_rules() -> list[EscalationRule]:
    """Fresh copies of the 8 built-in rules, in definition order."""
    return [
        _rule(BuiltinRule.LOW_CONFIDENCE, "Low Confidence Decision",
              "Agent confidence is below 50% for a decision",
              "threshold_below", {"field": "confidence", "threshold": 0.5}, 3,
              InjectionType.DECISION, "Agent confidence is {confidence:.0%} for: {decision_type}",
              ["Approve agent choice", "Select alternative", "Provide guidance"],
              False, 300, "Approve agent choice"),
        _rule(BuiltinRule.VERY_LOW_CONFIDENCE, "Very Low Confidence Decision",
              "Agent confidence is below 30%",
              "threshold_below", {"field": "confidence", "threshold": 0.3}, 4,
              InjectionType.GUIDANCE,
              "Agent confidence is very low ({confidence:.0%}). Context: {action}",
              ["Provide guidance", "Take over manually", "Skip this task"],
              True, 600, None),
        _rule(BuiltinRule.FEATURE_REGRESSION, "Feature Regression Detected",
              "A previously passing feature is now failing",
              "regression", {}, 4,
              InjectionType.REVIEW, "Feature #{feature_index} regressed from passing to failing",
              ["Investigate", "Rollback to checkpoint", "Accept regression"],
              True, 600, "Investigate"),
        _rule(BuiltinRule.MULTIPLE_FAILURES, "Multiple Consecutive Failures",
              "Agent has failed 3 or more times on the same feature",
              "threshold_above", {"field": "consecutive_failures", "threshold": 3}, 4,
              InjectionType.GUIDANCE,
              "Agent has failed {consecutive_failures} times on feature #{feature_index}",
              ["Skip feature", "Provide hints", "Take over manually"],
              True, 600, "Skip feature"),
        _rule(BuiltinRule.MANY_FAILURES, "Many Consecutive Failures",
              "Agent has failed 5 or more times and appears stuck",
              "threshold_above", {"field": "consecutive_failures", "threshold": 5}, 5,
              InjectionType.REDIRECT,
              "Agent stuck: {consecutive_failures} failures on feature #{feature_index}",
              ["Skip feature", "Change approach", "Abort session"],
              True, 900, None),
        _rule(BuiltinRule.IRREVERSIBLE_ACTION, "Irreversible Action Requested",
              "Agent wants to perform an action that cannot be undone",
              "equals", {"field": "is_irreversible", "value": True}, 5,
              InjectionType.APPROVAL, "Agent wants to perform irreversible action: {action}",
              ["Approve", "Deny", "Request checkpoint first"],
              True, 600, "Deny"),
        _rule(BuiltinRule.SOURCE_OF_TRUTH_CHANGE, "Source of Truth Modification",
              "Agent wants to modify the feature database (the source of truth)",
              "equals", {"field": "affects_source_of_truth", "value": True}, 3,
              InjectionType.APPROVAL, "Agent wants to modify source of truth: {action}",
              ["Approve", "Deny", "Review first"],
              False, 300, "Approve"),
        _rule(BuiltinRule.REPEATED_ERRORS, "Repeated Errors",
              "The same kind of error keeps occurring",
              "threshold_above", {"field": "error_count", "threshold": 3}, 3,
              InjectionType.REVIEW,
              "Error occurring repeatedly ({error_count} times): {error_message}",
              ["Investigate error", "Skip task", "Change approach"],
              False, 300, "Investigate error"),
    ]


BUILTIN_RULE_IDS = frozenset(rule.rule_id for rule in builtin_rules())


def sort_rules(rules: list[EscalationRule]) -> list[EscalationRule]:
    """Highest severity first; ties keep their order."""
    return sorted(rules, key=lambda rule: -_severity(rule))


def _severity(rule: EscalationRule) -> int:
    try:
        return int(rule.severity)
    except (TypeError, ValueError):
        return 0


def rule_severity(rule: EscalationRule) -> int:
    """The rule's severity moved into 1..5 (3 when it is not a number)."""
    number = _severity(rule) or 3
    return max(1, min(5, number))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and not math.isnan(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def evaluate_condition(
    rule: EscalationRule,
    context: dict[str, Any],
    custom_conditions: dict[str, ConditionFunction] | None = None,
) -> bool:
    """Whether `rule` fires for `context`; never raises (unusable rules do not fire)."""
    try:
        return _evaluate(rule, context, custom_conditions or {})
    except Exception:
        return False


def _evaluate(
    rule: EscalationRule, ctx: dict[str, Any], custom: dict[str, ConditionFunction]
) -> bool:
    params = rule.condition_params
    if not isinstance(params, dict):
        return False
    kind = rule.condition_type
    name = str(params.get("field"))
    if kind == "threshold_below":
        value, limit = _number(ctx.get(name, 1.0)), _number(params.get("threshold", 0))
        return value is not None and limit is not None and value < limit
    if kind == "threshold_above":
        value, limit = _number(ctx.get(name, 0)), _number(params.get("threshold", 0))
        return value is not None and limit is not None and value >= limit
    if kind == "equals":
        return bool(ctx.get(name) == params.get("value"))
    if kind == "not_equals":
        return bool(ctx.get(name) != params.get("value"))
    if kind == "regression":
        return bool(ctx.get("previously_passing", False)) and not ctx.get("currently_passing", True)
    if kind == "contains":
        substring, value = params.get("substring"), ctx.get(name)
        if not substring or value is None:
            return False
        return str(substring).casefold() in str(value).casefold()
    if kind == "threshold":
        return _compare(ctx, name, params)
    if kind == "custom":
        function = custom.get(str(params.get("function")))
        return bool(function(ctx, params)) if function else False
    return False


def _compare(ctx: dict[str, Any], name: Any, params: dict[str, Any]) -> bool:
    compare = OPERATORS.get(str(params.get("operator", "")).strip())
    expected = params.get("value", params.get("threshold"))
    if compare is None or expected is None or name not in ctx or ctx[name] is None:
        return False
    actual = ctx[name]
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return compare(left, right)
    if compare in (operator.eq, operator.ne):
        return compare(actual, expected)
    return False


_HUGE_NUMBER = re.compile(r"\d{4,}")


class _SafeFormatter(string.Formatter):
    """Formats known fields; anything it cannot format is shown as written."""

    def render(self, template: str, values: dict[str, Any]) -> str:
        try:
            parts = list(self.parse(template))
        except ValueError:
            return template
        out: list[str] = []
        for literal, field_name, spec, conversion in parts:
            out.append(literal)
            if field_name is None:
                continue
            written = "{" + field_name + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            # Attribute and index lookups would let a stored template reach into objects; a
            # width or precision of thousands would make a message of gigabytes.
            if (
                not field_name.isidentifier()
                or field_name not in values
                or "{" in (spec or "")
                or _HUGE_NUMBER.search(spec or "")
            ):
                out.append(written)
                continue
            value = values[field_name]
            try:
                value = self.convert_field(value, conversion) if conversion else value
                out.append(format(value, spec or ""))
            except Exception:
                out.append(safe_str(value))
        return "".join(out)


_FORMATTER = _SafeFormatter()


def format_message(template: str, context: dict[str, Any]) -> str:
    """Fill `{field}` / `{field:spec}` from `context`; never raises.

    A missing key, an attribute lookup or a malformed template stays as written; a value the
    spec cannot format (None under `.0%`, text under `d`) is shown with `str()`.
    """
    return _FORMATTER.render(str(template or ""), context)


def context_summary(context: dict[str, Any]) -> dict[str, Any]:
    """The keys worth logging with an escalation (present ones only)."""
    return {key: context[key] for key in SUMMARY_KEYS if key in context}


def check_rule(rule: EscalationRule, custom_functions: set[str] | None = None) -> list[RuleProblem]:
    """What is wrong with a rule; an empty list when it can work as written."""
    problems: list[RuleProblem] = []

    def report(level: str, message: str) -> None:
        problems.append(RuleProblem(rule.rule_id, level, message))

    params = rule.condition_params
    if not isinstance(params, dict):
        report("error", f"condition_params must be an object, not {type(params).__name__}")
        params = {}
    kind = rule.condition_type
    if kind not in CONDITION_TYPES:
        report("error", f"unknown condition type {kind!r}: the rule never fires")
    elif kind not in ("regression", "custom") and not isinstance(params.get("field"), str):
        report("error", f"{kind} condition needs a 'field' parameter")
    if kind in ("threshold_below", "threshold_above"):
        if "threshold" not in params:
            report("warning", f"{kind} condition has no 'threshold'; 0 is used")
        elif _number(params["threshold"]) is None:
            report("error", f"threshold {params['threshold']!r} is not a number")
    if kind in ("equals", "not_equals") and "value" not in params:
        report("warning", f"{kind} condition has no 'value'; it compares with null")
    if kind == "contains" and not params.get("substring"):
        report("error", "contains condition needs a non-empty 'substring'")
    if kind == "threshold":
        op = str(params.get("operator", ""))
        if op.strip() not in OPERATORS:
            report("error", f"operator {op!r} is not one of {' '.join(OPERATORS)}")
        if params.get("value", params.get("threshold")) is None:
            report("error", "threshold condition needs a 'value'")
    if kind == "custom":
        function = params.get("function")
        if not isinstance(function, str) or not function:
            report("error", "custom condition needs a 'function' parameter (a name)")
        elif function not in (custom_functions or set()):
            report("warning", f"custom function {function!r} is not registered in this process")
    if not isinstance(rule.severity, int) or not 1 <= rule.severity <= 5:
        report("error", f"severity must be 1-5, not {rule.severity!r}")
    if rule.injection_type not in [t.value for t in InjectionType]:
        report("warning", f"injection type {rule.injection_type!r} is not a known type")
    if not isinstance(rule.timeout_seconds, int) or rule.timeout_seconds < 0:
        report("error", f"timeout_seconds must be an integer >= 0, not {rule.timeout_seconds!r}")
    try:
        list(string.Formatter().parse(str(rule.message_template)))
    except ValueError as error:
        report("error", f"message template is malformed ({error}); it is shown as written")
    return problems


def should_escalate(context: EscalationContext | dict[str, Any]) -> EscalationResult | None:
    """The most severe built-in rule matching `context`, without logging anything."""
    values = context.to_dict() if isinstance(context, EscalationContext) else dict(context)
    for rule in sort_rules(builtin_rules()):
        if evaluate_condition(rule, values):
            return EscalationResult(
                rule=rule,
                context=values,
                timestamp=utc_now().isoformat(),
                message=format_message(rule.message_template, values),
                recommended_action=rule.suggested_actions[0]
                if rule.suggested_actions
                else "Review",
            )
    return None
