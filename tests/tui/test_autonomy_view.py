"""The Autonomy view driven by Pilot: every edit is previewed, validated inline, and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from arcadia_core.db import Database
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_tui.sample_history import write_history
from arcadia_tui.screens.autonomy import AutonomyScreen
from arcadia_tui.screens.autonomy_forms import LevelForm, ThresholdsForm, ToolLevelForm
from arcadia_tui.screens.help import HelpScreen
from arcadia_tui.widgets.decision_table import DecisionTable
from arcadia_tui.widgets.level_history import LevelHistory
from arcadia_tui.widgets.tool_overrides import ToolOverrides

from .conftest import (
    SIZE,
    USER,
    fresh_handle,
    open_view,
    reloaded,
    run_command,
    wait_for_text,
    wait_until,
)

BY = f"tui:{USER}"


async def autonomy_view(pilot: Any) -> AutonomyScreen:
    return await open_view(pilot, "f3", AutonomyScreen)  # type: ignore[no-any-return]


async def stored(project_dir: Path) -> tuple[Any, Any]:
    """Config and metrics as a new connection reads them."""
    async with fresh_handle(project_dir) as database:
        manager = AutonomyManager(database)
        return await manager.get_config_async(), await manager.get_metrics_async()


def set_field(pilot: Any, selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = value


def form_error(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#form-error").render())


async def test_the_view_shows_settings_overrides_history_and_decisions(
    db: Database, make_app: Any
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        assert screen.sub_title == "Autonomy · level 3 EXECUTE_SAFE"
        await wait_for_text(pilot, screen.query_one("#autonomy-status"), "3 EXECUTE_SAFE", "82%")
        overrides = screen.query_one(ToolOverrides)
        assert [row.key.value for row in overrides.ordered_rows] == ["WebFetch", "feature_skip"]
        history = screen.query_one(LevelHistory)
        assert history.row_count == 6
        await wait_for_text(pilot, history, "Demoted due to 3 consecutive errors", "cli:bob")
        decisions = screen.query_one(DecisionTable)
        assert decisions.row_count == 32
        assert decisions.highlighted_decision is not None
        assert decisions.highlighted_decision["action"] == "Run: pytest -q..."


async def test_raising_the_level_shows_its_effect_then_saves_it(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, recorder = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        before = screen.loads
        await pilot.press("plus")
        await wait_until(pilot, lambda: isinstance(app.screen, LevelForm))
        assert app.screen.query_one("#level-input", Input).value == "4"
        preview = app.screen.query_one("#form-preview")
        await wait_for_text(
            pilot, preview, "Of the last 32 decisions, 4 decisions would change: 4 denied → allowed"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="the dialog to close")
        config, metrics = await stored(project_dir)
        assert config.level == 4
        last = metrics.level_changes[-1]
        assert (last["from_level"], last["to_level"], last["by"]) == (3, 4, BY)
        assert last["reason"] == "set from the TUI"
        await reloaded(pilot, screen, before)
        await wait_for_text(pilot, screen.query_one(LevelHistory), "3 → 4", BY)
        assert any("level 4" in str(n.get("title")) for n in recorder.notifications)


async def test_a_bad_level_is_refused_inline_and_nothing_is_stored(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    await AutonomyManager(db).configure_async(by="cli:bob", max_level=4)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LevelForm))
        form = app.screen
        await wait_until(pilot, lambda: form.config is not None)  # type: ignore[attr-defined]
        for typed, message in (
            ("9", "level must be 1-5"),
            ("lots", "level must be 1-5"),
            ("", "enter a level from 1 to 5"),
            ("5", "outside the bounds 1..4"),
        ):
            set_field(pilot, "#level-input", typed)
            await wait_until(pilot, lambda m=message: m in form_error(pilot), what=message)
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is form
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        config, _ = await stored(project_dir)
        assert config.level == 3


async def test_thresholds_and_bounds_are_validated_then_saved(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await autonomy_view(pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, ThresholdsForm))
        form = app.screen
        set_field(pilot, "#confidence-input", "1.5")
        await wait_until(pilot, lambda: "from 0 to 1" in form_error(pilot))
        set_field(pilot, "#confidence-input", "0.7")
        set_field(pilot, "#demote-input", "0")
        await wait_until(pilot, lambda: "demote after must be at least 1" in form_error(pilot))
        set_field(pilot, "#demote-input", "2")
        set_field(pilot, "#min-input", "4")
        set_field(pilot, "#max-input", "2")
        await wait_until(pilot, lambda: "is above the highest" in form_error(pilot))
        await pilot.press("enter")
        assert app.screen is form
        set_field(pilot, "#min-input", "2")
        set_field(pilot, "#max-input", "4")
        await wait_until(pilot, lambda: form_error(pilot).strip() == "")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not form, what="the dialog to close")
        config, metrics = await stored(project_dir)
        assert (config.confidence_threshold, config.error_demotion_count) == (0.7, 2)
        assert (config.min_level, config.max_level, config.level) == (2, 4, 3)
        last = metrics.level_changes[-1]
        assert last["by"] == BY
        assert last["settings"]["confidence_threshold"] == [0.6, 0.7]


async def test_a_tool_override_is_set_and_removed(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        await pilot.press("o")  # the highlighted decision is a Bash call
        await wait_until(pilot, lambda: isinstance(app.screen, ToolLevelForm))
        assert app.screen.query_one("#tool-input", Input).value == "Bash"
        set_field(pilot, "#level-input", "six")
        await wait_until(pilot, lambda: "level must be 1-5" in form_error(pilot))
        set_field(pilot, "#level-input", "4")
        await wait_for_text(pilot, app.screen.query_one("#form-preview"), "would change")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)
        config, metrics = await stored(project_dir)
        assert config.action_levels["Bash"] == 4
        assert (metrics.level_changes[-1]["tool"], metrics.level_changes[-1]["by"]) == ("Bash", BY)
        overrides = screen.query_one(ToolOverrides)
        await wait_until(pilot, lambda: "Bash" in [r.key.value for r in overrides.ordered_rows])

        overrides.focus()
        overrides.move_cursor(row=overrides.get_row_index("WebFetch"))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolLevelForm))
        assert app.screen.query_one("#tool-input", Input).value == "WebFetch"
        set_field(pilot, "#level-input", "")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)
        config, _ = await stored(project_dir)
        assert "WebFetch" not in config.action_levels


async def test_decisions_filter_by_outcome_and_tool(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        table = screen.query_one(DecisionTable)
        loads = screen.loads
        await pilot.press("a")
        await reloaded(pilot, screen, loads)
        assert table.row_count == 26
        assert all(decision["allowed"] for decision in table.decisions.values())
        loads = screen.loads
        await pilot.press("a")
        await reloaded(pilot, screen, loads)
        assert table.row_count == 6
        assert "denied" in str(table.border_title)
        loads = screen.loads
        await pilot.press("f")  # only the highlighted decision's tool (Bash)
        await reloaded(pilot, screen, loads)
        assert {d["tool"] for d in table.decisions.values()} == {"Bash"}
        assert table.row_count == 4


async def test_a_change_made_elsewhere_shows_up_live(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        async with fresh_handle(project_dir) as other:
            await AutonomyManager(other).set_level_async(2, "too many retries", by="cli:bob")
        await wait_until(pilot, lambda: screen.sub_title == "Autonomy · level 2 PLAN")
        await wait_for_text(pilot, screen.query_one(LevelHistory), "too many retries")


async def test_help_lists_this_views_keys_from_its_bindings(db: Database, make_app: Any) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        names = [name for name, _ in help_screen.sections]
        assert names[0] == "Autonomy view" and names[-1] == "Everywhere"
        listed = {row.description for _, rows in help_screen.sections for row in rows}
        own = {binding.description for binding in AutonomyScreen.BINDINGS}  # type: ignore[union-attr]
        assert own <= listed and {"Quit", "Help", "Commands", "Light/dark"} <= listed
        await wait_for_text(pilot, help_screen.query_one("#help-keys"), "Thresholds")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_the_palette_runs_area_commands_and_switches_the_theme(
    db: Database, make_app: Any
) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await run_command(pilot, "autonomy: set level")
        await wait_until(pilot, lambda: isinstance(app.screen, LevelForm))
        assert isinstance(app.screen_stack[0], AutonomyScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, AutonomyScreen))
        await run_command(pilot, "app: switch light/dark theme")
        await wait_until(pilot, lambda: app.theme == "textual-dark")


async def test_help_on_live_lists_its_keys_once_each(db: Database, make_app: Any) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = [row for _, section in help_screen.sections for row in section]
        assert [row.keys for row in rows if row.description == "Pick option"] == ["1-9"]
        assert [row.keys for row in rows if row.description == "Help"] == ["f1, ?"]
        assert help_screen.sections[0][0] == "Live view"


async def test_a_question_asked_while_another_view_is_open_is_counted_not_toasted(
    db: Database, make_app: Any, interface: Any
) -> None:
    app, recorder = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await autonomy_view(pilot)
        point = await interface.create_point_async(
            "decision", {}, ["Keep", "Drop"], "Keep", message="Keep the legacy endpoint?"
        )
        await wait_until(pilot, lambda: app.pending_questions == 1, what="the count")
        await wait_for_text(pilot, screen.query_one("#view-bar"), "1 waiting")
        assert recorder.bells == 1
        assert not [n for n in recorder.notifications if point.point_id in n["message"]]
