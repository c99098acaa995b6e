"""The queries behind `HumanInterface`, as plain functions taking a session.

A point moves from `pending` to exactly one of `responded`, `timeout` or `cancelled`, always
through `resolve_point`: one conditional UPDATE (`WHERE status = 'pending'`) whose row count
says whether this caller won. Every terminal outcome records a `human_response` event in the
same transaction.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.db.types import iso_text, parse_timestamp
from arcadia_core.events import EventType, record_event
from arcadia_core.managers.injection.records import InjectionPoint, NewPoint, point_from_row
from arcadia_core.models import InjectionPointModel
from arcadia_core.vocabulary import RESPONDED_BY_MAX, PointStatus, RespondedBy


async def find_point(session: AsyncSession, point_id: str) -> InjectionPoint | None:
    """The point with this id, read fresh from the database, or None."""
    row = await session.scalar(
        select(InjectionPointModel)
        .where(InjectionPointModel.point_id == point_id)
        .execution_options(populate_existing=True)
    )
    return None if row is None else point_from_row(row)


async def insert_point(
    session: AsyncSession, new: NewPoint, *, session_id: int, now: datetime
) -> InjectionPoint:
    """Insert a pending point named `INJ-{session}-{rowid}` and record `human_injection`."""
    placeholder = f"new-{uuid.uuid4().hex}"
    row = InjectionPointModel(
        point_id=placeholder,
        timestamp=now,
        session_id=session_id,
        point_type=new.point_type,
        context=new.context,
        options=new.options,
        recommendation=new.recommendation,
        timeout_seconds=new.timeout_seconds,
        default_on_timeout=new.default_on_timeout,
        responded_by=RespondedBy.PENDING,
        status=PointStatus.PENDING,
        escalation_rule_id=new.escalation_rule_id,
        message=new.message,
        severity=new.severity,
    )
    session.add(row)
    await session.flush()
    # The row id is unique across processes; a legacy point may already use the plain name.
    candidate = f"INJ-{session_id}-{row.id}"
    suffix = 1
    while await session.scalar(
        select(InjectionPointModel.id).where(InjectionPointModel.point_id == candidate)
    ):
        suffix += 1
        candidate = f"INJ-{session_id}-{row.id}.{suffix}"
    row.point_id = candidate
    await session.flush()
    point = point_from_row(row)
    await record_event(
        session,
        session_id=session_id,
        event_type=EventType.HUMAN_INJECTION,
        timestamp=now,
        data={
            "point_id": point.point_id,
            "point_type": point.point_type,
            "severity": point.severity,
            "message": point.message,
            "options": point.options,
            "recommendation": point.recommendation,
            "timeout_seconds": point.timeout_seconds,
            "default_on_timeout": point.default_on_timeout,
            "escalation_rule_id": point.escalation_rule_id,
            **new.extra_event_data,
        },
    )
    return point


async def resolve_point(
    session: AsyncSession,
    point: InjectionPoint,
    *,
    status: PointStatus,
    responded_by: str,
    now: datetime,
    response: str | None = None,
    set_response: bool = True,
) -> InjectionPoint | None:
    """Move `point` to `status` if it is still pending; the resolved point when this call won.

    Only the outcome columns of a point ever change, so the resolved point is `point` with
    the values written, without reading the row again.
    """
    resolved = dataclasses.replace(
        point,
        status=status,
        responded_by=responded_by[:RESPONDED_BY_MAX],
        responded_at=parse_timestamp(now),
        response=response if set_response else point.response,
    )
    values: dict[str, Any] = {
        "status": resolved.status,
        "responded_by": resolved.responded_by,
        "responded_at": now,
    }
    if set_response:
        values["response"] = response
    result = await session.execute(
        update(InjectionPointModel)
        .where(
            InjectionPointModel.point_id == point.point_id,
            InjectionPointModel.status == PointStatus.PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    await record_event(
        session,
        session_id=resolved.session_id,
        event_type=EventType.HUMAN_RESPONSE,
        timestamp=now,
        data={
            "point_id": resolved.point_id,
            "point_type": resolved.point_type,
            "status": status,
            "responded": status == PointStatus.RESPONDED,
            "response": resolved.response,
            "responded_by": resolved.responded_by,
            "escalation_rule_id": resolved.escalation_rule_id,
        },
    )
    return resolved


async def pending_points(session: AsyncSession) -> list[InjectionPoint]:
    """Every pending point, most severe first, then oldest first."""
    rows = await session.scalars(
        select(InjectionPointModel)
        .where(InjectionPointModel.status == PointStatus.PENDING)
        .order_by(
            InjectionPointModel.severity.desc(),
            InjectionPointModel.timestamp.asc(),
            InjectionPointModel.id.asc(),
        )
    )
    return [point_from_row(row) for row in rows]


async def pending_older_than(session: AsyncSession, cutoff: datetime) -> list[InjectionPoint]:
    """Pending points created before `cutoff`, oldest first."""
    rows = await session.scalars(
        select(InjectionPointModel)
        .where(
            InjectionPointModel.status == PointStatus.PENDING,
            InjectionPointModel.timestamp < cutoff,
        )
        .order_by(InjectionPointModel.id.asc())
    )
    return [point_from_row(row) for row in rows]


async def history(
    session: AsyncSession, *, limit: int, session_id: int | None
) -> list[dict[str, Any]]:
    """The newest `limit` points as ArcadiaForge history dicts (plus status), newest first."""
    query = select(InjectionPointModel).order_by(InjectionPointModel.id.desc()).limit(limit)
    if session_id is not None:
        query = query.where(InjectionPointModel.session_id == session_id)
    entries: list[dict[str, Any]] = []
    for row in await session.scalars(query):
        point = point_from_row(row)
        entry: dict[str, Any] = {
            "point_id": point.point_id,
            "timestamp": iso_text(point.timestamp),
            "point_type": point.point_type,
            "session_id": point.session_id,
            "recommendation": point.recommendation,
            "completed": not point.is_pending,
            "status": point.status,
        }
        if not point.is_pending:
            entry.update(
                response=point.response,
                responded_by=point.responded_by,
                responded_at=iso_text(point.responded_at),
            )
        entries.append(entry)
    return entries


async def _counts(session: AsyncSession, column: Any, *conditions: Any) -> dict[str, int]:
    query = select(column, func.count()).where(*conditions).group_by(column)
    return {str(key): int(count) for key, count in (await session.execute(query)).all()}


async def stats(session: AsyncSession) -> dict[str, Any]:
    """Counts: total, pending, by type, by status, and by who resolved the non-pending ones."""
    table = InjectionPointModel
    total = await session.scalar(select(func.count()).select_from(table)) or 0
    by_type = await _counts(session, table.point_type)
    by_status = await _counts(session, table.status)
    resolved = table.status != PointStatus.PENDING
    by_responded_by = await _counts(session, table.responded_by, resolved)
    return {
        "total_injections": total,
        "pending_count": by_status.get(PointStatus.PENDING, 0),
        "by_type": dict(sorted(by_type.items())),
        "by_status": dict(sorted(by_status.items())),
        "by_responded_by": dict(sorted(by_responded_by.items())),
    }
