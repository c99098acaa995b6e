"""Render the README screenshots of the Live view from the deterministic sample scene.

Run from the repository root: `python scripts/screenshots.py` (writes `screenshots/live*.svg`).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arcadia_core.clock import fixed_clock  # noqa: E402
from arcadia_core.config import Settings  # noqa: E402
from arcadia_core.db import Database  # noqa: E402
from arcadia_tui.app import build_app  # noqa: E402
from arcadia_tui.sample import (  # noqa: E402
    BUSY_EXTRA_POINTS,
    SAMPLE_NOW,
    write_sample,
    write_sample_points,
)
from arcadia_tui.screens.live import LiveScreen  # noqa: E402

SIZE = (120, 40)
OUT = ROOT / "screenshots"
SHOWN_PROJECT = Path("/home/alice/shop")

Action = Callable[[Pilot[Any]], Awaitable[None]]


async def busy_scene(database: Database) -> None:
    await write_sample(database)
    await write_sample_points(database, BUSY_EXTRA_POINTS)


async def nothing(pilot: Pilot[Any]) -> None:
    return None


async def free_text_dialog(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    queue = screen.queue
    guidance = next(p for p in queue.points.values() if p.point_type == "guidance")
    queue.move_cursor(row=queue.get_row_index(guidance.point_id))
    await pilot.pause()
    await pilot.press("f")
    await pilot.pause()
    field = pilot.app.screen.query_one(Input)
    field.cursor_blink = False
    await pilot.press(*"Mock the payment API and move on")


async def shoot(name: str, scene: Callable[[Database], Awaitable[None]], action: Action) -> Path:
    with tempfile.TemporaryDirectory() as directory:
        database = await Database.open(directory)
        try:
            await scene(database)
            settings = Settings(project_dir=SHOWN_PROJECT, poll_interval=0.05, user="alice")
            app = build_app(settings, database, clock=fixed_clock(SAMPLE_NOW), display_tz=UTC)
            async with app.run_test(size=SIZE) as pilot:
                screen = pilot.app.screen
                assert isinstance(screen, LiveScreen)
                await asyncio.wait_for(screen.loaded.wait(), timeout=10)
                while screen.queue.row_count and screen.detail.point is None:
                    await pilot.pause(0.01)
                await action(pilot)
                await pilot.pause(0.2)
                svg = app.export_screenshot(title="arcadia — Live view")
        finally:
            await database.close()
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for path in (
        await shoot("live", busy_scene, nothing),
        await shoot("live-answer", write_sample, free_text_dialog),
    ):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())
