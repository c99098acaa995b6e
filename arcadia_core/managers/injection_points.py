"""Injection point records and the queries behind `HumanInterface`, as plain session functions.

A point moves from `pending` to exactly one of `responded`, `timeout` or `cancelled`, always
through `resolve_point`: one conditional UPDATE (`WHERE status = 'pending'`) whose row count
says whether this caller won. Every terminal outcome records a `human_response` event in the
same transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.db.types import json_storable, parse_timestamp
from arcadia_core.events import EventType, record_event
from arcadia_core.models import InjectionPointModel

PENDING = "pending"
RESPONDED = "responded"
TIMEOUT = "timeout"
CANCELLED = "cancelled"
STATUSES = (PENDING, RESPONDED, TIMEOUT, CANCELLED)

TIMEOUT_DEFAULT = "timeout_default"
PAUSE_REQUESTED = "pause_requested"
RESPONDED_BY_MAX = 50


class InjectionType(StrEnum):
    """What kind of input a point asks for (shared by escalation rules and the human interface)."""

    DECISION = "decision"
    APPROVAL = "approval"
    GUIDANCE = "guidance"
    REVIEW = "review"
    REDIRECT = "redirect"


FREE_TEXT_TYPES = frozenset({InjectionType.GUIDANCE.value, InjectionType.REDIRECT.value})


def type_value(point_type: InjectionType | Enum | str) -> str:
    """The stored text of a point type: an enum member's value, else the string itself."""
    if isinstance(point_type, Enum):
        return str(point_type.value)
    return str(point_type)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass(frozen=True)
class InjectionPoint:
    """A request for human input as stored (ArcadiaForge's 15 fields, plus status and row id)."""

    point_id: str
    timestamp: str
    session_id: int
    point_type: str
    context: dict[str, Any]
    options: list[str]
    recommendation: str
    timeout_seconds: int
    default_on_timeout: str | None
    response: str | None = None
    responded_at: str | None = None
    responded_by: str = PENDING
    escalation_rule_id: str | None = None
    message: str | None = None
    severity: int = 3
    status: str = PENDING
    row_id: int | None = None

    @property
    def is_pending(self) -> bool:
        """True while nobody has answered, cancelled or timed the point out."""
        return self.status == PENDING

    @property
    def is_responded(self) -> bool:
        """True once the point holds an answer (a human's, or the default applied on timeout)."""
        return self.status in (RESPONDED, TIMEOUT) and self.response is not None

    @property
    def allows_free_text(self) -> bool:
        """True when any answer is accepted: guidance/redirect points, or points without options."""
        return self.point_type in FREE_TEXT_TYPES or not self.options

    @property
    def created_at(self) -> datetime:
        """When the point was created, as an aware UTC datetime."""
        moment = parse_timestamp(self.timestamp)
        assert moment is not None
        return moment

    @property
    def deadline(self) -> datetime | None:
        """When the default applies, or None when the agent waits until someone answers."""
        if self.default_on_timeout is None:
            return None
        return self.created_at + timedelta(seconds=self.timeout_seconds)

    def seconds_remaining(self, now: datetime) -> float | None:
        """Seconds until the default applies (never negative), or None without a default."""
        deadline = self.deadline
        return None if deadline is None else max(0.0, (deadline - now).total_seconds())

    def summary(self) -> str:
        """One line: `[id] type (PENDING | RESPONDED (by)): recommendation`."""
        state = "PENDING" if self.is_pending else f"{self.status.upper()} ({self.responded_by})"
        recommendation = self.recommendation
        if len(recommendation) > 30:
            recommendation = recommendation[:30] + "..."
        return f"[{self.point_id}] {self.point_type} ({state}): {recommendation}"

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (context and options copied, not shared)."""
        # Not dataclasses.asdict: it deep-copies with two Python frames per level, and an
        # agent's context may be nested hundreds of levels deep.
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data.update(context=dict(self.context), options=list(self.options))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InjectionPoint:
        """Build from a dict (ArcadiaForge's 15 keys; status derived when absent)."""
        responded_by = str(data.get("responded_by") or PENDING)
        status = data.get("status") or _status_from_responded_by(responded_by)
        return cls(
            point_id=str(data["point_id"]),
            timestamp=str(data["timestamp"]),
            session_id=int(data.get("session_id") or 0),
            point_type=type_value(data["point_type"]),
            context=dict(data.get("context") or {}),
            options=[str(option) for option in data.get("options") or []],
            recommendation=str(data.get("recommendation") or ""),
            timeout_seconds=int(data.get("timeout_seconds") or 300),
            default_on_timeout=data.get("default_on_timeout"),
            response=data.get("response"),
            responded_at=data.get("responded_at"),
            responded_by=responded_by,
            escalation_rule_id=data.get("escalation_rule_id"),
            message=data.get("message"),
            severity=int(data.get("severity") or 3),
            status=str(status),
            row_id=data.get("row_id"),
        )


def _status_from_responded_by(responded_by: str) -> str:
    if responded_by == PENDING:
        return PENDING
    if responded_by in (CANCELLED, PAUSE_REQUESTED):
        return CANCELLED
    if responded_by == TIMEOUT_DEFAULT:
        return TIMEOUT
    return RESPONDED


@dataclass(frozen=True)
class InjectionResponse:
    """How a wait ended: `responded` is True only for a real answer (status `responded`)."""

    point_id: str
    responded: bool
    response: str
    responded_by: str
    timestamp: str
    status: str = RESPONDED

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class NewPoint:
    """The validated content of a point about to be inserted."""

    point_type: str
    context: dict[str, Any]
    options: list[str]
    recommendation: str
    timeout_seconds: int
    default_on_timeout: str | None
    message: str | None
    severity: int
    escalation_rule_id: str | None
    extra_event_data: dict[str, Any] = field(default_factory=dict)


def json_safe(value: Any) -> Any:
    """A copy of `value` that JSON can store (unknown objects become their `str`, levels nested
    deeper than `MAX_JSON_DEPTH` a mark)."""
    return json.loads(json.dumps(json_storable(value), default=str))


def point_from_row(row: InjectionPointModel) -> InjectionPoint:
    """Convert a row into an `InjectionPoint` (missing values get ArcadiaForge's defaults)."""
    return InjectionPoint(
        point_id=row.point_id,
        timestamp=_iso(row.timestamp) or "",
        session_id=row.session_id,
        point_type=row.point_type,
        context=dict(row.context or {}),
        options=[str(option) for option in row.options or []],
        recommendation=row.recommendation or "",
        timeout_seconds=row.timeout_seconds if row.timeout_seconds is not None else 300,
        default_on_timeout=row.default_on_timeout,
        response=row.response,
        responded_at=_iso(row.responded_at),
        responded_by=row.responded_by or PENDING,
        escalation_rule_id=row.escalation_rule_id,
        message=row.message,
        severity=row.severity if row.severity is not None else 3,
        status=row.status or PENDING,
        row_id=row.id,
    )


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
        responded_by=PENDING,
        status=PENDING,
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
    point_id: str,
    *,
    status: str,
    responded_by: str,
    now: datetime,
    response: str | None = None,
    set_response: bool = True,
) -> bool:
    """Move a pending point to `status` if it is still pending; True when this call won."""
    values: dict[str, Any] = {
        "status": status,
        "responded_by": responded_by[:RESPONDED_BY_MAX],
        "responded_at": now,
    }
    if set_response:
        values["response"] = response
    result = await session.execute(
        update(InjectionPointModel)
        .where(InjectionPointModel.point_id == point_id, InjectionPointModel.status == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    point = await find_point(session, point_id)
    assert point is not None
    await record_event(
        session,
        session_id=point.session_id,
        event_type=EventType.HUMAN_RESPONSE,
        timestamp=now,
        data={
            "point_id": point_id,
            "point_type": point.point_type,
            "status": status,
            "responded": status == RESPONDED,
            "response": point.response,
            "responded_by": point.responded_by,
            "escalation_rule_id": point.escalation_rule_id,
        },
    )
    return True


def conflict_message(point: InjectionPoint) -> str:
    """Why a non-pending point cannot be answered or cancelled, in one line."""
    if point.status == RESPONDED:
        return f"{point.point_id} was already answered by {point.responded_by}: {point.response!r}"
    if point.status == TIMEOUT:
        if point.response is not None:
            return f"{point.point_id} timed out (default {point.response!r} applied)"
        return f"{point.point_id} timed out (no default; resolved by {point.responded_by})"
    if point.status == CANCELLED:
        return f"{point.point_id} was cancelled by {point.responded_by}"
    return f"{point.point_id} is {point.status}, not pending"


def response_from_point(point: InjectionPoint) -> InjectionResponse:
    """The `InjectionResponse` a waiter returns for a point that is no longer pending."""
    stored = point.response
    if stored is None or stored == "":
        stored = point.default_on_timeout if point.status == CANCELLED else None
        stored = stored if stored is not None else point.recommendation
    return InjectionResponse(
        point_id=point.point_id,
        responded=point.status == RESPONDED,
        response=stored,
        responded_by=point.responded_by,
        timestamp=point.responded_at or point.timestamp,
        status=point.status,
    )


async def pending_points(session: AsyncSession) -> list[InjectionPoint]:
    """Every pending point, most severe first, then oldest first."""
    rows = await session.scalars(
        select(InjectionPointModel)
        .where(InjectionPointModel.status == PENDING)
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
        .where(InjectionPointModel.status == PENDING, InjectionPointModel.timestamp < cutoff)
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
            "timestamp": point.timestamp,
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
                responded_at=point.responded_at,
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
    by_responded_by = await _counts(session, table.responded_by, table.status != PENDING)
    return {
        "total_injections": total,
        "pending_count": by_status.get(PENDING, 0),
        "by_type": dict(sorted(by_type.items())),
        "by_status": dict(sorted(by_status.items())),
        "by_responded_by": dict(sorted(by_responded_by.items())),
    }
