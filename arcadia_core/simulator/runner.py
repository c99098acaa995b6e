"""Run the simulated agent on a project until its tasks are done or it is stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.simulator.agent import Agent
from arcadia_core.simulator.asking import Asker
from arcadia_core.simulator.harness import Harness, Say
from arcadia_core.simulator.pace import Pace
from arcadia_core.simulator.responder import AutoResponder, DemoPolicy, Policy
from arcadia_core.simulator.script import TaskScript
from arcadia_core.simulator.tasks import task_for


@dataclass(frozen=True)
class SimulatorOptions:
    """What to simulate, how fast, and who answers."""

    project_dir: Path
    seed: int = 0
    speed: float = 1.0
    loop: bool = False
    """Keep starting new tasks (the demo keeps its screen alive this way)."""
    tasks: int = 1
    """How many tasks to work through without `loop`."""
    auto_answer: bool = False
    """Answer every question with the built-in `DemoPolicy` after a short delay."""
    parent_pid: int | None = None
    """Stop when this process is no longer the parent (the demo's TUI went away)."""


async def simulate(
    options: SimulatorOptions, *, policy: Policy | None = None, say: Say = print
) -> int:
    """Work through the tasks on the project; return how many were finished.

    With `policy` (or `auto_answer`), an `AutoResponder` answers in the same process. A
    cancelled run withdraws the question it waits on and ends its session `interrupted`.
    """
    rng = random.Random(options.seed)
    pace = Pace(options.speed, rng)
    database = await Database.open(options.project_dir)
    responder_task: asyncio.Task[None] | None = None
    try:
        harness = Harness(database, pace, rng, say)
        await harness.setup()
        agent = Agent(harness, Asker(harness), rng)
        if policy is None and options.auto_answer:
            policy = DemoPolicy(options.seed)
        if policy is not None:
            responder = AutoResponder(database, policy, speed=options.speed)
            responder_task = asyncio.create_task(responder.run(), name="arcadia-autoresponder")
        finished = 0
        while options.loop or finished < options.tasks:
            await TaskScript(agent, task_for(finished), finished).run()
            finished += 1
            if options.loop or finished < options.tasks:
                await pace.pause(3.0)
        return finished
    finally:
        if responder_task is not None:
            responder_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await responder_task
        await database.close()


async def run_until_stopped(
    options: SimulatorOptions, *, policy: Policy | None = None, say: Say = print
) -> str | None:
    """Run `simulate`; SIGINT/SIGTERM (or the parent going away) stop it cleanly.

    Returns None when the tasks were finished, else what stopped it (`SIGTERM`, `SIGINT`,
    `parent exited`).
    """
    loop = asyncio.get_running_loop()
    work = asyncio.create_task(simulate(options, policy=policy, say=say))
    stopped: list[str] = []

    def stop(reason: str) -> None:
        if not stopped:
            stopped.append(reason)
            say(f"stopping ({reason})")
        work.cancel()

    handled: list[signal.Signals] = []
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop, number.name)
            handled.append(number)
    watcher = (
        asyncio.create_task(_watch_parent(options.parent_pid, stop))
        if options.parent_pid is not None
        else None
    )
    try:
        await work
    except asyncio.CancelledError:
        if not stopped:
            raise
    finally:
        for number in handled:
            loop.remove_signal_handler(number)
        if watcher is not None:
            watcher.cancel()
    return stopped[0] if stopped else None


async def _watch_parent(parent_pid: int, stop: Callable[[str], None]) -> None:
    while os.getppid() == parent_pid:
        await asyncio.sleep(0.5)
    stop("parent exited")
