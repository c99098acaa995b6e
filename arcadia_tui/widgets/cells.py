"""Table cells shared by the panes: severity badges and cells that sort by a hidden key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import App

SEVERITY_NAMES = {1: "info", 2: "low", 3: "medium", 4: "high", 5: "critical"}


def _colour(app: App[Any], name: str, fallback: str) -> str:
    value = app.theme_variables.get(name, fallback)
    # Rich cannot parse the alpha channel of `#RRGGBBAA`.
    return value[:7] if value.startswith("#") else fallback


def severity_style(app: App[Any], severity: int) -> Style:
    """The text style for a severity (1 info … 5 critical), from the current theme."""
    if severity >= 5:
        return Style(color="#ffffff", bgcolor=_colour(app, "error", "red"), bold=True)
    if severity == 4:
        return Style(color=_colour(app, "text-error", "red"), bold=True)
    if severity == 3:
        return Style(color=_colour(app, "text-warning", "yellow"))
    if severity == 2:
        return Style(color=_colour(app, "text-primary", "blue"))
    return Style(dim=True)


def severity_badge(app: App[Any], severity: int) -> Text:
    """A three-cell badge with the severity number in its colour."""
    return Text(f" {severity} ", style=severity_style(app, severity), end="")


@dataclass(frozen=True, slots=True)
class KeyedCell:
    """A cell that renders as `text` and sorts by `key` (DataTable sorts by cell values)."""

    text: Text
    key: tuple[Any, ...]

    def __rich__(self) -> Text:
        return self.text
