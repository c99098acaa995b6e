"""One page of risk assessments, newest first; the highlighted one is shown in full beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text

from arcadia_core.clock import Clock
from arcadia_core.managers.risk.records import AssessmentRecord
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import recent, severity_badge
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

TOOL_WIDTH = 10
ACTION_WIDTH = 27


def needs_cell(record: AssessmentRecord) -> Text:
    """`ACR`: needs approval, checkpoint, review (a dot where it does not)."""
    text = Text()
    for needed, letter in (
        (record.requires_approval, "A"),
        (record.requires_checkpoint, "C"),
        (record.requires_review, "R"),
    ):
        text.append(letter if needed else "·", style="bold" if needed else "dim")
    return text


class AssessmentTable(KeyedTable):
    """A window of assessments (one page)."""

    def __init__(self, *, clock: Clock, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("when", "When", 11),
                Column("level", "Lvl", 3),
                Column("tool", "Tool", TOOL_WIDTH),
                Column("action", "Action", ACTION_WIDTH),
                Column("needs", "ACR", 3),
                Column("session", "Ses", 4),
            ),
            id=id,
            follow_top=True,
        )
        self.clock = clock
        self.tz = tz
        self.records: dict[str, AssessmentRecord] = {}
        """The assessments on this page, by row key."""

    @property
    def highlighted_record(self) -> AssessmentRecord | None:
        """The assessment under the cursor."""
        key = self.highlighted_key
        return None if key is None else self.records.get(key)

    def show(self, records: Sequence[AssessmentRecord]) -> None:
        """Show exactly these assessments (one page), newest first."""
        self.records = {str(record.assessment_id): record for record in records}
        now = self.clock()
        self.sync(
            [
                TableRow(
                    str(record.assessment_id),
                    (-record.assessment_id,),
                    [
                        Text(recent(record.timestamp, now, self.tz), style="dim"),
                        severity_badge(self.app, record.risk_level),
                        cell(record.tool, TOOL_WIDTH),
                        cell(record.action, ACTION_WIDTH, "bold" if record.risk_level >= 4 else ""),
                        needs_cell(record),
                        Text(str(record.session_id), justify="right"),
                    ],
                )
                for record in records
            ]
        )
