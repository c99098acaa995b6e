"""One failure report in full: cause, errors, patterns, similar failures, fixes, timeline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from arcadia_core.managers.failure.records import FailureReport, severity_name
from arcadia_tui.literal import cell, literal
from arcadia_tui.widgets.cells import when

TIMELINE_SHOWN = 60
"""Newest timeline entries listed (the export has them all)."""
EMPTY = Text(
    "No failure report yet. The agent writes one when a session ends with errors; "
    "they appear on the left, newest session first.",
    style="dim",
)


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


def _bullets(text: Text, items: list[Any], empty: str, numbered: bool = False) -> None:
    if not items:
        text.append(f"{empty}\n", style="dim")
        return
    for number, item in enumerate(items, start=1):
        text.append(f" {number}. " if numbered else " • ")
        text.append_text(literal(item, max_chars=400))
        text.append("\n")


def _pattern_line(pattern: Mapping[str, Any]) -> str:
    description = str(pattern.get("description", ""))
    line = f"{pattern.get('pattern_type', '?')}: {description}"
    if not any(char.isdigit() for char in description):
        line += f" ({pattern.get('occurrences', 1)}×)"
    return line


def summary_text(report: FailureReport, tz: tzinfo | None) -> Text:
    """Everything but the timeline, every agent-supplied value literal."""
    text = Text(end="")
    text.append_text(literal(report.failure_type, "bold", one_line=True, max_chars=40))
    text.append(f" · severity {severity_name(report.severity)}", style="bold")
    text.append(f" · confidence {report.confidence:.0%}")
    text.append(
        f"\nsession {report.session_id} · report #{report.report_id} · generated "
        f"{when(report.generated_at, tz, '%Y-%m-%d %H:%M:%S')}\n",
        style="dim",
    )
    _heading(text, "Likely cause")
    text.append_text(literal(report.likely_cause or "unknown", "bold", max_chars=600))
    text.append("\n\nLast success  ", style="dim")
    text.append_text(literal(report.last_successful_action or "(none)", max_chars=200))
    text.append("\nFailing       ", style="dim")
    text.append_text(literal(report.failing_action or "(none)", max_chars=300))
    text.append(
        f"\nCounts        {report.error_count} errors · {report.tool_failures} tool failures "
        f"· {report.blocked_actions} blocked\n"
    )
    _heading(text, f"Errors ({len(report.error_messages)})")
    _bullets(text, list(dict.fromkeys(report.error_messages)), "none recorded")
    _heading(text, "Detected patterns")
    patterns = [_pattern_line(p) for p in report.patterns_detected if isinstance(p, Mapping)]
    _bullets(text, patterns, "none")
    _heading(text, "Similar past failures")
    similar = [
        f"session {hit.get('session_id')} · {when(hit.get('timestamp'), tz)} · "
        f"{hit.get('error_message', '')}"
        for hit in report.similar_past_failures
        if isinstance(hit, Mapping)
    ]
    _bullets(text, similar, "none in other sessions")
    _heading(text, "Suggested fixes")
    _bullets(text, list(report.suggested_fixes), "none", numbered=True)
    return text


def timeline_table(report: FailureReport, tz: tzinfo | None) -> Table | Text:
    """The newest timeline entries as a grid: time, type, tool, message."""
    entries = [entry for entry in report.failure_timeline if isinstance(entry, Mapping)]
    if not entries:
        return Text("no failure-related events", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    hidden = max(0, len(entries) - TIMELINE_SHOWN)
    if hidden:
        grid.add_row("", Text(f"… {hidden} earlier entries (in the export)", style="dim"))
    for entry in entries[hidden:]:
        kind = str(entry.get("type", ""))
        grid.add_row(
            when(entry.get("timestamp"), tz, "%H:%M:%S"),
            cell(kind, 16, "bold" if "error" in kind else ""),
            cell(entry.get("tool") or "", 10),
            literal(entry.get("message") or "", max_chars=200),
        )
    return grid


def report_view(report: FailureReport, tz: tzinfo | None) -> Group:
    """The report as the detail pane shows it."""
    heading = Text(end="")
    _heading(heading, f"Timeline ({len(report.failure_timeline)})")
    return Group(summary_text(report, tz), heading, timeline_table(report, tz))


class ReportDetail(VerticalScroll):
    """The selected failure report in full."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.report: FailureReport | None = None
        """The report shown."""

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="report-body")

    def show(self, report: FailureReport | None) -> None:
        """Show `report` (None: the empty text)."""
        if report is None or self.report is None or report.report_id != self.report.report_id:
            self.scroll_home(animate=False)
        self.report = report
        body = self.query_one("#report-body", Static)
        body.update(EMPTY if report is None else report_view(report, self.tz))
