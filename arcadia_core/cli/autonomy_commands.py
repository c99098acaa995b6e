"""`arcadia autonomy [show | set LEVEL | tool NAME LEVEL | bounds MIN MAX]`.

Levels are given by number or name (`2`, `plan`, `EXECUTE_SAFE`, `execute-review`). Changes
are recorded in the level-change history as `cli:<user>`; a running agent applies them at its
next permission check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import click

from arcadia_core.cli.common import (
    json_option,
    print_json,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.cli.lazy import ChoiceGroup
from arcadia_core.cli.params import AutonomyLevelType
from arcadia_core.cli.tables import cell, print_table
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyLevel
from arcadia_core.managers.autonomy.rules import effective_level
from arcadia_core.vocabulary import RespondedBy, answered_by

JSON_HELP = "Print JSON instead of text, for scripts."


@click.group(
    cls=ChoiceGroup, invoke_without_command=True, short_help="Show or change the autonomy level."
)
@json_option(JSON_HELP)
@project_dir_option
@click.pass_context
def autonomy(ctx: click.Context) -> int:
    """Show or change how much the agent may do on its own: the autonomy level (1 OBSERVE,
    2 PLAN, 3 EXECUTE_SAFE, 4 EXECUTE_REVIEW, 5 FULL_AUTO). Without an action, `show`.

    Levels are given by number or name (2, plan, EXECUTE_SAFE, execute-review). Changes are
    recorded in the level-change history as `cli:<user>`; a running agent applies them at its
    next permission check."""
    if ctx.invoked_subcommand is None:
        return run(show_autonomy())
    return 0


@autonomy.command(short_help="Levels, bounds, streaks, overrides.")
@json_option(JSON_HELP)
@project_dir_option
def show() -> int:
    """Show the configured and effective levels, the bounds of automatic changes, thresholds,
    performance and streak, per-tool overrides and the recent level changes."""
    return run(show_autonomy())


@autonomy.command(name="set", short_help="Set the configured level.")
@click.argument("level", metavar="LEVEL", type=AutonomyLevelType())
@click.option(
    "--reason",
    default="set from the command line",
    show_default=True,
    help="Why the level changes, kept in the level-change history.",
)
@json_option(JSON_HELP)
@project_dir_option
def set_level(level: AutonomyLevel, reason: str) -> int:
    """Set the configured autonomy LEVEL (1-5 or a level name) within the bounds."""
    return run(set_autonomy_level(level, reason))


@autonomy.command(short_help="Set the level one tool requires (`default` removes it).")
@click.argument("tool", metavar="NAME")
@click.argument("level", metavar="LEVEL", type=AutonomyLevelType(allow_default=True))
@json_option(JSON_HELP)
@project_dir_option
def tool(tool: str, level: AutonomyLevel | None) -> int:
    """Set the LEVEL (1-5 or a level name) the tool NAME requires; `default` removes the
    override, so the tool requires its category's level again."""
    return run(set_tool_level(tool, level))


@autonomy.command(short_help="Set the lowest and highest level automatic changes may reach.")
@click.argument("min_level", metavar="MIN", type=AutonomyLevelType())
@click.argument("max_level", metavar="MAX", type=AutonomyLevelType())
@json_option(JSON_HELP)
@project_dir_option
def bounds(min_level: AutonomyLevel, max_level: AutonomyLevel) -> int:
    """Set the lowest (MIN) and highest (MAX) level that automatic promotions and demotions
    may reach (levels by number or name)."""
    return run(set_bounds(min_level, max_level))


@asynccontextmanager
async def autonomy_manager() -> AsyncIterator[tuple[AutonomyManager, str]]:
    """The project's AutonomyManager and who is acting (`cli:<user>`)."""
    directory = project_dir()
    settings = Settings.from_env(directory)
    async with await Database.open(directory, create=False) as database:
        yield AutonomyManager(database), answered_by(RespondedBy.CLI, settings.user)


def level_text(level: AutonomyLevel | int | None) -> str:
    if level is None:
        return "default"
    level = AutonomyLevel(int(level))
    return f"{level.name} ({int(level)})"


async def show_autonomy() -> int:
    async with autonomy_manager() as (manager, _):
        config = await manager.get_config_async()
        metrics = await manager.get_metrics_async()
    if wants_json():
        print_json(
            {
                "configured_level": int(config.level),
                "configured_level_name": config.level.name,
                "effective_level": int(effective_level(config)),
                "effective_level_name": effective_level(config).name,
                "config": config.to_dict(),
                "performance": {
                    **{k: v for k, v in metrics.to_dict().items() if k != "level_changes"},
                    "success_rate": metrics.get_success_rate(),
                },
                "level_changes": metrics.level_changes,
            }
        )
        return 0
    streak = (
        f"{metrics.consecutive_errors} errors"
        if metrics.consecutive_errors
        else f"{metrics.consecutive_successes} successes"
    )
    print(f"Configured level:  {level_text(config.level)}")
    print(f"Effective level:   {level_text(effective_level(config))}")
    print(
        f"Bounds:            {level_text(config.min_level)} .. {level_text(config.max_level)}"
        f"   (auto-adjust {'on' if config.auto_adjust else 'off'})"
    )
    print(
        f"Thresholds:        confidence {config.confidence_threshold:.2f}, demote after "
        f"{config.error_demotion_count} errors, promote after "
        f"{config.success_promotion_count} successes"
    )
    print(
        f"Performance:       {metrics.total_actions} actions, {metrics.total_errors} errors, "
        f"success rate {metrics.get_success_rate():.0%}, streak: {streak}"
    )
    if config.action_levels:
        print("\nTool overrides:")
        rows = [[tool, level_text(level)] for tool, level in sorted(config.action_levels.items())]
        print_table(["TOOL", "REQUIRED LEVEL"], rows)
    if metrics.level_changes:
        print("\nRecent level changes:")
        rows = [
            [
                str(change.get("timestamp", ""))[:19].replace("T", " "),
                change.get("tool", "(agent)"),
                _change_level(change.get("from_level")),
                _change_level(change.get("to_level")),
                change.get("by", ""),
                cell(change.get("reason", ""), 50),
            ]
            for change in metrics.level_changes[-10:]
        ]
        print_table(["WHEN", "FOR", "FROM", "TO", "BY", "REASON"], rows)
    return 0


def _change_level(value: Any) -> str:
    try:
        return level_text(None if value is None else int(value))
    except ValueError:
        return str(value)


async def set_autonomy_level(target: AutonomyLevel, reason: str) -> int:
    async with autonomy_manager() as (manager, by):
        before = (await manager.get_config_async()).level
        level = await manager.set_level_async(target, reason, by=by)
    if wants_json():
        print_json({"level": int(level), "level_name": level.name, "previous": int(before)})
    elif level == before:
        print(f"Autonomy level is already {level_text(level)}.")
    else:
        print(f"Autonomy level set to {level_text(level)} (was {level_text(before)}) by {by}.")
    return 0


async def set_tool_level(tool: str, target: AutonomyLevel | None) -> int:
    async with autonomy_manager() as (manager, by):
        level = await manager.set_tool_level_async(tool, target, by=by)
    if wants_json():
        print_json({"tool": tool, "level": None if level is None else int(level)})
    elif level is None:
        print(f"{cell(tool)} now requires its category's level (override removed) by {by}.")
    else:
        print(f"{cell(tool)} now requires {level_text(level)} (set by {by}).")
    return 0


async def set_bounds(min_level: AutonomyLevel, max_level: AutonomyLevel) -> int:
    async with autonomy_manager() as (manager, by):
        config = await manager.configure_async(by=by, min_level=min_level, max_level=max_level)
    if wants_json():
        print_json(config.to_dict())
    else:
        print(
            f"Bounds set to {level_text(config.min_level)} .. {level_text(config.max_level)}; "
            f"level {level_text(config.level)}."
        )
    return 0
