"""Four agent processes writing flat out, a change-feed reader and a CLI answering, on one file.

Every writer reports what it committed; the database must hold exactly that (nothing lost,
nothing twice), the feed reader must have seen every new row exactly once, and no caller may
ever see "database is locked".
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.db import Database, database_path
from tests.cli_helpers import arcadia
from tests.reliability.helpers import processes, read_json, read_line, report, send, worker

pytestmark = pytest.mark.reliability

AGENTS = 4


class CliAnswerer(threading.Thread):
    """Answers pending points with the real `arcadia` command until stopped."""

    def __init__(self, project_dir: Path) -> None:
        super().__init__(daemon=True)
        self.project_dir = project_dir
        self.stopping = threading.Event()
        self.answered: list[str] = []
        self.commands = 0
        self.failures: list[str] = []
        self.slowest = 0.0

    def run_command(self, *args: str) -> Any:
        started = time.monotonic()
        result = arcadia(*args, "--json", "--project-dir", self.project_dir)
        self.slowest = max(self.slowest, time.monotonic() - started)
        self.commands += 1
        if result.returncode != 0:
            self.failures.append(f"arcadia {' '.join(args)}: {result.stderr.strip()}")
            return None
        return json.loads(result.stdout)

    def run(self) -> None:
        while not self.stopping.is_set():
            pending = self.run_command("pending") or []
            for point in pending[:3]:
                if self.run_command("respond", point["point_id"], "yes") is not None:
                    self.answered.append(point["point_id"])
            if not pending:
                self.stopping.wait(0.05)


def rows(path: Path, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return connection.execute(query, parameters).fetchall()


async def run_writers(project_dir: Path, seconds: float) -> None:
    await (await Database.open(project_dir)).close()
    path = database_path(project_dir)
    answerer = CliAnswerer(project_dir)
    with processes() as started:
        started.append(feed := worker("feed", project_dir))
        agents = [worker("agent", project_dir, index, seconds) for index in range(AGENTS)]
        started.extend(agents)
        for process in [feed, *agents]:
            assert await read_line(process) == "ready"
        began = time.monotonic()
        for process in agents:
            send(process, "go")
        answerer.start()
        results = [await read_json(process, timeout=seconds + 120) for process in agents]
        elapsed = time.monotonic() - began
        answerer.stopping.set()
        answerer.join(timeout=120)
        send(feed, "stop")
        seen = await read_json(feed, timeout=120)

    errors = {result["session_id"]: result["errors"] for result in results if result["errors"]}
    assert not errors, errors
    assert not answerer.failures, answerer.failures[:5]

    # Each writer's committed rows are in the database, once.
    for result in results:
        session_id, committed = result["session_id"], result["committed"]
        assert rows(
            path, "SELECT count(*) FROM autonomy_decisions WHERE session_id = ?", session_id
        ) == [(len(committed["decisions"]),)]
        for table, key in (("risk_assessments", "risk_ids"), ("escalation_logs", "log_ids")):
            stored = [
                row[0]
                for row in rows(path, f"SELECT id FROM {table} WHERE session_id = ?", session_id)
            ]
            assert len(committed[key]) == len(set(committed[key]))
            assert sorted(stored) == sorted(committed[key]), table
        tool_calls = rows(
            path,
            "SELECT id FROM events WHERE session_id = ? AND type = 'tool_call'",
            session_id,
        )
        assert sorted(row[0] for row in tool_calls) == sorted(committed["event_ids"])
        escalation_events = rows(
            path,
            "SELECT count(*) FROM events WHERE session_id = ? AND type = 'escalation_triggered'",
            session_id,
        )
        assert escalation_events == [(len(committed["log_ids"]),)]
        points = rows(
            path, "SELECT point_id FROM injection_points WHERE session_id = ?", session_id
        )
        assert sorted(row[0] for row in points) == sorted(committed["point_ids"])

    # The CLI's answers are stored whole, and only those points are answered.
    answered = rows(
        path,
        "SELECT point_id, response, responded_by FROM injection_points WHERE status != 'pending'",
    )
    assert sorted(answered) == sorted((point, "yes", "cli:tester") for point in answerer.answered)

    # The feed reader saw every row inserted while it ran, exactly once.
    duplicates = {
        kind: [row_id for row_id, count in Counter(ids).items() if count > 1]
        for kind, ids in seen["seen"].items()
    }
    assert not any(duplicates.values()), duplicates
    for table in ("injection_points", "escalation_logs", "risk_assessments", "events"):
        stored = sorted(row[0] for row in rows(path, f"SELECT id FROM {table}"))
        assert sorted(seen["seen"].get(table, [])) == stored, table
    resolved = {
        row[0] for row in rows(path, "SELECT id FROM injection_points WHERE status != 'pending'")
    }
    assert sorted(seen["seen"].get("resolved_points", [])) == sorted(resolved)
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]

    totals = Counter[str]()
    for result in results:
        for key, values in result["committed"].items():
            totals[key] += len(values)
    operations = sum(result["operations"] for result in results)
    report(
        f"concurrency {seconds:g}s",
        writers=AGENTS,
        rows_per_writer=[sum(len(v) for v in r["committed"].values()) for r in results],
        operations_per_second=round(operations / elapsed),
        decisions=totals["decisions"],
        assessments=totals["risk_ids"],
        escalations=totals["log_ids"],
        events=totals["event_ids"],
        points=totals["point_ids"],
        cli_commands=answerer.commands,
        cli_answers=len(answerer.answered),
        locked_errors=0,
        lost_or_duplicated=0,
        feed_rows_seen=sum(len(ids) for ids in seen["seen"].values()),
        feed_polls=seen["polls"],
        feed_stale=seen["health"].get("FeedStale", 0),
        max_write_latency_ms=max(max(r["max_latency_ms"].values()) for r in results),
        max_cli_seconds=round(answerer.slowest, 2),
    )


async def test_four_agents_a_feed_and_a_cli_lose_nothing(project_dir: Path) -> None:
    await run_writers(project_dir, seconds=8)


@pytest.mark.slow
async def test_four_agents_a_feed_and_a_cli_lose_nothing_for_30_seconds(project_dir: Path) -> None:
    await run_writers(project_dir, seconds=30)
