"""Run an `arcadia` subcommand inside the test's event loop (fast; the real CLI's parser)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from arcadia_core.cli.common import fail
from arcadia_core.cli.main import build_parser
from arcadia_core.errors import ArcadiaError


@dataclass(frozen=True)
class CliResult:
    """What a command printed and returned, like `subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


async def run_cli(*args: str | Path) -> CliResult:
    """Parse `args` with the `arcadia` parser and await the handler, as `run_command` does."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            parsed = build_parser().parse_args([str(arg) for arg in args])
            code = await parsed.handler(parsed)
        except ArcadiaError as error:
            code = fail(error.message)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())
