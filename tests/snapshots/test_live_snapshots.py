"""Pictures of the Live view at 120x40, from fixed data and a frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.pilot import Pilot

from arcadia_core.db import Database
from arcadia_tui.app import ArcadiaApp
from arcadia_tui.sample import (
    BUSY_EXTRA_POINTS,
    write_sample,
    write_sample_points,
    write_sample_session,
)

from .conftest import SIZE, loaded


async def select_type(point_type: str, pilot: Pilot[Any]) -> None:
    screen = await loaded(pilot)
    queue = screen.queue
    point = next(p for p in queue.points.values() if p.point_type == point_type)
    queue.move_cursor(row=queue.get_row_index(point.point_id))
    await pilot.pause()


async def busy_scene(database: Database) -> None:
    await write_sample(database)
    await write_sample_points(database, BUSY_EXTRA_POINTS)


class TestLiveView:
    """The Live view: queue, selected question, escalation feed, dialogs."""

    def test_empty(self, snap_compare: Any, scene: Callable[..., ArcadiaApp]) -> None:
        """No question and no escalation: an empty queue, the help text, feed live."""
        app = scene(write_sample_session)
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded)

    def test_pending_points_of_every_severity(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Eight points, severities 5 to 1 (several of 5, 4 and 3) most severe and oldest first,
        with countdowns and defaults ("waits for you" for the review); the critical approval
        selected with its confirmation warning; six escalations newest first."""
        app = scene(busy_scene)
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded)

    def test_selected_point_with_options(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """The decision point selected: message, numbered options with the recommendation
        starred, its countdown, rule and context (the list of alternatives inline)."""
        app = scene(write_sample)
        assert snap_compare(app, terminal_size=SIZE, run_before=partial(select_type, "decision"))

    def test_free_text_dialog(self, snap_compare: Any, scene: Callable[..., ArcadiaApp]) -> None:
        """The guidance point's free-text dialog over the view, with a typed answer."""
        app = scene(write_sample)
        assert snap_compare(
            app,
            terminal_size=SIZE,
            run_before=partial(select_type, "guidance"),
            press=["f", *"Mock the API"],
        )

    def test_irreversible_approval_confirmation(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Pressing 1 on the critical approval asks for confirmation, "Back" focused."""
        app = scene(write_sample)
        assert snap_compare(app, terminal_size=SIZE, run_before=loaded, press=["1"])
