"""Steps that bring the app to the states its pictures show (README screenshots, snapshots).

Each step drives a running app through its Pilot and waits, with a bound, for what the
picture needs to be on screen: a view's first load, a selected record's detail, a dialog's
preview.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from arcadia_tui.screens.view import ViewScreen

WAIT_SECONDS = 10.0


async def until(pilot: Pilot[Any], predicate: Callable[[], object], what: str = "") -> None:
    """Let the app run until `predicate()` holds (fails after `WAIT_SECONDS`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.01)


async def view_loaded(key: str, pilot: Pilot[Any]) -> ViewScreen:
    """Open the view on `key` and wait until its first load is on screen."""
    before = pilot.app.screen
    await pilot.press(key)
    await until(
        pilot,
        lambda: pilot.app.screen is not before and isinstance(pilot.app.screen, ViewScreen),
        f"the view on {key}",
    )
    screen = pilot.app.screen
    assert isinstance(screen, ViewScreen)
    await asyncio.wait_for(screen.loaded.wait(), timeout=WAIT_SECONDS)
    await pilot.pause()
    return screen


def _rendered(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector).render())


async def autonomy_view(pilot: Pilot[Any]) -> None:
    """The Autonomy view."""
    await view_loaded("f3", pilot)


async def raise_level_dialog(pilot: Pilot[Any]) -> None:
    """The Autonomy view's level dialog after `+`, its preview on screen."""
    await view_loaded("f3", pilot)
    await pilot.press("plus")
    await until(pilot, lambda: "would change" in _rendered(pilot, "#form-preview"), "a preview")


async def risk_with_linked_call(pilot: Pilot[Any]) -> None:
    """The Risk view with the `rm -rf` call selected, its decision and question loaded."""
    from arcadia_tui.widgets.assessment_detail import AssessmentDetail
    from arcadia_tui.widgets.assessment_table import AssessmentTable

    screen = await view_loaded("f4", pilot)
    table = screen.query_one(AssessmentTable)
    record = next(r for r in table.records.values() if "rm -rf" in r.action)
    table.move_cursor(row=table.get_row_index(str(record.assessment_id)))
    detail = screen.query_one(AssessmentDetail)
    await until(pilot, lambda: detail.links is not None and detail.links.assessment == record)


async def pattern_form_with_error(pilot: Pilot[Any]) -> None:
    """The new-pattern dialog filled in with an unbalanced regex, its message on screen."""
    from arcadia_tui.screens.pattern_form import PatternForm

    await view_loaded("f4", pilot)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, PatternForm), "the dialog")
    form = pilot.app.screen
    for selector, value in (
        ("#pattern-id", "prod_database"),
        ("#pattern-description", "Touches the production database"),
        ("#pattern-level", "5"),
        ("#pattern-regex", r"psql\s+.*prod("),
    ):
        form.query_one(selector, Input).value = value
    await until(pilot, lambda: "invalid" in _rendered(pilot, "#form-error"), "the message")


async def failures_loaded(pilot: Pilot[Any]) -> None:
    """The Failures view with the newest report in full."""
    from arcadia_tui.widgets.report_detail import ReportDetail

    screen = await view_loaded("f5", pilot)
    detail = screen.query_one(ReportDetail)
    await until(pilot, lambda: detail.report is not None, "the report")
    await pilot.pause()


async def export_to_missing_directory(pilot: Pilot[Any]) -> None:
    """The export dialog with a file in a directory that does not exist."""
    from arcadia_tui.screens.export_form import ExportForm

    await failures_loaded(pilot)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(pilot.app.screen, ExportForm), "the dialog")
    pilot.app.screen.query_one("#export-path", Input).value = "/nonexistent/arcadia/report.md"
    await until(pilot, lambda: "does not exist" in _rendered(pilot, "#form-error"), "the message")


async def learning_view(pilot: Pilot[Any]) -> None:
    """The Learning view."""
    await view_loaded("f6", pilot)


async def sessions_loaded(pilot: Pilot[Any]) -> None:
    """The Sessions & events view with the newest session's counts."""
    from arcadia_tui.widgets.session_metrics import SessionMetricsPanel

    screen = await view_loaded("f7", pilot)
    panel = screen.query_one(SessionMetricsPanel)
    await until(pilot, lambda: panel.shown is not None, "the session's counts")
