"""The selected injection point in full: message, options, countdown, context and outcome."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from arcadia_core.clock import Clock
from arcadia_core.vocabulary import PointStatus
from arcadia_tui.literal import context_table, literal
from arcadia_tui.rows import PointRow, format_age, format_countdown
from arcadia_tui.widgets.cells import SEVERITY_NAMES, severity_badge

EMPTY_TEXT = (
    "No question is waiting.\n\n"
    "When the agent asks for input, the question appears in the queue on the left with a "
    "bell. Digits pick an option, Enter takes the recommendation, f answers in your own "
    "words, c cancels."
)


def outcome_text(point: PointRow, tz: tzinfo | None) -> Text:
    """One line saying how a point was resolved, by whom, with what."""
    when = (
        ""
        if point.responded_at is None
        else point.responded_at.astimezone(tz).strftime(" at %H:%M:%S")
    )
    if point.status == PointStatus.RESPONDED:
        text = Text("✓ Answered by ", style="bold")
        text.append_text(literal(point.responded_by, "bold", one_line=True, max_chars=60))
        text.append(f"{when}: ")
        text.append_text(literal(point.response or "", "bold", one_line=True, max_chars=200))
    elif point.status == PointStatus.TIMEOUT:
        text = Text(f"⏱ Timed out{when}", style="bold")
        if point.response is not None:
            text.append(" — the agent got the default ")
            text.append_text(literal(point.response, "bold", one_line=True, max_chars=200))
        else:
            text.append(" — resolved by ")
            text.append_text(literal(point.responded_by, one_line=True, max_chars=60))
    elif point.status == PointStatus.CANCELLED:
        text = Text("✗ Cancelled by ", style="bold")
        text.append_text(literal(point.responded_by, "bold", one_line=True, max_chars=60))
        text.append(when)
    elif point.status == PointStatus.DELETED:
        text = Text("✗ This point was deleted from the database", style="bold")
    else:
        text = Text("Resolved: ", style="bold")
        text.append_text(literal(point.status, one_line=True, max_chars=40))
    return text


def detail_text(point: PointRow, now: datetime, tz: tzinfo | None, app: App[Any]) -> Text:
    """Everything about one point but its context, every agent-supplied value literal."""
    text = Text(end="")
    text.append_text(severity_badge(app, point.severity))
    text.append(" ")
    text.append(point.point_id, style="bold")
    text.append("  ")
    text.append_text(literal(point.point_type, "bold", one_line=True, max_chars=40))
    text.append(f" · {SEVERITY_NAMES.get(point.severity, 'severity ' + str(point.severity))}")
    text.append(f"\nsession {point.session_id}", style="dim")
    text.append(f" · asked {format_age((now - point.created_at).total_seconds())} ago", "dim")
    text.append(" · rule ", style="dim")
    if point.escalation_rule_id:
        text.append_text(literal(point.escalation_rule_id, "dim", one_line=True, max_chars=60))
    else:
        text.append("none (asked directly)", style="dim")
    text.append("\n")
    if not point.is_pending:
        text.append("\n")
        text.append_text(outcome_text(point, tz))
        text.append("\n")
    else:
        text.append("\n")
        text.append_text(_countdown(point, now))
        text.append("\n")
        if point.needs_confirmation:
            text.append("⚠ irreversible approval: every answer asks for confirmation\n", "bold")
    if point.message:
        text.append("\n")
        text.append_text(literal(point.message))
        text.append("\n")
    text.append("\nOptions\n", style="bold underline")
    if point.options:
        recommended = point.option_number(point.recommendation)
        for number, option in enumerate(point.options, start=1):
            key = f" {number} " if number <= 9 else "   "
            text.append(key, style="reverse" if point.is_pending and number <= 9 else "dim")
            text.append(" ")
            style = "bold" if number == recommended else ""
            text.append_text(literal(option, style, one_line=True, max_chars=300))
            if number == recommended:
                text.append("  ★ recommended", style="italic")
            text.append("\n")
        if recommended is None and point.recommendation:
            text.append("Recommendation (Enter): ", style="italic")
            text.append_text(literal(point.recommendation, "bold", one_line=True))
            text.append("\n")
    else:
        text.append("none: answer in your own words (f)", style="italic")
        if point.recommendation:
            text.append("\nRecommendation (Enter): ", style="italic")
            text.append_text(literal(point.recommendation, "bold", one_line=True))
        text.append("\n")
    text.append("\nContext", style="bold underline")
    text.end = "\n"
    return text


def point_view(
    point: PointRow, now: datetime, tz: tzinfo | None, app: App[Any], note: Text | None = None
) -> Group:
    """The detail pane's content: an optional note, the point, and its context."""
    text = detail_text(point, now, tz, app)
    if note is not None:
        text = Text.assemble(note, "\n\n", text, end="\n")
    return Group(text, context_table(point.context))


def _countdown(point: PointRow, now: datetime) -> Text:
    left = point.seconds_left(now)
    if left is None:
        return Text("⏳ No timeout default: the agent waits for your answer", style="italic")
    text = Text("⏱ ", style="bold")
    if left > 0:
        text.append(f"Default in {format_countdown(left)}: ")
    else:
        text.append("Overdue — the agent applies its default: ")
    text.append_text(literal(point.default_on_timeout or "", "bold", one_line=True))
    return text


class PointDetail(VerticalScroll):
    """The selected point in full; keeps showing a point resolved while it was selected."""

    def __init__(self, *, clock: Clock, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.tz = tz
        self.point: PointRow | None = None
        """The point shown (None: nothing selected)."""
        self.note: Text | None = None
        """A message about the last answer attempt on this point (a conflict, a refusal)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY_TEXT, style="dim"), id="point-detail-body")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_text, name="countdown")

    def show(self, point: PointRow | None) -> None:
        """Show `point` (keeping the note when it is the same point)."""
        if point is None or self.point is None or point.point_id != self.point.point_id:
            self.note = None
            self.scroll_home(animate=False)
        self.point = point
        self.set_class(point is not None and not point.is_pending, "-resolved")
        self.refresh_text()

    def show_note(self, note: Text) -> None:
        """Add a note about the shown point (why an answer did not go through)."""
        self.note = note
        self.refresh_text()

    def refresh_text(self) -> None:
        """Re-render (the countdown moves)."""
        body = self.query_one("#point-detail-body", Static)
        if self.point is None:
            body.update(Text(EMPTY_TEXT, style="dim"))
            return
        body.update(point_view(self.point, self.clock(), self.tz, self.app, self.note))
