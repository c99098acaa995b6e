"""What the views beside Live share: the view bar, the change feed, reloads, worker errors.

A view follows some kinds of change record. When one arrives while the view is shown it
reloads what it shows (a bounded read: one page, one window); when it is not shown it only
remembers to reload when it is shown again. Reloads never overlap: a request during a reload
runs once more after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import Worker, WorkerState

from arcadia_core.errors import ArcadiaError
from arcadia_core.vocabulary import RespondedBy, answered_by
from arcadia_core.watch import Change
from arcadia_tui.messages import ChangesArrived
from arcadia_tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from arcadia_tui.app import ArcadiaApp

log = logging.getLogger(__name__)


def report_failure(screen: Screen[Any], event: Worker.StateChanged) -> bool:
    """Notify a worker's failure (a core error's title and message); True if it failed."""
    if event.state != WorkerState.ERROR:
        return False
    error = event.worker.error
    if isinstance(error, ArcadiaError):
        screen.notify(error.message, title=error.title, severity="error", markup=False, timeout=10)
    else:
        log.error("worker %s failed", event.worker.name, exc_info=error)
        screen.notify(
            f"{type(error).__name__}: {error}",
            title="Unexpected error",
            severity="error",
            markup=False,
            timeout=10,
        )
    return True


class ViewScreen(Screen[None]):
    """A view that loads its content in a worker and reloads on the change records it follows."""

    VIEW_NAME: ClassVar[str] = ""
    """The view's mode name (the view bar marks it)."""
    VIEW_TITLE: ClassVar[str] = ""
    """What the header and the help call it."""
    FOLLOWS: ClassVar[frozenset[str]] = frozenset()
    """Change kinds that make the view reload."""
    SHOW_HEALTH: ClassVar[bool] = True
    """The view bar shows the feed's health (Live has a status bar for it)."""

    @dataclass
    class Loaded(Message):
        """A reload finished; `data` is what `load` returned."""

        data: Any

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0
        """How many reloads have been shown (tests wait on it)."""
        self.loaded = asyncio.Event()
        """Set once the first load is on screen."""
        self._stale = False
        self._reload_wanted = False
        self._reloader: Worker[None] | None = None

    @property
    def arcadia(self) -> ArcadiaApp:
        """The app, with its settings, database and clock."""
        return self.app  # type: ignore[return-value]

    @property
    def by(self) -> str:
        """How this supervisor's changes are recorded: `tui:<user>`."""
        return answered_by(RespondedBy.TUI, self.arcadia.settings.user)

    @property
    def shown(self) -> bool:
        """The view is on screen (perhaps under a dialog)."""
        return self in self.app.screen_stack

    def compose_top(self) -> ComposeResult:
        """The header and the view bar every view starts with."""
        yield Header()
        yield ViewBar(self.VIEW_NAME, show_health=self.SHOW_HEALTH, id="view-bar")

    def on_mount(self) -> None:
        self.title = "Arcadia"
        self.sub_title = self.VIEW_TITLE
        self.app.theme_changed_signal.subscribe(self, self._restyle)
        self.start()

    def start(self) -> None:
        """Subscribe to the change feed and load what the view shows (once mounted)."""
        self.run_worker(self._subscribe(), group="view-subscribe", exit_on_error=False)
        self.request_reload()

    def _restyle(self, _theme: object) -> None:
        # Severity colours come from the theme: the rows are drawn again in the new one.
        self.request_reload()

    async def _subscribe(self) -> None:
        await self.arcadia.changes.subscribe(self)

    def on_unmount(self) -> None:
        self.arcadia.changes.unsubscribe(self)

    # -- reloading ----------------------------------------------------------------------------

    def request_reload(self) -> None:
        """Reload now, or once more after the reload in progress."""
        self._reload_wanted = True
        if self._reloader is None or self._reloader.is_finished:
            self._reloader = self.run_worker(
                self._reload_loop(), group="view-load", exit_on_error=False
            )

    async def _reload_loop(self) -> None:
        while self._reload_wanted:
            self._reload_wanted = False
            self.post_message(self.Loaded(await self.arcadia.shielded(self.load())))

    async def load(self) -> Any:
        """Read what the view shows (in a worker: no widgets here)."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Put what `load` read on screen."""
        raise NotImplementedError

    @on(Loaded)
    def _show_loaded(self, message: Loaded) -> None:
        self.show(message.data)
        self.loads += 1
        self.loaded.set()

    # -- the change feed ----------------------------------------------------------------------

    @on(ChangesArrived)
    def _receive_changes(self, message: ChangesArrived) -> None:
        self.receive(message)

    def receive(self, message: ChangesArrived) -> None:
        """Take one batch of the change feed: reload now if shown, else once shown again."""
        self.query_one(ViewBar).health = self.arcadia.changes.health
        followed = [change for change in message.changes if change.kind in self.FOLLOWS]
        if not followed:
            return
        if self.shown:
            self.apply_changes(followed)
        else:
            self._stale = True

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """React to followed records while shown (by default: reload)."""
        self.request_reload()

    def on_screen_resume(self) -> None:
        self.query_one(ViewBar).health = self.arcadia.changes.health
        if self._stale:
            self._stale = False
            self.request_reload()

    @on(Worker.StateChanged)
    def _report_worker_failure(self, event: Worker.StateChanged) -> None:
        self.report_worker_failure(event)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Notify a worker's failure."""
        report_failure(self, event)
