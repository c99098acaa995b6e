"""`arcadia tui` and `arcadia demo`: the Click commands that open the Textual app.

Textual is imported only when one of them runs, not when their help is shown.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from arcadia_core.cli.common import fail, project_dir, project_dir_option
from arcadia_core.cli.params import PositiveNumber
from arcadia_core.config import Settings
from arcadia_core.db import Database, database_path
from arcadia_core.errors import ArcadiaError


@click.command(short_help="Open the supervision TUI (the default command).")
@click.argument(
    "project",
    required=False,
    default=None,
    type=click.Path(path_type=Path, readable=False),
    metavar="[PROJECT_DIR]",
)
@project_dir_option
def tui(project: Path | None) -> int:
    """Open the supervision TUI on PROJECT_DIR (or --project-dir, or the current directory):
    the agent's pending questions live, the escalation feed, autonomy, risk, failures,
    learning and sessions. `arcadia` with no command does the same."""
    return run_tui(project or project_dir())


def run_tui(directory: Path) -> int:
    """Open the TUI on the project's database; refuse clearly when there is none."""
    settings = Settings.from_env(directory.expanduser().resolve())
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


async def _run_tui(settings: Settings) -> int:
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


@click.command(short_help="Watch and answer a simulated agent at work.")
@click.option(
    "--keep",
    type=click.Path(path_type=Path, readable=False),
    default=None,
    metavar="DIR",
    help="Use DIR for the project and keep it afterwards (a new directory or an earlier demo).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed for the agent's choices."
)
@click.option(
    "--speed",
    type=PositiveNumber("speed must be a positive number"),
    default=1.0,
    show_default=True,
    help="Run the agent this many times faster.",
)
@project_dir_option
def demo(keep: Path | None, seed: int, speed: float) -> int:
    """Create a temporary project, start a simulated agent on it and open the TUI. Answer the
    agent's questions with the keyboard; quitting stops the agent and deletes the project
    unless --keep is given."""
    from arcadia_tui.demo import run_demo

    return run_demo(keep, seed=seed, speed=speed)
