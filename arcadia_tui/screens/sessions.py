"""The Sessions & events view: sessions with their cost, and a live, filterable event tail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Select

from arcadia_core.errors import NotFound
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.observability.records import SessionInfo
from arcadia_core.watch import Change, EventLogged, SessionEnded, SessionStarted
from arcadia_tui.messages import DetailLoaded
from arcadia_tui.rows import EventRow
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.event_filters import EventFilter, EventFilterBar
from arcadia_tui.widgets.event_tail import TAIL_SIZE, EventTail
from arcadia_tui.widgets.keyed_table import KeyedTable
from arcadia_tui.widgets.session_metrics import SessionMetricsPanel
from arcadia_tui.widgets.session_table import SessionTable

SESSIONS_SHOWN = 100
"""Newest sessions listed."""
SESSION_REFRESH = 2.0
"""Seconds between refreshes of the session list while events stream in (counts, cost)."""


@dataclass(frozen=True, slots=True)
class SessionsSnapshot:
    """What one load read: the sessions and a window of events under the filters."""

    sessions: tuple[SessionInfo, ...]
    events: tuple[EventRow, ...]
    filters: EventFilter
    page: int


class SessionsScreen(ViewScreen):
    """Sessions newest first with the highlighted one's counts, and the event tail."""

    VIEW_NAME = "sessions"
    VIEW_TITLE = "Sessions"
    FOLLOWS = frozenset({EventLogged.kind, SessionStarted.kind, SessionEnded.kind})

    BINDINGS = [
        Binding(
            "p",
            "toggle_follow",
            "Pause/follow",
            tooltip="Stop or resume the live tail",
            id="sessions.follow",
        ),
        Binding("t", "pick_type", "Type", tooltip="Filter events by type", id="sessions.type"),
        Binding(
            "e",
            "events_of_session",
            "Its events",
            tooltip="Show only the highlighted session's events (Enter too)",
            id="sessions.of-session",
        ),
        Binding("x", "clear_filters", "Clear", tooltip="Every event again", id="sessions.clear"),
        Binding(
            "right_square_bracket",
            "older",
            "Older",
            tooltip="The next window of older events",
            id="sessions.older",
        ),
        Binding(
            "left_square_bracket",
            "newer",
            "Newer",
            tooltip="Back toward the newest events",
            id="sessions.newer",
        ),
    ]

    following: reactive[bool] = reactive(True, init=False)
    """New events go on top of the tail as they happen (off: the tail stands still)."""

    def __init__(self) -> None:
        super().__init__()
        self.filters = EventFilter()
        """The filters of the tail."""
        self.window_starts: list[int | None] = [None]
        """Keyset of each event window (None: the newest)."""
        self.snapshot: SessionsSnapshot | None = None
        """What was loaded last."""
        self.missed = 0
        """Events that arrived while the tail was paused or showed older events."""
        self._session_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        app = self.arcadia
        yield from self.compose_top()
        with Horizontal(id="sessions-top"):
            yield SessionTable(clock=app.clock, tz=app.display_tz, id="session-table")
            yield SessionMetricsPanel(id="session-metrics")
        yield EventFilterBar(id="event-filters")
        yield EventTail(tz=app.display_tz, id="event-tail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SessionMetricsPanel).border_title = "Selected session"
        self.sessions.focus()

    @property
    def sessions(self) -> SessionTable:
        """The sessions."""
        return self.query_one(SessionTable)

    @property
    def tail(self) -> EventTail:
        """The event tail."""
        return self.query_one(EventTail)

    @property
    def at_newest(self) -> bool:
        """The tail shows the newest events (not an older window)."""
        return len(self.window_starts) == 1

    # -- loading ------------------------------------------------------------------------------

    async def load(self) -> SessionsSnapshot:
        observability = Observability(self.arcadia.database)
        filters, before = self.filters, self.window_starts[-1]
        sessions = await observability.list_sessions_async(limit=SESSIONS_SHOWN)
        events = await observability.get_events(
            session_id=filters.session_id,
            event_type=filters.event_type,
            tool_name=filters.tool,
            limit=TAIL_SIZE,
            before_id=before,
        )
        return SessionsSnapshot(
            tuple(sessions),
            tuple(EventRow.from_event(event) for event in events),
            filters,
            len(self.window_starts) - 1,
        )

    def show(self, data: SessionsSnapshot) -> None:
        self.snapshot = data
        self.sessions.show(data.sessions)
        self.query_one(EventFilterBar).set_sessions(s.session_id for s in data.sessions)
        if data.filters == self.filters and data.page == len(self.window_starts) - 1:
            self.tail.show(data.events)
            self.missed = 0
        self._title_tail()
        running = sum(1 for session in data.sessions if session.end_time is None)
        self.sub_title = f"Sessions · {len(data.sessions)} shown, {running} running"

    def _title_tail(self) -> None:
        tail = self.tail
        state = "live" if self.following and self.at_newest else "paused"
        if not self.at_newest:
            state = f"older window {len(self.window_starts)}"
        title = f"Events ({len(tail.events)}) · {state}"
        if self.missed:
            title += f" · {self.missed} new"
        tail.border_title = title
        hints = ["p pauses" if self.following else "p follows", "] older"]
        if not self.at_newest:
            hints.insert(1, "[ newer")
        tail.border_subtitle = " · ".join(hints)

    def apply_changes(self, changes: Sequence[Change]) -> None:
        events = [EventRow.from_logged(c) for c in changes if isinstance(c, EventLogged)]
        if any(isinstance(c, SessionStarted | SessionEnded) for c in changes):
            self.request_reload()
            return
        if events:
            self._refresh_sessions_soon()
        wanted = [event for event in events if self.filters.matches(event)]
        if not wanted:
            return
        if self.following and self.at_newest:
            self.tail.prepend(wanted)
        else:
            self.missed += len(wanted)
        self._title_tail()

    def _refresh_sessions_soon(self) -> None:
        if self._session_timer is None:
            self._session_timer = self.set_timer(SESSION_REFRESH, self._refresh_sessions)

    def _refresh_sessions(self) -> None:
        self._session_timer = None
        self.request_reload()

    # -- the highlighted session --------------------------------------------------------------

    @on(KeyedTable.Highlighted, "#session-table")
    def show_selected(self) -> None:
        session = self.sessions.highlighted_session
        if session is None:
            self.query_one(SessionMetricsPanel).show(None, None)
        else:
            self.load_metrics(session)

    @on(DataTable.RowSelected, "#session-table")
    def _session_chosen(self) -> None:
        self.action_events_of_session()

    @work(exclusive=True, group="sessions-metrics", exit_on_error=False)
    async def load_metrics(self, session: SessionInfo) -> None:
        """Count what the session did (SQL aggregates over its events)."""
        observability = Observability(self.arcadia.database)
        try:
            metrics = await self.arcadia.shielded(
                observability.get_session_metrics_async(session.session_id)
            )
        except NotFound:
            return
        self.post_message(DetailLoaded((session, metrics)))

    @on(DetailLoaded)
    def show_metrics(self, message: DetailLoaded) -> None:
        session, metrics = message.detail
        current = self.sessions.highlighted_session
        if current is not None and current.session_id == session.session_id:
            self.query_one(SessionMetricsPanel).show(current, metrics)

    # -- filters, windows, following ----------------------------------------------------------

    @on(EventFilterBar.Changed)
    def apply_filters(self, message: EventFilterBar.Changed) -> None:
        self.filters = message.filters
        self.window_starts = [None]
        self.request_reload()

    def watch_following(self, following: bool) -> None:
        if following and self.missed:
            self.request_reload()
        self._title_tail()

    def action_toggle_follow(self) -> None:
        """Stop or resume the live tail."""
        self.following = not self.following

    def action_pick_type(self) -> None:
        """Open the event type list."""
        select: Select[str] = self.query_one("#event-type", Select)
        select.focus()
        select.expanded = True

    def action_events_of_session(self) -> None:
        """Show only the highlighted session's events."""
        session = self.sessions.highlighted_session
        if session is not None:
            self.query_one(EventFilterBar).choose("session", str(session.session_id))

    def set_event_type(self, event_type: str) -> None:
        """Show only events of this type ("" for every type)."""
        self.query_one(EventFilterBar).choose("type", event_type)

    def action_clear_filters(self) -> None:
        """Every event again, newest first."""
        self.query_one(EventFilterBar).clear()

    def action_older(self) -> None:
        """The next window of older events (the live tail stops meanwhile)."""
        events = self.tail.events
        if len(events) < TAIL_SIZE:
            self.notify("These are the oldest events.", timeout=2)
            return
        self.window_starts.append(events[-1].row_id)
        self.request_reload()

    def action_newer(self) -> None:
        """Back toward the newest events."""
        if self.at_newest:
            self.notify("These are the newest events.", timeout=2)
            return
        self.window_starts.pop()
        self.request_reload()
