"""One learned pattern in full: its situation, recommendation, record and auto-apply rule."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from arcadia_core.managers.intervention.records import (
    AUTO_APPLY_DISABLED,
    MIN_APPLICATIONS_FOR_AUTO,
    SIGNATURE_FIELDS,
    InterventionPattern,
)
from arcadia_tui.literal import literal
from arcadia_tui.widgets.cells import when

EMPTY = Text(
    "No learned pattern yet. Each answer you give the agent is recorded as an intervention; "
    "similar ones become a pattern the agent can recommend, or apply on its own once it has "
    "worked often enough and you allow it.",
    style="dim",
)


def auto_rule(pattern: InterventionPattern) -> Text:
    """Why the pattern is, or is not, applied without asking."""
    outcomes = pattern.success_count + pattern.failure_count
    if pattern.min_confidence_for_auto >= AUTO_APPLY_DISABLED:
        return Text("Off: a supervisor turned it off; it stays off until turned on.", "bold")
    if pattern.auto_apply and pattern.confidence >= pattern.min_confidence_for_auto:
        return Text(
            f"On: applied without asking when a situation matches closely "
            f"(confidence {pattern.confidence:.0%} ≥ {pattern.min_confidence_for_auto:.0%})."
        )
    if pattern.auto_apply:
        return Text(
            f"On, waiting: applied without asking once its confidence reaches "
            f"{pattern.min_confidence_for_auto:.0%} (now {pattern.confidence:.0%})."
        )
    missing = max(0, MIN_APPLICATIONS_FOR_AUTO - outcomes)
    reason = (
        f"{missing} more outcome(s) needed"
        if missing
        else f"confidence {pattern.confidence:.0%} < {pattern.min_confidence_for_auto:.0%}"
    )
    return Text(f"Off: recommended only ({reason}).", style="dim")


def pattern_view(pattern: InterventionPattern, tz: tzinfo | None) -> Table:
    """The pattern as a two-column grid, every agent-supplied value literal."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row("Pattern", Text(pattern.pattern_id, style="bold"))
    grid.add_row("Recommends", literal(pattern.recommended_action, "bold", max_chars=400))
    if pattern.rationale:
        grid.add_row("Because", literal(pattern.rationale, max_chars=400))
    signature = pattern.context_signature
    for name in SIGNATURE_FIELDS:
        value: Any = getattr(signature, name)
        if value:
            grid.add_row(name.replace("_", " "), literal(value, one_line=True, max_chars=120))
    grid.add_row(
        "Record",
        f"{pattern.confidence:.0%} confidence · matched {pattern.times_matched} · applied "
        f"{pattern.times_applied} · {pattern.success_count} worked, {pattern.failure_count} failed",
    )
    grid.add_row("Auto-apply", auto_rule(pattern))
    sources = pattern.source_intervention_ids
    shown = ", ".join(sources[:8]) + (f" … +{len(sources) - 8}" if len(sources) > 8 else "")
    grid.add_row("Learned from", literal(shown or "(none)", one_line=True, max_chars=200))
    grid.add_row("Created", when(pattern.created_at, tz, "%Y-%m-%d %H:%M"))
    if pattern.last_matched:
        grid.add_row("Last matched", when(pattern.last_matched, tz, "%Y-%m-%d %H:%M"))
    return grid


class LearnedPatternDetail(VerticalScroll):
    """The highlighted learned pattern in full."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="learned-pattern-body")

    def show(self, pattern: InterventionPattern | None) -> None:
        """Show `pattern` (None: the explanation)."""
        body = self.query_one("#learned-pattern-body", Static)
        body.update(EMPTY if pattern is None else pattern_view(pattern, self.tz))
