"""Snapshot fixtures: deterministic scenes (fixed clock, fixed data, no cursor blink)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from arcadia_core.clock import fixed_clock
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_tui.app import ArcadiaApp, build_app
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.screens.live import LiveScreen

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text inputs keep a steady cursor, so pictures do not depend on timing."""
    original = Input.__init__

    def steady(self: Input, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", steady)


@pytest.fixture
def scene(project_dir: Path) -> Callable[..., ArcadiaApp]:
    """Write a scene into a fresh project database and build the app on it."""

    def build(*writers: Callable[[Database], Awaitable[Any]]) -> ArcadiaApp:
        async def write() -> Database:
            database = await Database.open(project_dir)
            try:
                for writer in writers:
                    await writer(database)
            finally:
                await database.close()  # the app's own event loop reconnects
            return database

        database = asyncio.run(write())
        # The status bar shows this path; the data lives in the test's temporary directory.
        settings = Settings(project_dir=Path("/home/alice/shop"), poll_interval=0.02, user="alice")
        return build_app(
            settings,
            database,
            clock=fixed_clock(SAMPLE_NOW),
            display_tz=UTC,
            close_database=True,
        )

    return build


async def loaded(pilot: Pilot[Any]) -> LiveScreen:
    """Wait until the Live screen shows its first poll."""
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    await asyncio.wait_for(screen.loaded.wait(), timeout=10)
    while screen.queue.row_count and screen.detail.point is None:
        await pilot.pause(0.01)
    await pilot.pause()
    return screen
