"""The Risk view driven by Pilot: the detail with its links, live updates, pattern edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from arcadia_core.db import Database
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.sample_history import write_history
from arcadia_tui.screens.confirm import ConfirmModal
from arcadia_tui.screens.pattern_form import PatternForm
from arcadia_tui.screens.risk import RiskScreen
from arcadia_tui.widgets.assessment_detail import AssessmentDetail
from arcadia_tui.widgets.risk_patterns import RiskPatterns

from .conftest import (
    SIZE,
    fresh_handle,
    open_view,
    reloaded,
    run_command,
    wait_for_text,
    wait_until,
)


async def risk_view(pilot: Any) -> RiskScreen:
    return await open_view(pilot, "f4", RiskScreen)  # type: ignore[no-any-return]


async def stored_patterns(project_dir: Path) -> dict[str, Any]:
    async with fresh_handle(project_dir) as database:
        infos = await RiskClassifier(database).list_patterns_async()
    return {info.pattern.pattern_id: info for info in infos}


def form_error(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#form-error").render())


async def test_the_selected_assessment_shows_its_decision_and_question(
    db: Database, make_app: Any
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await risk_view(pilot)
        table = screen.table
        assert table.row_count == 32
        rm = next(r for r in table.records.values() if "rm -rf" in r.action)
        table.move_cursor(row=table.get_row_index(str(rm.assessment_id)))
        detail = screen.query_one(AssessmentDetail)
        await wait_for_text(
            pilot,
            detail.query_one("#assessment-body"),
            "4 HIGH",
            "Recursive file deletion",
            "✗ denied: needs 4 EXECUTE_REVIEW, checked at 3 EXECUTE_SAFE",
            "answered Approve by tui:alice",
        )


async def test_a_new_assessment_appears_at_the_top_live(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await risk_view(pilot)
        async with fresh_handle(project_dir) as other:
            classifier = RiskClassifier(other, session_id=9, clock=lambda: SAMPLE_NOW)
            new = await classifier.assess_async("Bash", {"command": "git push origin main"})
        key = str(new.assessment_id)
        await wait_until(pilot, lambda: key in screen.table.records, what="the new assessment")
        assert screen.table.ordered_rows[0].key.value == key
        assert screen.page is not None and screen.page.matching == 33
        # A new session shows up among the filter choices.
        await wait_until(pilot, lambda: screen.query_one("#risk-session").is_mounted)
        await wait_until(
            pilot, lambda: screen.query_one("RiskFilterBar").offers("Bash", 9), what="session 9"
        )


async def test_needs_and_clear_filters(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await risk_view(pilot)
        loads = screen.loads
        await pilot.press("a")  # needs approval
        await reloaded(pilot, screen, loads)
        await wait_until(pilot, lambda: screen.table.row_count == 3)
        assert all(r.requires_approval for r in screen.table.records.values())
        loads = screen.loads
        await pilot.press("x")
        await reloaded(pilot, screen, loads)
        await wait_until(pilot, lambda: screen.table.row_count == 32)


async def test_a_custom_pattern_is_validated_and_added(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await risk_view(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, PatternForm))
        form = app.screen
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "pattern_id must be 1 to 50 characters" in form_error(pilot)
        )
        values = {
            "#pattern-id": "prod_database",
            "#pattern-description": "Touches the production database",
            "#pattern-level": "9",
            "#pattern-regex": r"psql\s+.*prod(",
        }
        for selector, value in values.items():
            form.query_one(selector, Input).value = value
        await wait_until(pilot, lambda: "risk level must be 1 to 5" in form_error(pilot))
        form.query_one("#pattern-level", Input).value = "5"
        await wait_until(pilot, lambda: "invalid regular expression" in form_error(pilot))
        await pilot.press("enter")
        assert app.screen is form
        form.query_one("#pattern-regex", Input).value = r"psql\s+.*\bprod\b"
        await wait_until(pilot, lambda: form_error(pilot).strip() == "")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="the dialog to close")
        stored = await stored_patterns(project_dir)
        added = stored["prod_database"]
        assert added.is_custom and added.is_enabled and int(added.pattern.risk_level) == 5
        assert (added.pattern.tool, added.pattern.input_field) == ("Bash", "command")
        patterns = screen.query_one(RiskPatterns)
        await wait_until(pilot, lambda: "prod_database" in patterns.patterns)


async def test_a_custom_pattern_is_disabled_enabled_and_removed(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, recorder = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await risk_view(pilot)
        patterns = screen.query_one(RiskPatterns)
        patterns.focus()
        patterns.move_cursor(row=patterns.get_row_index("pipe_to_shell"))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: not patterns.patterns["pipe_to_shell"].is_enabled)
        assert not (await stored_patterns(project_dir))["pipe_to_shell"].is_enabled
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: patterns.patterns["pipe_to_shell"].is_enabled)
        assert (await stored_patterns(project_dir))["pipe_to_shell"].is_enabled

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: "pipe_to_shell" not in patterns.patterns)
        assert "pipe_to_shell" not in await stored_patterns(project_dir)

        patterns.move_cursor(row=patterns.get_row_index("git_push"))
        await pilot.press("delete")  # a built-in: refused, it can only be disabled
        await wait_until(
            pilot, lambda: any("cannot be removed" in n["message"] for n in recorder.notifications)
        )
        assert app.screen is screen
        assert "git_push" in await stored_patterns(project_dir)


async def test_the_palette_filters_by_level(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "risk: show high and critical", "high and critical")
        screen = app.screen
        assert isinstance(screen, RiskScreen)
        await wait_until(
            pilot, lambda: screen.page is not None and screen.page.filters.min_level == 4
        )
        assert screen.table.row_count == 3
