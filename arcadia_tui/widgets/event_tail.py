"""The event tail: the newest events that pass the filters, newest first, a bounded window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text

from arcadia_tui.literal import cell, literal
from arcadia_tui.rows import EventRow
from arcadia_tui.widgets.cells import when
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

TAIL_SIZE = 300
"""Events kept in the tail; older ones drop off the bottom."""
TYPE_WIDTH = 20
TOOL_WIDTH = 12
SUMMARY_WIDTH = 62
LOUD_TYPES = frozenset({"error", "tool_error", "feature_failed", "escalation_triggered"})


class EventTail(KeyedTable):
    """The newest events first; a new event that passes the filters goes on top."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("when", "Time", 8),
                Column("session", "Ses", 3),
                Column("type", "Type", TYPE_WIDTH),
                Column("tool", "Tool", TOOL_WIDTH),
                Column("summary", "What", SUMMARY_WIDTH),
            ),
            id=id,
            follow_top=True,
        )
        self.tz = tz
        self.events: list[EventRow] = []
        """The events shown, newest first (at most `TAIL_SIZE`)."""

    def show(self, events: Sequence[EventRow]) -> None:
        """Show exactly these events (newest first)."""
        self.events = list(events[:TAIL_SIZE])
        self.sync(
            [
                TableRow(
                    str(event.row_id),
                    (-event.row_id,),
                    [
                        Text(when(event.timestamp, self.tz, "%H:%M:%S"), style="dim"),
                        Text(str(event.session_id), justify="right"),
                        cell(
                            event.event_type,
                            TYPE_WIDTH,
                            "bold" if event.event_type in LOUD_TYPES else "",
                        ),
                        cell(event.tool or "", TOOL_WIDTH),
                        literal(event.summary, one_line=True, max_chars=200),
                    ],
                )
                for event in self.events
            ]
        )

    def prepend(self, events: Sequence[EventRow]) -> int:
        """Put newer events on top (known ones skipped); return how many were added."""
        known = {event.row_id for event in self.events}
        new = sorted((e for e in events if e.row_id not in known), key=lambda e: -e.row_id)
        if new:
            self.show([*new, *self.events])
        return len(new)
