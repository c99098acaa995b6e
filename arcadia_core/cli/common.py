"""Options every command shares, and how commands print JSON, fail and run their coroutine."""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from arcadia_core.display import json_text

F = TypeVar("F", bound=Callable[..., Any])

_PROJECT_DIR = "arcadia.project_dir"
_JSON = "arcadia.json"


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """An option callback that keeps a given value in the context shared by the whole command
    line, so `arcadia --project-dir X pending` and `arcadia pending --project-dir X` agree."""

    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value:
            ctx.meta[key] = value

    return store


def project_dir_option(function: F) -> F:
    """`--project-dir DIR`, accepted by every group and command."""
    return click.option(
        "--project-dir",
        type=click.Path(path_type=Path, readable=False),
        default=None,
        expose_value=False,
        callback=_remember(_PROJECT_DIR),
        metavar="DIR",
        help="Project directory holding .arcadia/project.db (default: the current directory).",
    )(function)


def json_option(help_text: str = "Print JSON instead of text, for scripts.") -> Callable[[F], F]:
    """`--json`: machine-readable output (a group's flag applies to its commands too)."""

    def decorate(function: F) -> F:
        return click.option(
            "--json",
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember(_JSON),
            help=help_text,
        )(function)

    return decorate


def project_dir(ctx: click.Context | None = None) -> Path:
    """The `--project-dir` given anywhere on the command line, or the current directory."""
    ctx = ctx or click.get_current_context()
    given = ctx.meta.get(_PROJECT_DIR)
    return Path(given or Path.cwd()).expanduser().resolve()


def wants_json(ctx: click.Context | None = None) -> bool:
    """Whether `--json` was given anywhere on the command line."""
    ctx = ctx or click.get_current_context()
    return bool(ctx.meta.get(_JSON))


def print_json(value: Any) -> None:
    """Print one JSON document (datetimes and other objects as strings)."""
    sys.stdout.write(json_text(value, indent=2) + "\n")


def fail(message: str, code: int = 1) -> int:
    """Print one error line on stderr and return `code` for the caller to exit with."""
    print(f"arcadia: error: {message}", file=sys.stderr)
    return code


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine to its end and return its exit code."""
    import asyncio  # here, not above: `--version` and `--help` need no event loop

    return asyncio.run(coroutine)
