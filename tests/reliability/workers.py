"""Processes for the reliability tests (`python -m tests.reliability.workers MODE DIR ...`).

Modes (each prints `ready` once set up, and its result as one JSON line at the end):
- `agent DIR INDEX SECONDS` — after a `go` line on stdin, log autonomy decisions, risk
  assessments, escalations, events and (now and then) injection points as fast as it can for
  SECONDS, as session `100 + INDEX`; report what it committed, its errors and latencies;
- `feed DIR` — follow the change feed until a `stop` line, then drain it; report every row id
  it saw per kind (with repeats, so duplicates show);
- `race-agent DIR` — per `ask` line, create a point that times out at once (default `skip`)
  and print its id; per `wait ID` line, wait for the point (so its timeout races whatever
  answers arrive) and print the `InjectionResponse`;
- `tui-answer DIR` — run the TUI headless (Pilot) as user alice, print `answering` once the
  pending points are on screen, then answer each with key 1, as fast as the app allows;
- `hold-lock DIR KIND` — take the database's lock (`exclusive`: BEGIN EXCLUSIVE; `locking-mode`:
  an exclusive locking-mode connection, which also keeps readers out), print `locked`, and
  hold it until stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from arcadia_core.db import Database, database_path
from arcadia_core.events import EventType
from arcadia_core.managers import HumanInterface, InjectionType
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.watch import (
    ChangeFeed,
    EscalationLogged,
    EventLogged,
    FeedLost,
    FeedRecovered,
    FeedStale,
    InjectionCreated,
    InjectionResolved,
    RiskAssessed,
)
from tests.agent_process import read_line

POINT_EVERY = 25  # operations between two injection points of an agent


def emit(value: Any) -> None:
    print(json.dumps(value), flush=True)


async def agent(directory: Path, index: int, seconds: float) -> None:
    session_id = 100 + index
    async with await Database.open(directory, create=False) as database:
        autonomy = AutonomyManager(database, session_id=session_id)
        risk = RiskClassifier(database, session_id=session_id)
        escalation = EscalationEngine(database, session_id=session_id)
        observability = Observability(database, session_id=session_id)
        human = HumanInterface(database, session_id, user=f"agent{index}")
        committed: dict[str, list[Any]] = defaultdict(list)
        errors: Counter[str] = Counter()
        slowest: dict[str, float] = defaultdict(float)
        print("ready", flush=True)
        await read_line()
        deadline = time.monotonic() + seconds
        operations = 0
        while time.monotonic() < deadline:
            number = operations
            kind = (
                "point"
                if number % POINT_EVERY == POINT_EVERY - 1
                else ("decision", "risk", "escalation", "event")[number % 4]
            )
            started = time.perf_counter()
            try:
                if kind == "decision":
                    await autonomy.check_action_async("Edit", {"file_path": f"/src/m{number}.py"})
                    committed["decisions"].append(number)
                elif kind == "risk":
                    assessment = await risk.assess_async(
                        "Bash", {"command": f"ls -la /tmp/{number}"}
                    )
                    committed["risk_ids"].append(assessment.assessment_id)
                elif kind == "escalation":
                    results = await escalation.evaluate_async(
                        {"confidence": 0.1, "feature_index": number}, return_all=True
                    )
                    assert isinstance(results, list)
                    committed["log_ids"].extend(result.log_id for result in results)
                elif kind == "event":
                    event_id = await observability.log_event_async(
                        EventType.TOOL_CALL, {"n": number}, session_id=session_id
                    )
                    committed["event_ids"].append(int(event_id))
                else:
                    point = await human.create_point_async(
                        InjectionType.DECISION,
                        {"n": number},
                        ["yes", "no"],
                        "yes",
                        message=f"agent {index} asks #{number}",
                    )
                    committed["point_ids"].append(point.point_id)
            except Exception as error:  # counted and reported: the test fails on any
                errors[f"{type(error).__name__}: {error}"] += 1
            slowest[kind] = max(slowest[kind], time.perf_counter() - started)
            operations += 1
    emit(
        {
            "session_id": session_id,
            "operations": operations,
            "committed": committed,
            "errors": dict(errors),
            "max_latency_ms": {kind: round(value * 1000, 1) for kind, value in slowest.items()},
        }
    )


_FEED_KINDS: dict[type[Any], str] = {
    InjectionCreated: "injection_points",
    EscalationLogged: "escalation_logs",
    RiskAssessed: "risk_assessments",
    EventLogged: "events",
    InjectionResolved: "resolved_points",
}


async def feed(directory: Path) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    health: Counter[str] = Counter()
    polls = 0
    largest = 0

    def record(changes: list[Any]) -> None:
        nonlocal largest
        largest = max(largest, len(changes))
        for change in changes:
            name = _FEED_KINDS.get(type(change))
            if name is not None:
                seen[name].append(change.row_id)
            elif isinstance(change, FeedStale | FeedRecovered | FeedLost):
                health[type(change).__name__] += 1

    async with ChangeFeed(database_path(directory), poll_interval=0.02) as changes:
        print("ready", flush=True)
        stop = asyncio.ensure_future(read_line())
        while not stop.done():
            record(await changes.poll())
            polls += 1
            await asyncio.sleep(0.02)
        while batch := await changes.poll():  # everything committed before `stop`
            record(batch)
            polls += 1
    emit({"seen": seen, "health": dict(health), "polls": polls, "largest_poll": largest})


async def race_agent(directory: Path) -> None:
    async with await Database.open(directory, create=False) as database:
        human = HumanInterface(database, 9, poll_interval=0.001, user="agent")
        await human.get_stats_async()  # connect before the first race
        print("ready", flush=True)
        while line := await read_line():
            command, _, argument = line.partition(" ")
            if command == "ask":
                point = await human.create_point_async(
                    InjectionType.DECISION,
                    {"race": True},
                    ["yes", "no", "skip"],
                    "yes",
                    timeout_seconds=0,
                    default_on_timeout="skip",
                    message="Race?",
                )
                emit({"point_id": point.point_id})
            else:
                response = await human.wait_for_response_async(argument)
                emit(response.to_dict())


async def tui_answer(directory: Path) -> None:
    from arcadia_core.config import Settings
    from arcadia_tui.app import build_app
    from arcadia_tui.screens.live import LiveScreen

    app = build_app(Settings(project_dir=directory, poll_interval=0.02, user="alice"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await screen.loaded.wait()
        print("answering", flush=True)
        while screen.queue.pending_count:
            await pilot.press("1")
            await pilot.pause(0.005)
        print("done", flush=True)
        await asyncio.Event().wait()  # until killed


def hold_lock(directory: Path, kind: str) -> None:
    connection = sqlite3.connect(database_path(directory), isolation_level=None)
    if kind == "locking-mode":
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("CREATE TABLE IF NOT EXISTS lock_probe (x)")  # takes the lock now
    else:
        connection.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.read()
    connection.execute("ROLLBACK")
    connection.close()


def main(argv: list[str]) -> None:
    mode, directory = argv[0], Path(argv[1])
    if mode == "agent":
        asyncio.run(agent(directory, int(argv[2]), float(argv[3])))
    elif mode == "feed":
        asyncio.run(feed(directory))
    elif mode == "race-agent":
        asyncio.run(race_agent(directory))
    elif mode == "tui-answer":
        asyncio.run(tui_answer(directory))
    elif mode == "hold-lock":
        hold_lock(directory, argv[2])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
