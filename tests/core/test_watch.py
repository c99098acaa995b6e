"""The change feed: typed records, start position, cheap idle polls, and lost/locked databases."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from arcadia_core.db import Database, database_path
from arcadia_core.errors import DatabaseError
from arcadia_core.events import record_event
from arcadia_core.models import (
    AutonomyConfigModel,
    EscalationLogModel,
    FailureReportModel,
    InjectionPointModel,
    RiskAssessmentModel,
    SessionModel,
)
from arcadia_core.watch import (
    AutonomyChanged,
    ChangeFeed,
    EscalationLogged,
    EventLogged,
    FailureReported,
    FeedLost,
    FeedRecovered,
    FeedStale,
    InjectionCreated,
    InjectionResolved,
    RiskAssessed,
    SessionEnded,
    SessionStarted,
    describe,
    to_dict,
)

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


async def add_point(db: Database, **values: Any) -> int:
    row = InjectionPointModel(
        point_id=values.pop("point_id", f"INJ-1-{id(values)}"),
        timestamp=values.pop("timestamp", NOW),
        session_id=values.pop("session_id", 1),
        point_type=values.pop("point_type", "decision"),
        context=values.pop("context", {"feature": 3}),
        options=values.pop("options", ["A", "B"]),
        recommendation=values.pop("recommendation", "A"),
        timeout_seconds=values.pop("timeout_seconds", 300),
        default_on_timeout=values.pop("default_on_timeout", "A"),
        status=values.pop("status", "pending"),
        responded_by=values.pop("responded_by", "pending"),
        severity=values.pop("severity", 3),
        **values,
    )
    async with db.transaction() as session:
        session.add(row)
    return row.id


async def resolve(db: Database, row_id: int, status: str, response: str | None, by: str) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(InjectionPointModel)
            .where(InjectionPointModel.id == row_id)
            .values(status=status, response=response, responded_by=by, responded_at=NOW)
        )


async def test_feed_starts_at_the_end_and_reports_new_points(db: Database) -> None:
    await add_point(db, point_id="INJ-1-old")
    async with ChangeFeed(db) as feed:
        assert await feed.poll() == []
        await add_point(
            db,
            point_id="INJ-1-new",
            point_type="approval",
            severity=5,
            message="rm -rf build",
            context={"action": "rm -rf build", "nested": {"a": [1, 2]}},
            options=["Approve", "Deny"],
            recommendation="Deny",
            default_on_timeout=None,
            escalation_rule_id="irreversible_action",
        )
        [created] = await feed.poll()
    assert isinstance(created, InjectionCreated)
    assert created.point_id == "INJ-1-new"
    assert created.point_type == "approval"
    assert created.severity == 5
    assert created.message == "rm -rf build"
    assert created.context == {"action": "rm -rf build", "nested": {"a": [1, 2]}}
    assert created.options == ("Approve", "Deny")
    assert created.recommendation == "Deny"
    assert created.default_on_timeout is None
    assert created.escalation_rule_id == "irreversible_action"
    assert created.timestamp == NOW
    assert not created.replayed


async def test_replay_pending_reports_the_current_pending_set_first(db: Database) -> None:
    first = await add_point(db, point_id="INJ-1-a")
    done = await add_point(db, point_id="INJ-1-b")
    await resolve(db, done, "responded", "A", "cli:bob")
    async with ChangeFeed(db, replay_pending=True) as feed:
        changes = await feed.poll()
    assert [(type(c), c.point_id, c.replayed) for c in changes] == [  # type: ignore[union-attr]
        (InjectionCreated, "INJ-1-a", True)
    ]
    assert changes[0].row_id == first  # type: ignore[union-attr]


async def test_resolutions_are_reported_once_with_who_and_what(db: Database) -> None:
    answered = await add_point(db, point_id="INJ-1-answered")
    timed_out = await add_point(db, point_id="INJ-1-timeout")
    async with ChangeFeed(db) as feed:
        await resolve(db, answered, "responded", "B", "tui:alice")
        await resolve(db, timed_out, "timeout", "A", "timeout_default")
        changes = await feed.poll()
        assert await feed.poll() == []
    assert changes == [
        InjectionResolved(
            row_id=answered,
            point_id="INJ-1-answered",
            session_id=1,
            status="responded",
            response="B",
            responded_by="tui:alice",
            responded_at=NOW,
        ),
        InjectionResolved(
            row_id=timed_out,
            point_id="INJ-1-timeout",
            session_id=1,
            status="timeout",
            response="A",
            responded_by="timeout_default",
            responded_at=NOW,
        ),
    ]


async def test_a_point_created_and_resolved_between_polls_gives_both_records(db: Database) -> None:
    async with ChangeFeed(db) as feed:
        row_id = await add_point(db, point_id="INJ-1-quick")
        await resolve(db, row_id, "cancelled", None, "cli:bob")
        changes = await feed.poll()
    assert [type(change) for change in changes] == [InjectionCreated, InjectionResolved]
    assert changes[1].status == "cancelled"  # type: ignore[union-attr]


async def test_a_deleted_pending_point_is_reported_as_resolved(db: Database) -> None:
    row_id = await add_point(db, point_id="INJ-1-gone")
    async with ChangeFeed(db) as feed:
        async with db.transaction() as session:
            await session.delete(await session.get(InjectionPointModel, row_id))
        [change] = await feed.poll()
    assert isinstance(change, InjectionResolved)
    assert (change.point_id, change.status) == ("INJ-1-gone", "deleted")


async def test_every_kind_of_change_is_reported(db: Database) -> None:
    async with db.transaction() as session:
        session.add(AutonomyConfigModel(id=1, level=3, updated_at=NOW))
    async with ChangeFeed(db) as feed:
        async with db.transaction() as session:
            session.add(SessionModel(id=7, start_time=NOW, status="running"))
            await session.flush()
            session.add(
                EscalationLogModel(
                    timestamp=NOW,
                    session_id=7,
                    rule_id="repeated_errors",
                    severity=3,
                    message="Error occurring repeatedly",
                    context_summary={"error_count": 4},
                )
            )
            session.add(
                RiskAssessmentModel(
                    timestamp=NOW,
                    session_id=7,
                    action="git push --force",
                    tool="Bash",
                    input_summary="git push --force",
                    risk_level=4,
                    is_reversible=False,
                    affects_source_of_truth=True,
                    has_external_side_effects=True,
                    concerns=["rewrites history"],
                    requires_approval=True,
                )
            )
            session.add(
                FailureReportModel(
                    session_id=7,
                    generated_at=NOW,
                    failure_type="tool_failure",
                    severity=3,
                    likely_cause="missing dependency",
                )
            )
            await record_event(
                session, session_id=7, event_type="tool_call", data={"tool": "Bash"}, timestamp=NOW
            )
            await session.execute(update(AutonomyConfigModel).values(level=2, updated_at=NOW))
        changes = await feed.poll()
        async with db.transaction() as session:
            await session.execute(
                update(SessionModel)
                .where(SessionModel.id == 7)
                .values(end_time=NOW, status="completed")
            )
        ended = await feed.poll()
    kinds = [type(change) for change in changes]
    assert kinds == [
        SessionStarted,
        EscalationLogged,
        RiskAssessed,
        FailureReported,
        EventLogged,
        AutonomyChanged,
    ]
    escalation, risk, failure, event, autonomy = changes[1:]
    assert escalation.rule_id == "repeated_errors"  # type: ignore[union-attr]
    assert escalation.context_summary == {"error_count": 4}  # type: ignore[union-attr]
    assert (risk.risk_level, risk.requires_approval, risk.concerns) == (  # type: ignore[union-attr]
        4,
        True,
        ("rewrites history",),
    )
    assert failure.likely_cause == "missing dependency"  # type: ignore[union-attr]
    assert (event.event_type, event.payload) == ("tool_call", {"tool": "Bash"})  # type: ignore[union-attr]
    assert isinstance(autonomy, AutonomyChanged)
    assert (autonomy.part, autonomy.level, autonomy.changed_keys()) == ("config", 2, ["level"])
    assert ended == [SessionEnded(session_id=7, end_time=NOW, status="completed")]
    for change in [*changes, *ended]:
        json.dumps(to_dict(change))
        assert describe(change)


async def test_kinds_limit_what_is_reported_and_what_is_queried(db: Database) -> None:
    async with ChangeFeed(db, kinds={"escalation_logged"}) as feed:
        statements: list[str] = []
        feed.set_trace(statements.append)
        await add_point(db)
        async with db.transaction() as session:
            session.add(
                EscalationLogModel(
                    timestamp=NOW, session_id=1, rule_id="r", severity=2, message="m"
                )
            )
        changes = await feed.poll()
    assert [type(change) for change in changes] == [EscalationLogged]
    assert not any("injection_points" in sql for sql in statements)
    with pytest.raises(ValueError, match="unknown change kinds"):
        ChangeFeed(db, kinds={"nonsense"})


def _query_plan(path: Path, sql: str) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]


async def test_idle_polls_cost_one_pragma_and_change_polls_use_only_indexes(
    db: Database, project_dir: Path
) -> None:
    for number in range(30):
        await add_point(db, point_id=f"INJ-1-{number}", status="responded")
    pending = await add_point(db, point_id="INJ-1-pending")
    async with ChangeFeed(db) as feed:
        statements: list[str] = []
        feed.set_trace(statements.append)
        for _ in range(5):
            assert await feed.poll() == []
        assert statements == ["PRAGMA data_version"] * 5
        statements.clear()
        await add_point(db, point_id="INJ-1-next")
        await resolve(db, pending, "responded", "A", "cli:x")
        assert len(await feed.poll()) == 2
    queries = [sql for sql in statements if sql.startswith("SELECT")]
    assert queries
    for sql in queries:
        for step in _query_plan(database_path(project_dir), sql):
            assert not step.startswith("SCAN"), (sql, step)


async def test_a_backlog_is_read_in_batches_without_waiting_for_new_commits(db: Database) -> None:
    async with ChangeFeed(db, kinds={"event_logged"}, batch_limit=100) as feed:
        async with db.transaction() as session:
            for number in range(250):
                await record_event(
                    session, session_id=1, event_type="tool_call", data={"n": number}, timestamp=NOW
                )
        sizes = [len(await feed.poll()) for _ in range(4)]
    assert sizes == [100, 100, 50, 0]


async def test_malformed_values_are_delivered_raw_and_do_not_stop_the_feed(db: Database) -> None:
    path = db.path
    assert path is not None
    async with ChangeFeed(db) as feed:
        with sqlite3.connect(path) as connection:
            connection.execute(
                "INSERT INTO injection_points (point_id, timestamp, session_id, point_type, "
                "context, options, recommendation, timeout_seconds, responded_by, status, severity)"
                " VALUES ('INJ-bad', 'not a time', 'x', 'decision', '{broken', '\"one\"', 'r', "
                "'soon', 'pending', 'pending', 'high')"
            )
        [created] = await feed.poll()
        await add_point(db, point_id="INJ-1-fine")
        [after] = await feed.poll()
    assert isinstance(created, InjectionCreated)
    assert created.context == {"value": "{broken"}
    assert created.options == ("one",)
    assert (created.severity, created.timeout_seconds, created.session_id) == (3, 300, 0)
    assert after.point_id == "INJ-1-fine"  # type: ignore[union-attr]


async def test_iterating_yields_changes_as_they_are_committed(db: Database) -> None:
    async with ChangeFeed(db, poll_interval=0.01, kinds={"injection_created"}) as feed:

        async def writer() -> None:
            for number in range(3):
                await add_point(db, point_id=f"INJ-1-it{number}")

        task = asyncio.create_task(writer())
        seen = []
        async for change in feed:
            seen.append(change.point_id)  # type: ignore[union-attr]
            if len(seen) == 3:
                break
        await task
    assert seen == ["INJ-1-it0", "INJ-1-it1", "INJ-1-it2"]


async def test_a_locked_database_makes_the_feed_stale_then_it_recovers(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ChangeFeed(db) as feed:
        original = type(feed._reader)._data_version
        failures = iter([True, True, False])

        def flaky(reader: Any) -> int:
            if next(failures, False):
                raise sqlite3.OperationalError("database is locked")
            return original(reader)

        monkeypatch.setattr(type(feed._reader), "_data_version", flaky)
        await add_point(db, point_id="INJ-1-late")
        first = await feed.poll()
        assert [type(change) for change in first] == [FeedStale]
        assert feed.health == "stale"
        assert await feed.poll() == []
        recovered = await feed.poll()
    assert [type(change) for change in recovered] == [FeedRecovered, InjectionCreated]
    assert feed.health != "stale"


async def test_a_deleted_database_ends_the_feed_with_feed_lost(
    db: Database, project_dir: Path
) -> None:
    feed = ChangeFeed(db, poll_interval=0.01)
    await feed.start()
    database_path(project_dir).unlink()
    records = [change async for change in feed]
    assert len(records) == 1 and isinstance(records[0], FeedLost)
    assert "deleted" in records[0].reason
    assert feed.health == "lost"
    with pytest.raises(DatabaseError):
        await feed.poll()


async def test_a_replaced_database_ends_the_feed_with_feed_lost(
    db: Database, project_dir: Path, tmp_path: Path
) -> None:
    other = await Database.open(tmp_path / "other")
    await other.close()
    async with ChangeFeed(db) as feed:
        os.replace(database_path(tmp_path / "other"), database_path(project_dir))
        [lost] = await feed.poll()
    assert isinstance(lost, FeedLost)
    assert "replaced" in lost.reason


async def test_starting_on_a_missing_database_raises(project_dir: Path) -> None:
    with pytest.raises(DatabaseError, match="arcadia demo"):
        await ChangeFeed(database_path(project_dir)).start()


async def test_arcadia_watch_json_prints_changes_as_they_happen(
    db: Database, project_dir: Path
) -> None:
    env = {**os.environ, "ARCADIA_USER": "tester"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "arcadia_tui.cli",
        "watch",
        "--json",
        "--interval",
        "0.02",
        "--project-dir",
        str(project_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        ready = await asyncio.wait_for(process.stderr.readline(), timeout=30)
        assert b"watching" in ready
        row_id = await add_point(db, point_id="INJ-1-cli", message="[bold]hi\x1b[31m")
        await resolve(db, row_id, "responded", "B", "cli:bob")
        lines = [
            json.loads(await asyncio.wait_for(process.stdout.readline(), timeout=10))
            for _ in range(2)
        ]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    assert lines[0]["kind"] == "injection_created"
    assert lines[0]["point_id"] == "INJ-1-cli"
    assert lines[0]["message"] == "[bold]hi\x1b[31m"
    assert lines[1]["kind"] == "injection_resolved"
    assert (lines[1]["status"], lines[1]["responded_by"]) == ("responded", "cli:bob")
    assert process.returncode == 130
    assert b"Traceback" not in stderr


async def test_arcadia_watch_human_lines_show_escapes_as_symbols(
    db: Database, project_dir: Path
) -> None:
    await add_point(db, point_id="INJ-1-esc", message="bad \x1b[2J\x07 text")
    env = {**os.environ, "ARCADIA_USER": "tester"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "arcadia_tui.cli",
        "watch",
        "--pending",
        "--project-dir",
        str(project_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), timeout=10)
    text = line.decode()
    assert "INJ-1-esc" in text and "pending" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "␛[2J␇" in text


async def test_closing_while_a_poll_is_cancelled_waits_for_the_poll(db: Database) -> None:
    feed = ChangeFeed(db)
    await feed.start()
    await add_point(db, point_id="INJ-1-cancelled")
    for _ in range(20):
        task = asyncio.create_task(feed.poll())
        await asyncio.sleep(0)
        task.cancel()
    await feed.close()
    await feed.close()
    with pytest.raises(DatabaseError, match="closed"):
        await feed.poll()
