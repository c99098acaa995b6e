"""The Sessions & events view driven by Pilot: sessions, a live filtered tail, windows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from arcadia_core.db import Database
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.models import EventModel
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.sample_history import write_history
from arcadia_tui.screens.sessions import SessionsScreen
from arcadia_tui.widgets.event_filters import EventFilterBar
from arcadia_tui.widgets.event_tail import TAIL_SIZE

from .conftest import SIZE, fresh_handle, open_view, reloaded, wait_for_text, wait_until


async def sessions_view(pilot: Any) -> SessionsScreen:
    return await open_view(pilot, "f7", SessionsScreen)  # type: ignore[no-any-return]


def tail_ids(screen: SessionsScreen) -> list[int]:
    return [event.row_id for event in screen.tail.events]


async def test_sessions_with_status_duration_cost_and_counts(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await sessions_view(pilot)
        assert [row.key.value for row in screen.sessions.ordered_rows] == ["7", "6", "5", "4"]
        await wait_for_text(
            pilot, screen.sessions, "running", "24m53s", "$0.76", "failed", "8m38s", "$2.91"
        )
        await wait_for_text(pilot, screen.query_one("#session-metrics"), "7 · running", "2 answers")
        ids = tail_ids(screen)
        assert ids == sorted(ids, reverse=True) and len(ids) == screen.tail.row_count
        await wait_for_text(pilot, screen.tail, "decision", "tests/ next to the package")


async def test_the_tail_is_live_and_filtered(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await sessions_view(pilot)
        loads = screen.loads
        screen.query_one(EventFilterBar).choose("type", "error")
        await reloaded(pilot, screen, loads)
        await wait_until(pilot, lambda: {e.event_type for e in screen.tail.events} == {"error"})
        errors = len(screen.tail.events)
        async with fresh_handle(project_dir) as other:
            agent = Observability(other, session_id=7)
            await agent.log_warning_async("disk almost full")
            await agent.log_error_async("ConnectionError: payment provider unreachable")
        await wait_until(pilot, lambda: len(screen.tail.events) == errors + 1)
        assert "payment provider unreachable" in screen.tail.events[0].summary
        assert {e.event_type for e in screen.tail.events} == {"error"}


async def test_pausing_holds_the_tail_and_following_catches_up(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await sessions_view(pilot)
        newest = tail_ids(screen)[0]
        await pilot.press("p")
        assert not screen.following
        async with fresh_handle(project_dir) as other:
            await Observability(other, session_id=7).log_warning_async("held back")
        await wait_until(pilot, lambda: screen.missed == 1)
        assert tail_ids(screen)[0] == newest
        assert "1 new" in str(screen.tail.border_title)
        await pilot.press("p")
        await wait_until(pilot, lambda: tail_ids(screen)[0] > newest)
        assert screen.tail.events[0].summary == "held back" and screen.missed == 0


async def test_the_tail_is_a_window_over_many_events(db: Database, make_app: Any) -> None:
    await write_history(db)
    start = SAMPLE_NOW - timedelta(hours=1)
    async with db.transaction() as session:
        await session.execute(
            insert(EventModel.__table__),
            [
                {
                    "session_id": 7,
                    "timestamp": start + timedelta(seconds=index),
                    "type": "tool_call",
                    "source": "agent",
                    "payload": {"tool_input": {"command": f"echo {index}"}, "tool_name": "Bash"},
                }
                for index in range(2_000)
            ],
        )
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await sessions_view(pilot)
        assert screen.tail.row_count == TAIL_SIZE
        first = tail_ids(screen)
        loads = screen.loads
        await pilot.press("right_square_bracket")
        await reloaded(pilot, screen, loads)
        assert screen.tail.row_count == TAIL_SIZE and max(tail_ids(screen)) == min(first) - 1
        assert "older window 2" in str(screen.tail.border_title)
        loads = screen.loads
        await pilot.press("left_square_bracket")
        await reloaded(pilot, screen, loads)
        assert tail_ids(screen) == first


async def test_enter_on_a_session_shows_only_its_events(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await sessions_view(pilot)
        screen.sessions.move_cursor(row=screen.sessions.get_row_index("5"))
        loads = screen.loads
        await pilot.press("enter")
        await reloaded(pilot, screen, loads)
        await wait_until(pilot, lambda: screen.filters.session_id == 5)
        await wait_until(pilot, lambda: {e.session_id for e in screen.tail.events} == {5})
        await wait_for_text(pilot, screen.query_one("#session-metrics"), "5 · completed")
