"""Argument parsing and error handling shared by every `arcadia` subcommand."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from arcadia_core import __version__
from arcadia_core.cli import (
    answer_commands,
    autonomy_commands,
    db_commands,
    legacy_commands,
    report_commands,
    rules_commands,
    simulate_commands,
    watch_commands,
)
from arcadia_core.cli.common import fail
from arcadia_core.errors import ArcadiaError

# Each module adds its subcommands with `register(subparsers, common)`; its handlers are
# `async def handler(args) -> int` stored as the `handler` default.
COMMAND_MODULES: list[Any] = [db_commands, watch_commands]
COMMAND_MODULES += [answer_commands, autonomy_commands, rules_commands, legacy_commands]
COMMAND_MODULES += [report_commands]
COMMAND_MODULES += [simulate_commands]

Handler = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (plus the usage) with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="project directory holding .arcadia/project.db (default: current directory)",
    )
    return common


def build_parser(extra_modules: Sequence[Any] = ()) -> argparse.ArgumentParser:
    """The `arcadia` parser with the core subcommands and any `extra_modules`."""
    common = common_options()
    parser = _Parser(
        prog="arcadia",
        description="Supervise an autonomous coding agent through its project database.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"arcadia {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in [*COMMAND_MODULES, *extra_modules]:
        module.register(subparsers, common)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; core errors become one line on stderr and exit code 1."""
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args))
    except ArcadiaError as error:
        return fail(error.message)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`arcadia pending | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def main(argv: Sequence[str] | None = None, extra_modules: Sequence[Any] = ()) -> int:
    parser = build_parser(extra_modules)
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return 2
    return run_command(args)
