"""Typed change records delivered by the change feed, with JSON and one-line text forms."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from arcadia_core.display import json_text, printable
from arcadia_core.vocabulary import PointStatus

if TYPE_CHECKING:
    from arcadia_core.managers.injection import InjectionPoint


@dataclass(frozen=True, slots=True)
class InjectionCreated:
    """A new injection point (or, when replayed, one already pending when the feed started)."""

    kind: ClassVar[str] = "injection_created"
    row_id: int
    point_id: str
    timestamp: datetime
    session_id: int
    point_type: str
    severity: int
    message: str | None
    context: Mapping[str, Any]
    options: tuple[str, ...]
    recommendation: str
    timeout_seconds: int
    default_on_timeout: str | None
    escalation_rule_id: str | None
    status: str
    replayed: bool = False

    @property
    def point(self) -> InjectionPoint:
        """The point as the core record, which knows its deadline, queue order and rules."""
        # Imported here: a feed that only prints records needs none of the managers.
        from arcadia_core.managers.injection import InjectionPoint

        return InjectionPoint(
            point_id=self.point_id,
            timestamp=self.timestamp,
            session_id=self.session_id,
            point_type=self.point_type,
            context=dict(self.context),
            options=list(self.options),
            recommendation=self.recommendation,
            timeout_seconds=self.timeout_seconds,
            default_on_timeout=self.default_on_timeout,
            escalation_rule_id=self.escalation_rule_id,
            message=self.message,
            severity=self.severity,
            status=self.status,
            row_id=self.row_id,
        )


@dataclass(frozen=True, slots=True)
class InjectionResolved:
    """A point left `pending`: answered, timed out, cancelled (or its row was deleted)."""

    kind: ClassVar[str] = "injection_resolved"
    row_id: int
    point_id: str
    session_id: int
    status: str
    response: str | None
    responded_by: str
    responded_at: datetime | None


@dataclass(frozen=True, slots=True)
class EscalationLogged:
    """An escalation rule fired and was logged."""

    kind: ClassVar[str] = "escalation_logged"
    row_id: int
    timestamp: datetime
    session_id: int
    rule_id: str
    severity: int
    message: str
    context_summary: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AutonomyChanged:
    """The autonomy configuration (level, thresholds, overrides) or its metrics changed."""

    kind: ClassVar[str] = "autonomy_changed"
    part: Literal["config", "metrics"]
    updated_at: datetime | None
    values: Mapping[str, Any]
    previous: Mapping[str, Any] | None

    @property
    def level(self) -> int | None:
        """The configured level, for a config change."""
        level = self.values.get("level")
        return int(level) if self.part == "config" and level is not None else None

    def changed_keys(self) -> list[str]:
        """Names of the values that differ from the previous snapshot."""
        if self.previous is None:
            return sorted(self.values)
        return sorted(k for k in self.values if self.values.get(k) != self.previous.get(k))


@dataclass(frozen=True, slots=True)
class RiskAssessed:
    """A risk assessment was logged."""

    kind: ClassVar[str] = "risk_assessed"
    row_id: int
    timestamp: datetime
    session_id: int
    action: str
    tool: str
    input_summary: str
    risk_level: int
    requires_approval: bool
    concerns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FailureReported:
    """A failure report was generated."""

    kind: ClassVar[str] = "failure_reported"
    row_id: int
    generated_at: datetime
    session_id: int
    failure_type: str
    severity: int
    failing_action: str
    likely_cause: str


@dataclass(frozen=True, slots=True)
class EventLogged:
    """An event was appended to the event stream."""

    kind: ClassVar[str] = "event_logged"
    row_id: int
    timestamp: datetime
    session_id: int
    event_type: str
    source: str
    payload: Any


@dataclass(frozen=True, slots=True)
class SessionStarted:
    """An agent session row appeared."""

    kind: ClassVar[str] = "session_started"
    session_id: int
    start_time: datetime
    status: str


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """An agent session got its end time."""

    kind: ClassVar[str] = "session_ended"
    session_id: int
    end_time: datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class FeedStale:
    """Polls fail for a transient reason (the database is locked); the feed keeps retrying."""

    kind: ClassVar[str] = "feed_stale"
    reason: str
    since: datetime


@dataclass(frozen=True, slots=True)
class FeedRecovered:
    """Polls succeed again after `FeedStale`."""

    kind: ClassVar[str] = "feed_recovered"
    at: datetime


@dataclass(frozen=True, slots=True)
class FeedLost:
    """The database disappeared, was replaced or became unreadable: the last record of a feed."""

    kind: ClassVar[str] = "feed_lost"
    reason: str
    at: datetime


Change = (
    InjectionCreated
    | InjectionResolved
    | EscalationLogged
    | AutonomyChanged
    | RiskAssessed
    | FailureReported
    | EventLogged
    | SessionStarted
    | SessionEnded
    | FeedStale
    | FeedRecovered
    | FeedLost
)

FeedHealth = Literal["live", "stale", "lost"]

ALL_KINDS: frozenset[str] = frozenset(
    record.kind
    for record in (
        InjectionCreated,
        InjectionResolved,
        EscalationLogged,
        AutonomyChanged,
        RiskAssessed,
        FailureReported,
        EventLogged,
        SessionStarted,
        SessionEnded,
    )
)
"""Kinds of data change a feed can follow (feed health records always come)."""


def _jsonable(value: Any) -> Any:
    # A record's own fields may be datetimes; what they contain is decoded JSON already, so
    # it is not walked (an agent's context may be nested hundreds of levels deep).
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [item.isoformat() if isinstance(item, datetime) else item for item in value]
    return value


def to_dict(record: Change) -> dict[str, Any]:
    """The record as a JSON-ready dict with its `kind` first."""
    data: dict[str, Any] = {"kind": record.kind}
    for field in fields(record):
        data[field.name] = _jsonable(getattr(record, field.name))
    return data


def to_json(record: Change) -> str:
    """The record as one line of JSON."""
    return json_text(to_dict(record))


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(_jsonable(value), default=str)
    return printable(text, max_chars=limit, one_line=True)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "--:--:--"


def describe(record: Change) -> str:
    """One human line for `arcadia watch`: time, what happened, and the essentials."""
    match record:
        case InjectionCreated():
            default = (
                "waits for an answer"
                if record.default_on_timeout is None
                else f"default {_short(record.default_on_timeout, 30)!s} "
                f"after {record.timeout_seconds}s"
            )
            verb = "pending " if record.replayed else "question"
            options = " | ".join(_short(option, 30) for option in record.options)
            text = record.message or record.recommendation
            return (
                f"{_when(record.timestamp)} {verb}   {record.point_id} "
                f"{_short(record.point_type, 20)} sev {record.severity}: {_short(text)}"
                f" [{options}] recommends {_short(record.recommendation, 30)}; {default}"
            )
        case InjectionResolved():
            outcomes: dict[str, str] = {
                PointStatus.RESPONDED: f"answered by {_short(record.responded_by, 50)}",
                PointStatus.TIMEOUT: "timed out",
                PointStatus.CANCELLED: f"cancelled by {_short(record.responded_by, 50)}",
            }
            outcome = outcomes.get(record.status, _short(record.status, 20))
            response = "" if record.response is None else f": {_short(record.response)}"
            return f"{_when(record.responded_at)} resolved   {record.point_id} {outcome}{response}"
        case EscalationLogged():
            return (
                f"{_when(record.timestamp)} escalation {_short(record.rule_id, 40)} "
                f"sev {record.severity} session {record.session_id}: {_short(record.message)}"
            )
        case AutonomyChanged():
            changes = []
            for key in record.changed_keys():
                before = None if record.previous is None else record.previous.get(key)
                after = record.values.get(key)
                changes.append(f"{key} {_short(before, 30)} -> {_short(after, 30)}")
            return f"{_when(record.updated_at)} autonomy   {record.part}: " + (
                ", ".join(changes) or "rewritten"
            )
        case RiskAssessed():
            approval = " (needs approval)" if record.requires_approval else ""
            return (
                f"{_when(record.timestamp)} risk       level {record.risk_level} "
                f"{_short(record.tool, 30)}: {_short(record.action)}{approval}"
            )
        case FailureReported():
            return (
                f"{_when(record.generated_at)} failure    {_short(record.failure_type, 30)} "
                f"sev {record.severity} session {record.session_id}: "
                f"{_short(record.likely_cause or record.failing_action)}"
            )
        case EventLogged():
            return (
                f"{_when(record.timestamp)} event      {_short(record.event_type, 30)} "
                f"session {record.session_id} {_short(record.payload)}"
            )
        case SessionStarted():
            return f"{_when(record.start_time)} session    {record.session_id} started"
        case SessionEnded():
            return (
                f"{_when(record.end_time)} session    {record.session_id} ended "
                f"({_short(record.status, 30)})"
            )
        case FeedStale():
            return f"{_when(record.since)} feed       stale: {_short(record.reason)}"
        case FeedRecovered():
            return f"{_when(record.at)} feed       live again"
        case FeedLost():
            return f"{_when(record.at)} feed       lost: {_short(record.reason, 200)}"
    raise TypeError(f"not a change record: {record!r}")
