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
    """Open the TUI on the project's database; refuse clearly when there is none."""
    import asyncio
    from pathlib import Path

    from arcadia_core.cli.common import fail
    from arcadia_core.config import Settings
    from arcadia_core.db import database_path

    directory = args.project or getattr(args, "project_dir", None) or Path.cwd()
    settings = Settings.from_env(Path(directory).expanduser().resolve())
    if not settings.project_dir.is_dir():
        return fail(f"{settings.project_dir} is not a directory")
    path = database_path(settings.project_dir)
    if not path.exists():
        return fail(
            f"no Arcadia database in {settings.project_dir} (looked for {path}); "
            "run `arcadia demo` to see Arcadia supervise a simulated agent, or start an agent "
            "that uses arcadia_core in this project"
        )
    return asyncio.run(_run_tui(settings))


async def _run_tui(settings: Any) -> int:
    from arcadia_core.cli.common import fail
    from arcadia_core.db import Database
    from arcadia_core.errors import ArcadiaError
    from arcadia_tui.app import build_app

    try:
        database = await Database.open(settings.project_dir, create=False)
    except ArcadiaError as error:
        return fail(error.message)
    try:
        app = build_app(settings, database)
        await app.run_async()
    finally:
        await database.close()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    import arcadia_tui.cli as this
    from arcadia_tui import demo

    parser = build_parser(extra_modules=[this, demo])
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    if args.command is None:
        args = parser.parse_args([*arguments, "tui"])
    runner = getattr(args, "run", None)
    if runner is not None:
        from arcadia_core.cli.common import fail
        from arcadia_core.errors import ArcadiaError

        try:
            return int(runner(args))
        except ArcadiaError as error:
            return fail(error.message)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
