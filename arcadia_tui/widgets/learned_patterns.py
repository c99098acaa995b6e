"""Learned intervention patterns: what people did in a situation, and how well it worked."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from arcadia_core.managers.intervention.records import AUTO_APPLY_DISABLED, InterventionPattern
from arcadia_tui.literal import cell
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

ACTION_WIDTH = 24


def auto_cell(pattern: InterventionPattern) -> Text:
    """`on`, `off`, or `off (you)` when a supervisor turned it off for good."""
    if pattern.auto_apply:
        return Text("on", style="bold reverse")
    if pattern.min_confidence_for_auto >= AUTO_APPLY_DISABLED:
        return Text("off (set)", style="bold")
    return Text("off", style="dim")


def situation(pattern: InterventionPattern) -> str:
    """The signature in a few words: `Bash · pytest · test_failure`."""
    signature = pattern.context_signature
    parts = [signature.tool, signature.action_type, signature.trigger_type, signature.decision_type]
    return " · ".join(part for part in parts if part) or "any situation"


class LearnedPatterns(KeyedTable):
    """Every learned pattern in creation order, with its record and auto-apply state."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            (
                Column("pattern", "Pattern", 8),
                Column("action", "Recommends", ACTION_WIDTH),
                Column("confidence", "Conf", 4),
                Column("matched", "Match", 5),
                Column("applied", "Appl", 4),
                Column("outcomes", "✓/✗", 5),
                Column("auto", "Auto", 9),
            ),
            id=id,
        )
        self.patterns: dict[str, InterventionPattern] = {}
        """The patterns shown, by id."""

    @property
    def highlighted_pattern(self) -> InterventionPattern | None:
        """The pattern under the cursor."""
        key = self.highlighted_key
        return None if key is None else self.patterns.get(key)

    def show(self, patterns: Sequence[InterventionPattern]) -> None:
        """Show these patterns in this order."""
        self.patterns = {pattern.pattern_id: pattern for pattern in patterns}
        rows = []
        for position, pattern in enumerate(patterns):
            confidence = Text(f"{pattern.confidence:.0%}", justify="right")
            if pattern.confidence >= pattern.min_confidence_for_auto:
                confidence.stylize("bold")
            rows.append(
                TableRow(
                    pattern.pattern_id,
                    (position,),
                    [
                        Text(pattern.pattern_id),
                        cell(pattern.recommended_action, ACTION_WIDTH),
                        confidence,
                        Text(str(pattern.times_matched), justify="right"),
                        Text(str(pattern.times_applied), justify="right"),
                        Text(f"{pattern.success_count}/{pattern.failure_count}"),
                        auto_cell(pattern),
                    ],
                )
            )
        self.sync(rows)
        auto = sum(1 for pattern in patterns if pattern.auto_apply)
        self.border_title = f"Learned patterns ({len(patterns)}, {auto} auto-applied)"
        self.border_subtitle = "space toggles auto-apply"
