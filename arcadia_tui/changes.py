"""The app's one change feed: one poll loop, each batch handed to every subscribed view.

A view subscribes when it mounts and receives `ChangesArrived` messages from then on. The
first batch a subscriber receives starts with the injection points pending at that moment
(replayed), and `subscribe` returns the feed cursors matching what it will receive, so a
view can read the history up to them without a gap or an overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from textual.message_pump import MessagePump

from arcadia_core.errors import ArcadiaError
from arcadia_core.vocabulary import PointStatus
from arcadia_core.watch import (
    Change,
    ChangeFeed,
    FeedLost,
    InjectionCreated,
    InjectionResolved,
)
from arcadia_tui.messages import ChangesArrived

if TYPE_CHECKING:
    from arcadia_tui.app import ArcadiaApp

log = logging.getLogger(__name__)


class ChangeHub:
    """Runs the change feed for the app (in an app worker) and fans its records out."""

    def __init__(self, app: ArcadiaApp) -> None:
        self.app = app
        self.health: str = "starting"
        """`starting`, then the feed's health: `live`, `stale` or `lost`."""
        self.cursors: dict[str, int] = {}
        """The feed cursors as of the last batch handed out."""
        self._subscribers: list[MessagePump] = []
        self._pending: dict[str, InjectionCreated] = {}
        self._started = asyncio.Event()
        self._first_delivered = False
        self._lost: FeedLost | None = None
        self._wake = asyncio.Event()

    # -- subscribers --------------------------------------------------------------------------

    async def subscribe(self, target: MessagePump) -> dict[str, int]:
        """Send `target` every batch from now on; return the cursors its first batch follows."""
        await self._started.wait()
        if self._lost is not None:
            target.post_message(ChangesArrived((self._lost,)))
            return dict(self.cursors)
        if self._first_delivered:
            replay = tuple(
                dataclasses.replace(point, replayed=True) for point in self._pending.values()
            )
            target.post_message(ChangesArrived(replay))
        if target not in self._subscribers:
            self._subscribers.append(target)
        return dict(self.cursors)

    def unsubscribe(self, target: MessagePump) -> None:
        """Stop sending batches to `target`."""
        with contextlib.suppress(ValueError):
            self._subscribers.remove(target)

    def wake(self) -> None:
        """Poll now instead of at the next interval."""
        self._wake.set()

    def _deliver(self, changes: tuple[Change, ...]) -> None:
        for target in list(self._subscribers):
            if target.is_attached:
                target.post_message(ChangesArrived(changes))
            else:
                self.unsubscribe(target)

    def _track(self, changes: Collection[Change]) -> None:
        for change in changes:
            if isinstance(change, InjectionCreated):
                if change.status == PointStatus.PENDING:
                    self._pending[change.point_id] = change
            elif isinstance(change, InjectionResolved):
                self._pending.pop(change.point_id, None)

    # -- the poll loop ------------------------------------------------------------------------

    async def run(self) -> None:
        """Poll until the app exits or the database is lost (run this in an app worker)."""
        app = self.app
        feed = ChangeFeed(
            app.database,
            poll_interval=app.settings.poll_interval,
            replay_pending=True,
            clock=app.clock,
        )
        try:
            await feed.start()
            self.cursors = feed.cursors
            self.health = "live"
            self._started.set()
            while True:
                changes = await feed.poll()
                self._track(changes)
                self.cursors = feed.cursors
                self.health = feed.health
                if changes or not self._first_delivered:
                    self._deliver(tuple(changes))
                    self._first_delivered = True
                if feed.health == "lost":
                    self._lost = next(c for c in changes if isinstance(c, FeedLost))
                    return
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), app.settings.poll_interval)
        except (ArcadiaError, OSError) as error:
            self._fail(str(error))
        except Exception as error:
            log.exception("the change feed failed")
            self._fail(f"the change feed failed: {error}")
        finally:
            self._started.set()
            await feed.close()

    def _fail(self, reason: str) -> None:
        self.health = "lost"
        self._lost = FeedLost(reason=reason, at=self.app.clock())
        self._deliver((self._lost,))
