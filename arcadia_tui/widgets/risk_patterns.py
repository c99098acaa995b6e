"""The risk patterns in evaluation order: built-in and custom, on or off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from arcadia_core.managers.risk.records import PatternInfo
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import severity_badge
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

ID_WIDTH = 22
TOOL_WIDTH = 8
DESCRIPTION_WIDTH = 40
REGEX_WIDTH = 16


def origin(info: PatternInfo) -> Text:
    """`built-in`, `custom`, or `override` (a custom pattern replacing a built-in)."""
    if info.is_builtin and info.is_custom:
        return Text("override", style="bold")
    return Text("custom", style="bold") if info.is_custom else Text("built-in", style="dim")


class RiskPatterns(KeyedTable):
    """Every pattern; keys here turn the highlighted one off or on, or remove a custom one."""

    BINDINGS = [
        Binding(
            "d",
            "toggle_pattern",
            "Disable/enable",
            tooltip="Turn the highlighted pattern off or on (asks first)",
            id="risk.toggle-pattern",
        ),
        Binding(
            "delete",
            "remove_pattern",
            "Remove",
            tooltip="Delete the highlighted custom pattern (asks first)",
            id="risk.remove-pattern",
        ),
    ]

    @dataclass
    class ToggleRequested(Message):
        """Turn this pattern off (or on)."""

        info: PatternInfo

    @dataclass
    class RemoveRequested(Message):
        """Delete this custom pattern."""

        info: PatternInfo

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            (
                Column("id", "Pattern", ID_WIDTH),
                Column("level", "Lvl", 3),
                Column("tool", "Tool", TOOL_WIDTH),
                Column("origin", "Origin", 8),
                Column("on", "On", 3),
                Column("description", "Description", DESCRIPTION_WIDTH),
                Column("regex", "Matches", REGEX_WIDTH),
            ),
            id=id,
        )
        self.patterns: dict[str, PatternInfo] = {}
        """The patterns shown, by id."""

    @property
    def highlighted_pattern(self) -> PatternInfo | None:
        """The pattern under the cursor."""
        key = self.highlighted_key
        return None if key is None else self.patterns.get(key)

    def show(self, infos: Sequence[PatternInfo]) -> None:
        """Show the patterns in evaluation order."""
        self.patterns = {info.pattern.pattern_id: info for info in infos}
        rows = []
        for position, info in enumerate(infos):
            pattern = info.pattern
            dim = "" if info.is_enabled else "dim strike"
            rows.append(
                TableRow(
                    pattern.pattern_id,
                    (position,),
                    [
                        cell(pattern.pattern_id, ID_WIDTH, dim),
                        severity_badge(self.app, int(pattern.risk_level)),
                        cell(pattern.tool or "any", TOOL_WIDTH, "" if pattern.tool else "dim"),
                        origin(info),
                        Text("✓") if info.is_enabled else Text("off", style="bold"),
                        cell(pattern.description, DESCRIPTION_WIDTH, dim),
                        cell(pattern.input_pattern or "", REGEX_WIDTH, "dim"),
                    ],
                )
            )
        self.sync(rows)
        custom = sum(1 for info in infos if info.is_custom)
        off = sum(1 for info in infos if not info.is_enabled)
        self.border_title = f"Risk patterns ({len(infos)}: {custom} custom, {off} off)"
        self.border_subtitle = "n adds · d disables · Del removes"

    def action_toggle_pattern(self) -> None:
        """Ask to turn the highlighted pattern off or on."""
        info = self.highlighted_pattern
        if info is not None:
            self.post_message(self.ToggleRequested(info))

    def action_remove_pattern(self) -> None:
        """Ask to delete the highlighted custom pattern."""
        info = self.highlighted_pattern
        if info is not None:
            self.post_message(self.RemoveRequested(info))
