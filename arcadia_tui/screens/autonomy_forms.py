"""Dialogs that change the autonomy settings, each previewing what the change would decide.

Every dialog replays the recent recorded decisions under the configuration it would save
(`autonomy_whatif.outcome_shift`) and says how many would have gone the other way, before
anything is saved. Saves go through `AutonomyManager` with `by="tui:<user>"`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Label

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyLevel, OutcomeShift
from arcadia_core.managers.autonomy.rules import clamp_level, outcome_shift
from arcadia_tui.literal import literal
from arcadia_tui.screens.form import (
    FormModal,
    checkbox,
    field,
    parse_count,
    parse_level,
    parse_number,
)
from arcadia_tui.widgets.cells import level_label

PREVIEW_DECISIONS = 200
"""How many of the newest recorded decisions a preview replays."""


def shift_text(shift: OutcomeShift) -> Text:
    """`Of the last 200 decisions, 12 would change: ...` for the preview line."""
    if not shift.examined:
        return Text("No decisions recorded yet: nothing to compare with.", style="dim")
    text = Text(f"Of the last {shift.examined} decisions, ")
    if not shift.changed:
        text.append("none would have a different outcome.", style="bold")
        return text
    noun = "decision" if shift.changed == 1 else "decisions"
    text.append(f"{shift.changed} {noun} would change", style="bold")
    parts = []
    if shift.newly_denied:
        parts.append(f"{shift.newly_denied} allowed → denied")
    if shift.newly_allowed:
        parts.append(f"{shift.newly_allowed} denied → allowed")
    text.append(": " + ", ".join(parts) + ".")
    return text


class AutonomyForm(FormModal[AutonomyConfig]):
    """An autonomy dialog: reads the stored configuration and recent decisions for its preview."""

    def __init__(self, database: Database, by: str, title: str, intro: Text | str | None = None):
        super().__init__(title, intro)
        self.database = database
        self.by = by
        self.config: AutonomyConfig | None = None
        """The configuration stored when the dialog opened."""
        self.decisions: Sequence[Mapping[str, Any]] = ()
        """The recent decisions the preview replays."""

    @property
    def manager(self) -> AutonomyManager:
        """A manager for one operation (it keeps no state between them)."""
        return AutonomyManager(self.database, clock=self.app.clock)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.show_preview(Text("Reading the recent decisions…", style="dim"))
        self._read()

    @work(group="form-read", exit_on_error=False)
    async def _read(self) -> None:
        manager = self.manager

        async def read() -> tuple[AutonomyConfig, list[dict[str, Any]]]:
            config = await manager.get_config_async()
            return config, await manager.get_decision_history_async(limit=PREVIEW_DECISIONS)

        config, decisions = await self.app.shielded(read())  # type: ignore[attr-defined]
        self.call_next(self._ready, config, decisions)

    def _ready(self, config: AutonomyConfig, decisions: Sequence[Mapping[str, Any]]) -> None:
        self.config, self.decisions = config, decisions
        value = self._check()
        if value is not None:
            self.preview(value)

    def candidate(self, value: Any) -> AutonomyConfig | None:
        """The configuration `value` would store."""
        raise NotImplementedError

    def preview(self, value: Any) -> None:
        if self.config is not None:
            self.show_preview(self.preview_text(value, self.config))

    def preview_text(self, value: Any, config: AutonomyConfig) -> Text:
        """What saving `value` would change, for the preview line."""
        candidate = self.candidate(value)
        if candidate is None:
            return Text("")
        return shift_text(outcome_shift(self.decisions, config, candidate))


class LevelForm(AutonomyForm):
    """Set the configured level (within the bounds), with a reason."""

    def __init__(self, database: Database, by: str, current: int, target: int) -> None:
        intro = Text("Now ")
        intro.append(level_label(current), style="bold")
        intro.append(". The agent applies the new level at its next check.")
        super().__init__(database, by, "Set the autonomy level", intro)
        self.target = target

    def compose_fields(self) -> ComposeResult:
        yield from field("Level (1-5)", "level-input", str(self.target), "1 to 5, or a name")
        yield from field("Reason", "reason-input", "set from the TUI", "why (recorded)")

    def parse(self) -> tuple[int, str]:
        level = parse_level(self.query_one("#level-input").value)  # type: ignore[attr-defined]
        if self.config is not None and not (
            self.config.min_level <= level <= self.config.max_level
        ):
            raise InvalidInput(
                f"level {level} is outside the bounds {int(self.config.min_level)}.."
                f"{int(self.config.max_level)}; change the bounds first (t)"
            )
        reason = self.query_one("#reason-input").value.strip()  # type: ignore[attr-defined]
        return level, reason or "set from the TUI"

    def candidate(self, value: tuple[int, str]) -> AutonomyConfig | None:
        assert self.config is not None
        return dataclasses.replace(self.config, level=AutonomyLevel(value[0]))

    async def save(self, value: tuple[int, str]) -> AutonomyConfig:
        level, reason = value
        manager = self.manager
        await manager.set_level_async(level, reason, by=self.by)
        return await manager.get_config_async()


class ThresholdsForm(AutonomyForm):
    """Edit the confidence threshold, the streak thresholds, the bounds and auto-adjust."""

    def __init__(self, database: Database, by: str, config: AutonomyConfig) -> None:
        super().__init__(database, by, "Thresholds and bounds")
        self.initial = config

    def compose_fields(self) -> ComposeResult:
        config = self.initial
        yield from field(
            "Confidence", "confidence-input", f"{config.confidence_threshold:g}", "0 to 1"
        )
        yield from field(
            "Demote after", "demote-input", str(config.error_demotion_count), "errors in a row"
        )
        yield from field(
            "Promote after",
            "promote-input",
            str(config.success_promotion_count),
            "successes in a row",
        )
        yield from field("Lowest level", "min-input", str(int(config.min_level)), "1 to 5")
        yield from field("Highest level", "max-input", str(int(config.max_level)), "1 to 5")
        with Horizontal(classes="form-field"):
            yield Label("", classes="form-label")
            yield checkbox("Adjust the level automatically", "auto-switch", config.auto_adjust)

    def _text(self, selector: str) -> str:
        return str(self.query_one(selector).value)  # type: ignore[attr-defined]

    def parse(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "confidence_threshold": parse_number(
                self._text("#confidence-input"), "the confidence threshold", 0, 1
            ),
            "error_demotion_count": parse_count(self._text("#demote-input"), "demote after"),
            "success_promotion_count": parse_count(self._text("#promote-input"), "promote after"),
            "min_level": parse_level(self._text("#min-input"), "lowest level"),
            "max_level": parse_level(self._text("#max-input"), "highest level"),
            "auto_adjust": bool(self.query_one("#auto-switch", Checkbox).value),
        }
        if values["min_level"] > values["max_level"]:
            raise InvalidInput(
                f"the lowest level ({values['min_level']}) is above the highest "
                f"({values['max_level']})"
            )
        return values

    def candidate(self, value: dict[str, Any]) -> AutonomyConfig | None:
        assert self.config is not None
        low, high = AutonomyLevel(value["min_level"]), AutonomyLevel(value["max_level"])
        return dataclasses.replace(
            self.config,
            confidence_threshold=value["confidence_threshold"],
            error_demotion_count=value["error_demotion_count"],
            success_promotion_count=value["success_promotion_count"],
            auto_adjust=value["auto_adjust"],
            min_level=low,
            max_level=high,
            level=clamp_level(self.config.level, low, high),
        )

    def preview_text(self, value: dict[str, Any], config: AutonomyConfig) -> Text:
        text = super().preview_text(value, config)
        candidate = self.candidate(value)
        if candidate is not None and candidate.level != config.level:
            note = Text(
                f"The level moves from {level_label(config.level)} to "
                f"{level_label(candidate.level)} to stay inside the bounds. ",
                style="bold",
            )
            text = Text.assemble(note, text)
        return text

    async def save(self, value: dict[str, Any]) -> AutonomyConfig:
        return await self.manager.configure_async(by=self.by, **value)


class ToolLevelForm(AutonomyForm):
    """Set or remove the level one tool requires."""

    def __init__(self, database: Database, by: str, tool: str, level: int | None) -> None:
        intro = Text("A tool's override replaces the level its category requires. ")
        intro.append("Leave the level empty to remove the override.", style="dim")
        super().__init__(database, by, "Per-tool override", intro)
        self.tool = tool
        self.level = level

    def compose_fields(self) -> ComposeResult:
        level = "" if self.level is None else str(self.level)
        yield from field("Tool", "tool-input", self.tool, "e.g. Bash, Write, mcp__server__tool")
        yield from field("Level (1-5)", "level-input", level, "empty: remove the override")

    def parse(self) -> tuple[str, int | None]:
        tool = str(self.query_one("#tool-input").value).strip()  # type: ignore[attr-defined]
        if not tool:
            raise InvalidInput("name the tool whose level to set")
        if len(tool) > 50:
            raise InvalidInput(f"a tool name has at most 50 characters, not {len(tool)}")
        text = str(self.query_one("#level-input").value).strip()  # type: ignore[attr-defined]
        if not text or text.lower() in ("none", "-"):
            return tool, None
        return tool, parse_level(text)

    def candidate(self, value: tuple[str, int | None]) -> AutonomyConfig | None:
        assert self.config is not None
        tool, level = value
        levels = dict(self.config.action_levels)
        if level is None:
            levels.pop(tool, None)
        else:
            levels[tool] = AutonomyLevel(level)
        return dataclasses.replace(self.config, action_levels=levels)

    def preview_text(self, value: tuple[str, int | None], config: AutonomyConfig) -> Text:
        tool, level = value
        if level is None and tool not in config.action_levels:
            shown = literal(tool, "bold", one_line=True, max_chars=50)
            return Text.assemble(shown, " has no override: nothing to remove.")
        return super().preview_text(value, config)

    async def save(self, value: tuple[str, int | None]) -> AutonomyConfig:
        tool, level = value
        manager = self.manager
        await manager.set_tool_level_async(tool, level, by=self.by, reason="set from the TUI")
        return await manager.get_config_async()
