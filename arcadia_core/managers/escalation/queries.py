"""Escalation reads and writes: the stored rules merged with the built-ins, the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.events import EventType, record_event
from arcadia_core.managers.escalation.records import EscalationResult, EscalationRule, StoredRule
from arcadia_core.managers.escalation.rules import (
    builtin_rules,
    context_summary,
    rule_severity,
    sort_rules,
)
from arcadia_core.managers.injection import InjectionType as InjectionType
from arcadia_core.managers.injection import json_safe
from arcadia_core.models import EscalationLogModel, EscalationRuleModel


def rule_from_row(row: EscalationRuleModel) -> EscalationRule:
    """A stored rule, with unusable values kept as they are so `check_rule` can report them."""
    return EscalationRule(
        rule_id=row.rule_id,
        name=row.name or row.rule_id,
        description=row.description or "",
        condition_type=row.condition_type or "",
        condition_params=row.condition_params if row.condition_params is not None else {},
        severity=row.severity if row.severity is not None else 3,
        injection_type=row.injection_type or InjectionType.DECISION.value,
        message_template=row.message_template or "",
        suggested_actions=[str(a) for a in row.suggested_actions or []]
        if isinstance(row.suggested_actions, list)
        else [],
        auto_pause=bool(row.auto_pause),
        timeout_seconds=row.timeout_seconds if row.timeout_seconds is not None else 300,
        default_action=row.default_action,
    )


async def stored_rules(session: AsyncSession, *, load_custom: bool = True) -> list[StoredRule]:
    """Built-ins merged with the stored rows (all of them, enabled or not), by severity."""
    originals = {rule.rule_id: rule for rule in builtin_rules()}
    merged = [StoredRule(rule, True, False, True) for rule in sort_rules(builtin_rules())]
    if load_custom:
        rows = await session.scalars(select(EscalationRuleModel).order_by(EscalationRuleModel.id))
        for row in rows:
            rule = rule_from_row(row)
            original = originals.get(row.rule_id)
            stored = StoredRule(
                rule,
                builtin=original is not None,
                overridden=original is not None and rule != original,
                enabled=bool(row.is_enabled),
            )
            index = next(
                (i for i, item in enumerate(merged) if item.rule.rule_id == row.rule_id), None
            )
            if index is None:
                merged.append(stored)
            else:
                merged[index] = stored
    order = {id(rule): i for i, rule in enumerate(sort_rules([s.rule for s in merged]))}
    return sorted(merged, key=lambda s: order[id(s.rule)])


async def log_escalation(
    session: AsyncSession, result: EscalationResult, session_id: int, now: datetime
) -> None:
    """Log a fired rule in `escalation_logs`, with its `escalation_triggered` event."""
    summary = json_safe(context_summary(result.context))
    row = EscalationLogModel(
        timestamp=now,
        session_id=session_id,
        rule_id=result.rule.rule_id,
        severity=rule_severity(result.rule),
        message=result.message,
        context_summary=summary,
    )
    session.add(row)
    await session.flush()
    result.log_id = row.id
    await record_event(
        session,
        session_id=session_id,
        event_type=EventType.ESCALATION_TRIGGERED,
        timestamp=now,
        data={
            "log_id": row.id,
            "rule_id": result.rule.rule_id,
            "severity": rule_severity(result.rule),
            "message": result.message,
            "injection_type": result.rule.injection_type,
            "auto_pause": result.rule.auto_pause,
            "context_summary": summary,
        },
    )


async def escalation_history(
    session: AsyncSession,
    limit: int = 50,
    rule_id: str | None = None,
    session_id: int | None = None,
) -> list[dict[str, Any]]:
    """The newest logged escalations, newest first."""
    table = EscalationLogModel
    query = select(table).order_by(table.id.desc()).limit(limit)
    if rule_id is not None:
        query = query.where(table.rule_id == rule_id)
    if session_id is not None:
        query = query.where(table.session_id == session_id)
    rows = list(await session.scalars(query))
    return [
        {
            "id": row.id,
            "timestamp": row.timestamp.isoformat(),
            "session_id": row.session_id,
            "rule_id": row.rule_id,
            "severity": row.severity,
            "message": row.message,
            "context_summary": dict(row.context_summary or {}),
        }
        for row in rows
    ]


async def escalation_stats(session: AsyncSession) -> dict[str, Any]:
    """Total escalations, and counts by rule and by severity (over the whole log)."""
    table = EscalationLogModel
    total = await session.scalar(select(func.count()).select_from(table)) or 0
    by_rule = (
        await session.execute(select(table.rule_id, func.count()).group_by(table.rule_id))
    ).all()
    by_severity = (
        await session.execute(select(table.severity, func.count()).group_by(table.severity))
    ).all()
    return {
        "total_escalations": total,
        "by_rule": {str(key): int(count) for key, count in sorted(by_rule)},
        "by_severity": {int(key): int(count) for key, count in sorted(by_severity)},
    }
