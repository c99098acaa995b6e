"""The per-tool level overrides: the level each overridden tool requires."""

from __future__ import annotations

from rich.text import Text

from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyLevel
from arcadia_core.managers.autonomy.rules import CATEGORY_REQUIRED_LEVELS, tool_category
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import level_label
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

TOOL_WIDTH = 14


class ToolOverrides(KeyedTable):
    """One row per tool with an override: its required level, next to its category's."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            (
                Column("tool", "Tool", TOOL_WIDTH),
                Column("level", "Requires", 16),
                Column("default", "Category's", 16),
            ),
            id=id,
        )

    @property
    def highlighted_tool(self) -> str | None:
        """The tool under the cursor."""
        return self.highlighted_key

    def show(self, config: AutonomyConfig) -> None:
        """Show the overrides of `config`, by tool name."""
        rows = []
        for tool, level in sorted(config.action_levels.items()):
            default = CATEGORY_REQUIRED_LEVELS.get(tool_category(tool), AutonomyLevel.EXECUTE_SAFE)
            stricter = level > default
            rows.append(
                TableRow(
                    tool,
                    (tool,),
                    [
                        cell(tool, TOOL_WIDTH),
                        Text(level_label(level), style="bold" if stricter else ""),
                        Text(level_label(default), style="dim"),
                    ],
                )
            )
        self.sync(rows)
        count = len(rows)
        self.border_title = f"Per-tool overrides ({count})" if count else "Per-tool overrides"
        self.border_subtitle = "o edits · none yet" if not count else "o edits"
