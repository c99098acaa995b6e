"""Observability: sessions with real ids, events committed synchronously, DB-backed reads."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database, database_path
from arcadia_core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from arcadia_core.events import EventType, record_event
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.observability.records import Event
from arcadia_core.managers.observability.rules import format_event_summary, format_metrics_summary
from arcadia_core.models import EventModel, SessionModel
from arcadia_core.sync import run_blocking
from tests.core.analysis_helpers import START, StepClock

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def obs(db: Database) -> Observability:
    return Observability(db, clock=StepClock())


async def count_events(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(EventModel)) or 0)


async def test_sessions_get_unique_ids_from_the_table(project_dir: Path) -> None:
    first_db = await Database.open(project_dir)
    second_db = await Database.open(project_dir)
    try:
        agent_a, agent_b = Observability(first_db), Observability(second_db)
        ids = [
            await agent_a.start_session_async(),
            await agent_b.start_session_async(),
            await agent_a.start_session_async(),
        ]
        assert ids == [1, 2, 3]
        async with first_db.read() as session:
            uuids = set(await session.scalars(select(SessionModel.session_uuid)))
        assert len(uuids) == 3
        assert agent_a.current_session_id == 3 and agent_b.current_session_id == 2
    finally:
        await first_db.close()
        await second_db.close()


async def test_explicit_session_id_adopts_a_running_row_but_not_an_ended_one(
    db: Database, obs: Observability
) -> None:
    async with db.transaction() as session:  # another manager logged first
        await record_event(session, session_id=7, event_type=EventType.ESCALATION_TRIGGERED)
    assert await obs.start_session_async(7) == 7
    await obs.end_session_async(status="error")
    with pytest.raises(Conflict):
        await obs.start_session_async(7)


async def test_end_session_records_status_duration_and_refuses_twice(
    db: Database, obs: Observability
) -> None:
    session_id = await obs.start_session_async()
    await obs.log_error_async("boom")
    duration = await obs.end_session_async(status="error", reason="crash", features_completed=2)
    assert duration == pytest.approx(2.0)  # three clock readings, one second apart
    async with db.read() as session:
        row = await session.get(SessionModel, session_id)
        assert row is not None and row.status == "error" and row.end_time is not None
    end = (await obs.get_events(event_type=EventType.SESSION_END))[0]
    assert end.data["reason"] == "crash" and end.data["features_completed"] == 2
    assert end.duration_ms == 2000
    with pytest.raises(InvalidTransition):
        await obs.end_session_async(session_id)
    with pytest.raises(InvalidInput):
        await obs.end_session_async()
    with pytest.raises(NotFound):
        await obs.end_session_async(99)


async def test_blocking_log_inside_a_running_loop_is_committed_before_it_returns(
    db: Database, obs: Observability
) -> None:
    obs.start_session()
    event_id = obs.log_event(EventType.WARNING, {"message": "careful"})
    assert await count_events(db) == 2
    assert (await obs.get_events(limit=1))[0].event_id == event_id


def test_blocking_log_outside_a_loop_is_never_dropped(project_dir: Path) -> None:
    db = run_blocking(Database.open(project_dir))
    try:
        obs = Observability(db)
        obs.start_session()
        for index in range(5):
            obs.log_tool_call("Bash", {"command": f"echo {index}"})
        assert run_blocking(count_events(db)) == 6
    finally:
        run_blocking(db.close())


async def test_unknown_event_type_is_an_error_not_a_silent_drop(obs: Observability) -> None:
    with pytest.raises(InvalidInput):
        await obs.log_event_async("not_a_type")


async def test_get_events_applies_every_filter_before_the_limit(obs: Observability) -> None:
    await obs.start_session_async()
    await obs.log_tool_call_async("Grep", {"pattern": "x"}, feature_index=4)
    for index in range(30):
        await obs.log_tool_call_async("Bash", {"command": f"ls {index}"}, feature_index=1)
    grep = await obs.get_events(tool_name="Grep", limit=5)
    assert [event.tool_name for event in grep] == ["Grep"]
    feature = await obs.get_events(feature_index=4, limit=5)
    assert len(feature) == 1 and feature[0].data == {"tool_input": {"pattern": "x"}}
    newest = await obs.get_events(tool_name="Bash", limit=3)
    assert [event.data["tool_input"]["command"] for event in newest] == ["ls 29", "ls 28", "ls 27"]
    page_two = await obs.get_events(tool_name="Bash", limit=3, before_id=int(newest[-1].event_id))
    assert page_two[0].data["tool_input"]["command"] == "ls 26"
    window = await obs.get_events(
        since=START + timedelta(seconds=2), until=START + timedelta(seconds=3)
    )
    assert len(window) == 2
    both = await obs.get_events(
        event_type=[EventType.SESSION_START, EventType.TOOL_CALL], limit=100
    )
    assert len(both) == 32


async def test_large_tool_inputs_are_replaced_by_a_preview(obs: Observability) -> None:
    await obs.log_tool_call_async("Write", {"content": "x" * 5000})
    stored = (await obs.get_events(limit=1))[0].data["tool_input"]
    assert stored["_truncated"] is True and len(stored["_preview"]) == 500


async def test_file_era_read_api(obs: Observability, tmp_path: Path) -> None:
    assert await obs.get_latest_session_id_async() is None
    first = await obs.start_session_async()
    await obs.log_feature_event_async(EventType.FEATURE_STARTED, 3, "login page")
    await obs.log_tool_call_async("Bash", {"command": "pytest"}, feature_index=3)
    await obs.log_tool_result_async("Bash", False, is_error=True, error_message="exit 1")
    await obs.log_decision_async("tool_choice", "retry", confidence=0.4)
    await obs.log_usage_async(1200, 300, 0.25)
    await obs.log_escalation_async("low_confidence", "warning", "unsure")
    await obs.log_human_response_async("INJ-1", "go on", "alice")
    await obs.end_session_async(status="completed")
    second = await obs.start_session_async()
    assert await obs.get_latest_session_id_async() == second

    events = await obs.get_session_events_async(first)
    assert [event.event_type for event in events][:3] == [
        "session_start",
        "feature_started",
        "tool_call",
    ]
    assert all(isinstance(event, Event) for event in events)
    assert Event.from_dict(events[2].to_dict()) == events[2]

    metrics = await obs.get_session_metrics_async(first)
    assert (metrics.tool_calls_total, metrics.tool_calls_failed) == (1, 1)
    assert metrics.features_attempted == 1
    assert (metrics.escalations, metrics.human_interventions) == (1, 1)
    assert (metrics.total_input_tokens, metrics.estimated_cost_usd) == (1200, 0.25)
    assert metrics.duration_seconds == pytest.approx(8.0)
    with pytest.raises(NotFound):
        await obs.get_session_metrics_async(42)

    story = await obs.reconstruct_session_async(first)
    assert story["event_count"] == 9
    assert story["timeline"][3] == {
        "time": events[3].timestamp,
        "type": "tool_error",
        "tool": "Bash",
        "error": "exit 1",
    }
    assert story["metrics"]["errors_total"] == 0

    context = await obs.get_context_at_time_async(START + timedelta(seconds=3))
    assert context["session_id"] == first
    assert context["features_in_progress"] == [3]
    assert [call["tool_name"] for call in context["recent_tool_calls"]] == ["Bash"]
    assert [error["event_type"] for error in context["recent_errors"]] == ["tool_error"]
    assert "error" in await obs.get_context_at_time_async(START - timedelta(days=1))

    path = await obs.export_events_async(tmp_path / "events.json", session_id=first)
    exported = json.loads(path.read_text())
    assert exported["event_count"] == 9 and len(exported["events"]) == 9

    run = await obs.get_run_metrics()
    assert (run.sessions_total, run.sessions_completed) == (2, 1)
    assert run.total_tool_errors == 1 and run.total_estimated_cost_usd == 0.25
    assert set(run.session_metrics) == {first, second}
    assert "1/2 completed" in format_metrics_summary(run)
    assert format_event_summary(events[2]).endswith("tool_call tool=Bash feature=#3")


async def test_list_sessions_pages_newest_first(obs: Observability) -> None:
    for _ in range(5):
        await obs.start_session_async()
        await obs.log_warning_async("w")
    page = await obs.list_sessions_async(limit=2)
    assert [info.session_id for info in page] == [5, 4]
    assert page[0].event_count == 2 and page[0].status == "running"
    rest = await obs.list_sessions_async(limit=10, before_id=4)
    assert [info.session_id for info in rest] == [3, 2, 1]


async def test_iter_events_reads_in_pages(obs: Observability) -> None:
    for index in range(5):
        await obs.log_warning_async(f"w{index}")
    seen = [event.data["message"] async for event in obs.iter_events(after_id=2)]
    assert seen == ["w2", "w3", "w4"]


async def test_session_cost_is_added_atomically(db: Database, obs: Observability) -> None:
    session_id = await obs.start_session_async()
    await obs.add_session_cost_async(0.5)
    await obs.add_session_cost_async(0.25)
    async with db.read() as session:
        row = await session.get(SessionModel, session_id)
        assert row is not None and row.total_cost == pytest.approx(0.75)


async def test_arcadiaforge_database_gains_the_event_indexes(project_dir: Path) -> None:
    path = database_path(project_dir)
    path.parent.mkdir()
    with sqlite3.connect(path) as connection:
        connection.executescript((DATA / "arcadiaforge_schema.sql").read_text())
    connection.close()
    database = await Database.open(project_dir)
    await database.close()
    with sqlite3.connect(path) as connection:
        names = {row[1] for row in connection.execute("PRAGMA index_list('events')")}
    connection.close()
    assert {"ix_events_session_id", "ix_events_type", "ix_events_timestamp"} <= names
