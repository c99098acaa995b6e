"""The Learning view: learned patterns and the interventions they come from; auto-apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from arcadia_core.managers.intervention.manager import InterventionLearner
from arcadia_core.managers.intervention.records import Intervention, InterventionPattern
from arcadia_core.watch import EventLogged, InjectionResolved, SessionEnded
from arcadia_tui.literal import literal
from arcadia_tui.screens.confirm import ConfirmModal
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.intervention_table import InterventionTable
from arcadia_tui.widgets.keyed_table import KeyedTable
from arcadia_tui.widgets.learned_pattern_detail import LearnedPatternDetail
from arcadia_tui.widgets.learned_patterns import LearnedPatterns, situation

INTERVENTIONS_SHOWN = 200
"""Newest interventions read at a time (a window)."""


@dataclass(frozen=True, slots=True)
class LearningSnapshot:
    """What one load read."""

    patterns: tuple[InterventionPattern, ...]
    interventions: tuple[Intervention, ...]
    stats: dict[str, Any]


def stats_text(stats: dict[str, Any]) -> Text:
    """One line of totals: interventions, outcomes, patterns, auto-applied."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{stats.get('total_interventions', 0):,}", style="bold")
    text.append(" interventions · ")
    text.append(f"{stats.get('outcome_success_rate', 0.0):.0%}", style="bold")
    text.append(f" of {stats.get('outcomes_tracked', 0):,} known outcomes worked · ")
    text.append(f"{stats.get('total_patterns', 0)}", style="bold")
    text.append(" patterns, ")
    text.append(f"{stats.get('auto_apply_patterns', 0)}", style="bold")
    text.append(" applied without asking · average confidence ")
    text.append(f"{stats.get('avg_pattern_confidence', 0.0):.0%}", style="bold")
    return text


class LearningScreen(ViewScreen):
    """Learned patterns with their record and auto-apply switch, and recent interventions."""

    VIEW_NAME = "learning"
    VIEW_TITLE = "Learning"
    # Interventions are recorded when answers arrive, outcomes as the agent works on.
    FOLLOWS = frozenset({InjectionResolved.kind, EventLogged.kind, SessionEnded.kind})

    BINDINGS = [
        Binding(
            "space",
            "toggle_auto",
            "Auto-apply",
            tooltip="Turn auto-apply on or off for the highlighted pattern (asks first)",
            id="learning.toggle-auto",
        ),
        Binding(
            "a",
            "toggle_auto",
            "Auto-apply",
            show=False,
            tooltip="Turn auto-apply on or off for the highlighted pattern (asks first)",
            id="learning.toggle-auto-a",
        ),
        Binding(
            "i",
            "focus_interventions",
            "Interventions",
            tooltip="Move to the interventions (Tab moves back)",
            id="learning.interventions",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: LearningSnapshot | None = None
        """What is on screen."""

    def compose(self) -> ComposeResult:
        tz = self.arcadia.display_tz
        yield from self.compose_top()
        yield Static("", id="learning-stats")
        with Horizontal(id="learning-main"):
            yield LearnedPatterns(id="learned-patterns")
            yield LearnedPatternDetail(tz=tz, id="learned-pattern-detail")
        yield InterventionTable(clock=self.arcadia.clock, tz=tz, id="intervention-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LearnedPatternDetail).border_title = "Selected pattern"
        self.query_one(InterventionTable).border_title = "Interventions"
        self.patterns.focus()

    @property
    def patterns(self) -> LearnedPatterns:
        """The learned patterns."""
        return self.query_one(LearnedPatterns)

    async def load(self) -> LearningSnapshot:
        learner = InterventionLearner(self.arcadia.database)
        return LearningSnapshot(
            tuple(await learner.get_patterns_async()),
            tuple(await learner.get_interventions_async(limit=INTERVENTIONS_SHOWN)),
            await learner.get_learning_stats_async(),
        )

    def show(self, data: LearningSnapshot) -> None:
        self.snapshot = data
        self.query_one("#learning-stats", Static).update(stats_text(data.stats))
        self.patterns.show(data.patterns)
        table = self.query_one(InterventionTable)
        table.show(data.interventions)
        total = data.stats.get("total_interventions", 0)
        table.border_title = f"Interventions (newest {len(data.interventions)} of {total:,})"
        self.query_one(LearnedPatternDetail).show(self.patterns.highlighted_pattern)
        self.sub_title = f"Learning · {len(data.patterns)} patterns"

    @on(KeyedTable.Highlighted, "#learned-patterns")
    def show_selected(self) -> None:
        self.query_one(LearnedPatternDetail).show(self.patterns.highlighted_pattern)

    def action_focus_interventions(self) -> None:
        """Move to the interventions."""
        self.query_one(InterventionTable).focus()

    def action_toggle_auto(self) -> None:
        """Ask, then turn auto-apply on or off for the highlighted pattern."""
        pattern = self.patterns.highlighted_pattern
        if pattern is None:
            self.notify("Highlight a learned pattern first.", severity="warning")
            return
        enable = not pattern.auto_apply
        body = Text()
        body.append(pattern.pattern_id, style="bold")
        body.append(" · ")
        body.append_text(literal(situation(pattern), one_line=True, max_chars=120))
        body.append("\nRecommends ")
        body.append_text(literal(pattern.recommended_action, "bold", max_chars=300))
        body.append(
            f"\n{pattern.confidence:.0%} confidence · {pattern.success_count} worked, "
            f"{pattern.failure_count} failed\n\n"
        )
        if enable:
            body.append(
                "The agent will act on this recommendation without asking you when a situation "
                "matches closely and the confidence is high enough.",
                style="bold",
            )
        else:
            body.append(
                "The agent will ask you again in these situations. It stays off until you turn "
                "it on.",
                style="bold",
            )
        verb = "Turn on" if enable else "Turn off"

        def apply(confirmed: bool | None) -> None:
            if confirmed:
                self.set_auto_apply(pattern.pattern_id, enable)

        self.app.push_screen(ConfirmModal(f"{verb} auto-apply?", body, verb), apply)

    @work(group="learning-auto", exit_on_error=False)
    async def set_auto_apply(self, pattern_id: str, enabled: bool) -> None:
        """Store the supervisor's choice."""
        learner = InterventionLearner(self.arcadia.database)
        pattern = await self.arcadia.shielded(learner.set_auto_apply_async(pattern_id, enabled))
        state = "on" if pattern.auto_apply else "off"
        note = "" if pattern.auto_apply or not enabled else " until its confidence is high enough"
        self.notify(f"Auto-apply is {state} for {pattern_id}{note}.", markup=False)
        self.request_reload()
