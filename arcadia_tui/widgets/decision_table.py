"""Recent autonomy decisions: each permission check, allowed or denied, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from rich.text import Text

from arcadia_tui.literal import cell, literal
from arcadia_tui.widgets.cells import when
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

TOOL_WIDTH = 14
ACTION_WIDTH = 30
ALTERNATIVES_WIDTH = 31

OUTCOMES: dict[bool | None, str] = {None: "all", True: "allowed", False: "denied"}
"""The decision filter's states, by `allowed_only` value."""


def outcome_cell(allowed: bool) -> Text:
    """`✓ allowed` or a bold `✗ denied`."""
    return Text("✓ allowed") if allowed else Text("✗ denied", style="bold")


def level_cell(decision: Mapping[str, Any]) -> Text:
    """`4/3`: the level the tool needed and the effective level it was checked at."""
    return Text(f"{decision.get('required_level')}/{decision.get('effective_level')}")


class DecisionTable(KeyedTable):
    """The newest decisions first, as the filters select them."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("when", "Time", 8),
                Column("tool", "Tool", TOOL_WIDTH),
                Column("action", "Action", ACTION_WIDTH),
                Column("outcome", "Outcome", 9),
                Column("levels", "Need/At", 7),
                Column("confidence", "Conf", 4),
                Column("alternatives", "Alternatives (denied)", ALTERNATIVES_WIDTH),
            ),
            id=id,
            follow_top=True,
        )
        self.tz = tz
        self.decisions: dict[str, Mapping[str, Any]] = {}
        """The decisions shown, by row key."""

    @property
    def highlighted_decision(self) -> Mapping[str, Any] | None:
        """The decision under the cursor."""
        key = self.highlighted_key
        return None if key is None else self.decisions.get(key)

    def show(
        self, decisions: Sequence[Mapping[str, Any]], allowed: bool | None, tool: str | None
    ) -> None:
        """Show `decisions` (newest first) and say which filters selected them."""
        self.decisions = {str(decision["id"]): decision for decision in decisions}
        rows = []
        for decision in decisions:
            allowed_now = bool(decision.get("allowed"))
            confidence = decision.get("confidence")
            alternatives = "; ".join(decision.get("alternatives") or [])
            rows.append(
                TableRow(
                    str(decision["id"]),
                    (-int(decision["id"]),),
                    [
                        Text(when(decision.get("timestamp"), self.tz, "%H:%M:%S"), style="dim"),
                        cell(decision.get("tool") or "", TOOL_WIDTH),
                        cell(decision.get("action") or "", ACTION_WIDTH),
                        outcome_cell(allowed_now),
                        level_cell(decision),
                        Text("" if confidence is None else f"{float(confidence):.2f}"),
                        cell(alternatives, ALTERNATIVES_WIDTH, "italic"),
                    ],
                )
            )
        self.sync(rows)
        what = OUTCOMES[allowed]
        title = f"Recent decisions · {what}"
        if tool is not None:
            title += f" · tool {tool}"
        # The tool name is the agent's: the title is literal text, not markup.
        self.border_title = literal(f"{title} ({len(rows)})", one_line=True, max_chars=120)
