"""One line under the header: project, agent session, pending count and feed health."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from arcadia_core.watch import FeedHealth
from arcadia_tui.literal import literal
from arcadia_tui.rows import SessionStatus

HEALTH_LABELS: dict[str, tuple[str, str]] = {
    "live": ("● live", "bold green"),
    "stale": ("◌ stale", "bold yellow"),
    "lost": ("✗ lost", "bold red"),
    "starting": ("… starting", "dim"),
}


class StatusBar(Static):
    """Where we are and whether what we see is current."""

    project: reactive[Path | None] = reactive(None)
    """The project directory shown."""
    session: reactive[SessionStatus | None] = reactive(None)
    """The latest agent session."""
    pending: reactive[int] = reactive(0)
    """How many points wait for an answer."""
    health: reactive[FeedHealth | str] = reactive("starting")
    """The change feed's health: live, stale, lost (or starting)."""

    def render(self) -> Text:
        # The path goes last: on a narrow terminal it is what gets cut.
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        label, style = HEALTH_LABELS.get(self.health, (str(self.health), ""))
        text.append("feed ", style="dim")
        text.append(label, style=style)
        text.append("   ")
        text.append(f"{self.pending} pending", style="bold" if self.pending else "dim")
        text.append("   agent ", style="dim")
        if self.session is None:
            text.append("no session yet", style="dim")
        else:
            state = "running" if self.session.running else self.session.status or "ended"
            text.append(f"session {self.session.session_id} ")
            text.append_text(literal(state, "italic", one_line=True, max_chars=30))
        text.append("   project ", style="dim")
        text.append_text(literal(self.project or "?", one_line=True, max_chars=200))
        return text
