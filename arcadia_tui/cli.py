"""The `arcadia` console script: the core command line plus `tui` (the default) and `demo`.

This module imports nothing of Click or Textual, so that the fast path of
`arcadia_core.cli.main` (commands run once per agent tool call) stays fast; the two commands
live in `arcadia_tui.cli_commands`, imported only when one of them runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from arcadia_core.cli.registry import LazyCommand

if TYPE_CHECKING:
    from arcadia_core.cli.app import ArcadiaGroup

TUI_COMMANDS = {
    "tui": LazyCommand(
        "arcadia_tui.cli_commands:tui", "Open the supervision TUI (the default command)."
    ),
    "demo": LazyCommand(
        "arcadia_tui.cli_commands:demo",
        "Watch and answer a simulated agent at work (a temporary project and the TUI).",
    ),
}
DEFAULT_COMMAND = "tui"


def main(argv: Sequence[str] | None = None) -> int:
    """Run `arcadia ARGV...` (the TUI when no command is named); return the exit code."""
    from arcadia_core.cli.main import main as run_arcadia

    return run_arcadia(argv, extra_commands=TUI_COMMANDS, default_command=DEFAULT_COMMAND)


def command_line() -> ArcadiaGroup:
    """The whole `arcadia` Click group, for `click.testing.CliRunner` and documentation."""
    from arcadia_core.cli.app import build_cli

    return build_cli(TUI_COMMANDS, DEFAULT_COMMAND)


if __name__ == "__main__":
    sys.exit(main())
