"""A DataTable kept in step with a list of rows by key: never cleared and refilled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from arcadia_tui.widgets.cells import KeyedCell


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its key, its heading and its width (None: as wide as its content)."""

    key: str
    label: str
    width: int | None = None


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row: its key, the order it sorts in, and its cells (one per column)."""

    key: str
    order: tuple[Any, ...]
    cells: Sequence[Any]


class KeyedTable(DataTable[Any]):
    """Rows updated by key: new ones added, changed cells updated, gone ones removed; the
    highlighted row stays highlighted. `Highlighted` says when another row is under the cursor."""

    @dataclass
    class Highlighted(Message):
        """Another row (key None: none) is under the cursor, or it changed."""

        table: KeyedTable
        key: str | None

        @property
        def control(self) -> KeyedTable:
            return self.table

    def __init__(
        self, columns: Sequence[Column], *, id: str | None = None, follow_top: bool = False
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.table_columns = tuple(columns)
        self.follow_top = follow_top
        """With the cursor on the first row, stay on the first row when rows arrive above it."""
        self._announced: str | None = None
        self._announced_once = False

    def on_mount(self) -> None:
        for column in self.table_columns:
            self.add_column(column.label, width=column.width, key=column.key)

    @property
    def highlighted_key(self) -> str | None:
        """The key of the row under the cursor."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return row_key.value

    def sync(self, rows: Sequence[TableRow]) -> bool:
        """Show exactly `rows`, sorted by their `order`; True if anything changed."""
        keep = self.highlighted_key
        at_top = self.cursor_row == 0
        wanted = {row.key: row for row in rows}
        changed = False
        for row_key in [key for key in self.rows if key.value not in wanted]:
            self.remove_row(row_key)
            changed = True
        columns = [column.key for column in self.table_columns]
        added = False
        for row in rows:
            cells = [KeyedCell(_text(row.cells[0]), row.order), *row.cells[1:]]
            if row.key not in self.rows:
                self.add_row(*cells, key=row.key)
                added = changed = True
                continue
            current = self.get_row(row.key)
            for column, old, new in zip(columns, current, cells, strict=True):
                if old != new:
                    self.update_cell(row.key, column, new)
                    changed = True
        if added or changed:
            self.sort(columns[0], key=lambda first: first.key)
        if keep is not None and keep in wanted and not (self.follow_top and at_top):
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        elif self.row_count:
            self.move_cursor(row=0 if (at_top or keep is None) else self.cursor_row, animate=False)
        self._announce(force=changed and self.highlighted_key == keep)
        return changed

    def _announce(self, force: bool = False) -> None:
        key = self.highlighted_key
        if force or key != self._announced or not self._announced_once:
            self._announced, self._announced_once = key, True
            self.post_message(self.Highlighted(self, key))

    @on(DataTable.RowHighlighted)
    def _follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._announce()


def _text(value: Any) -> Text:
    return value if isinstance(value, Text) else Text(str(value))
