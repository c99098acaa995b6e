"""The Risk view: assessments a page at a time under filters, one in full, and the patterns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Select

from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.queries import (
    AssessmentFilter,
    assessed_sessions,
    assessed_tools,
    assessment_links,
)
from arcadia_core.managers.risk.records import AssessmentLinks, AssessmentRecord, PatternInfo
from arcadia_core.managers.risk.rules import BUILTIN_PATTERN_IDS
from arcadia_core.watch import Change, RiskAssessed
from arcadia_tui.literal import literal
from arcadia_tui.messages import DetailLoaded
from arcadia_tui.screens.confirm import ConfirmModal
from arcadia_tui.screens.pattern_form import PatternForm
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.assessment_detail import AssessmentDetail
from arcadia_tui.widgets.assessment_table import AssessmentTable
from arcadia_tui.widgets.keyed_table import KeyedTable
from arcadia_tui.widgets.risk_filters import RiskFilterBar
from arcadia_tui.widgets.risk_patterns import RiskPatterns

PAGE_SIZE = 100
"""Assessments read and shown at a time (the table never holds more)."""


@dataclass(frozen=True, slots=True)
class RiskPage:
    """What one load read: a page of assessments under the filters, and the patterns."""

    filters: AssessmentFilter
    page: int
    records: tuple[AssessmentRecord, ...]
    matching: int
    patterns: tuple[PatternInfo, ...]
    tools: tuple[str, ...] | None
    sessions: tuple[int, ...] | None


class RiskScreen(ViewScreen):
    """Risk assessments, newest first, filtered and searched in SQL one page at a time."""

    VIEW_NAME = "risk"
    VIEW_TITLE = "Risk"
    FOLLOWS = frozenset({RiskAssessed.kind})

    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search actions, inputs, tools and concerns",
            id="risk.search",
        ),
        Binding("l", "pick('level')", "Level", tooltip="Filter by risk level", id="risk.level"),
        Binding("t", "pick('tool')", "Tool", tooltip="Filter by tool", id="risk.tool"),
        Binding("s", "pick('session')", "Session", tooltip="Filter by session", id="risk.session"),
        Binding(
            "a",
            "cycle_needs",
            "Needs",
            tooltip="Only those needing approval, checkpoint, review, or all",
            id="risk.needs",
        ),
        Binding("x", "clear_filters", "Clear", tooltip="Turn every filter off", id="risk.clear"),
        Binding(
            "right_square_bracket",
            "older",
            "Older",
            tooltip="The next page (older assessments)",
            id="risk.older",
        ),
        Binding(
            "left_square_bracket",
            "newer",
            "Newer",
            tooltip="The previous page (newer assessments)",
            id="risk.newer",
        ),
        Binding(
            "n",
            "new_pattern",
            "New pattern",
            tooltip="Add a custom risk pattern",
            id="risk.new-pattern",
        ),
        Binding(
            "p",
            "focus_patterns",
            "Patterns",
            show=False,
            tooltip="Move to the pattern list",
            id="risk.patterns",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = AssessmentFilter()
        """The filters the shown page was read with (or is being read with)."""
        self.page_starts: list[int | None] = [None]
        """Keyset of each page so far: the id every row of the page is below (None: newest)."""
        self.page: RiskPage | None = None
        """What is on screen."""
        self._choices_wanted = True

    def compose(self) -> ComposeResult:
        tz = self.arcadia.display_tz
        yield from self.compose_top()
        yield RiskFilterBar(id="risk-filters")
        with Horizontal(id="risk-main"):
            yield AssessmentTable(clock=self.arcadia.clock, tz=tz, id="assessment-table")
            yield AssessmentDetail(tz=tz, id="assessment-detail")
        yield RiskPatterns(id="risk-patterns")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AssessmentDetail).border_title = "Selected assessment"
        self.query_one(AssessmentTable).focus()

    @property
    def table(self) -> AssessmentTable:
        """The page of assessments."""
        return self.query_one(AssessmentTable)

    # -- loading ------------------------------------------------------------------------------

    async def load(self) -> RiskPage:
        database = self.arcadia.database
        filters, page = self.filters, len(self.page_starts) - 1
        classifier = RiskClassifier(database)
        records = await classifier.list_assessments_async(
            filters, limit=PAGE_SIZE, before_id=self.page_starts[-1]
        )
        matching = await classifier.count_assessments_async(filters)
        patterns = await classifier.list_patterns_async()
        tools = sessions = None
        if self._choices_wanted:
            self._choices_wanted = False
            tools = tuple(await assessed_tools(database))
            sessions = tuple(await assessed_sessions(database))
        return RiskPage(filters, page, tuple(records), matching, tuple(patterns), tools, sessions)

    def show(self, data: RiskPage) -> None:
        self.page = data
        if data.tools is not None and data.sessions is not None:
            self.query_one(RiskFilterBar).set_choices(data.tools, data.sessions)
        table = self.table
        table.show(data.records)
        first = data.page * PAGE_SIZE + 1 if data.records else 0
        last = data.page * PAGE_SIZE + len(data.records)
        table.border_title = f"Assessments {first:,}–{last:,} of {data.matching:,}"
        older = "] older" if len(data.records) == PAGE_SIZE else ""
        newer = "[ newer" if data.page else ""
        table.border_subtitle = " · ".join(part for part in (newer, older) if part)
        self.query_one(RiskPatterns).show(data.patterns)
        self.sub_title = f"Risk · {data.matching:,} matching"

    def apply_changes(self, changes: Sequence[Change]) -> None:
        bar = self.query_one(RiskFilterBar)
        if any(
            isinstance(change, RiskAssessed) and not bar.offers(change.tool, change.session_id)
            for change in changes
        ):
            self._choices_wanted = True
        self.request_reload()

    def on_screen_resume(self) -> None:
        self._choices_wanted = True

    # -- the selected assessment -------------------------------------------------------------

    @on(KeyedTable.Highlighted, "#assessment-table")
    def show_selected(self) -> None:
        record = self.table.highlighted_record
        self.query_one(AssessmentDetail).show_record(record)
        if record is not None:
            self.load_links(record.assessment_id)

    @work(exclusive=True, group="risk-detail", exit_on_error=False)
    async def load_links(self, assessment_id: int) -> None:
        """Read what was recorded about the same call."""
        self.post_message(
            DetailLoaded(
                await self.arcadia.shielded(assessment_links(self.arcadia.database, assessment_id))
            )
        )

    @on(DetailLoaded)
    def show_links(self, message: DetailLoaded) -> None:
        links = message.detail
        if not isinstance(links, AssessmentLinks):
            return
        record = self.table.highlighted_record
        if record is not None and record.assessment_id == links.assessment.assessment_id:
            self.query_one(AssessmentDetail).show(links)

    # -- filters and pages --------------------------------------------------------------------

    @on(RiskFilterBar.Changed)
    def apply_filters(self, message: RiskFilterBar.Changed) -> None:
        self.filters = message.filters
        self.page_starts = [None]
        self.request_reload()

    def action_search(self) -> None:
        """Move to the search field."""
        self.query_one("#risk-search", Input).focus()

    def action_pick(self, name: str) -> None:
        """Open one of the filter lists (level, tool, session)."""
        select: Select[str] = self.query_one(RiskFilterBar).select(name)
        select.focus()
        select.expanded = True

    def action_cycle_needs(self) -> None:
        """Needs approval, then checkpoint, then review, then anything."""
        self.query_one(RiskFilterBar).cycle_needs()

    def action_clear_filters(self) -> None:
        """Every filter off, newest page."""
        self.query_one(RiskFilterBar).clear()

    def set_level_filter(self, value: str) -> None:
        """Filter by level: `5`, `min:4`, ... or "" for any."""
        self.query_one(RiskFilterBar).choose("level", value)

    def set_needs_filter(self, value: str) -> None:
        """Filter by what the assessment needs: approval, checkpoint, review or ""."""
        self.query_one(RiskFilterBar).choose("needs", value)

    def action_older(self) -> None:
        """The next page, older assessments."""
        if self.page is None or len(self.page.records) < PAGE_SIZE:
            self.notify("This is the oldest page.", timeout=2)
            return
        self.page_starts.append(self.page.records[-1].assessment_id)
        self.request_reload()

    def action_newer(self) -> None:
        """The previous page, newer assessments."""
        if len(self.page_starts) == 1:
            self.notify("This is the newest page.", timeout=2)
            return
        self.page_starts.pop()
        self.request_reload()

    def newest(self) -> None:
        """Back to the first page."""
        self.page_starts = [None]
        self.request_reload()

    # -- patterns -----------------------------------------------------------------------------

    def action_focus_patterns(self) -> None:
        """Move to the pattern list."""
        self.query_one(RiskPatterns).focus()

    def action_new_pattern(self) -> None:
        """Open the new-pattern dialog."""
        self.app.push_screen(PatternForm(self.arcadia.database, BUILTIN_PATTERN_IDS), self._added)

    def _added(self, pattern: object) -> None:
        if pattern is not None:
            shown = literal(getattr(pattern, "pattern_id", ""), one_line=True, max_chars=50)
            self.notify(f"Added {shown.plain}; the agent applies it from its next call.")
            self.request_reload()

    @on(RiskPatterns.ToggleRequested)
    def confirm_toggle(self, message: RiskPatterns.ToggleRequested) -> None:
        info = message.info
        verb = "Disable" if info.is_enabled else "Enable"
        body = Text(f"{verb} ")
        body.append_text(literal(info.pattern.pattern_id, "bold", one_line=True, max_chars=50))
        body.append(" (")
        body.append_text(literal(info.pattern.description, one_line=True, max_chars=120))
        body.append(")?\n\n")
        if info.is_enabled and info.is_builtin:
            body.append("It is built in: the agent stops flagging these calls.", style="bold")
        else:
            body.append("The agent applies the change from its next assessment.")

        def apply(confirmed: bool | None) -> None:
            if confirmed:
                self.set_pattern(info.pattern.pattern_id, not info.is_enabled)

        self.app.push_screen(ConfirmModal(f"{verb} a risk pattern?", body, verb), apply)

    @on(RiskPatterns.RemoveRequested)
    def confirm_remove(self, message: RiskPatterns.RemoveRequested) -> None:
        info = message.info
        if not info.is_custom:
            self.notify("Built-in patterns cannot be removed; d disables them.", severity="warning")
            return
        body = Text("Delete the custom pattern ")
        body.append_text(literal(info.pattern.pattern_id, "bold", one_line=True, max_chars=50))
        body.append("?")
        if info.is_builtin:
            body.append(" The built-in pattern it replaced applies again.")

        def remove(confirmed: bool | None) -> None:
            if confirmed:
                self.remove_pattern(info.pattern.pattern_id)

        self.app.push_screen(ConfirmModal("Remove a risk pattern?", body, "Remove"), remove)

    @work(group="risk-patterns", exit_on_error=False)
    async def set_pattern(self, pattern_id: str, enabled: bool) -> None:
        """Turn a pattern on or off (persisted)."""
        classifier = RiskClassifier(self.arcadia.database)
        await self.arcadia.shielded(classifier.set_pattern_enabled_async(pattern_id, enabled))
        self.request_reload()

    @work(group="risk-patterns", exit_on_error=False)
    async def remove_pattern(self, pattern_id: str) -> None:
        """Delete a custom pattern."""
        classifier = RiskClassifier(self.arcadia.database)
        await self.arcadia.shielded(classifier.remove_pattern_async(pattern_id))
        self.request_reload()
