"""Run an `arcadia` command in the test's process through `click.testing.CliRunner` (fast)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from arcadia_tui.cli import command_line


@dataclass(frozen=True)
class CliResult:
    """What a command printed and returned, like `subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str | Path, input: str | None = None) -> Result:
    """`arcadia ARGS...` through Click's runner; an unexpected exception is re-raised."""
    result = CliRunner().invoke(
        command_line(), [str(arg) for arg in args], input=input, catch_exceptions=True
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run_main(*args: str | Path) -> CliResult:
    """The whole `arcadia` command line (TUI and demo included), run to its end."""
    result = invoke(*args)
    return CliResult(result.exit_code, result.stdout, result.stderr)


async def run_cli(*args: str | Path) -> CliResult:
    """`run_main` from a test's event loop: the command runs its own loop in a worker thread,
    while the test's loop (and any agent coroutine in it) keeps running."""
    return await asyncio.to_thread(run_main, *args)
