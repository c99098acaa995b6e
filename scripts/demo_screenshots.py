"""Render README screenshots from a real `arcadia demo` run: the simulated agent at work.

Run from the repository root: `python scripts/demo_screenshots.py` (writes
`screenshots/demo-*.svg`). The simulated agent works through one task with its built-in
responder, then starts another and is caught waiting for an answer; the TUI is rendered on
that project, one view after another. Timestamps are real, so the pictures differ slightly
from run to run (the deterministic pictures of the snapshot tests come from a fixed scene).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arcadia_core.config import Settings  # noqa: E402
from arcadia_core.db import Database  # noqa: E402
from arcadia_core.managers.human_interface import HumanInterface  # noqa: E402
from arcadia_core.simulator import DemoPolicy, SimulatorOptions, simulate  # noqa: E402
from arcadia_tui.app import VIEWS, build_app  # noqa: E402

SIZE = (120, 40)
OUT = ROOT / "screenshots"
SHOWN_PROJECT = Path("/tmp/arcadia-demo")
SEED = 3


def quiet(_line: str) -> None:
    """The simulator's narration is not wanted here."""


async def agent_caught_waiting(project: Path) -> asyncio.Task[int]:
    """Run one answered task, then start another and return once it waits for a person."""
    answered = SimulatorOptions(project_dir=project, seed=SEED, speed=200, tasks=1)
    await simulate(answered, policy=DemoPolicy(SEED), say=quiet)
    waiting = SimulatorOptions(project_dir=project, seed=SEED + 1, speed=4, tasks=1)
    agent = asyncio.create_task(simulate(waiting, say=quiet))
    database = await Database.open(project)
    try:
        human = HumanInterface(database)
        for _ in range(600):
            if await human.get_pending_async():
                return agent
            await asyncio.sleep(0.05)
    finally:
        await database.close()
    raise RuntimeError("the simulated agent never asked a question")


async def shoot_views(project: Path) -> list[Path]:
    database = await Database.open(project)
    settings = Settings(project_dir=SHOWN_PROJECT, poll_interval=0.05, user="alice")
    app = build_app(settings, database, close_database=True)
    written: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.0)
        for view in VIEWS:
            await pilot.press(view.key)
            await pilot.pause(1.0)
            path = OUT / f"demo-{view.name}.svg"
            path.write_text(
                app.export_screenshot(title=f"arcadia demo — {view.title}"), encoding="utf-8"
            )
            written.append(path)
    return written


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory)
        agent = await agent_caught_waiting(project)
        try:
            for path in await shoot_views(project):
                print(path.relative_to(ROOT))
        finally:
            agent.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await agent


if __name__ == "__main__":
    asyncio.run(main())
