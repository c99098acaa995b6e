"""The level-change history: who moved the level (or a tool's, or a setting), when, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from rich.text import Text

from arcadia_core.vocabulary import RespondedBy, answered_by
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import level_label, when
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

SHOWN = 100
"""Newest changes listed."""
FOR_WIDTH = 14
BY_WIDTH = 16
REASON_WIDTH = 52
PERSON_PREFIXES = (answered_by(RespondedBy.TUI, ""), answered_by(RespondedBy.CLI, ""))
"""How the `by` of a change made by a person starts."""


def change_text(change: Mapping[str, Any]) -> Text:
    """`3 → 2`, `none → 4` for a tool, or `settings` for a thresholds/bounds change."""
    if change.get("settings"):
        return Text("settings", style="italic")
    before, after = change.get("from_level"), change.get("to_level")
    text = Text(f"{level_label(before, short=True)} → {level_label(after, short=True)}")
    if isinstance(before, int) and isinstance(after, int):
        text.stylize("bold" if after < before else "")
    return text


class LevelHistory(KeyedTable):
    """The newest level changes first."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("when", "When", 14),
                Column("for", "For", FOR_WIDTH),
                Column("change", "Change", 9),
                Column("by", "By", BY_WIDTH),
                Column("reason", "Reason", REASON_WIDTH),
            ),
            id=id,
            follow_top=True,
        )
        self.tz = tz

    def show(self, changes: Sequence[Mapping[str, Any]]) -> None:
        """Show the newest `SHOWN` of `changes` (given oldest first, as stored)."""
        start = max(0, len(changes) - SHOWN)
        rows = []
        for index in range(len(changes) - 1, start - 1, -1):
            change = changes[index]
            by = str(change.get("by") or "")
            person = by.startswith(PERSON_PREFIXES)
            rows.append(
                TableRow(
                    str(index),
                    (-index,),
                    [
                        Text(when(change.get("timestamp"), self.tz), style="dim"),
                        cell(change.get("tool") or "(agent)", FOR_WIDTH),
                        change_text(change),
                        cell(by, BY_WIDTH, "bold" if person else "dim"),
                        cell(change.get("reason") or "", REASON_WIDTH),
                    ],
                )
            )
        self.sync(rows)
        self.border_title = f"Level changes ({len(changes)})"
