"""The queue of pending injection points: most severe first, then oldest, with countdowns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from arcadia_core.clock import Clock
from arcadia_core.vocabulary import PointStatus
from arcadia_core.watch import InjectionResolved
from arcadia_tui.literal import cell
from arcadia_tui.rows import PointRow, format_age, format_countdown
from arcadia_tui.widgets.cells import KeyedCell, severity_badge

TYPE_WIDTH = 9
SUMMARY_WIDTH = 26
AGE_WIDTH = 6
TIMEOUT_WIDTH = 18

OUTCOME_LABELS: dict[str, str] = {
    PointStatus.RESPONDED: "✓ answered",
    PointStatus.TIMEOUT: "⏱ timed out",
    PointStatus.CANCELLED: "✗ cancelled",
    PointStatus.DELETED: "✗ deleted",
}


def outcome_label(point: PointRow) -> str:
    """A short label for a resolved point's outcome."""
    return OUTCOME_LABELS.get(point.status, point.status)


class PendingQueue(DataTable[Any]):
    """Pending injection points; the highlighted one is the point the keys answer."""

    BINDINGS = [
        Binding(
            "enter",
            "accept",
            "Recommended",
            tooltip="Answer the selected point with the agent's recommendation",
            id="live.accept",
        ),
    ]

    @dataclass
    class Selected(Message):
        """The highlighted point changed, or its content did (None when the queue is empty)."""

        point: PointRow | None

    @dataclass
    class AcceptRequested(Message):
        """Enter was pressed on a point: answer it with its recommendation."""

        point: PointRow

    def __init__(self, *, clock: Clock, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.clock = clock
        self.points: dict[str, PointRow] = {}
        """Every point shown, by point id."""
        self._announced: PointRow | None = None

    def on_mount(self) -> None:
        self.add_column("Sev", width=3, key="severity")
        self.add_column("Type", width=TYPE_WIDTH, key="type")
        self.add_column("Question", width=SUMMARY_WIDTH, key="summary")
        self.add_column("Age", width=AGE_WIDTH, key="age")
        self.add_column("Timeout → default", width=TIMEOUT_WIDTH, key="timeout")
        self.set_interval(1.0, self.tick, name="countdown")

    # -- reading ------------------------------------------------------------------------------

    @property
    def pending_count(self) -> int:
        """How many shown points are still pending."""
        return sum(1 for point in self.points.values() if point.is_pending)

    @property
    def highlighted_point(self) -> PointRow | None:
        """The point under the cursor."""
        point_id = self._highlighted_id()
        return None if point_id is None else self.points.get(point_id)

    def _highlighted_id(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return row_key.value

    # -- changing -----------------------------------------------------------------------------

    def add_points(self, points: Iterable[PointRow]) -> None:
        """Show new points (or refresh known ones) and keep the order and the selection."""
        keep = self._highlighted_id()
        now = self.clock()
        added = False
        for point in points:
            if point.point_id in self.points:
                self._replace(point, now)
                continue
            if not point.is_pending:
                continue
            self.points[point.point_id] = point
            self.add_row(*self._cells(point, now).values(), key=point.point_id)
            added = True
        if added:
            self._resort(keep)
        self._announce()

    def resolve(self, change: InjectionResolved) -> PointRow | None:
        """Record an outcome: the row goes, unless it is the one being read."""
        point = self.points.get(change.point_id)
        if point is None:
            return None
        resolved = point.resolved(change)
        if change.point_id == self._highlighted_id():
            self._replace(resolved, self.clock())
        else:
            self.forget(change.point_id)
        self._announce()
        return resolved

    def show_outcome(self, point: PointRow) -> None:
        """Show a known outcome on a row still on screen (after a conflict)."""
        if point.point_id in self.points:
            self._replace(point, self.clock())
            self._announce()

    def forget(self, point_id: str) -> None:
        """Remove a point's row, keeping the cursor on the point it was on when possible."""
        if point_id not in self.points:
            return
        keep = self._highlighted_id()
        was_index = self.cursor_row
        del self.points[point_id]
        self.remove_row(point_id)
        if keep is not None and keep != point_id and keep in self.points:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        elif self.row_count:
            self.move_cursor(row=min(was_index, self.row_count - 1), animate=False)
        self._announce()

    def tick(self) -> None:
        """Advance ages and countdowns."""
        now = self.clock()
        for point in self.points.values():
            cells = self._cells(point, now)
            self.update_cell(point.point_id, "age", cells["age"])
            self.update_cell(point.point_id, "timeout", cells["timeout"])

    def _replace(self, point: PointRow, now: datetime) -> None:
        self.points[point.point_id] = point
        for column, value in self._cells(point, now).items():
            self.update_cell(point.point_id, column, value)

    def _resort(self, keep: str | None) -> None:
        self.sort("severity", key=lambda badge: badge.key)
        if keep is not None and keep in self.points:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        else:
            self.move_cursor(row=0, animate=False)

    def _drop_resolved(self) -> None:
        highlighted = self._highlighted_id()
        for point_id, point in list(self.points.items()):
            if not point.is_pending and point_id != highlighted:
                self.forget(point_id)

    def _announce(self) -> None:
        point = self.highlighted_point
        if point != self._announced:
            self._announced = point
            self.post_message(self.Selected(point))

    @on(DataTable.RowHighlighted)
    def _follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._drop_resolved()
        self._announce()

    def action_accept(self) -> None:
        point = self.highlighted_point
        if point is not None:
            self.post_message(self.AcceptRequested(point))

    # -- cells --------------------------------------------------------------------------------

    def _cells(self, point: PointRow, now: datetime) -> dict[str, Any]:
        dim = "" if point.is_pending else "dim"
        badge = severity_badge(self.app, point.severity)
        if dim:
            badge.stylize(dim)
        return {
            "severity": KeyedCell(badge, point.sort_key),
            "type": cell(point.point_type, TYPE_WIDTH, dim),
            "summary": cell(point.headline, SUMMARY_WIDTH, dim),
            "age": Text(format_age((now - point.created_at).total_seconds()), style=dim),
            "timeout": self._timeout_cell(point, now),
        }

    def _timeout_cell(self, point: PointRow, now: datetime) -> Text:
        if not point.is_pending:
            return Text(outcome_label(point), style="dim italic")
        left = point.seconds_left(now)
        if left is None:
            return Text("waits for you", style="italic")
        default = point.default_on_timeout or ""
        if left <= 0:
            text = Text("overdue → ", style="bold")
        else:
            text = Text(f"{format_countdown(left)} → ", style="bold" if left < 60 else "")
        text.append_text(cell(default, TIMEOUT_WIDTH - len(text)))
        return text
