"""Two responder processes and the agent's own timeout race on one point, again and again.

Each time exactly one outcome wins (alice's answer, bob's answer or the default on timeout),
it is never overwritten, the losers are told who won, and the waiting agent returns the
winner's outcome.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from arcadia_core.db import Database, database_path
from tests.agent_process import start_process
from tests.reliability.helpers import processes, read_json, read_line, report, send, worker

pytestmark = pytest.mark.reliability

RESPONDERS = {"tui:alice": "yes", "cli:bob": "no"}


def stored_outcome(path: Path, point_id: str) -> tuple[object, ...]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        row = connection.execute(
            "SELECT status, response, responded_by, responded_at IS NOT NULL"
            " FROM injection_points WHERE point_id = ?",
            (point_id,),
        ).fetchone()
        events = connection.execute(
            "SELECT payload FROM events WHERE type = 'human_response'"
            " AND json_extract(payload, '$.point_id') = ?",
            (point_id,),
        ).fetchall()
    assert len(events) == 1, events  # one terminal transition, recorded once
    event = json.loads(events[0][0])
    assert (event["status"], event["response"], event["responded_by"]) == row[:3]
    return tuple(row)


async def race(project_dir: Path, repetitions: int) -> None:
    await (await Database.open(project_dir)).close()
    path = database_path(project_dir)
    outcomes: Counter[str] = Counter()
    with processes() as started:
        started.append(agent := worker("race-agent", project_dir))
        responders = {name: start_process("responder", project_dir, name) for name in RESPONDERS}
        started.extend(responders.values())
        for process in started:
            assert await read_line(process) == "ready"
        began = time.monotonic()
        for _ in range(repetitions):
            send(agent, "ask")
            point_id = (await read_json(agent))["point_id"]
            # The three start in a random order, a few milliseconds apart at most, so that every
            # interleaving of the agent's read-then-resolve and the two answers comes up.
            starts = [(agent, f"wait {point_id}")] + [
                (process, f"{point_id} {RESPONDERS[name]}") for name, process in responders.items()
            ]
            random.shuffle(starts)
            for process, line in starts:
                send(process, line)
                time.sleep(random.choice((0, 0, random.uniform(0, 0.004))))
            returned = await read_json(agent)
            results = {name: await read_json(process) for name, process in responders.items()}

            status, response, responded_by, has_time = stored_outcome(path, point_id)
            assert has_time
            assert (returned["status"], returned["response"], returned["responded_by"]) == (
                status,
                response,
                responded_by,
            )
            winners = [name for name, result in results.items() if result["won"]]
            if status == "timeout":
                assert (winners, response, responded_by) == ([], "skip", "timeout_default")
                expected_loss = f"{point_id} timed out (default 'skip' applied)"
                outcomes["timeout"] += 1
            else:
                assert status == "responded" and winners == [responded_by], (results, status)
                assert response == RESPONDERS[responded_by] == results[responded_by]["detail"]
                assert returned["responded"] is True
                expected_loss = f"{point_id} was already answered by {responded_by}: {response!r}"
                outcomes[responded_by] += 1
            for name, result in results.items():
                if name not in winners:
                    assert result["detail"] == expected_loss

            # A late answer changes nothing.
            late = next(iter(responders.values()))
            send(late, f"{point_id} no")
            assert not (await read_json(late))["won"]
            assert stored_outcome(path, point_id) == (status, response, responded_by, has_time)
        elapsed = time.monotonic() - began
    assert sum(outcomes.values()) == repetitions
    report(
        f"answer races x{repetitions}",
        repetitions=repetitions,
        won_by_alice=outcomes["tui:alice"],
        won_by_bob=outcomes["cli:bob"],
        timed_out=outcomes["timeout"],
        double_outcomes=0,
        overwritten=0,
        races_per_second=round(repetitions / elapsed, 1),
    )


async def test_two_responders_and_a_timeout_have_exactly_one_outcome(project_dir: Path) -> None:
    await race(project_dir, 60)


@pytest.mark.slow
async def test_two_responders_and_a_timeout_have_exactly_one_outcome_500_times(
    project_dir: Path,
) -> None:
    await race(project_dir, 500)
