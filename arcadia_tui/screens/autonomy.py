"""The Autonomy view: how much the agent may do alone, its record, and the keys to tune it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Footer

from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyConfig, PerformanceMetrics
from arcadia_core.watch import AutonomyChanged, EventLogged, RiskAssessed
from arcadia_tui.screens.autonomy_forms import LevelForm, ThresholdsForm, ToolLevelForm
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.autonomy_status import AutonomyStatus
from arcadia_tui.widgets.decision_table import OUTCOMES, DecisionTable
from arcadia_tui.widgets.level_history import LevelHistory
from arcadia_tui.widgets.tool_overrides import ToolOverrides

DECISIONS_SHOWN = 200
"""Newest decisions listed (a window: older ones are not read)."""
NEXT_OUTCOME: dict[bool | None, bool | None] = {None: True, True: False, False: None}


@dataclass(frozen=True, slots=True)
class AutonomySnapshot:
    """What the view shows, read in one go."""

    config: AutonomyConfig
    metrics: PerformanceMetrics
    decisions: tuple[Mapping[str, Any], ...]
    allowed: bool | None
    tool: str | None


class AutonomyScreen(ViewScreen):
    """Configured and effective level, thresholds, overrides, history and decisions."""

    VIEW_NAME = "autonomy"
    VIEW_TITLE = "Autonomy"
    # Decisions are logged with every tool call; metrics change with every outcome.
    FOLLOWS = frozenset({AutonomyChanged.kind, EventLogged.kind, RiskAssessed.kind})

    BINDINGS = [
        Binding(
            "plus,equals_sign",
            "raise_level",
            "Raise",
            tooltip="Raise the level by one (preview first)",
            id="autonomy.raise",
        ),
        Binding(
            "minus",
            "lower_level",
            "Lower",
            tooltip="Lower the level by one (preview first)",
            id="autonomy.lower",
        ),
        Binding(
            "l",
            "set_level",
            "Level",
            tooltip="Set the level (preview first)",
            id="autonomy.set-level",
        ),
        Binding(
            "t",
            "thresholds",
            "Thresholds",
            tooltip="Edit thresholds, bounds and auto-adjust",
            id="autonomy.thresholds",
        ),
        Binding(
            "o",
            "tool_level",
            "Override",
            tooltip="Set or remove the level a tool requires",
            id="autonomy.tool",
        ),
        Binding(
            "a",
            "cycle_outcome",
            "Outcome",
            tooltip="Show all, allowed or denied decisions",
            id="autonomy.outcome",
        ),
        Binding(
            "f",
            "filter_tool",
            "By tool",
            tooltip="Show only the highlighted decision's tool (again: all)",
            id="autonomy.filter-tool",
        ),
    ]

    allowed_filter: reactive[bool | None] = reactive(None, init=False)
    """Which decisions are listed: None all, True allowed, False denied."""
    tool_filter: reactive[str | None] = reactive(None, init=False)
    """Only this tool's decisions (None: every tool)."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: AutonomySnapshot | None = None
        """What is on screen."""

    def compose(self) -> ComposeResult:
        tz = self.arcadia.display_tz
        yield from self.compose_top()
        with Horizontal(id="autonomy-top"):
            yield AutonomyStatus(id="autonomy-status")
            yield ToolOverrides(id="tool-overrides")
        yield LevelHistory(tz=tz, id="level-history")
        yield DecisionTable(tz=tz, id="decision-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AutonomyStatus).border_title = "Autonomy"
        self.query_one(DecisionTable).focus()

    # -- loading ------------------------------------------------------------------------------

    async def load(self) -> AutonomySnapshot:
        manager = AutonomyManager(self.arcadia.database, clock=self.arcadia.clock)
        allowed, tool = self.allowed_filter, self.tool_filter
        config = await manager.get_config_async()
        metrics = await manager.get_metrics_async()
        decisions = await manager.get_decision_history_async(
            limit=DECISIONS_SHOWN, tool=tool, allowed_only=allowed
        )
        return AutonomySnapshot(config, metrics, tuple(reversed(decisions)), allowed, tool)

    def show(self, data: AutonomySnapshot) -> None:
        self.snapshot = data
        self.query_one(AutonomyStatus).show(data.config, data.metrics)
        self.query_one(ToolOverrides).show(data.config)
        self.query_one(LevelHistory).show(data.metrics.level_changes)
        self.query_one(DecisionTable).show(data.decisions, data.allowed, data.tool)
        level = data.config.level
        self.sub_title = f"Autonomy · level {int(level)} {level.name}"

    def watch_allowed_filter(self) -> None:
        self.request_reload()

    def watch_tool_filter(self) -> None:
        self.request_reload()

    # -- actions ------------------------------------------------------------------------------

    def _current_level(self) -> int | None:
        if self.snapshot is None:
            self.notify("The autonomy settings are still loading.", severity="warning")
            return None
        return int(self.snapshot.config.level)

    def _open_level_form(self, target: int) -> None:
        current = self._current_level()
        if current is None:
            return
        form = LevelForm(self.arcadia.database, self.by, current, target)

        def saved(config: AutonomyConfig | None) -> None:
            if config is not None and int(config.level) == current == target:
                self.notify(f"The level is already {int(config.level)} {config.level.name}.")
                return
            self._saved(config)

        self.app.push_screen(form, saved)

    def action_raise_level(self) -> None:
        """Open the level dialog at one level up."""
        current = self._current_level()
        if current is not None:
            self._open_level_form(min(5, current + 1))

    def action_lower_level(self) -> None:
        """Open the level dialog at one level down."""
        current = self._current_level()
        if current is not None:
            self._open_level_form(max(1, current - 1))

    def action_set_level(self) -> None:
        """Open the level dialog at the current level."""
        current = self._current_level()
        if current is not None:
            self._open_level_form(current)

    def action_thresholds(self) -> None:
        """Open the thresholds and bounds dialog."""
        if self.snapshot is None:
            return
        form = ThresholdsForm(self.arcadia.database, self.by, self.snapshot.config)
        self.app.push_screen(form, self._saved)

    def action_tool_level(self) -> None:
        """Open the per-tool override dialog for the highlighted tool."""
        if self.snapshot is None:
            return
        tool = self._highlighted_tool() or ""
        level = self.snapshot.config.action_levels.get(tool)
        form = ToolLevelForm(
            self.arcadia.database, self.by, tool, None if level is None else int(level)
        )
        self.app.push_screen(form, self._saved)

    def _highlighted_tool(self) -> str | None:
        focused = self.focused
        if isinstance(focused, ToolOverrides):
            return focused.highlighted_tool
        decision = self.query_one(DecisionTable).highlighted_decision
        if decision is not None:
            return str(decision.get("tool") or "") or None
        return self.query_one(ToolOverrides).highlighted_tool

    def _saved(self, config: AutonomyConfig | None) -> None:
        if config is None:
            return
        self.notify(
            f"Saved as {self.by}; the agent applies it at its next check.",
            title=f"Autonomy: level {int(config.level)} {config.level.name}",
            markup=False,
        )
        self.request_reload()

    def action_cycle_outcome(self) -> None:
        """List all, then allowed, then denied decisions."""
        self.allowed_filter = NEXT_OUTCOME[self.allowed_filter]
        self.notify(f"Decisions: {OUTCOMES[self.allowed_filter]}", timeout=2)

    def action_filter_tool(self) -> None:
        """List only the highlighted decision's tool, or every tool again."""
        if self.tool_filter is not None:
            self.tool_filter = None
            return
        decision = self.query_one(DecisionTable).highlighted_decision
        if decision is None:
            self.notify("Highlight a decision to filter by its tool.", severity="warning")
            return
        self.tool_filter = str(decision.get("tool") or "")

    def set_outcome_filter(self, allowed: bool | None) -> None:
        """List all (None), allowed (True) or denied (False) decisions."""
        self.allowed_filter = allowed
