"""Fixtures for Pilot tests: the app as the CLI builds it, a fixed clock, a fast poll, 120x40."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList

from arcadia_core.clock import fixed_clock
from arcadia_core.config import Settings
from arcadia_core.db import Database, database_path
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_tui.app import ArcadiaApp, build_app
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.screens.live import LiveScreen
from arcadia_tui.screens.view import ViewScreen

SIZE = (120, 40)
USER = "alice"


@dataclass
class Recorder:
    """What the app told the person: notifications and bells."""

    notifications: list[dict[str, Any]] = field(default_factory=list)
    bells: int = 0

    def notify(self, message: str, **options: Any) -> None:
        self.notifications.append({"message": message, **options})

    def bell(self) -> None:
        self.bells += 1


@pytest.fixture
def settings(project_dir: Path) -> Settings:
    """Settings with a fast poll and a known user."""
    return Settings(project_dir=project_dir, poll_interval=0.02, user=USER)


@pytest.fixture(scope="session")
def bulk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project database with 100,000 risk assessments, written once per test run."""
    from tests.tui.bulk import write_bulk_assessments

    directory = tmp_path_factory.mktemp("bulk")

    async def write() -> None:
        database = await Database.open(directory)
        try:
            await write_bulk_assessments(database)
        finally:
            await database.close()

    asyncio.run(write())
    return database_path(directory)


def copy_project_database(template: Path, project_dir: Path) -> None:
    """Put a copy of the database file `template` (and its WAL, if any) into the project."""
    target = database_path(project_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))


@pytest.fixture
def make_app(db: Database, settings: Settings) -> Callable[..., tuple[ArcadiaApp, Recorder]]:
    """Build the app through the CLI's factory, with a fixed clock and a recorder."""

    def make(**overrides: Any) -> tuple[ArcadiaApp, Recorder]:
        chosen = dataclasses.replace(settings, **overrides)
        app = build_app(chosen, db, clock=fixed_clock(SAMPLE_NOW), display_tz=UTC)
        recorder = Recorder()
        original_notify = app.notify

        def notify(message: str, **options: Any) -> None:
            recorder.notify(message, **options)
            original_notify(message, **options)

        app.notify = notify  # type: ignore[method-assign]
        app.bell = recorder.bell  # type: ignore[method-assign]
        return app, recorder

    return make


@pytest.fixture
def interface(db: Database) -> HumanInterface:
    """Another party's handle on the same database (the agent, or a second supervisor)."""
    return HumanInterface(db, 7, clock=fixed_clock(SAMPLE_NOW), user="bob")


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 10, what: str = ""
) -> None:
    """Let the app run until `predicate()` is true (fails after `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def live_screen(pilot: Pilot[Any]) -> LiveScreen:
    """The Live screen, once its first poll is on screen."""
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    await asyncio.wait_for(screen.loaded.wait(), timeout=10)
    await wait_until(pilot, lambda: screen.detail.point is not None or not screen.queue.row_count)
    return screen


def rendered_text(widget: Widget) -> str:
    """What the widget shows, as plain text lines."""
    width, height = widget.size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(strip.text for strip in strips)


def flat(text: str) -> str:
    """Text with every run of whitespace (wrapping included) made one space."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without any whitespace, so that wrapping does not matter."""
    return "".join(text.split())


async def wait_for_text(pilot: Pilot[Any], widget: Widget, *texts: str) -> str:
    """Let the app run until the widget shows every one of `texts` (whitespace ignored).

    Content changes are laid out on a later refresh, so what a widget shows is awaited, not
    read once. Returns what it shows.
    """
    wanted = [squash(text) for text in texts]
    await wait_until(
        pilot,
        lambda: all(text in squash(rendered_text(widget)) for text in wanted),
        what=f"{widget} to show {texts}",
    )
    return rendered_text(widget)


def plain(renderable: Any, width: int = 100) -> str:
    """A Rich renderable rendered to plain text."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def open_view(pilot: Pilot[Any], key: str, screen_type: type[ViewScreen]) -> Any:
    """Press a view's key and return its screen once its first load is on screen."""
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_type), what=screen_type)
    screen = pilot.app.screen
    assert isinstance(screen, ViewScreen)
    await asyncio.wait_for(screen.loaded.wait(), timeout=10)
    await pilot.pause()
    return screen


async def reloaded(pilot: Pilot[Any], screen: ViewScreen, since: int) -> None:
    """Wait until the view has shown a load after the `since`-th."""
    await wait_until(pilot, lambda: screen.loads > since, what=f"{screen} to reload")


@asynccontextmanager
async def fresh_handle(project_dir: Path) -> AsyncIterator[Database]:
    """A second, independent handle on the project database (a new connection)."""
    database = await Database.open(project_dir)
    try:
        yield database
    finally:
        await database.close()


async def run_command(pilot: Pilot[Any], title: str, typed: str | None = None) -> None:
    """Type `typed` (default: `title`) in the palette and run the command `title` once it is
    the best match."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), what="palette")
    pilot.app.screen.query_one(Input).value = typed or title
    options = pilot.app.screen.query_one(OptionList)

    def found() -> bool:
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        return bool(prompts) and prompts[0].startswith(title)

    await wait_until(pilot, found, what=f"the command {title!r}")
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, CommandPalette))
