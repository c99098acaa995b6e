"""The `arcadia` console script: the core command line plus `tui` (the default)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from arcadia_core.cli import build_parser, run_command


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    tui = subparsers.add_parser(
        "tui", help="open the supervision TUI (the default command)", parents=[common]
    )
    tui.add_argument("project", nargs="?", default=None, help="project directory")
    tui.set_defaults(handler=None, run=run_tui)


def run_tui(args: argparse.Namespace) -> int:
    from arcadia_core.cli.common import fail

    return fail("the TUI is not built yet")


def main(argv: Sequence[str] | None = None) -> int:
    import arcadia_tui.cli as this

    parser = build_parser(extra_modules=[this])
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    if args.command is None:
        args = parser.parse_args([*arguments, "tui"])
    runner = getattr(args, "run", None)
    if runner is not None:
        return int(runner(args))
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
