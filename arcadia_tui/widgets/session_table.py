"""Agent sessions, newest first: status, duration, cost and how many events they logged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text

from arcadia_core.clock import Clock
from arcadia_core.managers.observability.records import SessionInfo
from arcadia_tui.literal import cell
from arcadia_tui.rows import format_age
from arcadia_tui.widgets.cells import recent
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

STATUS_STYLES = {"running": "bold", "completed": "", "failed": "bold reverse", "error": "bold"}


def duration(session: SessionInfo, now: datetime) -> Text:
    """How long it ran (or has been running)."""
    end = session.end_time or now
    text = Text(format_age((end - session.start_time).total_seconds()), justify="right")
    if session.end_time is None:
        text.stylize("italic")
    return text


class SessionTable(KeyedTable):
    """A window of sessions, newest first."""

    def __init__(self, *, clock: Clock, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("session", "Session", 7),
                Column("status", "Status", 11),
                Column("started", "Started", 11),
                Column("duration", "Duration", 8),
                Column("cost", "Cost", 7),
                Column("events", "Events", 6),
            ),
            id=id,
            follow_top=True,
        )
        self.clock = clock
        self.tz = tz
        self.sessions: dict[str, SessionInfo] = {}
        """The sessions shown, by row key (the session id as text)."""

    @property
    def highlighted_session(self) -> SessionInfo | None:
        """The session under the cursor."""
        key = self.highlighted_key
        return None if key is None else self.sessions.get(key)

    def show(self, sessions: Sequence[SessionInfo]) -> None:
        """Show these sessions (newest first)."""
        self.sessions = {str(session.session_id): session for session in sessions}
        now = self.clock()
        self.sync(
            [
                TableRow(
                    str(session.session_id),
                    (-session.session_id,),
                    [
                        Text(str(session.session_id), justify="right"),
                        cell(session.status, 11, STATUS_STYLES.get(session.status, "")),
                        Text(recent(session.start_time, now, self.tz), style="dim"),
                        duration(session, now),
                        Text(f"${session.total_cost:,.2f}", justify="right"),
                        Text(f"{session.event_count:,}", justify="right"),
                    ],
                )
                for session in sessions
            ]
        )
        self.border_title = f"Sessions ({len(sessions)})"
