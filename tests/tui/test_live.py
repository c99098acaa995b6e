"""The Live view driven by Pilot: points appear live, keys answer them, outcomes are shown."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Input

from arcadia_core.db import Database
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_tui.sample import SAMPLE_NOW, write_sample
from arcadia_tui.screens.answer import AnswerModal
from arcadia_tui.screens.confirm import ConfirmModal
from arcadia_tui.widgets.pending_queue import PendingQueue

from .conftest import SIZE, USER, live_screen, wait_for_text, wait_until

BY = f"tui:{USER}"


def queue_order(queue: PendingQueue) -> list[str]:
    return [row.key.value or "" for row in queue.ordered_rows]


async def select(pilot: Any, queue: PendingQueue, point_id: str) -> None:
    queue.move_cursor(row=queue.get_row_index(point_id))
    await wait_until(
        pilot,
        lambda: (
            queue.highlighted_point is not None and queue.highlighted_point.point_id == point_id
        ),
        what=f"{point_id} selected",
    )


async def stored(db: Database, point_id: str) -> Any:
    point = await HumanInterface(db).get_injection_async(point_id)
    assert point is not None
    return point


async def test_the_queue_is_ordered_by_severity_then_age(db: Database, make_app: Any) -> None:
    ids = await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        order = queue_order(screen.queue)
        severities = [screen.queue.points[point_id].severity for point_id in order]
        assert severities == [5, 4, 3, 2, 1]
        assert sorted(order) == sorted(ids)
        assert screen.sub_title == "Live · 5 pending"
        assert screen.detail.point is not None and screen.detail.point.severity == 5


async def test_a_point_inserted_by_another_process_appears(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    app, recorder = make_app()
    script = textwrap.dedent(
        f"""
        import asyncio
        from arcadia_core.db import Database
        from arcadia_core.managers.human_interface import HumanInterface

        async def main():
            db = await Database.open({str(project_dir)!r})
            point = await HumanInterface(db, 3).create_point_async(
                "decision", {{"feature": 4}}, ["Keep", "Drop"], "Keep",
                timeout_seconds=120, default_on_timeout="Keep",
                message="Keep the legacy endpoint?", severity=4,
            )
            print(point.point_id)
            await db.close()

        asyncio.run(main())
        """
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        assert screen.queue.row_count == 0
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
        )
        stdout, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        point_id = stdout.decode().strip()
        await wait_until(pilot, lambda: point_id in screen.queue.points, what="the new point")
        await wait_until(pilot, lambda: screen.detail.point is not None, what="the detail")
        assert screen.sub_title == "Live · 1 pending"
        assert recorder.bells == 1
        [notice] = [n for n in recorder.notifications if point_id in n["message"]]
        assert notice["markup"] is False and "Keep the legacy endpoint?" in notice["message"]
        await wait_for_text(pilot, screen.query_one("#point-detail-body"), "Keep the legacy")


async def test_a_digit_answers_with_that_option(db: Database, make_app: Any) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        decision = next(p for p in screen.queue.points.values() if p.point_type == "decision")
        await select(pilot, screen.queue, decision.point_id)
        await pilot.press("2")
        await wait_until(pilot, lambda: decision.point_id not in screen.queue.points)
        point = await stored(db, decision.point_id)
        assert (point.status, point.response, point.responded_by) == (
            "responded",
            "Select alternative",
            BY,
        )
        assert screen.sub_title == "Live · 4 pending"


async def test_enter_answers_with_the_recommendation(db: Database, make_app: Any) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        review = next(p for p in screen.queue.points.values() if p.point_type == "review")
        await select(pilot, screen.queue, review.point_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: review.point_id not in screen.queue.points)
        point = await stored(db, review.point_id)
        assert (point.response, point.responded_by) == ("Looks good", BY)


async def test_free_text_answers_a_guidance_point(db: Database, make_app: Any) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        guidance = next(p for p in screen.queue.points.values() if p.point_type == "guidance")
        await select(pilot, screen.queue, guidance.point_id)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, AnswerModal))
        await pilot.press(*"Mock it")
        await pilot.press("enter")
        await wait_until(pilot, lambda: guidance.point_id not in screen.queue.points)
        point = await stored(db, guidance.point_id)
        assert (point.response, point.responded_by) == ("Mock it", BY)


async def test_free_text_on_a_decision_asks_for_confirmation(db: Database, make_app: Any) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        decision = next(p for p in screen.queue.points.values() if p.point_type == "decision")
        await select(pilot, screen.queue, decision.point_id)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, AnswerModal))
        app.screen.query_one(Input).value = "Use PostgreSQL 16"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: decision.point_id not in screen.queue.points)
        point = await stored(db, decision.point_id)
        assert (point.response, point.responded_by) == ("Use PostgreSQL 16", BY)


async def test_an_irreversible_approval_is_confirmed_before_it_is_sent(
    db: Database, make_app: Any
) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        approval = screen.queue.highlighted_point
        assert approval is not None and approval.needs_confirmation
        await pilot.press("1")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")  # the focused button is "Back": a stray Enter does nothing
        await wait_until(pilot, lambda: app.screen is screen)
        assert (await stored(db, approval.point_id)).status == "pending"
        await pilot.press("1")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: approval.point_id not in screen.queue.points)
        point = await stored(db, approval.point_id)
        assert (point.response, point.responded_by) == ("Approve", BY)


async def test_cancel_asks_then_cancels(db: Database, make_app: Any) -> None:
    await write_sample(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        review = next(p for p in screen.queue.points.values() if p.point_type == "review")
        await select(pilot, screen.queue, review.point_id)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: review.point_id not in screen.queue.points)
        point = await stored(db, review.point_id)
        assert (point.status, point.responded_by) == ("cancelled", BY)


async def test_an_answer_that_lost_the_race_shows_the_real_outcome(
    db: Database, make_app: Any, interface: HumanInterface
) -> None:
    await write_sample(db)
    app, recorder = make_app(poll_interval=60.0)  # the feed will not notice before the key
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        review = next(p for p in screen.queue.points.values() if p.point_type == "review")
        await select(pilot, screen.queue, review.point_id)
        await interface.answer_async(review.point_id, "Needs changes", by="cli:bob")
        await pilot.press("1")
        await wait_until(pilot, lambda: screen.detail.note is not None, what="the conflict note")
        await wait_for_text(
            pilot,
            screen.query_one("#point-detail-body"),
            "already answered by cli:bob",
            "Answered by cli:bob",
            "Needs changes",
        )
        assert any(n["severity"] == "warning" for n in recorder.notifications)
        assert (await stored(db, review.point_id)).response == "Needs changes"


async def test_an_agent_blocked_in_request_input_gets_the_answer(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, json
        from arcadia_core.db import Database
        from arcadia_core.managers.human_interface import HumanInterface

        async def main():
            db = await Database.open({str(project_dir)!r})
            response = await HumanInterface(db, 9, poll_interval=0.02).request_input(
                "decision", {{"tests": 3}}, ["Retry", "Skip"], "Retry",
                timeout_seconds=600, default_on_timeout="Retry", message="Tests failed",
            )
            print(json.dumps(response.to_dict()))
            await db.close()

        asyncio.run(main())
        """
    )
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        agent = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
        )
        try:
            await wait_until(pilot, lambda: screen.queue.row_count == 1, timeout=30)
            await pilot.press("2")
            stdout, _ = await asyncio.wait_for(agent.communicate(), timeout=30)
        finally:
            if agent.returncode is None:
                agent.kill()
    response = json.loads(stdout)
    assert (response["responded"], response["response"], response["responded_by"]) == (
        True,
        "Skip",
        BY,
    )


async def test_a_point_that_times_out_while_selected_shows_the_outcome(
    db: Database, make_app: Any
) -> None:
    moments = [SAMPLE_NOW]
    agent = HumanInterface(db, 7, poll_interval=0.02, clock=lambda: moments[-1], user="agent")
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await live_screen(pilot)
        waiting = asyncio.create_task(
            agent.request_input(
                "approval",
                {"command": "rm -rf build"},
                ["Approve", "Deny"],
                "Deny",
                timeout_seconds=30,
                default_on_timeout="Deny",
                message="Delete the build directory?",
                severity=3,
            )
        )
        await wait_until(pilot, lambda: screen.queue.row_count == 1)
        [point_id] = screen.queue.points
        await wait_until(pilot, lambda: screen.detail.point is not None, what="the detail")
        assert screen.detail.point is not None and screen.detail.point.point_id == point_id
        moments.append(SAMPLE_NOW + timedelta(seconds=31))
        response = await asyncio.wait_for(waiting, timeout=10)
        assert response.responded_by == "timeout_default"
        await wait_until(pilot, lambda: not screen.detail.point.is_pending, what="the timeout")
        body = screen.query_one("#point-detail-body")
        await wait_for_text(pilot, body, "Timed out", "the agent got the default Deny")
        await wait_for_text(pilot, screen.queue, "timed out")
        assert screen.sub_title == "Live · nothing pending"
        await pilot.press("1")
        await pilot.pause()
        assert (await stored(db, point_id)).responded_by == "timeout_default"
