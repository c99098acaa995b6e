"""The Failures view driven by Pilot: grouped reports, the report in full, exports, live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import Input

from arcadia_core.db import Database
from arcadia_core.managers.failure.manager import FailureAnalyzer, format_report_markdown
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.sample_history import write_history
from arcadia_tui.screens.export_form import ExportForm
from arcadia_tui.screens.failures import FailuresScreen

from .conftest import SIZE, fresh_handle, open_view, run_command, wait_for_text, wait_until


async def failures_view(pilot: Any) -> FailuresScreen:
    return await open_view(pilot, "f5", FailuresScreen)  # type: ignore[no-any-return]


def row_keys(screen: FailuresScreen) -> list[str]:
    return [row.key.value or "" for row in screen.reports.ordered_rows]


def form_error(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#form-error").render())


async def test_reports_are_grouped_by_session_newest_first(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await failures_view(pilot)
        assert row_keys(screen) == ["s6", "r3", "s5", "r2", "s4", "r1"]
        await wait_until(pilot, lambda: screen.detail.report is not None)
        await wait_for_text(
            pilot,
            screen.detail.query_one("#report-body"),
            "cyclic_error · severity HIGH · confidence 90%",
            "Same error repeated 3 times",
            "session 4 ·",  # a similar past failure
            "The agent appears stuck in a loop",
            "Timeline (11)",
        )
        screen.reports.select_report(1)
        await wait_until(
            pilot, lambda: screen.detail.report is not None and screen.detail.report.report_id == 1
        )


async def test_the_report_is_exported_as_markdown_and_json(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, recorder = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await failures_view(pilot)
        await wait_until(pilot, lambda: screen.detail.report is not None)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportForm))
        path_input = app.screen.query_one("#export-path", Input)
        markdown = project_dir / "failure-report-s6-3.md"
        assert path_input.value == str(markdown)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="the dialog to close")
        async with fresh_handle(project_dir) as other:
            stored = await FailureAnalyzer(other).get_report_by_id_async(3)
        assert markdown.read_text(encoding="utf-8") == format_report_markdown(stored)
        assert any("failure-report-s6-3.md" in n["message"] for n in recorder.notifications)

        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportForm))
        form = app.screen
        path_input = form.query_one("#export-path", Input)
        path_input.value = str(project_dir / "missing" / "report.json")
        await wait_until(pilot, lambda: "does not exist" in form_error(pilot))
        path_input.value = "report.txt"
        await wait_until(pilot, lambda: "end the file name in .md" in form_error(pilot))
        path_input.value = str(project_dir)
        await wait_until(pilot, lambda: "is a directory" in form_error(pilot))
        await pilot.press("enter")
        assert app.screen is form
        path_input.value = "exports.json"  # relative: in the project directory
        await wait_until(pilot, lambda: form_error(pilot).strip() == "")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)
        assert json.loads((project_dir / "exports.json").read_text()) == json.loads(
            json.dumps(stored.to_dict(), default=str)
        )
        assert not [p for p in project_dir.iterdir() if p.name.endswith(".tmp")]


async def test_a_new_report_appears_live(db: Database, make_app: Any, project_dir: Path) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await failures_view(pilot)
        async with fresh_handle(project_dir) as other:
            report = await FailureAnalyzer(other, clock=lambda: SAMPLE_NOW).analyze_session_async(7)
        await wait_until(pilot, lambda: f"r{report.report_id}" in row_keys(screen))
        assert row_keys(screen)[:2] == ["s7", f"r{report.report_id}"]


async def test_open_latest_from_the_palette(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await failures_view(pilot)
        screen.reports.select_report(1)
        await wait_until(
            pilot, lambda: screen.detail.report is not None and screen.detail.report.report_id == 1
        )
        await run_command(pilot, "failures: open latest", "open latest")
        await wait_until(
            pilot, lambda: screen.detail.report is not None and screen.detail.report.report_id == 3
        )
