"""Processes killed (SIGKILL) at random moments leave a database that is whole and consistent.

An agent killed while it waits leaves a pending point that `arcadia expire` resolves; writers
killed mid-transaction leave a database that passes `PRAGMA integrity_check` and keeps
working; a migration killed anywhere leaves the database as it was or complete; the TUI killed
while answering never leaves half an answer.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.db import Database, database_path
from arcadia_core.managers import HumanInterface, InjectionType
from tests.agent_process import start_process
from tests.cli_helpers import arcadia
from tests.legacy_helpers import copy_sample, snapshot, write_escalation_log
from tests.reliability.helpers import processes, read_line, report, send, worker

pytestmark = pytest.mark.reliability


def query(path: Path, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute(sql, parameters).fetchall()


def integrity(path: Path) -> str:
    return str(query(path, "PRAGMA integrity_check")[0][0])


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


async def wait_for_pending(human: HumanInterface, count: int = 1) -> list[str]:
    for _ in range(3000):
        pending = await human.get_pending_async()
        if len(pending) >= count:
            return [point.point_id for point in pending]
        await asyncio.sleep(0.01)
    raise AssertionError("the agent never asked")


async def test_an_agent_killed_while_waiting_leaves_a_point_that_expire_resolves(
    db: Database, project_dir: Path
) -> None:
    human = HumanInterface(db, user="tester")
    with processes() as started:
        started.append(agent := start_process("ask", project_dir, 300, "skip"))
        (point_id,) = await wait_for_pending(human)
        kill(agent)
    point = await human.get_point_async(point_id)
    assert (point.status, point.response, point.responded_by) == ("pending", None, "pending")

    expired = arcadia("expire", "--older-than", "0s", "--json", "--project-dir", project_dir)
    assert expired.returncode == 0, expired.stderr
    assert json.loads(expired.stdout) == {"expired": [point_id]}
    point = await human.get_point_async(point_id)
    assert (point.status, point.response, point.responded_by) == (
        "timeout",
        "skip",
        "expired:cli:tester",
    )
    late = arcadia("respond", point_id, "yes", "--project-dir", project_dir)
    assert late.returncode == 1 and "timed out (default 'skip' applied)" in late.stderr
    assert integrity(database_path(project_dir)) == "ok"
    report("agent killed while waiting", left_pending=1, expired_by_cli=1, late_answer_refused=1)


async def kill_writers(project_dir: Path, rounds: int) -> None:
    await (await Database.open(project_dir)).close()
    path = database_path(project_dir)
    moments = []
    for _ in range(rounds):
        with processes() as started:
            agents = [worker("agent", project_dir, index, 30) for index in range(2)]
            started.extend(agents)
            for process in agents:
                assert await read_line(process) == "ready"
            for process in agents:
                send(process, "go")
            moment = random.uniform(0.05, 1.0)
            moments.append(round(moment, 2))
            await asyncio.sleep(moment)
            for process in agents:
                kill(process)
        assert integrity(path) == "ok"
        # Every escalation committed its event with it (one transaction): never one alone.
        assert query(path, "SELECT count(*) FROM escalation_logs") == query(
            path, "SELECT count(*) FROM events WHERE type = 'escalation_triggered'"
        )
    async with await Database.open(project_dir) as database:  # still usable after the crashes
        human = HumanInterface(database, user="tester")
        point = await human.create_point_async(InjectionType.DECISION, {}, ["a"], "a")
        assert (await human.answer_async(point.point_id, "a", by="cli:x")).status == "responded"
    rows = query(
        path, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM risk_assessments)"
    )
    report(
        f"writers killed x{rounds}",
        kills=rounds * 2,
        kill_moments_s=f"{min(moments)}-{max(moments)}",
        events_kept=rows[0][0],
        assessments_kept=rows[0][1],
        integrity="ok",
    )


async def test_writers_killed_mid_transaction_leave_a_whole_database(project_dir: Path) -> None:
    await kill_writers(project_dir, 2)


@pytest.mark.slow
async def test_writers_killed_mid_transaction_leave_a_whole_database_20_times(
    project_dir: Path,
) -> None:
    await kill_writers(project_dir, 20)


# -- migration ----------------------------------------------------------------------------

MIGRATION_LINES = 12_000


def migrate_process(project_dir: Path) -> subprocess.Popen[str]:
    return start_process(
        "migrate", "--json", "--project-dir", project_dir, module="arcadia_tui.cli"
    )


TEST_STARTED = datetime.now(UTC) - timedelta(minutes=1)


def legacy_state(project_dir: Path) -> dict[str, list[tuple[Any, ...]]] | None:
    """The rows a migration writes (None when there is no database file at all).

    Times the import itself stamps (after this test started) read `<import time>`, so two
    complete runs compare equal.
    """
    path = database_path(project_dir)
    if not path.exists():
        return None
    assert integrity(path) == "ok"
    if not query(path, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        return {}  # created, killed before its schema transaction committed
    return {
        table: sorted(
            (
                tuple(
                    "<import time>"
                    if isinstance(value, datetime) and value > TEST_STARTED
                    else value
                    for value in row
                )
                for row in rows
            ),
            key=repr,
        )
        for table, rows in snapshot(project_dir).items()
    }


async def kill_migrations(tmp_path: Path, kills: int) -> None:
    template = tmp_path / "template"
    copy_sample(template)
    write_escalation_log(template / ".escalation" / "escalations.jsonl", MIGRATION_LINES)
    # Two starting points: a project whose database already holds earlier rows, and a new one.
    with_rows = tmp_path / "with-rows"
    shutil.copytree(template, with_rows)
    (with_rows / ".escalation" / "escalations.jsonl").write_text("")
    assert migrate_process(with_rows).wait(timeout=120) == 3  # the sample's bad records
    shutil.copytree(template / ".escalation", with_rows / ".escalation", dirs_exist_ok=True)

    outcomes: Counter[str] = Counter()
    for start in (with_rows, template):
        before = legacy_state(start)
        complete_dir = tmp_path / f"complete-{start.name}"
        shutil.copytree(start, complete_dir)
        began = time.monotonic()
        assert migrate_process(complete_dir).wait(timeout=120) == 3
        duration = time.monotonic() - began
        complete = legacy_state(complete_dir)
        for number in range(kills):
            project = tmp_path / f"killed-{start.name}-{number}"
            shutil.copytree(start, project)
            process = migrate_process(project)
            await asyncio.sleep(random.uniform(0.1, 1.05) * duration)
            kill(process)
            after = legacy_state(project)
            if after == before:
                outcomes["as before"] += 1
            elif after == complete:
                outcomes["complete"] += 1
            else:
                # A new project's database may exist, empty or with its schema, and no rows.
                assert before is None and after is not None, "half a migration is visible"
                assert not any(after.values()), "half a migration is visible"
                outcomes["new, no rows"] += 1
            rerun = migrate_process(project)
            assert rerun.wait(timeout=120) == 3
            assert legacy_state(project) == complete
    report(
        f"migration killed x{kills * 2}",
        kills=kills * 2,
        records=MIGRATION_LINES,
        as_before=outcomes["as before"],
        new_database_without_rows=outcomes["new, no rows"],
        complete=outcomes["complete"],
        half_done=0,
        reruns_complete=kills * 2,
    )


async def test_a_migration_killed_at_random_moments_leaves_before_or_complete(
    tmp_path: Path,
) -> None:
    await kill_migrations(tmp_path, 2)


@pytest.mark.slow
async def test_a_migration_killed_at_random_moments_leaves_before_or_complete_often(
    tmp_path: Path,
) -> None:
    await kill_migrations(tmp_path, 10)


# -- the TUI ------------------------------------------------------------------------------

TUI_POINTS = 12


async def kill_tui(project_dir: Path, rounds: int) -> None:
    await (await Database.open(project_dir)).close()
    path = database_path(project_dir)
    answered_at_kill: list[int] = []
    async with await Database.open(project_dir) as database:
        human = HumanInterface(database, 3, user="agent")
        for _ in range(rounds):
            new_points = [
                await human.create_point_async(
                    InjectionType.DECISION, {"n": n}, ["yes", "no"], "yes", message=f"#{n}"
                )
                for n in range(TUI_POINTS)
            ]
            marks = ", ".join("?" * TUI_POINTS)
            before = query(path, "SELECT count(*) FROM injection_points WHERE status = 'responded'")
            with processes() as started:
                started.append(tui := worker("tui-answer", project_dir))
                assert await read_line(tui, timeout=120) == "answering"
                await asyncio.sleep(random.uniform(0, 0.6))
                kill(tui)
            after = query(path, "SELECT count(*) FROM injection_points WHERE status = 'responded'")
            answered_at_kill.append(after[0][0] - before[0][0])
            assert integrity(path) == "ok"
            outcomes = query(
                path,
                "SELECT status, response, responded_by, responded_at,"
                " (SELECT count(*) FROM events WHERE type = 'human_response'"
                "  AND json_extract(payload, '$.point_id') = point_id)"
                f" FROM injection_points WHERE point_id IN ({marks})",
                *(point.point_id for point in new_points),
            )
            assert len(outcomes) == TUI_POINTS
            for status, response, by, at, events in outcomes:
                if status == "pending":
                    assert (response, by, at, events) == (None, "pending", None, 0)
                else:
                    assert status == "responded" and response in ("yes", "no")
                    assert by == "tui:alice" and at is not None and events == 1
            for point_id in [p.point_id for p in await human.get_pending_async()]:
                await human.cancel_point_async(point_id, by="test")  # a clean slate per round
    report(
        f"TUI killed while answering x{rounds}",
        kills=rounds,
        points_per_round=TUI_POINTS,
        answered_before_kill=f"{min(answered_at_kill)}-{max(answered_at_kill)}",
        half_written=0,
    )


async def test_the_tui_killed_while_answering_never_leaves_half_an_answer(
    project_dir: Path,
) -> None:
    await kill_tui(project_dir, 3)


@pytest.mark.slow
async def test_the_tui_killed_while_answering_never_leaves_half_an_answer_often(
    project_dir: Path,
) -> None:
    await kill_tui(project_dir, 20)
