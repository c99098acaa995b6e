"""The filters of the event tail: event type, session and tool."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select

from arcadia_core.events import EventType
from arcadia_tui.rows import EventRow

TOOL_DELAY = 0.4
"""Seconds of no typing before the tool filter applies (Enter applies it at once)."""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events the tail shows."""

    event_type: str | None = None
    session_id: int | None = None
    tool: str | None = None

    def matches(self, row: EventRow) -> bool:
        """Whether `row` passes every filter."""
        return (
            (self.event_type is None or row.event_type == self.event_type)
            and (self.session_id is None or row.session_id == self.session_id)
            and (self.tool is None or row.tool == self.tool)
        )


class EventFilterBar(Horizontal):
    """Type, session and tool filters for the tail; each change posts `Changed`."""

    @dataclass
    class Changed(Message):
        """The filters changed."""

        filters: EventFilter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filters = EventFilter()
        """The filters last posted."""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        types = [(Text("any type"), ""), *((Text(str(kind)), str(kind)) for kind in EventType)]
        yield Label("Events", classes="filter-label")
        yield Select(types, value="", allow_blank=False, compact=True, id="event-type")
        yield Select(
            [(Text("any session"), "")],
            value="",
            allow_blank=False,
            compact=True,
            id="event-session",
        )
        yield Input(placeholder="tool (exact name)", compact=True, id="event-tool")

    def set_sessions(self, sessions: Iterable[int]) -> None:
        """Offer these sessions, keeping the one chosen."""
        select: Select[str] = self.query_one("#event-session", Select)
        chosen = select.value
        options = [(Text("any session"), ""), *((Text(f"session {s}"), str(s)) for s in sessions)]
        select.set_options(options)
        if any(value == chosen for _, value in options):
            select.value = chosen

    def choose(self, name: str, value: str) -> None:
        """Set the `type` or `session` select, or the `tool` field."""
        widget = self.query_one(f"#event-{name}")
        widget.value = value  # type: ignore[attr-defined]
        if name == "tool":
            self._post()

    def clear(self) -> None:
        """No filter."""
        self.query_one("#event-tool", Input).value = ""
        self.choose("type", "")
        self.choose("session", "")
        self._post()

    def _post(self) -> None:
        kind = self.query_one("#event-type", Select).value
        session = self.query_one("#event-session", Select).value
        tool = self.query_one("#event-tool", Input).value.strip()
        filters = EventFilter(
            event_type=kind if isinstance(kind, str) and kind else None,
            session_id=int(session) if isinstance(session, str) and session else None,
            tool=tool or None,
        )
        if filters != self.filters:
            self.filters = filters
            self.post_message(self.Changed(filters))

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self._post()

    @on(Input.Changed, "#event-tool")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TOOL_DELAY, self._post)

    @on(Input.Submitted, "#event-tool")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._post()
