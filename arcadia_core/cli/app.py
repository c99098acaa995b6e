"""The `arcadia` Click group and its one policy for errors and exit codes.

Exit codes: 0 done; 1 refused or failed (one `arcadia: error: ...` line on stderr); 2 a usage
error (unknown command or option, missing or malformed argument); 3 `migrate` imported but
rejected some records; 130 interrupted. `rules check` exits 1 when a rule cannot work.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click

from arcadia_core import __version__
from arcadia_core.cli.common import fail, project_dir_option
from arcadia_core.cli.lazy import LazyGroup
from arcadia_core.cli.params import RefusedValue
from arcadia_core.cli.registry import CORE_COMMANDS, LazyCommand
from arcadia_core.errors import ArcadiaError

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

HELP = """Supervise an autonomous coding agent through its project database.

Every command takes --project-dir (default: the current directory); errors are one line on
stderr and a non-zero exit code. Run `arcadia COMMAND --help` for a command's options.
"""


class ArcadiaGroup(LazyGroup):
    """The root group: turns every error into one line on stderr and an exit code."""

    def __init__(self, *args: Any, default_command: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_command = default_command

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command line; exit with its code (or return it, without standalone mode)."""
        code = self._run(args, prog_name or "arcadia", complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self, args: Sequence[str] | None, prog_name: str, complete_var: str | None, **extra: Any
    ) -> int:
        try:
            result = super().main(
                args, prog_name, complete_var, standalone_mode=False, **extra
            )
        except RefusedValue as error:
            return fail(error.message, error.exit_code)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx is not None else prog_name
            return _usage_error(error.format_message(), error.exit_code, where)
        except click.ClickException as error:
            return fail(error.format_message(), error.exit_code)
        except click.Abort:
            return 130
        return result if isinstance(result, int) else 0

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; core errors become one line and exit code 1."""
        try:
            return super().invoke(ctx)
        except ArcadiaError as error:
            return fail(error.message)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            # The reader went away (`arcadia pending | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0


def _usage_error(message: str, code: int, where: str) -> int:
    """`arcadia COMMAND: error: MESSAGE`, on one line (argparse's form, without the usage)."""
    print(f"{where}: error: {message.replace(chr(10), ' ')}", file=sys.stderr)
    return code


def build_cli(
    extra_commands: Mapping[str, LazyCommand] | None = None, default_command: str | None = None
) -> ArcadiaGroup:
    """The `arcadia` group: the core commands, any `extra_commands`, and the command run when
    none is named (without one, `arcadia` alone prints its help and exits 2)."""

    @click.group(
        cls=ArcadiaGroup,
        name="arcadia",
        help=HELP,
        lazy_commands={**CORE_COMMANDS, **(extra_commands or {})},
        default_command=default_command,
        invoke_without_command=True,
        no_args_is_help=False,
        context_settings=CONTEXT_SETTINGS,
    )
    @click.version_option(
        __version__, "--version", prog_name="arcadia", message="%(prog)s %(version)s",
        help="Print the version and exit.",
    )
    @project_dir_option
    @click.pass_context
    def arcadia(ctx: click.Context) -> int:
        if ctx.invoked_subcommand is not None:
            return 0
        group = ctx.command
        assert isinstance(group, ArcadiaGroup)
        if group.default_command is None:
            click.echo(ctx.get_help(), err=True)
            return 2
        command = group.get_command(ctx, group.default_command)
        assert command is not None
        return int(ctx.invoke(command))

    return arcadia
