"""App-wide messages: what workers found or did, for handlers that update the screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from arcadia_core.errors import ArcadiaError, Conflict
from arcadia_core.watch import Change
from arcadia_tui.rows import EscalationRow, SessionStatus


@dataclass
class ChangesArrived(Message):
    """One poll of the change feed found these changes (never coalesced: each one matters)."""

    changes: tuple[Change, ...]


@dataclass
class EscalationsLoaded(Message):
    """The recent escalations that were logged before the feed started, newest first."""

    escalations: tuple[EscalationRow, ...]


@dataclass
class SessionLoaded(Message):
    """The agent session the status bar shows."""

    session: SessionStatus | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionLoaded)


@dataclass
class PointAnswered(Message):
    """This supervisor's answer or cancel was recorded."""

    point_id: str
    status: str
    response: str | None
    responded_by: str


@dataclass
class AnswerRefused(Message):
    """An answer or cancel was not recorded; `outcome` is the point's state when known."""

    point_id: str
    title: str
    reason: str
    status: str | None = None
    response: str | None = None
    responded_by: str | None = None

    @classmethod
    def from_error(cls, point_id: str, error: ArcadiaError) -> AnswerRefused:
        """The refusal a core error means (with the point's state when it is a conflict)."""
        current: Any = getattr(error, "point", None) if isinstance(error, Conflict) else None
        if current is None:
            return cls(point_id, error.title, error.message)
        return cls(
            point_id,
            error.title,
            error.message,
            status=current.status,
            response=current.response,
            responded_by=current.responded_by,
        )


@dataclass
class DetailLoaded(Message):
    """A worker read the full record of what a view has selected."""

    detail: Any
