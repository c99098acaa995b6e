"""The escalation feed: newest first, coloured by severity; the highlighted one's context below."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from arcadia_tui.literal import cell, context_table, literal
from arcadia_tui.rows import EscalationRow
from arcadia_tui.widgets.cells import KeyedCell, severity_badge

MAX_ROWS = 200
"""Escalations kept on screen; older ones drop off the bottom."""
RULE_WIDTH = 22
MESSAGE_WIDTH = 64

EMPTY_CONTEXT = Text(
    "No escalation logged yet. When a rule fires it appears above, newest first; "
    "highlight one to see its context here.",
    style="dim",
)


def escalation_context(escalation: EscalationRow, tz: tzinfo | None) -> Group:
    """The escalation in full: rule, session, time, message, and its context."""
    text = Text()
    text.append_text(literal(escalation.rule_id, "bold", one_line=True, max_chars=60))
    text.append(
        f" · session {escalation.session_id} · "
        f"{escalation.timestamp.astimezone(tz):%Y-%m-%d %H:%M:%S} · ",
        style="dim",
    )
    text.append_text(literal(escalation.message, one_line=True, max_chars=300))
    return Group(text, context_table(escalation.context, key_style="dim bold"))


class EscalationFeed(Vertical):
    """Escalations as they are logged; highlight one to see its context."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.escalations: dict[int, EscalationRow] = {}
        """Every escalation shown, by row id."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="escalation-table", cursor_type="row", zebra_stripes=False)
        yield Static(EMPTY_CONTEXT, id="escalation-context")

    @property
    def table(self) -> DataTable[Any]:
        """The table of escalations."""
        return self.query_one("#escalation-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Time", width=8, key="time")
        table.add_column("Sev", width=3, key="severity")
        table.add_column("Rule", width=RULE_WIDTH, key="rule")
        table.add_column("Session", width=7, key="session")
        table.add_column("Message", width=MESSAGE_WIDTH, key="message")
        self.border_title = "Escalations"

    def add(self, escalations: Iterable[EscalationRow]) -> None:
        """Show these escalations (known ones are skipped), newest first."""
        table = self.table
        at_top = table.cursor_row == 0
        keep = self._highlighted_id()
        added = False
        for escalation in escalations:
            if escalation.row_id in self.escalations:
                continue
            self.escalations[escalation.row_id] = escalation
            table.add_row(*self._cells(escalation), key=str(escalation.row_id))
            added = True
        if not added:
            return
        table.sort("severity", key=lambda badge: badge.key)
        for row_id in sorted(self.escalations)[: max(0, len(self.escalations) - MAX_ROWS)]:
            del self.escalations[row_id]
            table.remove_row(str(row_id))
        if keep is not None and not at_top and keep in self.escalations:
            table.move_cursor(row=table.get_row_index(str(keep)), animate=False)
        else:
            table.move_cursor(row=0, animate=False)
        self._show_context()
        self.border_title = f"Escalations ({len(self.escalations)})"

    def restyle(self) -> None:
        """Draw the severity badges again (after a theme change)."""
        for escalation in self.escalations.values():
            badge = KeyedCell(severity_badge(self.app, escalation.severity), (-escalation.row_id,))
            self.table.update_cell(str(escalation.row_id), "severity", badge)

    def _highlighted_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return int(row_key.value or 0)

    @on(DataTable.RowHighlighted, "#escalation-table")
    def _follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_context()

    def _show_context(self) -> None:
        row_id = self._highlighted_id()
        escalation = None if row_id is None else self.escalations.get(row_id)
        context = self.query_one("#escalation-context", Static)
        if escalation is None:
            context.update(EMPTY_CONTEXT)
            return
        context.update(escalation_context(escalation, self.tz))

    def _cells(self, escalation: EscalationRow) -> list[Any]:
        return [
            Text(f"{escalation.timestamp.astimezone(self.tz):%H:%M:%S}", style="dim"),
            KeyedCell(severity_badge(self.app, escalation.severity), (-escalation.row_id,)),
            cell(escalation.rule_id, RULE_WIDTH),
            Text(str(escalation.session_id), justify="right"),
            cell(escalation.message, MESSAGE_WIDTH, "bold" if escalation.severity >= 4 else ""),
        ]
