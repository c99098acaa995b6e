"""One line naming every view and its key, the current one marked, and the feed's health."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from arcadia_tui.widgets.status_bar import HEALTH_LABELS


class ViewBar(Static):
    """The views as tabs: `F2 Live  F3 Autonomy  ...`; press a key to open its view."""

    current: reactive[str] = reactive("")
    """The name of the view this bar belongs to."""
    health: reactive[str] = reactive("starting")
    """The change feed's health (`live`, `stale`, `lost`, `starting`)."""

    def __init__(self, current: str, *, show_health: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ViewBar.current, current)
        self.show_health = show_health
        """Show the feed's health at the right (Live has its own status bar for it)."""

    def on_mount(self) -> None:
        self.watch(self.app, "pending_questions", self._pending_changed, init=False)

    def _pending_changed(self) -> None:
        self.refresh()

    def render(self) -> Text:
        from arcadia_tui.app import VIEWS

        pending: int = getattr(self.app, "pending_questions", 0)

        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for view in VIEWS:
            key = view.key.upper()
            if view.name == self.current:
                text.append(f" {key} {view.title} ", style="reverse bold")
            else:
                text.append(" ")
                text.append(key, style="bold")
                text.append(f" {view.title} ")
            if view.name == "live" and pending and self.current != "live":
                text.append(f"{pending} waiting", style="bold reverse")
            text.append(" ")
        if not self.show_health:
            return text
        label, style = HEALTH_LABELS.get(self.health, (self.health, ""))
        padding = max(1, self.size.width - text.cell_len - len(label) - 6)
        text.append(" " * padding)
        text.append("feed ", style="dim")
        text.append(label, style=style)
        return text
