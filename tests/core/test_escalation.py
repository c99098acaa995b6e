"""EscalationEngine: built-in rules, conditions, safe messages, logging, persistence, hand-off."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.escalation.records import (
    EscalationContext,
    EscalationResult,
    EscalationRule,
)
from arcadia_core.managers.escalation.rules import (
    builtin_rules,
    check_rule,
    evaluate_condition,
    format_message,
    should_escalate,
)
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_core.managers.injection import InjectionType
from arcadia_core.models import EscalationLogModel, EscalationRuleModel, EventModel
from tests.clocks import ManualClock

ENGINE_ORDER = [
    "many_failures", "irreversible_action", "very_low_confidence", "feature_regression",
    "multiple_failures", "low_confidence", "source_of_truth_change", "repeated_errors",
]

BUILTINS = {
    # rule_id: (condition, params, severity, injection, auto_pause, timeout, default, actions)
    "low_confidence": ("threshold_below", {"field": "confidence", "threshold": 0.5}, 3,
                       "decision", False, 300, "Approve agent choice",
                       ["Approve agent choice", "Select alternative", "Provide guidance"]),
    "very_low_confidence": ("threshold_below", {"field": "confidence", "threshold": 0.3}, 4,
                            "guidance", True, 600, None,
                            ["Provide guidance", "Take over manually", "Skip this task"]),
    "feature_regression": ("regression", {}, 4, "review", True, 600, "Investigate",
                           ["Investigate", "Rollback to checkpoint", "Accept regression"]),
    "multiple_failures": ("threshold_above", {"field": "consecutive_failures", "threshold": 3},
                          4, "guidance", True, 600, "Skip feature",
                          ["Skip feature", "Provide hints", "Take over manually"]),
    "many_failures": ("threshold_above", {"field": "consecutive_failures", "threshold": 5}, 5,
                      "redirect", True, 900, None,
                      ["Skip feature", "Change approach", "Abort session"]),
    "irreversible_action": ("equals", {"field": "is_irreversible", "value": True}, 5,
                            "approval", True, 600, "Deny",
                            ["Approve", "Deny", "Request checkpoint first"]),
    "source_of_truth_change": ("equals", {"field": "affects_source_of_truth", "value": True},
                               3, "approval", False, 300, "Approve",
                               ["Approve", "Deny", "Review first"]),
    "repeated_errors": ("threshold_above", {"field": "error_count", "threshold": 3}, 3,
                        "review", False, 300, "Investigate error",
                        ["Investigate error", "Skip task", "Change approach"]),
}

TEMPLATES = {
    "low_confidence": "Agent confidence is {confidence:.0%} for: {decision_type}",
    "very_low_confidence": "Agent confidence is very low ({confidence:.0%}). Context: {action}",
    "feature_regression": "Feature #{feature_index} regressed from passing to failing",
    "multiple_failures": (
        "Agent has failed {consecutive_failures} times on feature #{feature_index}"
    ),
    "many_failures": "Agent stuck: {consecutive_failures} failures on feature #{feature_index}",
    "irreversible_action": "Agent wants to perform irreversible action: {action}",
    "source_of_truth_change": "Agent wants to modify source of truth: {action}",
    "repeated_errors": "Error occurring repeatedly ({error_count} times): {error_message}",
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(db: Database, clock: ManualClock) -> EscalationEngine:
    return EscalationEngine(db, session_id=6, clock=clock)


def rule(condition_type: str, **params: Any) -> EscalationRule:
    return EscalationRule("r", "R", "", condition_type, params, 3, "decision", "m", ["A"])


async def test_the_eight_builtins_exactly(engine: EscalationEngine) -> None:
    rules = await engine.get_rules_async()
    assert [r.rule_id for r in rules] == ENGINE_ORDER
    for item in rules:
        condition, params, severity, injection, pause, timeout, default, actions = BUILTINS[
            item.rule_id
        ]
        assert (item.condition_type, item.condition_params, item.severity) == (
            condition, params, severity,
        )
        assert (item.injection_type, item.auto_pause, item.timeout_seconds) == (
            injection, pause, timeout,
        )
        assert (item.default_action, item.suggested_actions) == (default, actions)
        assert item.message_template == TEMPLATES[item.rule_id]
        assert check_rule(item) == []


@pytest.mark.parametrize(
    ("condition", "context", "fires"),
    [
        (rule("threshold_below", field="confidence", threshold=0.5), {"confidence": 0.49}, True),
        (rule("threshold_below", field="confidence", threshold=0.5), {"confidence": 0.5}, False),
        (rule("threshold_below", field="confidence", threshold=0.5), {}, False),
        (rule("threshold_below", field="confidence", threshold=0.5), {"confidence": None}, False),
        (rule("threshold_below", field="confidence", threshold=0.5), {"confidence": "x"}, False),
        (rule("threshold_above", field="n", threshold=3), {"n": 3}, True),
        (rule("threshold_above", field="n", threshold=3), {"n": 2}, False),
        (rule("threshold_above", field="n", threshold=0), {}, True),
        (rule("threshold_above", field="n", threshold=3), {"n": None}, False),
        (rule("equals", field="flag", value=True), {"flag": True}, True),
        (rule("equals", field="flag", value=True), {}, False),
        (rule("not_equals", field="state", value="ok"), {"state": "bad"}, True),
        (rule("not_equals", field="state", value="ok"), {}, True),
        (rule("not_equals", field="state", value="ok"), {"state": "ok"}, False),
        (rule("regression"), {"previously_passing": True, "currently_passing": False}, True),
        (rule("regression"), {"previously_passing": True, "currently_passing": True}, False),
        (rule("regression"), {}, False),
        (rule("contains", field="error", substring="TimeOut"), {"error": "a timeout!"}, True),
        (rule("contains", field="error", substring="none"), {"error": None}, False),
        (rule("contains", field="error", substring="x"), {}, False),
        (rule("threshold", field="n", operator=">", value=2), {"n": 3}, True),
        (rule("threshold", field="n", operator=">", value=3), {"n": 3}, False),
        (rule("threshold", field="n", operator=">=", value=3), {"n": 3}, True),
        (rule("threshold", field="n", operator="<", value=3), {"n": 2.5}, True),
        (rule("threshold", field="n", operator="<=", value=3), {"n": 4}, False),
        (rule("threshold", field="n", operator="==", value=3), {"n": 3.0}, True),
        (rule("threshold", field="n", operator="!=", value=3), {"n": 3}, False),
        (rule("threshold", field="s", operator="==", value="ok"), {"s": "ok"}, True),
        (rule("threshold", field="s", operator=">", value=1), {"s": "abc"}, False),
        (rule("threshold", field="n", operator="<", threshold=3), {"n": 1}, True),
        (rule("threshold", field="n", operator="~", value=3), {"n": 3}, False),
        (rule("threshold", field="n", operator=">", value=1), {}, False),
        (rule("threshold", field="n", operator=">", value=1), {"n": None}, False),
        (rule("sometimes", field="n"), {"n": 1}, False),
        (rule("custom", function="nope"), {}, False),
    ],
)
def test_conditions(condition: EscalationRule, context: dict[str, Any], fires: bool) -> None:
    assert evaluate_condition(condition, context) is fires


def test_custom_conditions_and_broken_ones_never_raise() -> None:
    def boom(ctx: dict[str, Any], params: dict[str, Any]) -> bool:
        raise RuntimeError("broken")

    custom = rule("custom", function="big")
    assert evaluate_condition(custom, {"n": 9}, {"big": lambda c, p: c["n"] > 5})
    assert not evaluate_condition(custom, {"n": 9}, {"big": boom})
    broken = replace(rule("threshold_above"), condition_params=["not", "a", "dict"])  # type: ignore[arg-type]
    assert not evaluate_condition(broken, {})


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{confidence:.0%} for: {decision_type}", {"confidence": 0.25, "decision_type": "x"},
         "25% for: x"),
        ("Context: {action}", {"confidence": 0.1}, "Context: {action}"),
        ("{confidence:.0%}", {"confidence": None}, "None"),
        ("{confidence:.0%}", {"confidence": "high"}, "high"),
        ("feature #{feature_index}", {"feature_index": None}, "feature #None"),
        ("{} and {0}", {"a": 1}, "{} and {0}"),
        ("unbalanced {oops", {"oops": 1}, "unbalanced {oops"),
        ("{action.__class__} {action[0]}", {"action": "rm"}, "{action.__class__} {action[0]}"),
        ("{a!r} {{literal}} {a:>{width}}", {"a": "x", "width": 3}, "'x' {literal} {a:>{width}}"),
    ],
)
def test_format_message_never_raises(template: str, context: dict[str, Any], expected: str) -> None:
    assert format_message(template, context) == expected


def test_context_dict_merges_custom_keys() -> None:
    context = EscalationContext(confidence=0.2, custom={"confidence": 0.9, "branch": "main"})
    data = context.to_dict()
    assert data["confidence"] == 0.9 and data["branch"] == "main" and "custom" not in data


async def test_evaluate_returns_the_most_severe_and_logs_every_match(
    engine: EscalationEngine, db: Database, clock: ManualClock
) -> None:
    context = EscalationContext(
        confidence=0.2, consecutive_failures=6, feature_index=4, action="rewrite db",
    )
    result = await engine.evaluate_async(context)
    assert isinstance(result, EscalationResult)
    assert result.rule.rule_id == "many_failures"
    assert result.message == "Agent stuck: 6 failures on feature #4"
    assert result.recommended_action == "Skip feature"
    async with db.read() as session:
        logs = list(
            await session.scalars(select(EscalationLogModel).order_by(EscalationLogModel.id))
        )
        events = list(await session.scalars(select(EventModel)))
    assert [log.rule_id for log in logs] == [
        "many_failures", "very_low_confidence", "multiple_failures", "low_confidence",
    ]
    assert logs[0].session_id == 6 and logs[0].timestamp == clock.now
    assert logs[0].context_summary == {
        "confidence": 0.2, "feature_index": 4, "consecutive_failures": 6,
        "action": "rewrite db", "error_message": None,
    }
    assert result.log_id == logs[0].id
    assert [e.type for e in events] == ["escalation_triggered"] * 4
    assert events[0].payload["rule_id"] == "many_failures" and events[0].session_id == 6
    everything = await engine.evaluate_async({"confidence": 0.4}, return_all=True)
    assert isinstance(everything, list)
    assert [r.rule_id for r in (x.rule for x in everything)] == ["low_confidence"]
    assert everything[0].message == "Agent confidence is 40% for: {decision_type}"
    assert await engine.evaluate_async(EscalationContext()) is None
    assert (await engine.get_stats_async()) == {
        "total_escalations": 5,
        "by_rule": {"low_confidence": 2, "many_failures": 1, "multiple_failures": 1,
                    "very_low_confidence": 1},
        "by_severity": {3: 2, 4: 2, 5: 1},
    }
    history = await engine.get_escalation_history_async(limit=2)
    assert [h["rule_id"] for h in history] == ["low_confidence", "low_confidence"]
    only = await engine.get_escalation_history_async(rule_id="many_failures")
    assert [h["rule_id"] for h in only] == ["many_failures"]


async def test_rule_changes_persist_across_engines(db: Database, clock: ManualClock) -> None:
    engine = EscalationEngine(db, clock=clock)
    custom = EscalationRule(
        "slow_tests", "Slow tests", "suite too slow", "threshold",
        {"field": "test_seconds", "operator": ">", "value": 600}, 2, "review",
        "Tests took {test_seconds}s", ["Investigate", "Ignore"],
    )
    await engine.add_rule_async(custom)
    edited = replace(next(r for r in builtin_rules() if r.rule_id == "low_confidence"), severity=5)
    await engine.add_rule_async(edited)
    assert await engine.remove_rule_async("repeated_errors")
    assert not await engine.remove_rule_async("repeated_errors")
    assert not await engine.remove_rule_async("no_such_rule")

    fresh = EscalationEngine(db)
    rules = {r.rule_id: r for r in await fresh.get_rules_async()}
    assert rules["slow_tests"] == custom and rules["low_confidence"].severity == 5
    assert "repeated_errors" not in rules
    assert [r.rule_id for r in await fresh.get_rules_async()][:3] == [
        "many_failures", "irreversible_action", "low_confidence",
    ]
    result = await fresh.evaluate_async({"test_seconds": 900, "confidence": 1.0})
    assert isinstance(result, EscalationResult) and result.message == "Tests took 900s"
    listing = {s.rule.rule_id: s for s in await fresh.list_rules_async()}
    assert (listing["repeated_errors"].enabled, listing["repeated_errors"].source) == (
        False, "builtin",
    )
    assert listing["low_confidence"].source == "builtin (edited)"
    assert listing["slow_tests"].source == "custom"

    assert await fresh.set_rule_enabled_async("repeated_errors", True)
    assert await fresh.remove_rule_async("slow_tests")
    assert await fresh.reset_rule_async("low_confidence")
    assert not await fresh.reset_rule_async("slow_tests")
    rules = {r.rule_id: r for r in await EscalationEngine(db).get_rules_async()}
    assert "slow_tests" not in rules and rules["low_confidence"].severity == 3
    assert "repeated_errors" in rules
    async with db.read() as session:
        stored = {row.rule_id: row for row in await session.scalars(select(EscalationRuleModel))}
    assert set(stored) == {"slow_tests"}  # the re-enabled untouched built-in leaves no row
    assert stored["slow_tests"].is_custom and not stored["slow_tests"].is_enabled
    assert await EscalationEngine(db, load_custom=False).get_rule_async("slow_tests") is None


async def test_invalid_rules_are_refused(engine: EscalationEngine) -> None:
    with pytest.raises(InvalidInput, match="unknown condition type"):
        await engine.add_rule_async(rule("sometimes", field="x"))
    with pytest.raises(InvalidInput, match="operator"):
        await engine.add_rule_async(rule("threshold", field="x", operator="=>", value=1))


async def test_stored_rules_with_unknown_types_never_crash_and_are_reported(
    engine: EscalationEngine, db: Database
) -> None:
    async with db.transaction() as session:
        session.add_all([
            EscalationRuleModel(
                rule_id="legacy_threshold", name="Legacy", description="",
                condition_type="threshold",
                condition_params={"field": "error_count", "operator": ">=", "value": 2},
                severity=2, injection_type="review", message_template="{error_count} errors",
                suggested_actions=["Look"],
            ),
            EscalationRuleModel(
                rule_id="weird", name="Weird", description="", condition_type="regex_match",
                condition_params={"field": "x"}, severity=9, injection_type="poke",
                message_template="{bad", suggested_actions=[],
            ),
        ])
    results = await engine.evaluate_async({"error_count": 2, "x": "anything"}, return_all=True)
    assert [r.rule.rule_id for r in results] == ["legacy_threshold"]  # type: ignore[union-attr]
    problems = await engine.check_rules_async()
    assert {p.rule_id for p in problems} == {"weird"}
    messages = " | ".join(p.message for p in problems)
    assert "unknown condition type 'regex_match'" in messages
    assert "severity" in messages and "template" in messages and "poke" in messages
    engine.register_condition("ok", lambda c, p: True)
    assert check_rule(rule("custom", function="ok"), {"ok"}) == []
    assert check_rule(rule("custom", function="ok"))[0].level == "warning"


async def test_escalate_opens_an_injection_point_from_the_rule(
    engine: EscalationEngine, db: Database, clock: ManualClock
) -> None:
    result = await engine.evaluate_async(EscalationContext(is_irreversible=True, action="drop db"))
    assert isinstance(result, EscalationResult)
    point = await engine.escalate_async(result)
    assert (point.point_type, point.options, point.recommendation) == (
        "approval", ["Approve", "Deny", "Request checkpoint first"], "Approve",
    )
    assert (point.timeout_seconds, point.default_on_timeout, point.severity) == (600, "Deny", 5)
    assert point.message == "Agent wants to perform irreversible action: drop db"
    assert point.escalation_rule_id == "irreversible_action" and point.session_id == 6
    assert point.context["action"] == "drop db"
    waiting = asyncio.create_task(engine.escalate_and_wait_async(result, poll_interval=0.01))
    await asyncio.sleep(0.05)
    clock.advance(600)
    response = await asyncio.wait_for(waiting, 5)
    assert (response.response, response.responded_by) == ("Deny", "timeout_default")
    assert len(await HumanInterface(db).get_pending_async()) == 1


async def test_an_interrupted_escalation_wait_withdraws_its_point(
    engine: EscalationEngine, db: Database
) -> None:
    result = await engine.evaluate_async(EscalationContext(is_irreversible=True, action="drop db"))
    assert isinstance(result, EscalationResult)
    waiting = asyncio.create_task(engine.escalate_and_wait_async(result, poll_interval=0.01))
    human = HumanInterface(db)
    for _ in range(200):
        pending = await human.get_pending_async()
        if pending:
            break
        await asyncio.sleep(0.01)
    [point] = pending
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    stored = await human.get_point_async(point.point_id)
    assert (stored.status, stored.responded_by) == ("cancelled", "agent")


def test_should_escalate_uses_builtins_only_and_logs_nothing() -> None:
    result = should_escalate(EscalationContext(error_count=4, error_message="ENOSPC"))
    assert result is not None and result.rule.rule_id == "repeated_errors"
    assert result.message == "Error occurring repeatedly (4 times): ENOSPC"
    assert should_escalate({}) is None


async def test_blocking_forms_inside_a_running_loop(engine: EscalationEngine) -> None:
    assert len(engine.get_rules()) == 8 and engine.rules == engine.get_rules()
    assert engine.get_rule("low_confidence") is not None
    match = engine.evaluate({"confidence": 0.1})
    assert isinstance(match, EscalationResult) and match.rule.rule_id == "very_low_confidence"
    assert engine.get_stats()["total_escalations"] == 2
    assert engine.remove_rule("low_confidence") is True
    assert len(engine.get_escalation_history()) == 2
    assert engine.escalate(match).point_type == InjectionType.GUIDANCE


def test_rule_dict_round_trip() -> None:
    original = builtin_rules()[0]
    assert EscalationRule.from_dict({**original.to_dict(), "is_enabled": True}) == original
    with pytest.raises(InvalidInput, match="missing"):
        EscalationRule.from_dict({"rule_id": "x"})
