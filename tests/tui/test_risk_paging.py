"""The Risk view on 100,000 assessments: filters and search run in SQL, one page at a time."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.widgets import Input

from arcadia_core.db import Database
from arcadia_core.models import RiskAssessmentModel
from arcadia_tui.screens.risk import PAGE_SIZE, RiskScreen
from arcadia_tui.widgets.risk_filters import RiskFilterBar

from .bulk import BULK_ASSESSMENTS
from .conftest import SIZE, copy_project_database, open_view, reloaded, wait_until


@pytest.fixture
async def db(bulk_template: Path, project_dir: Path) -> AsyncIterator[Database]:
    """This module's project holds the 100,000 assessments."""
    copy_project_database(bulk_template, project_dir)
    database = await Database.open(project_dir)
    try:
        yield database
    finally:
        await database.close()


async def count(db: Database, *conditions: Any) -> int:
    async with db.read() as session:
        query = select(func.count()).select_from(RiskAssessmentModel).where(*conditions)
        return int(await session.scalar(query) or 0)


async def filtered(pilot: Any, screen: RiskScreen, change: Any) -> None:
    """Apply a filter change and wait for the view to show its result."""
    loads = screen.loads
    result = change()
    if inspect.isawaitable(result):
        await result
    await reloaded(pilot, screen, loads)
    await wait_until(
        pilot, lambda: screen.page is not None and screen.page.filters == screen.filters
    )


def shown_ids(screen: RiskScreen) -> list[int]:
    return [int(row.key.value or 0) for row in screen.table.ordered_rows]


async def test_filters_and_search_page_through_a_large_table(db: Database, make_app: Any) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, "f4", RiskScreen)
        assert screen.table.row_count == PAGE_SIZE
        assert screen.page is not None and screen.page.matching == BULK_ASSESSMENTS
        assert shown_ids(screen)[0] == BULK_ASSESSMENTS  # newest first
        bar = screen.query_one(RiskFilterBar)
        model = RiskAssessmentModel

        await filtered(pilot, screen, lambda: bar.choose("level", "5"))
        assert screen.page.matching == await count(db, model.risk_level == 5)
        assert 0 < screen.table.row_count <= PAGE_SIZE
        assert {record.risk_level for record in screen.table.records.values()} == {5}

        await filtered(pilot, screen, lambda: bar.choose("tool", "Bash"))
        expected = await count(db, model.risk_level == 5, model.tool == "Bash")
        assert screen.page.matching == expected
        assert {r.tool for r in screen.table.records.values()} == {"Bash"}

        search = screen.query_one("#risk-search", Input)
        search.focus()
        search.value = "test_42.py"
        await filtered(pilot, screen, lambda: pilot.press("enter"))
        expected = await count(
            db, model.risk_level == 5, model.tool == "Bash", model.action.contains("test_42.py")
        )
        assert screen.page.matching == expected and expected > 0
        assert all("test_42.py" in r.action for r in screen.table.records.values())

        await filtered(pilot, screen, lambda: bar.clear())
        assert screen.page.matching == BULK_ASSESSMENTS
        assert screen.table.row_count == PAGE_SIZE


async def test_pages_go_older_and_back_by_keyset(db: Database, make_app: Any) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, "f4", RiskScreen)
        first = shown_ids(screen)
        await filtered(pilot, screen, lambda: screen.action_older())
        second = shown_ids(screen)
        assert len(second) == PAGE_SIZE and max(second) == min(first) - 1
        assert screen.table.border_title is not None
        assert "101–200 of 100,000" in str(screen.table.border_title)
        await filtered(pilot, screen, lambda: screen.action_newer())
        assert shown_ids(screen) == first


async def test_the_level_filter_is_picked_with_the_keyboard(db: Database, make_app: Any) -> None:
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, "f4", RiskScreen)
        loads = screen.loads
        await pilot.press("l")  # opens the level list: any, 4+, 3+, 5, ...
        await pilot.press("down", "enter")
        await reloaded(pilot, screen, loads)
        await wait_until(pilot, lambda: screen.filters.min_level == 4)
        await wait_until(
            pilot, lambda: screen.page is not None and screen.page.filters.min_level == 4
        )
        assert min(r.risk_level for r in screen.table.records.values()) >= 4
        assert screen.page is not None
        assert screen.page.matching == await count(db, RiskAssessmentModel.risk_level >= 4)
