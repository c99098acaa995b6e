"""`ArcadiaApp`: settings, database, global keys and the registry of views; screens do layout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from arcadia_core.clock import Clock, utc_now
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.errors import ArcadiaError
from arcadia_tui.changes import ChangeHub
from arcadia_tui.commands import AREA_COMMANDS, AppCommands, ViewCommands
from arcadia_tui.screens.autonomy import AutonomyScreen
from arcadia_tui.screens.database_error import DatabaseErrorScreen
from arcadia_tui.screens.failures import FailuresScreen
from arcadia_tui.screens.help import HelpScreen
from arcadia_tui.screens.learning import LearningScreen
from arcadia_tui.screens.live import LiveScreen
from arcadia_tui.screens.risk import RiskScreen
from arcadia_tui.screens.sessions import SessionsScreen


@dataclass(frozen=True, slots=True)
class View:
    """A top-level view: a screen reachable by a key and from the command palette."""

    name: str
    """Mode name (`switch_mode(name)`)."""
    title: str
    """What menus and the palette call it."""
    key: str
    """The global key that opens it."""
    screen: Callable[[], Screen[Any]]
    """Builds the view's screen (once; it stays mounted while the app runs)."""
    description: str
    """One line for the palette."""


VIEWS: tuple[View, ...] = (
    View("live", "Live", "f2", LiveScreen, "Pending questions and the escalation feed"),
    View(
        "autonomy",
        "Autonomy",
        "f3",
        AutonomyScreen,
        "Level, thresholds, per-tool overrides, level history and recent decisions",
    ),
    View(
        "risk",
        "Risk",
        "f4",
        RiskScreen,
        "Risk assessments filtered and searched, one in full, and the risk patterns",
    ),
    View(
        "failures",
        "Failures",
        "f5",
        FailuresScreen,
        "Failure reports by session: cause, errors, fixes, timeline; export",
    ),
    View(
        "learning",
        "Learning",
        "f6",
        LearningScreen,
        "Interventions and learned patterns; auto-apply on or off",
    ),
    View(
        "sessions",
        "Sessions",
        "f7",
        SessionsScreen,
        "Agent sessions with duration and cost, and a live, filterable tail of events",
    ),
)
"""Every view, in menu order. A new view adds its entry here (F8 and up are free)."""
WORKER_GRACE_SECONDS = 5.0
"""How long quitting waits for database calls in progress before closing the database."""
T = TypeVar("T")


def _view_binding(view: View) -> Binding:
    return Binding(
        view.key,
        f"app.switch_mode('{view.name}')",
        view.title,
        tooltip=f"Open the {view.title} view",
        id=f"view.{view.name}",
        show=False,
    )


class ArcadiaApp(App[int]):
    """The supervision TUI of one project database."""

    CSS_PATH = "app.tcss"
    TITLE = "Arcadia"
    COMMANDS = App.COMMANDS | {ViewCommands, AppCommands, *AREA_COMMANDS}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        view.name: view.screen for view in VIEWS
    }
    DEFAULT_MODE = VIEWS[0].name
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave Arcadia (the agent keeps running)", id="quit"),
        Binding("f1", "help", "Help", tooltip="List the keys of this view", id="help"),
        Binding(
            "question_mark",
            "help",
            "Help",
            show=False,
            tooltip="List the keys of this view",
            id="help-question-mark",
        ),
        Binding(
            "ctrl+t",
            "toggle_dark",
            "Light/dark",
            show=False,
            tooltip="Switch between the light and the dark theme",
            id="theme",
        ),
        *(_view_binding(view) for view in VIEWS),
    ]

    pending_questions: reactive[int] = reactive(0)
    """Questions waiting for an answer (every view bar shows the count)."""

    def __init__(
        self,
        settings: Settings,
        database: Database | None = None,
        *,
        clock: Clock = utc_now,
        display_tz: tzinfo | None = None,
        close_database: bool | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        """Project, poll interval and user."""
        self.clock = clock
        """The one source of "now" for ages and countdowns."""
        self.display_tz = display_tz
        """Time zone for displayed times (None: the local one)."""
        self._database = database
        self._close_database = database is None if close_database is None else close_database
        self.changes = ChangeHub(self)
        """The change feed every view follows."""
        self.database_error: ArcadiaError | None = None
        """Why the database could not be opened (the app then shows only that)."""
        self._database_work: set[asyncio.Future[Any]] = set()

    @property
    def database(self) -> Database:
        """The open project database."""
        if self._database is None:
            raise RuntimeError("the database is opened when the app loads")
        return self._database

    async def on_load(self) -> None:
        if self._database is None:
            try:
                self._database = await Database.open(self.settings.project_dir, create=False)
            except ArcadiaError as error:
                self.database_error = error

    def on_mount(self) -> None:
        if self.database_error is not None:
            self.push_screen(DatabaseErrorScreen(self.database_error))
            return
        self.run_worker(self.changes.run(), group="change-feed", exit_on_error=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a database only quitting makes sense: no view, palette or help can work.
        return self.database_error is None or action == "quit"

    def action_help(self) -> None:
        """Show the keys of the current view."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def shielded(self, work: Awaitable[T]) -> Awaitable[T]:
        """Run `work` (a database call) to its end even if the worker awaiting it is cancelled.

        A call cancelled half-way tears its connection down, and the driver's close can then
        wait forever; instead the app waits for these calls when it quits, then closes.
        """
        task = asyncio.ensure_future(work)
        self._database_work.add(task)
        task.add_done_callback(_forget(self._database_work))
        return asyncio.shield(task)

    async def on_unmount(self) -> None:
        pending = [task for task in self._database_work if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=WORKER_GRACE_SECONDS)
        if self._close_database and self._database is not None:
            await self._database.close()


def _forget(tasks: set[asyncio.Future[Any]]) -> Callable[[asyncio.Future[Any]], None]:
    def forget(task: asyncio.Future[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: the awaiting worker reports it, if it still waits

    return forget


def build_app(
    settings: Settings,
    database: Database | None = None,
    *,
    clock: Clock = utc_now,
    display_tz: tzinfo | None = None,
    close_database: bool | None = None,
) -> ArcadiaApp:
    """The app as the `arcadia` command builds it (tests and screenshots use this too).

    Without `database` the app opens the project's database when it loads and closes it on
    exit; with one, it closes it only if `close_database` says so.
    """
    return ArcadiaApp(
        settings, database, clock=clock, display_tz=display_tz, close_database=close_database
    )
