"""The Failures view: failure reports by session, the selected one in full, and its export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer

from arcadia_core.managers.failure.manager import FailureAnalyzer
from arcadia_core.managers.failure.records import FailureReport, ReportSummary
from arcadia_core.watch import FailureReported
from arcadia_tui.literal import literal
from arcadia_tui.messages import DetailLoaded
from arcadia_tui.screens.export_form import ExportForm
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.keyed_table import KeyedTable
from arcadia_tui.widgets.report_detail import ReportDetail
from arcadia_tui.widgets.report_list import ReportList

REPORTS_SHOWN = 100
"""Reports read at a time (a window; `]` reads the older ones)."""


@dataclass(frozen=True, slots=True)
class ReportWindow:
    """One window of report summaries, newest first."""

    reports: tuple[ReportSummary, ...]
    page: int


class FailuresScreen(ViewScreen):
    """Failure reports grouped by session, newest first, and the highlighted one in full."""

    VIEW_NAME = "failures"
    VIEW_TITLE = "Failures"
    FOLLOWS = frozenset({FailureReported.kind})

    BINDINGS = [
        Binding(
            "g", "open_latest", "Latest", tooltip="Select the newest report", id="failures.latest"
        ),
        Binding(
            "e",
            "export('.md')",
            "Export .md",
            tooltip="Write the report to a Markdown file",
            id="failures.export-markdown",
        ),
        Binding(
            "j",
            "export('.json')",
            "Export .json",
            tooltip="Write the report to a JSON file",
            id="failures.export-json",
        ),
        Binding(
            "right_square_bracket",
            "older",
            "Older",
            tooltip="The next window of older reports",
            id="failures.older",
        ),
        Binding(
            "left_square_bracket",
            "newer",
            "Newer",
            tooltip="The previous window of newer reports",
            id="failures.newer",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.window_starts: list[int | None] = [None]
        """Keyset of each window so far (None: newest)."""
        self.window: ReportWindow | None = None
        """What the list shows."""

    def compose(self) -> ComposeResult:
        tz = self.arcadia.display_tz
        yield from self.compose_top()
        with Horizontal(id="failures-main"):
            yield ReportList(clock=self.arcadia.clock, tz=tz, id="report-list")
            yield ReportDetail(tz=tz, id="report-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReportDetail).border_title = "Selected report"
        self.query_one(ReportList).focus()

    @property
    def reports(self) -> ReportList:
        """The list of reports."""
        return self.query_one(ReportList)

    @property
    def detail(self) -> ReportDetail:
        """The report in full."""
        return self.query_one(ReportDetail)

    # -- loading ------------------------------------------------------------------------------

    async def load(self) -> ReportWindow:
        analyzer = FailureAnalyzer(self.arcadia.database)
        reports = await analyzer.list_reports_async(
            limit=REPORTS_SHOWN, before_id=self.window_starts[-1]
        )
        return ReportWindow(tuple(reports), len(self.window_starts) - 1)

    def show(self, data: ReportWindow) -> None:
        self.window = data
        self.reports.show(data.reports)
        sessions = len({report.session_id for report in data.reports})
        self.reports.border_title = f"Failure reports ({len(data.reports)} in {sessions} sessions)"
        parts = [
            "[ newer" if data.page else "",
            "] older" if len(data.reports) == REPORTS_SHOWN else "",
        ]
        self.reports.border_subtitle = " · ".join(part for part in parts if part)
        self.sub_title = f"Failures · {len(data.reports)} reports"
        if not data.reports:
            self.detail.show(None)

    @on(KeyedTable.Highlighted, "#report-list")
    def show_selected(self) -> None:
        summary = self.reports.highlighted_report
        if summary is None:
            self.detail.show(None)
        elif self.detail.report is None or self.detail.report.report_id != summary.report_id:
            self.load_report(summary.report_id)

    @work(exclusive=True, group="failures-detail", exit_on_error=False)
    async def load_report(self, report_id: int) -> None:
        """Read one report in full."""
        analyzer = FailureAnalyzer(self.arcadia.database)
        report = await self.arcadia.shielded(analyzer.get_report_by_id_async(report_id))
        self.post_message(DetailLoaded(report))

    @on(DetailLoaded)
    def show_report(self, message: DetailLoaded) -> None:
        report = message.detail
        if not isinstance(report, FailureReport):
            return
        summary = self.reports.highlighted_report
        if summary is not None and summary.report_id == report.report_id:
            self.detail.show(report)

    # -- actions ------------------------------------------------------------------------------

    def action_open_latest(self) -> None:
        """Select the newest report (the first window)."""
        if len(self.window_starts) > 1:
            self.window_starts = [None]
            self.request_reload()
        self.reports.focus()
        self.reports.move_cursor(row=0)

    def action_export(self, suffix: str = ".md") -> None:
        """Export the shown report to a file the person names."""
        report = self.detail.report
        if report is None:
            self.notify("Select a report to export.", severity="warning")
            return
        form = ExportForm(report, self.arcadia.settings.project_dir, suffix)
        self.app.push_screen(form, self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            shown = literal(path, one_line=True, max_chars=200).plain
            self.notify(f"Wrote {shown}", title="Report exported", markup=False)

    def action_older(self) -> None:
        """The next window, older reports."""
        if self.window is None or len(self.window.reports) < REPORTS_SHOWN:
            self.notify("These are the oldest reports.", timeout=2)
            return
        self.window_starts.append(self.window.reports[-1].report_id)
        self.request_reload()

    def action_newer(self) -> None:
        """The previous window, newer reports."""
        if len(self.window_starts) == 1:
            self.notify("These are the newest reports.", timeout=2)
            return
        self.window_starts.pop()
        self.request_reload()
