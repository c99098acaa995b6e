"""Row views the views show (frozen, no ORM, no widgets) and the queries that seed them."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arcadia_core.clock import Clock
from arcadia_core.db import Database
from arcadia_core.managers.injection import InjectionPoint
from arcadia_core.managers.observability.records import Event
from arcadia_core.vocabulary import BuiltinRule, InjectionType
from arcadia_core.watch import (
    EscalationLogged,
    EventLogged,
    InjectionCreated,
    InjectionResolved,
)
from arcadia_core.watch import queries as feed_queries
from arcadia_core.watch import rows as feed_rows

IRREVERSIBLE_KEYS = ("is_irreversible", "irreversible", "destructive")
"""Context flags that mark an approval as irreversible."""
IRREVERSIBLE_RULES = frozenset({BuiltinRule.IRREVERSIBLE_ACTION})
"""Escalation rules whose points are irreversible approvals."""


@dataclass(frozen=True)
class PointRow(InjectionPoint):
    """An injection point as the Live view shows it: pending, or resolved while on screen."""

    @classmethod
    def from_point(cls, point: InjectionPoint) -> PointRow:
        """The row of a core point record."""
        return cls(**{item.name: getattr(point, item.name) for item in dataclasses.fields(point)})

    @classmethod
    def from_created(cls, change: InjectionCreated) -> PointRow:
        """The row for a point the change feed reported."""
        return cls.from_point(change.point)

    def resolved(self, change: InjectionResolved) -> PointRow:
        """This row with the outcome the feed reported."""
        return dataclasses.replace(
            self,
            status=change.status,
            response=change.response,
            responded_by=change.responded_by,
            responded_at=change.responded_at,
        )

    @property
    def headline(self) -> str:
        """What the point is about, for one line: the message, else the recommendation."""
        return self.message or self.recommendation or self.point_type

    @property
    def is_irreversible(self) -> bool:
        """The context, rule or severity says approving it cannot be undone."""
        flagged = any(_truthy(self.context.get(key)) for key in IRREVERSIBLE_KEYS)
        reversible = self.context.get("is_reversible")
        return (
            flagged
            or (reversible is not None and not _truthy(reversible))
            or self.escalation_rule_id in IRREVERSIBLE_RULES
        )

    @property
    def needs_confirmation(self) -> bool:
        """A destructive or irreversible approval: every answer is confirmed first."""
        return self.point_type == InjectionType.APPROVAL and (
            self.severity >= 4 or self.is_irreversible
        )

    def option_number(self, answer: str) -> int | None:
        """The 1-based number of `answer` among the options, if it is one."""
        try:
            return self.options.index(answer) + 1
        except ValueError:
            return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


@dataclass(frozen=True, slots=True)
class EscalationRow:
    """One logged escalation as the feed pane shows it."""

    row_id: int
    timestamp: datetime
    session_id: int
    rule_id: str
    severity: int
    message: str
    context: Mapping[str, Any]

    @classmethod
    def from_logged(cls, change: EscalationLogged) -> EscalationRow:
        """The row for an escalation the change feed reported."""
        return cls(
            row_id=change.row_id,
            timestamp=change.timestamp,
            session_id=change.session_id,
            rule_id=change.rule_id,
            severity=change.severity,
            message=change.message,
            context=change.context_summary,
        )


@dataclass(frozen=True, slots=True)
class SessionStatus:
    """The agent session shown in the status bar."""

    session_id: int
    status: str
    running: bool


async def recent_escalations(
    db: Database, *, up_to: int, limit: int, clock: Clock
) -> list[EscalationRow]:
    """The newest `limit` escalations with id at most `up_to` (a feed cursor), newest first."""
    async with db.read() as session:
        result = await session.execute(
            feed_queries.RECENT_ESCALATIONS, {"up_to": up_to, "limit": limit}
        )
        found = list(result.mappings())
    now = clock()
    return [EscalationRow.from_logged(feed_rows.escalation_logged(row, now)) for row in found]


async def latest_session(db: Database) -> SessionStatus | None:
    """The agent session with the highest id, if any."""
    async with db.read() as session:
        row = (await session.execute(feed_queries.LATEST_SESSION)).mappings().first()
    if row is None:
        return None
    return SessionStatus(
        session_id=int(row["id"]),
        status=str(row["status"] or ""),
        running=row["end_time"] is None,
    )


def format_age(seconds: float) -> str:
    """A short duration: `45s`, `3m05s`, `2h04m`, `3d02h`."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def format_countdown(seconds: float) -> str:
    """A countdown: `4:32`, `1:02:03`."""
    total = max(0, int(seconds + 0.999))
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


EVENT_SUMMARY_KEYS: dict[str, tuple[str, ...]] = {
    "tool_call": ("tool_input",),
    "tool_result": ("error_message",),
    "tool_error": ("error_message",),
    "tool_blocked": ("reason", "error_message"),
    "error": ("error_message",),
    "warning": ("message",),
    "decision": ("choice", "rationale"),
    "git_commit": ("message",),
    "human_injection": ("message", "point_id"),
    "human_response": ("response", "responded_by"),
    "escalation_triggered": ("message", "rule_id"),
    "session_end": ("status", "reason"),
    "usage_report": ("estimated_cost_usd", "input_tokens"),
}
"""Which payload keys say what an event of each type is about, first found wins."""
_MERGED_KEYS = ("feature_index", "tool_name", "duration_ms")


def _summary_value(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("command", "file_path", "url", "pattern", "query"):
            if key in value:
                return f"{key}={value[key]}"
        return ", ".join(f"{key}={item}" for key, item in list(value.items())[:3])
    return str(value)


def event_summary(event_type: str, data: Mapping[str, Any]) -> str:
    """What an event is about, in one line (the most telling payload value)."""
    if event_type == "tool_result" and data.get("success"):
        return "ok"
    if event_type == "session_start":
        return "session started"
    if event_type == "usage_report":
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            return (
                f"${float(data.get('estimated_cost_usd') or 0):.2f} · "
                f"{int(data.get('input_tokens') or 0):,} in / "
                f"{int(data.get('output_tokens') or 0):,} out tokens"
            )
    for key in EVENT_SUMMARY_KEYS.get(event_type, ()):
        value = data.get(key)
        if value not in (None, "", [], {}):
            return _summary_value(value)
    if "description" in data:
        return str(data["description"])
    return ", ".join(f"{key}={value}" for key, value in list(data.items())[:3])


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event as the tail shows it."""

    row_id: int
    timestamp: datetime
    session_id: int
    event_type: str
    tool: str | None
    feature: int | None
    summary: str

    @classmethod
    def from_event(cls, event: Event) -> EventRow:
        """The row for an event read through `Observability`."""
        return cls(
            row_id=int(event.event_id),
            timestamp=datetime.fromisoformat(event.timestamp),
            session_id=event.session_id,
            event_type=event.event_type,
            tool=event.tool_name,
            feature=event.feature_index,
            summary=event_summary(event.event_type, event.data),
        )

    @classmethod
    def from_logged(cls, change: EventLogged) -> EventRow:
        """The row for an event the change feed reported."""
        payload = dict(change.payload) if isinstance(change.payload, Mapping) else {}
        extras = {key: payload.pop(key, None) for key in _MERGED_KEYS}
        tool, feature = extras["tool_name"], extras["feature_index"]
        return cls(
            row_id=change.row_id,
            timestamp=change.timestamp,
            session_id=change.session_id,
            event_type=change.event_type,
            tool=str(tool) if tool is not None else None,
            feature=feature if isinstance(feature, int) else None,
            summary=event_summary(change.event_type, payload),
        )
