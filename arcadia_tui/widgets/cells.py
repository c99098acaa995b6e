"""Cells shared by the panes: severity badges, levels, times, cells sorting by a hidden key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import App

from arcadia_core.managers import AutonomyLevel

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


LEVEL_NAMES = {level.value: level.name for level in AutonomyLevel}
"""Autonomy level names by number."""


def level_label(level: int | None, *, short: bool = False) -> str:
    """`3 EXECUTE_SAFE` (`3` with `short`), or `none` for no level."""
    if level is None:
        return "none"
    name = LEVEL_NAMES.get(int(level), "?")
    return str(int(level)) if short else f"{int(level)} {name}"


def when(moment: datetime | str | None, tz: tzinfo | None, fmt: str = "%m-%d %H:%M:%S") -> str:
    """A timestamp (aware datetime or ISO text) in the display time zone; `?` if unreadable."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return "?"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime(fmt)


def recent(moment: datetime | str | None, now: datetime, tz: tzinfo | None) -> str:
    """`14:06:17` for a time on the same day as `now`, else `03-01 12:33` (11 cells at most)."""
    if isinstance(moment, datetime) and moment.astimezone(tz).date() == now.astimezone(tz).date():
        return when(moment, tz, "%H:%M:%S")
    return when(moment, tz, "%m-%d %H:%M")


def flag(value: bool, yes: str = "yes", no: str = "no") -> Text:
    """A yes/no cell, bold when yes."""
    return Text(yes, style="bold") if value else Text(no, style="dim")
