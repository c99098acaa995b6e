"""Recorded interventions, newest first: what a person did instead of the agent, and whether
it worked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text

from arcadia_core.clock import Clock
from arcadia_core.managers.intervention.records import Intervention
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import recent
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

ACTION_WIDTH = 27
ORIGINAL_WIDTH = 20
SITUATION_WIDTH = 14


def outcome_cell(intervention: Intervention) -> Text:
    """`✓ worked`, `✗ failed`, or `pending` when the outcome is not known yet."""
    if not intervention.outcome_tracked:
        return Text("pending", style="dim")
    if intervention.outcome_success:
        return Text("✓ worked")
    return Text("✗ failed", style="bold")


class InterventionTable(KeyedTable):
    """A window of interventions, newest first."""

    def __init__(self, *, clock: Clock, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("when", "When", 11),
                Column("id", "Id", 8),
                Column("session", "Ses", 3),
                Column("type", "Type", 10),
                Column("situation", "Situation", SITUATION_WIDTH),
                Column("original", "Agent would", ORIGINAL_WIDTH),
                Column("action", "Person did", ACTION_WIDTH),
                Column("outcome", "Outcome", 8),
            ),
            id=id,
            follow_top=True,
        )
        self.clock = clock
        self.tz = tz
        self.interventions: dict[str, Intervention] = {}
        """The interventions shown, by id."""

    def show(self, interventions: Sequence[Intervention]) -> None:
        """Show these interventions (newest first)."""
        self.interventions = {item.intervention_id: item for item in interventions}
        now = self.clock()
        rows = []
        for position, item in enumerate(interventions):
            signature = item.context_signature
            where = " · ".join(part for part in (signature.tool, signature.trigger_type) if part)
            rows.append(
                TableRow(
                    item.intervention_id,
                    (position,),
                    [
                        Text(
                            recent(datetime.fromisoformat(item.timestamp), now, self.tz),
                            style="dim",
                        ),
                        Text(item.intervention_id),
                        Text(str(item.session_id), justify="right"),
                        cell(item.intervention_type.value, 10),
                        cell(where, SITUATION_WIDTH, "dim"),
                        cell(item.original_action or "", ORIGINAL_WIDTH, "dim"),
                        cell(item.human_action, ACTION_WIDTH, "bold"),
                        outcome_cell(item),
                    ],
                )
            )
        self.sync(rows)
