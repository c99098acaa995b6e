"""EscalationEngine: rules that decide when the agent must involve a person.

The rule set is the 8 built-ins plus what `escalation_rules` stores, re-read on every call so a
rule edited by another process applies at once. A stored row with a built-in's id overrides
it; a row with `is_enabled = 0` removes that rule (built-in or custom) until it is enabled
again; `reset_rule` restores a built-in. Every match is logged to `escalation_logs` with an
`escalation_triggered` event, in one transaction. `escalate` turns a match into an injection
point with the rule's type, suggested actions as options, first action as recommendation,
and the rule's timeout and default.

Method forms: ArcadiaForge's plain methods (`evaluate`, `add_rule`, `remove_rule`,
`get_rules`, `get_rule`, `get_escalation_history`, `get_stats`) are blocking twins of the
`_async` methods that do the work; the new ones follow the same pattern.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.escalation.queries import (
    escalation_history,
    escalation_stats,
    log_escalation,
    stored_rules,
)
from arcadia_core.managers.escalation.records import (
    EscalationContext,
    EscalationResult,
    EscalationRule,
    RuleProblem,
    StoredRule,
)
from arcadia_core.managers.escalation.rules import (
    BUILTIN_RULE_IDS,
    ConditionFunction,
    builtin_rules,
    check_rule,
    evaluate_condition,
    format_message,
    rule_severity,
)
from arcadia_core.managers.injection import (
    HumanInterface,
    InjectionPoint,
    InjectionResponse,
    json_safe,
)
from arcadia_core.managers.injection import InjectionType as InjectionType
from arcadia_core.models import EscalationRuleModel
from arcadia_core.sync import blocking


class EscalationEngine:
    """Evaluate contexts against the rules, log matches, and open injection points for them."""

    def __init__(
        self,
        db: Database,
        load_custom: bool = True,
        session_id: int = 0,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.load_custom = load_custom
        self.session_id = session_id
        self.clock = clock
        self._conditions: dict[str, ConditionFunction] = {}

    def update_session_id(self, session_id: int) -> None:
        """Log later escalations and points under `session_id`."""
        self.session_id = session_id

    async def init_async(self) -> EscalationEngine:
        """Kept for ArcadiaForge callers; rules are read on every call."""
        return self

    def register_condition(self, name: str, function: ConditionFunction) -> None:
        """Make `custom` rules with `{"function": name}` call `function(context, params)`."""
        self._conditions[name] = function

    def _custom_conditions(self) -> dict[str, ConditionFunction]:
        conditions = dict(self._conditions)
        for attribute in dir(self):
            if attribute.startswith("_condition_"):
                conditions.setdefault(
                    attribute.removeprefix("_condition_"), getattr(self, attribute)
                )
        return conditions

    # -- rules -------------------------------------------------------------------------------

    async def list_rules_async(self) -> list[StoredRule]:
        """Every rule, disabled ones included, highest severity first."""
        async with self.db.read() as session:
            return await stored_rules(session, load_custom=self.load_custom)

    async def get_rules_async(self) -> list[EscalationRule]:
        """The enabled rules, highest severity first (ties keep definition order)."""
        return [s.rule for s in await self.list_rules_async() if s.enabled]

    async def get_rule_async(self, rule_id: str) -> EscalationRule | None:
        """One enabled rule by id, or None."""
        return next((r for r in await self.get_rules_async() if r.rule_id == rule_id), None)

    async def add_rule_async(self, rule: EscalationRule) -> None:
        """Store a rule (a new one, or an edit of a built-in or custom one) and enable it."""
        errors = [
            p.message
            for p in check_rule(rule, set(self._custom_conditions()))
            if p.level == "error"
        ]
        if errors:
            raise InvalidInput(f"rule {rule.rule_id!r}: {'; '.join(errors)}", title="Invalid rule")
        now = self.clock()
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(EscalationRuleModel).where(EscalationRuleModel.rule_id == rule.rule_id)
            )
            if row is None:
                row = EscalationRuleModel(rule_id=rule.rule_id, created_at=now)
                session.add(row)
            for name, value in json_safe(rule.to_dict()).items():
                setattr(row, name, value)
            row.is_custom = rule.rule_id not in BUILTIN_RULE_IDS
            row.is_enabled = True
            row.updated_at = now

    async def set_rule_enabled_async(self, rule_id: str, enabled: bool) -> bool:
        """Enable or disable a rule; False if it does not exist or is already so."""
        now = self.clock()
        async with self.db.transaction() as session:
            current = {s.rule.rule_id: s for s in await stored_rules(session)}
            stored = current.get(rule_id)
            if stored is None or stored.enabled == enabled:
                return False
            row = await session.scalar(
                select(EscalationRuleModel).where(EscalationRuleModel.rule_id == rule_id)
            )
            if row is None:  # an untouched built-in: store it, disabled
                row = EscalationRuleModel(rule_id=rule_id, created_at=now, is_custom=False)
                for name, value in stored.rule.to_dict().items():
                    setattr(row, name, value)
                session.add(row)
            original = next((r for r in builtin_rules() if r.rule_id == rule_id), None)
            if enabled and original is not None and stored.rule == original:
                await session.delete(row)  # re-enabling an untouched built-in: nothing to store
            else:
                row.is_enabled = enabled
                row.updated_at = now
        return True

    async def remove_rule_async(self, rule_id: str) -> bool:
        """Remove (disable) a rule so it stays gone after a restart; False if it is not active."""
        return await self.set_rule_enabled_async(rule_id, False)

    async def reset_rule_async(self, rule_id: str) -> bool:
        """Restore a built-in rule to its original definition (enabled); False for other ids."""
        if rule_id not in BUILTIN_RULE_IDS:
            return False
        async with self.db.transaction() as session:
            result = await session.execute(
                delete(EscalationRuleModel).where(EscalationRuleModel.rule_id == rule_id)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def check_rules_async(self) -> list[RuleProblem]:
        """Problems with the stored rules (unknown condition types, bad parameters, ...)."""
        known = set(self._custom_conditions())
        problems: list[RuleProblem] = []
        for stored in await self.list_rules_async():
            problems += check_rule(stored.rule, known)
        return problems

    # -- evaluation --------------------------------------------------------------------------

    async def evaluate_async(
        self, context: EscalationContext | dict[str, Any], return_all: bool = False
    ) -> EscalationResult | list[EscalationResult] | None:
        """Log every matching rule; return the most severe match (all with `return_all`)."""
        values = context.to_dict() if isinstance(context, EscalationContext) else dict(context)
        rules = await self.get_rules_async()
        conditions = self._custom_conditions()
        now = self.clock()
        results = [
            EscalationResult(
                rule=rule,
                context=values,
                timestamp=now.isoformat(),
                message=format_message(rule.message_template, values),
                recommended_action=rule.suggested_actions[0]
                if rule.suggested_actions
                else "Review",
            )
            for rule in rules
            if evaluate_condition(rule, values, conditions)
        ]
        if results:
            async with self.db.transaction() as session:
                for result in results:
                    await log_escalation(session, result, self.session_id, now)
        if return_all:
            return results
        return results[0] if results else None

    def _human(self, poll_interval: float) -> HumanInterface:
        return HumanInterface(
            self.db, self.session_id, poll_interval=poll_interval, clock=self.clock
        )

    async def escalate_async(self, result: EscalationResult) -> InjectionPoint:
        """Open a pending injection point for a fired rule (does not wait)."""
        rule = result.rule
        return await self._human(0.1).create_point_async(
            point_type=rule.injection_type,
            context=result.context,
            options=rule.suggested_actions,
            recommendation=result.recommended_action,
            timeout_seconds=rule.timeout_seconds,
            default_on_timeout=rule.default_action,
            message=result.message,
            severity=rule_severity(rule),
            escalation_rule_id=rule.rule_id,
        )

    async def escalate_and_wait_async(
        self, result: EscalationResult, poll_interval: float = 0.1
    ) -> InjectionResponse:
        """Open an injection point for a fired rule and wait for its outcome.

        Cancelling the wait withdraws the point (status cancelled, by `agent`), as
        `HumanInterface.request_input` does.
        """
        point = await self.escalate_async(result)
        return await self._human(poll_interval).wait_as_asker_async(point.point_id)

    # -- history -----------------------------------------------------------------------------

    async def get_escalation_history_async(
        self, limit: int = 50, rule_id: str | None = None, session_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The newest logged escalations, newest first."""
        async with self.db.read() as session:
            return await escalation_history(session, limit, rule_id, session_id)

    async def get_stats_async(self) -> dict[str, Any]:
        """Total escalations, and counts by rule and by severity (over the whole log)."""
        async with self.db.read() as session:
            return await escalation_stats(session)

    @property
    def rules(self) -> list[EscalationRule]:
        """The enabled rules, highest severity first (a fresh read)."""
        return self.get_rules()

    evaluate = blocking(evaluate_async)
    list_rules = blocking(list_rules_async)
    get_rules = blocking(get_rules_async)
    get_rule = blocking(get_rule_async)
    add_rule = blocking(add_rule_async)
    set_rule_enabled = blocking(set_rule_enabled_async)
    remove_rule = blocking(remove_rule_async)
    reset_rule = blocking(reset_rule_async)
    check_rules = blocking(check_rules_async)
    escalate = blocking(escalate_async)
    escalate_and_wait = blocking(escalate_and_wait_async)
    get_escalation_history = blocking(get_escalation_history_async)
    get_stats = blocking(get_stats_async)


def create_escalation_engine(db: Database, session_id: int = 0) -> EscalationEngine:
    """An engine on `db` (ArcadiaForge's factory, taking the database)."""
    return EscalationEngine(db, session_id=session_id)


async def create_escalation_engine_async(db: Database, session_id: int = 0) -> EscalationEngine:
    """Async form of `create_escalation_engine`."""
    return EscalationEngine(db, session_id=session_id)


