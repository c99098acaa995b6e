"""`arcadia autonomy [show | set LEVEL | tool NAME LEVEL | bounds MIN MAX]`.

Levels are given by number or name (`2`, `plan`, `EXECUTE_SAFE`, `execute-review`). Changes
are recorded in the level-change history as `cli:<user>`; a running agent applies them at its
next permission check.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from arcadia_core.cli.common import print_json, project_dir
from arcadia_core.cli.tables import cell, format_table
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyLevel
from arcadia_core.managers.autonomy.rules import effective_level
from arcadia_core.vocabulary import RespondedBy, answered_by

NO_OVERRIDE = ("default", "none", "-")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    json_option = argparse.ArgumentParser(add_help=False)
    json_option.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON"
    )
    parents = [common, json_option]
    autonomy = subparsers.add_parser(
        "autonomy",
        help="show or change how much the agent may do on its own",
        description="Show or change the autonomy level (1 OBSERVE .. 5 FULL_AUTO).",
        parents=parents,
    )
    autonomy.set_defaults(handler=show_autonomy, json=False)
    actions = autonomy.add_subparsers(dest="autonomy_command", metavar="ACTION")

    show = actions.add_parser("show", help="levels, bounds, streaks, overrides", parents=parents)
    show.set_defaults(handler=show_autonomy)

    set_level = actions.add_parser("set", help="set the configured level", parents=parents)
    set_level.add_argument("level", metavar="LEVEL", help="1-5 or a level name")
    set_level.add_argument("--reason", default="set from the command line", help="why")
    set_level.set_defaults(handler=set_autonomy_level)

    tool = actions.add_parser(
        "tool", help="set the level one tool requires (`default` removes it)", parents=parents
    )
    tool.add_argument("tool", metavar="NAME")
    tool.add_argument("level", metavar="LEVEL", help="1-5, a level name, or `default`")
    tool.set_defaults(handler=set_tool_level)

    bounds = actions.add_parser(
        "bounds", help="set the lowest and highest level automatic changes may reach",
        parents=parents,
    )
    bounds.add_argument("min_level", metavar="MIN")
    bounds.add_argument("max_level", metavar="MAX")
    bounds.set_defaults(handler=set_bounds)


@asynccontextmanager
async def autonomy_manager(args: argparse.Namespace) -> AsyncIterator[tuple[AutonomyManager, str]]:
    """The project's AutonomyManager and who is acting (`cli:<user>`)."""
    directory = project_dir(args)
    settings = Settings.from_env(directory)
    async with await Database.open(directory, create=False) as database:
        yield AutonomyManager(database), answered_by(RespondedBy.CLI, settings.user)


def level_text(level: AutonomyLevel | int | None) -> str:
    if level is None:
        return "default"
    level = AutonomyLevel(int(level))
    return f"{level.name} ({int(level)})"


async def show_autonomy(args: argparse.Namespace) -> int:
    async with autonomy_manager(args) as (manager, _):
        config = await manager.get_config_async()
        metrics = await manager.get_metrics_async()
    if args.json:
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
        print(format_table(["TOOL", "REQUIRED LEVEL"], rows))
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
        print(format_table(["WHEN", "FOR", "FROM", "TO", "BY", "REASON"], rows))
    return 0


def _change_level(value: Any) -> str:
    try:
        return level_text(None if value is None else int(value))
    except ValueError:
        return str(value)


async def set_autonomy_level(args: argparse.Namespace) -> int:
    async with autonomy_manager(args) as (manager, by):
        before = (await manager.get_config_async()).level
        level = await manager.set_level_async(args.level, args.reason, by=by)
    if args.json:
        print_json({"level": int(level), "level_name": level.name, "previous": int(before)})
    elif level == before:
        print(f"Autonomy level is already {level_text(level)}.")
    else:
        print(f"Autonomy level set to {level_text(level)} (was {level_text(before)}) by {by}.")
    return 0


async def set_tool_level(args: argparse.Namespace) -> int:
    target = None if args.level.strip().lower() in NO_OVERRIDE else args.level
    async with autonomy_manager(args) as (manager, by):
        level = await manager.set_tool_level_async(args.tool, target, by=by)
    if args.json:
        print_json({"tool": args.tool, "level": None if level is None else int(level)})
    elif level is None:
        print(f"{cell(args.tool)} now requires its category's level (override removed) by {by}.")
    else:
        print(f"{cell(args.tool)} now requires {level_text(level)} (set by {by}).")
    return 0


async def set_bounds(args: argparse.Namespace) -> int:
    async with autonomy_manager(args) as (manager, by):
        config = await manager.configure_async(
            by=by, min_level=args.min_level, max_level=args.max_level
        )
    if args.json:
        print_json(config.to_dict())
    else:
        print(
            f"Bounds set to {level_text(config.min_level)} .. {level_text(config.max_level)}; "
            f"level {level_text(config.level)}."
        )
    return 0
