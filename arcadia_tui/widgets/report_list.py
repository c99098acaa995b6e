"""Failure reports grouped by session, newest session first, newest report first within it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text

from arcadia_core.clock import Clock
from arcadia_core.managers.failure.records import ReportSummary, severity_name
from arcadia_tui.literal import cell
from arcadia_tui.widgets.cells import recent
from arcadia_tui.widgets.keyed_table import Column, KeyedTable, TableRow

TYPE_WIDTH = 14
SEVERITY_STYLES = {4: "bold reverse", 3: "bold", 2: "", 1: "dim"}


def session_key(session_id: int) -> str:
    """The row key of a session's heading row."""
    return f"s{session_id}"


def report_key(report_id: int) -> str:
    """The row key of a report's row."""
    return f"r{report_id}"


class ReportList(KeyedTable):
    """A heading row per session, its reports under it."""

    def __init__(self, *, clock: Clock, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(
            (
                Column("report", "Report", 10),
                Column("when", "Generated", 11),
                Column("type", "Type", TYPE_WIDTH),
                Column("severity", "Sev", 8),
                Column("confidence", "Conf", 4),
            ),
            id=id,
        )
        self.clock = clock
        self.tz = tz
        self.reports: dict[str, ReportSummary] = {}
        """Every report shown, by row key."""
        self.newest_of: dict[str, ReportSummary] = {}
        """Each session row's newest report, by the session row's key."""

    @property
    def highlighted_report(self) -> ReportSummary | None:
        """The report under the cursor, or the newest of the session under it."""
        key = self.highlighted_key
        if key is None:
            return None
        return self.reports.get(key) or self.newest_of.get(key)

    def show(self, reports: Sequence[ReportSummary]) -> None:
        """Show these reports (newest first) grouped by session."""
        self.reports = {report_key(r.report_id): r for r in reports}
        now = self.clock()
        self.newest_of = {}
        counts: dict[int, int] = {}
        for report in reports:
            counts[report.session_id] = counts.get(report.session_id, 0) + 1
            self.newest_of.setdefault(session_key(report.session_id), report)
        rows = []
        for session_id, count in counts.items():
            noun = "report" if count == 1 else "reports"
            rows.append(
                TableRow(
                    session_key(session_id),
                    (-session_id, 0, 0),
                    [
                        Text(f"Session {session_id}", style="bold"),
                        Text(""),
                        Text(f"{count} {noun}", style="dim"),
                        Text(""),
                        Text(""),
                    ],
                )
            )
        for report in reports:
            rows.append(
                TableRow(
                    report_key(report.report_id),
                    (-report.session_id, 1, -report.report_id),
                    [
                        Text(f"  #{report.report_id}"),
                        Text(recent(report.generated_at, now, self.tz), style="dim"),
                        cell(report.failure_type, TYPE_WIDTH),
                        Text(
                            severity_name(report.severity),
                            style=SEVERITY_STYLES.get(report.severity, ""),
                        ),
                        Text(f"{report.confidence:.0%}", justify="right"),
                    ],
                )
            )
        self.sync(rows)

    def select_report(self, report_id: int) -> None:
        """Move the cursor to a report."""
        key = report_key(report_id)
        if key in self.reports:
            self.move_cursor(row=self.get_row_index(key))
