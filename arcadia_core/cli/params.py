"""Typed command-line parameters: each converts one argument or refuses it in one line.

A malformed value is a usage error (exit 2, as for any bad argument). A well-formed value that
the project's rules refuse, such as an autonomy level outside 1..5, is `RefusedValue` (exit 1,
the code the managers' own refusals get). Managers are imported only when a value is
converted or completed, so that `--help` and `--version` stay cheap.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import click
from click.shell_completion import CompletionItem

from arcadia_core.cli.tables import parse_duration
from arcadia_core.errors import ArcadiaError, InvalidInput

AUTONOMY_LEVEL_NAMES = ("OBSERVE", "PLAN", "EXECUTE_SAFE", "EXECUTE_REVIEW", "FULL_AUTO")
RISK_LEVEL_NAMES = ("MINIMAL", "LOW", "MODERATE", "HIGH", "CRITICAL")
NO_OVERRIDE = ("default", "none", "-")


class RefusedValue(click.BadParameter):
    """A value the project's rules refuse: one line with the rule's own message, exit 1."""

    exit_code = 1


class Duration(click.ParamType):
    """An age such as `90s`, `30m`, `2h`, `1d`, `1h30m` or a number of seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except InvalidInput as error:
            self.fail(error.message, param, ctx)


class PositiveNumber(click.ParamType):
    """A finite number above 0, at most `maximum` when given (`nan` and `inf` are refused)."""

    name = "number"

    def __init__(
        self, refusal: str = "must be a positive number", maximum: float | None = None
    ) -> None:
        self.refusal = refusal
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        in_range = math.isfinite(number) and number > 0
        if not in_range or (self.maximum is not None and number > self.maximum):
            self.fail(f"{self.refusal}, not {value!r}", param, ctx)
        return number


class WholeNumber(click.ParamType):
    """An integer of at least `minimum`."""

    name = "integer"

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = self.minimum - 1
        if number < self.minimum:
            self.fail(
                f"must be a whole number, {self.minimum} or more, not {value!r}", param, ctx
            )
        return number


class RiskLevelType(click.ParamType):
    """A risk level by number (1..5) or name (`high`); converts to its number."""

    name = "risk level"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip().upper()
        if text.isdigit() and 1 <= int(text) <= len(RISK_LEVEL_NAMES):
            return int(text)
        if text in RISK_LEVEL_NAMES:
            return RISK_LEVEL_NAMES.index(text) + 1
        self.fail("a level 1..5 or MINIMAL/LOW/MODERATE/HIGH/CRITICAL", param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        return _complete_names(RISK_LEVEL_NAMES, incomplete)


class AutonomyLevelType(click.ParamType):
    """An autonomy level by number or name (`2`, `plan`, `EXECUTE-SAFE`).

    With `allow_default`, `default` (or `none`, `-`) converts to None: no override.
    """

    name = "level"

    def __init__(self, allow_default: bool = False) -> None:
        self.allow_default = allow_default

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if self.allow_default and str(value).strip().lower() in NO_OVERRIDE:
            return None
        from arcadia_core.managers import AutonomyLevel

        try:
            return AutonomyLevel.parse(value)
        except InvalidInput as error:
            raise RefusedValue(error.message, ctx, param) from None

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        names = (*AUTONOMY_LEVEL_NAMES, "default") if self.allow_default else AUTONOMY_LEVEL_NAMES
        return _complete_names(names, incomplete)


class PointId(click.ParamType):
    """An injection point id (`INJ-3-17`); completes to the points pending in the project."""

    name = "point id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return str(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        import asyncio

        from arcadia_core.cli.common import project_dir

        try:
            points = asyncio.run(_pending_points(project_dir(ctx)))
        except (ArcadiaError, OSError):
            return []  # no database here yet: nothing to offer
        return [
            CompletionItem(point_id, help=message)
            for point_id, message in points
            if point_id.startswith(incomplete)
        ]


async def _pending_points(directory: Any) -> list[tuple[str, str]]:
    from arcadia_core.cli.tables import cell
    from arcadia_core.db import Database
    from arcadia_core.managers import HumanInterface

    async with await Database.open(directory, create=False) as database:
        points = await HumanInterface(database).get_pending_async()
    return [(point.point_id, cell(point.message or point.recommendation, 60)) for point in points]


def _complete_names(names: tuple[str, ...], incomplete: str) -> list[CompletionItem]:
    prefix = incomplete.upper().replace("-", "_")
    return [CompletionItem(name) for name in names if name.upper().startswith(prefix)]
