"""The injection point record, the outcome a waiter gets, and the content of a new point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import Any

from arcadia_core.db.types import iso_text, parse_timestamp
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.injection.rules import deadline, json_safe, queue_order, takes_free_text
from arcadia_core.models import InjectionPointModel
from arcadia_core.vocabulary import InjectionType, PointStatus, RespondedBy, status_of

DEFAULT_TIMEOUT_SECONDS = 300
DEFAULT_SEVERITY = 3


def type_value(point_type: InjectionType | Enum | str) -> str:
    """The stored text of a point type: an enum member's value, else the string itself."""
    if isinstance(point_type, Enum):
        return str(point_type.value)
    return str(point_type)


@dataclass(frozen=True)
class InjectionPoint:
    """A request for human input as stored (ArcadiaForge's 15 fields, plus status and row id).

    Times are aware UTC datetimes; `to_dict` gives them as ISO text, as ArcadiaForge did.
    """

    point_id: str
    timestamp: datetime
    session_id: int
    point_type: str
    context: dict[str, Any]
    options: list[str]
    recommendation: str
    timeout_seconds: int
    default_on_timeout: str | None
    response: str | None = None
    responded_at: datetime | None = None
    responded_by: str = RespondedBy.PENDING
    escalation_rule_id: str | None = None
    message: str | None = None
    severity: int = DEFAULT_SEVERITY
    status: str = PointStatus.PENDING
    row_id: int | None = None

    @property
    def is_pending(self) -> bool:
        """True while nobody has answered, cancelled or timed the point out."""
        return self.status == PointStatus.PENDING

    @property
    def is_responded(self) -> bool:
        """True once the point holds an answer (a human's, or the default applied on timeout)."""
        answered = self.status in (PointStatus.RESPONDED, PointStatus.TIMEOUT)
        return answered and self.response is not None

    @property
    def allows_free_text(self) -> bool:
        """True when any answer is accepted: guidance/redirect points, or points without options."""
        return takes_free_text(self.point_type, self.options)

    @property
    def created_at(self) -> datetime:
        """When the point was created (its `timestamp`)."""
        return self.timestamp

    @property
    def deadline(self) -> datetime | None:
        """When the default applies, or None when the agent waits until someone answers."""
        return deadline(self.timestamp, self.timeout_seconds, self.default_on_timeout)

    @property
    def sort_key(self) -> tuple[int, datetime, int]:
        """The order of the pending queue: most severe first, then oldest."""
        return queue_order(self.severity, self.timestamp, self.row_id)

    def seconds_remaining(self, now: datetime) -> float | None:
        """Seconds until the default applies (never negative), or None without a default."""
        left = self.seconds_left(now)
        return None if left is None else max(0.0, left)

    def seconds_left(self, now: datetime) -> float | None:
        """Seconds until the default applies (negative once overdue), None without a default."""
        due = self.deadline
        return None if due is None else (due - now).total_seconds()

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
        data.update(
            timestamp=iso_text(self.timestamp),
            responded_at=iso_text(self.responded_at),
            context=dict(self.context),
            options=list(self.options),
        )
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InjectionPoint:
        """Build from a dict (ArcadiaForge's 15 keys; status derived when absent)."""
        responded_by = str(data.get("responded_by") or RespondedBy.PENDING)
        status = data.get("status") or status_of(responded_by)
        timestamp = parse_timestamp(data["timestamp"])
        assert timestamp is not None
        return cls(
            point_id=str(data["point_id"]),
            timestamp=timestamp,
            session_id=int(data.get("session_id") or 0),
            point_type=type_value(data["point_type"]),
            context=dict(data.get("context") or {}),
            options=[str(option) for option in data.get("options") or []],
            recommendation=str(data.get("recommendation") or ""),
            timeout_seconds=int(data.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS),
            default_on_timeout=data.get("default_on_timeout"),
            response=data.get("response"),
            responded_at=parse_timestamp(data.get("responded_at")),
            responded_by=responded_by,
            escalation_rule_id=data.get("escalation_rule_id"),
            message=data.get("message"),
            severity=int(data.get("severity") or DEFAULT_SEVERITY),
            status=str(status),
            row_id=data.get("row_id"),
        )


def point_from_row(row: InjectionPointModel) -> InjectionPoint:
    """Convert a row into an `InjectionPoint` (missing values get ArcadiaForge's defaults)."""
    return InjectionPoint(
        point_id=row.point_id,
        timestamp=row.timestamp,
        session_id=row.session_id,
        point_type=row.point_type,
        context=dict(row.context or {}),
        options=[str(option) for option in row.options or []],
        recommendation=row.recommendation or "",
        timeout_seconds=DEFAULT_TIMEOUT_SECONDS
        if row.timeout_seconds is None
        else row.timeout_seconds,
        default_on_timeout=row.default_on_timeout,
        response=row.response,
        responded_at=row.responded_at,
        responded_by=row.responded_by or RespondedBy.PENDING,
        escalation_rule_id=row.escalation_rule_id,
        message=row.message,
        severity=DEFAULT_SEVERITY if row.severity is None else row.severity,
        status=row.status or PointStatus.PENDING,
        row_id=row.id,
    )


@dataclass(frozen=True)
class InjectionResponse:
    """How a wait ended: `responded` is True only for a real answer (status `responded`)."""

    point_id: str
    responded: bool
    response: str
    responded_by: str
    timestamp: datetime
    status: str = PointStatus.RESPONDED

    @classmethod
    def from_point(cls, point: InjectionPoint) -> InjectionResponse:
        """What a waiter returns for a point that is no longer pending.

        A cancelled point without a response hands over its default, else the recommendation.
        """
        stored = point.response
        if stored is None or stored == "":
            stored = point.default_on_timeout if point.status == PointStatus.CANCELLED else None
            stored = stored if stored is not None else point.recommendation
        return cls(
            point_id=point.point_id,
            responded=point.status == PointStatus.RESPONDED,
            response=stored,
            responded_by=point.responded_by,
            timestamp=point.responded_at or point.timestamp,
            status=point.status,
        )

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (the time as ISO text)."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["timestamp"] = iso_text(self.timestamp)
        return data


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

    @classmethod
    def checked(
        cls,
        point_type: InjectionType | Enum | str,
        context: dict[str, Any] | None,
        options: Sequence[str] | None,
        recommendation: str | None,
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        default_on_timeout: str | None = None,
        message: str | None = None,
        severity: int = DEFAULT_SEVERITY,
        escalation_rule_id: str | None = None,
    ) -> NewPoint:
        """The point a request describes (ArcadiaForge's parameters); raise InvalidInput."""
        type_text = type_value(point_type).strip()
        if not type_text:
            raise InvalidInput("an injection point needs a type (decision, approval, ...)")
        if isinstance(options, str):
            raise InvalidInput("options must be a list of strings, not one string")
        if not 1 <= int(severity) <= 5:
            raise InvalidInput(f"severity must be between 1 and 5, not {severity}")
        if int(timeout_seconds) < 0:
            raise InvalidInput(f"timeout_seconds cannot be negative ({timeout_seconds})")
        return cls(
            point_type=type_text,
            context=json_safe(dict(context or {})),
            options=[str(option) for option in options or []],
            recommendation="" if recommendation is None else str(recommendation),
            timeout_seconds=int(timeout_seconds),
            default_on_timeout=None if default_on_timeout is None else str(default_on_timeout),
            message=None if message is None else str(message),
            severity=int(severity),
            escalation_rule_id=escalation_rule_id,
        )
