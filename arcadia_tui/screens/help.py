"""The help screen: every key of the current view, read from the bindings that define them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

OWN_PACKAGE = "arcadia_tui"


@dataclass(frozen=True, slots=True)
class KeyHelp:
    """One key as the help lists it."""

    keys: str
    description: str
    tooltip: str


def own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings `node`'s own classes declare (not the ones Textual's widgets bring)."""
    found: list[Binding] = []
    for cls in reversed(type(node).__mro__):
        if not cls.__module__.startswith(OWN_PACKAGE) or "BINDINGS" not in cls.__dict__:
            continue
        found.extend(item for item in cls.__dict__["BINDINGS"] if isinstance(item, Binding))
    return found


def _describe(app: App[Any], bindings: list[Binding]) -> list[KeyHelp]:
    """One row per action: bindings of the same action and description share it."""
    keys: dict[tuple[str, str], list[str]] = {}
    tooltips: dict[tuple[str, str], str] = {}
    for binding in bindings:
        if binding.system:
            continue
        shown = binding.key_display or ", ".join(
            app.get_key_display(Binding(key, "")) for key in binding.key.split(",")
        )
        action = (binding.action, binding.description)
        if shown not in keys.setdefault(action, []):
            keys[action].append(shown)
        tooltips.setdefault(action, binding.tooltip)
    rows = [
        KeyHelp(", ".join(shown), description, tooltips[(action, description)])
        for (action, description), shown in keys.items()
    ]
    # Bindings sharing a key display (the digits of "1-9") are one row.
    return list({(row.keys, row.description): row for row in rows}.values())


def _pane_title(node: DOMNode) -> str:
    title = getattr(node, "border_title", None)
    return str(title) if title else type(node).__name__


def view_keys(app: App[Any], screen: Screen[Any]) -> Iterator[tuple[str, list[KeyHelp]]]:
    """(section, keys) for the screen, each of its panes that has keys, and the app."""
    title = screen.sub_title.split(" · ")[0] if screen.sub_title else type(screen).__name__
    sections: list[tuple[str, list[Binding]]] = [(f"{title} view", own_bindings(screen))]
    for node in screen.walk_children():
        bindings = own_bindings(node)
        if bindings:
            sections.append((f"In {_pane_title(node)}", bindings))
    sections.append(("Everywhere", own_bindings(app)))
    palette = Binding("ctrl+p", "command_palette", "Commands", tooltip="Open the command palette")
    sections[-1][1].append(palette)
    for name, bindings in sections:
        rows = _describe(app, bindings)
        if rows:
            yield name, rows


def keys_table(sections: list[tuple[str, list[KeyHelp]]]) -> Table:
    """The sections as one table: a heading row per section, then key, what, and why."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=10)
    table.add_column(no_wrap=True)
    table.add_column(style="dim", ratio=1)
    for index, (name, rows) in enumerate(sections):
        if index:
            table.add_row()
        table.add_row(Text(name, style="bold underline"))
        for row in rows:
            table.add_row(
                Text(row.keys, style="bold"), Text(row.description), Text(row.tooltip or "")
            )
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the view it was opened from; any of Esc, F1, ? or q closes it."""

    BINDINGS = [
        Binding(
            "escape,f1,question_mark,q", "close", "Close", tooltip="Close the help", id="help.close"
        ),
    ]

    def __init__(self, view: Screen[Any]) -> None:
        super().__init__()
        self.sections = list(view_keys(view.app, view))
        """What the help lists, read when it opens."""
        self.view_title = view.sub_title.split(" · ")[0] if view.sub_title else "Arcadia"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label(f"Keys · {self.view_title}", id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(keys_table(self.sections), id="help-keys")
            yield Static("Esc closes · ctrl+p searches every command", id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
