"""Pictures of the views beside Live at 120x40, from the fixed sample history."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.pilot import Pilot

from arcadia_tui.app import ArcadiaApp
from arcadia_tui.sample_history import write_history

from .conftest import SIZE, until, view_loaded


async def level_dialog(pilot: Pilot[Any]) -> None:
    await view_loaded("f3", pilot)
    await pilot.press("plus")
    await until(
        pilot, lambda: "would change" in str(pilot.app.screen.query_one("#form-preview").render())
    )


class TestAutonomyView:
    """The Autonomy view: settings, overrides, level history, decisions, and its dialogs."""

    def test_settings_history_and_decisions(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Level 3 of bounds 1..5 with the effective level under low confidence, auto-adjust
        thresholds, an 8-success streak at 83%; overrides for WebFetch (2) and feature_skip
        (5); six history entries (settings, two overrides, the automatic demotion, bob's
        raise); 28 decisions newest first, denied ones with their alternatives."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=partial(view_loaded, "f3"))

    def test_raise_level_dialog_with_preview(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """`+` opens the level dialog at 4 and says 4 of the last 28 decisions would change
        (denied → allowed) before anything is saved."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=level_dialog)
