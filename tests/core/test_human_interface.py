"""HumanInterface: points, waiting, answering, exactly-once outcomes, expiry and events."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import Conflict, InvalidInput, NotFound
from arcadia_core.events import EventType
from arcadia_core.managers import HumanInterface, InjectionPoint, InjectionType
from arcadia_core.models import EventModel, InjectionPointModel
from tests.clocks import ManualClock

RACE_REPEATS = int(os.environ.get("ARCADIA_RACE_REPEATS", "30"))
OPTIONS = ["yes", "no", "skip"]


@pytest.fixture
async def other_db(db: Database, project_dir: Path) -> AsyncIterator[Database]:
    """A second handle on the same file: its own connections, like another process."""
    database = await Database.open(project_dir)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def human(db: Database, clock: ManualClock) -> HumanInterface:
    return HumanInterface(db, 4, poll_interval=0.01, clock=clock, user="agent-user")


async def ask(human: HumanInterface, **overrides: object) -> InjectionPoint:
    arguments: dict[str, object] = {
        "point_type": InjectionType.DECISION,
        "context": {"feature": 7},
        "options": OPTIONS,
        "recommendation": "yes",
        "timeout_seconds": 60,
        "default_on_timeout": "skip",
        "message": "Proceed?",
    }
    arguments.update(overrides)
    return await human.create_point_async(**arguments)  # type: ignore[arg-type]


async def event_types(db: Database) -> list[str]:
    async with db.read() as session:
        return list(await session.scalars(select(EventModel.type).order_by(EventModel.id)))


async def wait_until_pending(human: HumanInterface, count: int = 1) -> list[InjectionPoint]:
    for _ in range(500):
        pending = await human.get_pending_async()
        if len(pending) >= count:
            return pending
        await asyncio.sleep(0.01)
    raise AssertionError("no pending point appeared")


async def test_create_point_inserts_pending_row_named_from_row_id(
    db: Database, human: HumanInterface, clock: ManualClock
) -> None:
    point = await ask(human)
    async with db.read() as session:
        row = await session.scalar(select(InjectionPointModel))
    assert row is not None
    assert point.point_id == f"INJ-4-{row.id}" == row.point_id
    assert (row.status, row.responded_by, row.point_type) == ("pending", "pending", "decision")
    assert row.timestamp == clock.now
    assert point.is_pending and not point.is_responded
    assert point.deadline == clock.now + timedelta(seconds=60)
    assert point.seconds_remaining(clock.now + timedelta(seconds=45)) == 15
    assert await event_types(db) == [EventType.HUMAN_INJECTION]


async def test_point_ids_are_unique_across_handles(
    db: Database, other_db: Database, clock: ManualClock
) -> None:
    first = HumanInterface(db, 1, clock=clock)
    second = HumanInterface(other_db, 1, clock=clock)
    points = await asyncio.gather(*(ask(h) for h in [first, second] * 5))
    assert len({point.point_id for point in points}) == 10


async def test_a_legacy_point_id_is_never_reused(db: Database, human: HumanInterface) -> None:
    async with db.transaction() as session:
        session.add(
            InjectionPointModel(
                point_id="INJ-4-2",
                session_id=4,
                point_type="decision",
                recommendation="x",
                status="responded",
                responded_by="human",
            )
        )
    point = await ask(human)
    assert point.point_id.startswith("INJ-4-2.") and point.row_id == 2


async def test_invalid_requests_are_refused(human: HumanInterface) -> None:
    with pytest.raises(InvalidInput):
        await ask(human, severity=9)
    with pytest.raises(InvalidInput):
        await ask(human, options="yes")
    with pytest.raises(InvalidInput):
        await ask(human, timeout_seconds=-1)


async def test_waiter_sees_an_answer_committed_by_another_connection(
    human: HumanInterface, other_db: Database, db: Database
) -> None:
    waiting = asyncio.create_task(
        human.request_input(InjectionType.APPROVAL, {}, ["Approve", "Deny"], "Approve")
    )
    [point] = await wait_until_pending(human)
    supervisor = HumanInterface(other_db, user="alice")
    answered = await supervisor.answer_async(point.point_id, "Deny", by="tui:alice")
    assert answered.status == "responded" and answered.responded_by == "tui:alice"
    response = await asyncio.wait_for(waiting, 5)
    assert (response.responded, response.response, response.responded_by, response.status) == (
        True,
        "Deny",
        "tui:alice",
        "responded",
    )
    assert response.timestamp == answered.responded_at
    assert await event_types(db) == ["human_injection", "human_response"]


async def test_timeout_applies_the_default_and_a_late_answer_conflicts(
    human: HumanInterface, clock: ManualClock, db: Database
) -> None:
    point = await ask(human, default_on_timeout="skip", timeout_seconds=30)
    waiting = asyncio.create_task(human.wait_for_response_async(point.point_id))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    clock.advance(30)
    response = await asyncio.wait_for(waiting, 5)
    assert (response.responded, response.response, response.responded_by, response.status) == (
        False,
        "skip",
        "timeout_default",
        "timeout",
    )
    with pytest.raises(Conflict) as caught:
        await human.answer_async(point.point_id, "yes", by="cli:bob")
    assert str(caught.value) == f"{point.point_id} timed out (default 'skip' applied)"
    assert caught.value.point.status == "timeout"  # type: ignore[attr-defined]
    stored = await human.get_point_async(point.point_id)
    assert (stored.status, stored.response, stored.responded_by) == (
        "timeout",
        "skip",
        "timeout_default",
    )
    assert (await event_types(db)).count("human_response") == 1


async def test_an_answer_is_never_overwritten_by_the_timeout(
    human: HumanInterface, clock: ManualClock
) -> None:
    point = await ask(human, timeout_seconds=5)
    await human.answer_async(point.point_id, "no", by="cli:bob")
    clock.advance(3600)
    response = await human.wait_for_response_async(point.point_id)
    assert (response.response, response.responded_by, response.responded) == (
        "no",
        "cli:bob",
        True,
    )
    stored = await human.get_point_async(point.point_id)
    assert (stored.status, stored.response) == ("responded", "no")


async def test_without_default_the_agent_waits_until_cancelled(
    human: HumanInterface, clock: ManualClock, other_db: Database
) -> None:
    point = await ask(human, default_on_timeout=None, timeout_seconds=1)
    assert point.deadline is None
    waiting = asyncio.create_task(human.wait_for_response_async(point.point_id))
    clock.advance(10_000)
    await asyncio.sleep(0.05)
    assert not waiting.done()
    cancelled = await HumanInterface(other_db).cancel_point_async(point.point_id, by="cli:bob")
    assert (cancelled.status, cancelled.responded_by, cancelled.response) == (
        "cancelled",
        "cli:bob",
        None,
    )
    response = await asyncio.wait_for(waiting, 5)
    assert (response.responded, response.status, response.responded_by, response.response) == (
        False,
        "cancelled",
        "cli:bob",
        "yes",
    )
    stored = await human.get_point_async(point.point_id)
    assert stored.status == "cancelled"
    with pytest.raises(Conflict, match=f"^{point.point_id} was cancelled by cli:bob$"):
        await human.cancel_point_async(point.point_id, by="tui:alice")


async def test_answer_validation(human: HumanInterface) -> None:
    with pytest.raises(NotFound):
        await human.answer_async("INJ-0-999", "yes", by="cli:bob")
    decision = await ask(human)
    with pytest.raises(InvalidInput, match="not an option"):
        await human.answer_async(decision.point_id, "maybe", by="cli:bob")
    with pytest.raises(InvalidInput, match="empty"):
        await human.answer_async(decision.point_id, "  ", by="cli:bob")
    with pytest.raises(InvalidInput):
        await human.answer_async(decision.point_id, "yes", by=" ")
    answered = await human.answer_async(decision.point_id, "YES", by="cli:bob")
    assert answered.response == "yes"
    forced = await ask(human)
    assert (
        await human.answer_async(forced.point_id, "maybe", by="a", free_text=True)
    ).response == ("maybe")
    for point_type in (InjectionType.GUIDANCE, "redirect"):
        point = await ask(human, point_type=point_type)
        assert (await human.answer_async(point.point_id, "try X", by="a")).response == "try X"
    no_options = await ask(human, options=[])
    assert (await human.answer_async(no_options.point_id, "ok", by="a")).response == "ok"
    with pytest.raises(Conflict, match=r"was already answered by a: 'ok'$") as caught:
        await human.answer_async(no_options.point_id, "again", by="b")
    assert caught.value.point.response == "ok"  # type: ignore[attr-defined]


async def test_two_racing_responders_have_one_winner(
    db: Database, other_db: Database, clock: ManualClock
) -> None:
    agent = HumanInterface(db, clock=clock)
    left = HumanInterface(db, clock=clock)
    right = HumanInterface(other_db, clock=clock)
    for _ in range(RACE_REPEATS):
        point = await ask(agent)
        results = await asyncio.gather(
            left.answer_async(point.point_id, "yes", by="tui:alice"),
            right.answer_async(point.point_id, "no", by="cli:bob"),
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, InjectionPoint)]
        losers = [r for r in results if isinstance(r, Conflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        stored = await agent.get_point_async(point.point_id)
        assert (stored.response, stored.responded_by) == (
            winners[0].response,
            winners[0].responded_by,
        )
        assert "was already answered by" in str(losers[0])
    async with db.read() as session:
        responses = await session.scalar(
            select(func.count()).where(EventModel.type == "human_response")
        )
    assert responses == RACE_REPEATS


async def test_timeout_racing_an_answer_has_one_outcome(
    db: Database, other_db: Database, clock: ManualClock
) -> None:
    agent = HumanInterface(db, clock=clock, poll_interval=0.001)
    person = HumanInterface(other_db, clock=clock)
    for _ in range(max(5, RACE_REPEATS // 3)):
        point = await ask(agent, timeout_seconds=0)
        waited, answered = await asyncio.gather(
            agent.wait_for_response_async(point.point_id),
            person.answer_async(point.point_id, "no", by="cli:bob"),
            return_exceptions=True,
        )
        stored = await agent.get_point_async(point.point_id)
        assert not isinstance(waited, BaseException)
        assert (waited.status, waited.response) == (stored.status, stored.response)
        if isinstance(answered, InjectionPoint):
            assert stored.status == "responded"
        else:
            assert isinstance(answered, Conflict) and stored.status == "timeout"


async def test_expire_resolves_only_old_pending_points(
    human: HumanInterface, clock: ManualClock, db: Database
) -> None:
    with_default = await ask(human, default_on_timeout="skip")
    without_default = await ask(human, default_on_timeout=None)
    answered = await ask(human)
    await human.answer_async(answered.point_id, "yes", by="cli:bob")
    clock.advance(3600)
    young = await ask(human)
    expired = await human.expire_async(timedelta(minutes=30))
    assert expired == [with_default.point_id, without_default.point_id]
    first = await human.get_point_async(with_default.point_id)
    second = await human.get_point_async(without_default.point_id)
    assert (first.status, first.response, first.responded_by) == ("timeout", "skip", "expired")
    assert (second.status, second.response) == ("timeout", None)
    assert "no default" in str(await _conflict(human.answer_async(second.point_id, "yes", by="x")))
    assert (await human.get_point_async(young.point_id)).is_pending
    assert await human.expire_async(timedelta(minutes=30), by="cli:ops") == []
    assert (await event_types(db)).count("human_response") == 3
    with pytest.raises(InvalidInput):
        await human.expire_async(timedelta(seconds=-1))


async def _conflict(awaitable: object) -> Conflict:
    try:
        await awaitable  # type: ignore[misc]
    except Conflict as error:
        return error
    raise AssertionError("expected a Conflict")


async def test_pause_ends_current_waits_only(human: HumanInterface) -> None:
    point = await ask(human, default_on_timeout="skip")
    waiting = asyncio.create_task(human.wait_for_response_async(point.point_id))
    await asyncio.sleep(0.03)
    human.request_pause()
    response = await asyncio.wait_for(waiting, 5)
    assert (response.responded_by, response.status, response.response, response.responded) == (
        "pause_requested",
        "cancelled",
        "skip",
        False,
    )
    later = await ask(human)
    waiting = asyncio.create_task(human.wait_for_response_async(later.point_id))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await human.answer_async(later.point_id, "no", by="cli:bob")
    assert (await asyncio.wait_for(waiting, 5)).response == "no"


async def test_an_interrupted_wait_withdraws_its_point(human: HumanInterface) -> None:
    waiting = asyncio.create_task(
        human.request_input(InjectionType.DECISION, {}, OPTIONS, "yes", default_on_timeout="no")
    )
    [point] = await wait_until_pending(human)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    stored = await human.get_point_async(point.point_id)
    assert (stored.status, stored.responded_by) == ("cancelled", "agent")


async def test_waiting_for_an_unknown_point_raises(human: HumanInterface) -> None:
    with pytest.raises(NotFound):
        await human.wait_for_response_async("INJ-9-9")


async def test_pending_order_history_and_stats(human: HumanInterface, clock: ManualClock) -> None:
    low = await ask(human, severity=2)
    clock.advance(1)
    high_new = await ask(human, severity=5, point_type="approval")
    clock.advance(1)
    mid = await ask(human, severity=3)
    clock.advance(1)
    high_newer = await ask(human, severity=5, point_type="approval")
    pending = await human.get_pending_async()
    assert [p.point_id for p in pending] == [
        high_new.point_id,
        high_newer.point_id,
        mid.point_id,
        low.point_id,
    ]
    assert await human.respond_async(mid.point_id, "anything")
    assert not await human.respond_async(mid.point_id, "again")
    assert not await human.respond_async("INJ-0-404", "x")
    assert await human.cancel_async(low.point_id)
    assert not await human.cancel_async(low.point_id)
    history = await human.get_history_async()
    assert [entry["point_id"] for entry in history] == [
        high_newer.point_id,
        mid.point_id,
        high_new.point_id,
        low.point_id,
    ]
    assert history[1]["completed"] and history[1]["responded_by"] == "api:agent-user"
    assert history[1]["response"] == "anything"
    assert not history[0]["completed"] and "response" not in history[0]
    assert await human.get_history_async(limit=1, session_id=99) == []
    stats = await human.get_stats_async()
    assert stats == {
        "total_injections": 4,
        "pending_count": 2,
        "by_type": {"approval": 2, "decision": 2},
        "by_status": {"cancelled": 1, "pending": 2, "responded": 1},
        "by_responded_by": {"api:agent-user": 2},
    }
    assert await human.get_injection_async("INJ-0-404") is None
    with pytest.raises(NotFound):
        await human.get_point_async("INJ-0-404")


async def test_blocking_forms_work_inside_a_running_loop(
    human: HumanInterface, other_db: Database
) -> None:
    point = human.create_point(InjectionType.REVIEW, {}, ["ok"], "ok", 60, "ok")
    assert [p.point_id for p in human.get_pending()] == [point.point_id]
    assert human.get_injection(point.point_id) == point
    assert human.respond(point.point_id, "ok") is True
    assert human.respond(point.point_id, "ok") is False
    assert human.get_stats()["pending_count"] == 0
    response = human.wait_for_response(point.point_id)
    assert response.response == "ok" and response.responded


def test_request_input_sync_outside_a_loop(project_dir: Path) -> None:
    from arcadia_core.sync import run_blocking

    database = run_blocking(Database.open(project_dir))
    try:
        human = HumanInterface(database, poll_interval=0.01)
        response = human.request_input_sync("decision", {}, ["a"], "a", 0, "a")
        assert (response.status, response.response) == ("timeout", "a")
    finally:
        run_blocking(database.close())


def test_point_dict_round_trip_and_summary() -> None:
    legacy = {
        "point_id": "INJ-1-3",
        "timestamp": "2024-05-01T10:00:00+00:00",
        "session_id": 1,
        "point_type": "decision",
        "context": {},
        "options": ["a", "b"],
        "recommendation": "a" * 40,
        "timeout_seconds": 300,
        "default_on_timeout": None,
        "response": "b",
        "responded_at": "2024-05-01T10:01:00+00:00",
        "responded_by": "human",
    }
    point = InjectionPoint.from_dict(legacy)
    assert point.status == "responded" and point.is_responded
    assert InjectionPoint.from_dict(point.to_dict()) == point
    assert point.summary() == f"[INJ-1-3] decision (RESPONDED (human)): {'a' * 30}..."
    cancelled = InjectionPoint.from_dict({**legacy, "responded_by": "cancelled"})
    assert cancelled.status == "cancelled" and not cancelled.is_pending
