"""`main()`: the `arcadia` entry point, with a fast path for the commands run per tool call.

Commands in `FAST_COMMANDS` run before Click (or anything else of the command line) is
imported: an agent's hook runs once per tool call, so it must start in a few milliseconds and
must never load Textual or Rich. Every other command goes through the Click group of
`arcadia_core.cli.app`, which imports a command's module only when that command runs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arcadia_core.cli.registry import LazyCommand

FastCommand = Callable[[list[str]], int]
"""Takes the arguments after the command's name; returns the exit code."""

FAST_COMMANDS: dict[str, str] = {"hook": "arcadia_core.cli.hook:main"}
"""Command name -> `"module:function"` (a `FastCommand`), dispatched on `argv[0]` alone.

The hook point for `arcadia hook <agent>`: register it here, e.g.
`{"hook": "arcadia_core.cli.hook:main"}`, and keep that module's imports free of Click, Rich
and Textual. A fast command parses its own arguments; to be listed by `arcadia --help` and
shell completion it also gets an entry in `registry.CORE_COMMANDS`.
"""


def main(
    argv: Sequence[str] | None = None,
    *,
    extra_commands: Mapping[str, LazyCommand] | None = None,
    default_command: str | None = None,
) -> int:
    """Run `arcadia ARGV...` and return its exit code (the core commands plus `extra_commands`;
    `default_command` runs when no command is named)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    fast = FAST_COMMANDS.get(arguments[0]) if arguments else None
    if fast is not None:
        module_name, _, function = fast.partition(":")
        command: FastCommand = getattr(importlib.import_module(module_name), function)
        return int(command(arguments[1:]))
    from arcadia_core.cli.app import build_cli

    group = build_cli(extra_commands, default_command)
    return group.main(arguments, prog_name="arcadia", standalone_mode=False)
