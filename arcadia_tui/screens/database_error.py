"""Shown instead of the views when the project database cannot be opened: why, and how to leave."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from arcadia_core.errors import ArcadiaError
from arcadia_tui.literal import literal

EXIT_CODE = 1
"""What the app returns when the person leaves this screen."""


class DatabaseErrorScreen(Screen[None]):
    """The error that kept the database closed (missing, damaged, newer, read-only, locked)."""

    BINDINGS = [
        Binding(
            "q,escape",
            "leave",
            "Quit",
            tooltip="Leave Arcadia; nothing was changed",
            id="database-error.quit",
        ),
    ]

    def __init__(self, error: ArcadiaError) -> None:
        super().__init__()
        self.error = error
        """What went wrong, as core raised it."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="database-error"):
            yield Static(literal(self.error.title, "bold"), id="database-error-title")
            yield Static(literal(self.error.message), id="database-error-message")
            yield Static(
                "Arcadia has not changed the database. Press q to quit.",
                id="database-error-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.error.title

    def action_leave(self) -> None:
        """Quit with a non-zero exit code."""
        self.app.exit(return_code=EXIT_CODE)
