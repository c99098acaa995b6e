"""`arcadia demo`: its app on a project fed by the simulator process, and its project handling."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arcadia_core.config import Settings
from arcadia_core.db import database_path
from arcadia_core.simulator.tasks import TASKS
from arcadia_tui.demo import (
    DemoRefused,
    build_demo_app,
    prepare_project,
    start_simulator,
)

from .conftest import SIZE, USER, live_screen, wait_until


def rows(directory: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database_path(directory)) as connection:
        return list(connection.execute(sql))


async def test_the_first_question_answered_with_a_key_lets_the_agent_continue(
    tmp_path: Path,
) -> None:
    directory = await prepare_project(tmp_path / "demo")
    # Speed 2: the first question's 20 s timeout becomes 10 s, ample time to answer it.
    simulator = start_simulator(directory, seed=0, speed=2)
    try:
        app = build_demo_app(Settings(project_dir=directory, poll_interval=0.02, user=USER))
        async with app.run_test(size=SIZE) as pilot:
            screen = await live_screen(pilot)
            await wait_until(pilot, lambda: screen.queue.pending_count == 1, 20, "a question")
            first = screen.queue.highlighted_point
            assert first is not None and first.message == TASKS[0].design.message
            await pilot.press("2")
            await wait_until(
                pilot,
                lambda: any(p.point_id != first.point_id for p in screen.queue.points.values()),
                20,
                "the agent's next question",
            )
    finally:
        assert simulator.stop() == ""
    answered = rows(directory, "SELECT status, response, responded_by FROM injection_points")
    assert answered[0] == ("responded", TASKS[0].design.options[1], f"tui:{USER}")
    choices = rows(directory, "SELECT payload FROM events WHERE type = 'decision'")
    assert json.loads(str(choices[0][0]))["choice"] == TASKS[0].design.options[1]
    assert rows(directory, "SELECT status FROM sessions") == [("interrupted",)]


async def test_keep_refuses_a_project_that_is_not_a_demo(tmp_path: Path) -> None:
    project = tmp_path / "real"
    database_path(project).parent.mkdir(parents=True)
    database_path(project).write_bytes(b"")
    with pytest.raises(DemoRefused, match="not a demo"):
        await prepare_project(project)
    (tmp_path / "file").write_text("x")
    with pytest.raises(DemoRefused, match="not a directory"):
        await prepare_project(tmp_path / "file")


async def test_keep_reuses_an_earlier_demo(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    assert await prepare_project(kept) == kept.resolve()
    assert await prepare_project(kept) == kept.resolve()
    marker = json.loads((database_path(kept).parent / "demo.json").read_text())
    assert marker["created_by"] == "arcadia demo"


def test_the_agent_stops_when_the_demo_process_dies(tmp_path: Path) -> None:
    """A demo killed outright does not leave its looping agent behind."""
    directory = asyncio.run(prepare_project(tmp_path / "orphan"))
    code = (
        "import time\n"
        "from pathlib import Path\n"
        "from arcadia_tui.demo import start_simulator\n"
        f"agent = start_simulator(Path({str(directory)!r}), speed=50)\n"
        "print(agent.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 20
        while not rows(directory, "SELECT count(*) FROM sessions")[0][0]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child_pid):
            assert time.monotonic() < deadline, "the agent outlived the demo"
            time.sleep(0.1)
    finally:
        parent.kill()
    assert rows(directory, "SELECT status FROM sessions") == [("interrupted",)]


def _alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = Path(f"/proc/{pid}/stat")
        return not (status.exists() and status.read_text().split()[2] == "Z")
    return finished == 0
