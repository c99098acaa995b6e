"""Render the README screenshots of every view from the deterministic sample scenes.

Run from the repository root: `python scripts/screenshots.py` (writes `screenshots/*.svg`:
the Live view from the sample questions, the other views from the sample history).
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
from arcadia_tui import scenes  # noqa: E402
from arcadia_tui.app import build_app  # noqa: E402
from arcadia_tui.sample import (  # noqa: E402
    BUSY_EXTRA_POINTS,
    SAMPLE_NOW,
    write_sample,
    write_sample_points,
)
from arcadia_tui.sample_history import write_history  # noqa: E402
from arcadia_tui.screens.live import LiveScreen  # noqa: E402

SIZE = (120, 40)
OUT = ROOT / "screenshots"
SHOWN_PROJECT = Path("/home/alice/shop")

Action = Callable[[Pilot[Any]], Awaitable[Any]]
Scene = Callable[[Database], Awaitable[Any]]


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


async def autonomy_help(pilot: Pilot[Any]) -> None:
    await scenes.autonomy_view(pilot)
    await pilot.press("f1")
    await pilot.pause(0.2)


async def risk_in_light_theme(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+t")
    await scenes.risk_with_linked_call(pilot)


SHOTS: tuple[tuple[str, str, Scene, Action], ...] = (
    ("live", "Live", busy_scene, nothing),
    ("live-answer", "Live", write_sample, free_text_dialog),
    ("autonomy", "Autonomy", write_history, scenes.autonomy_view),
    ("autonomy-level", "Autonomy", write_history, scenes.raise_level_dialog),
    ("autonomy-help", "Autonomy", write_history, autonomy_help),
    ("risk", "Risk", write_history, scenes.risk_with_linked_call),
    ("risk-light", "Risk", write_history, risk_in_light_theme),
    ("failures", "Failures", write_history, scenes.failures_loaded),
    ("learning", "Learning", write_history, scenes.learning_view),
    ("sessions", "Sessions & events", write_history, scenes.sessions_loaded),
)
"""Every picture: file name, view, the data it shows, and how the app gets there."""


async def shoot(name: str, view: str, scene: Scene, action: Action) -> Path:
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
                svg = app.export_screenshot(title=f"arcadia — {view} view")
        finally:
            await database.close()
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, view, scene, action in SHOTS:
        path = await shoot(name, view, scene, action)
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())
