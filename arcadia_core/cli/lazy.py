"""Click groups that import a command's module only when that command is run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from click.shell_completion import CompletionItem

from arcadia_core.cli.registry import LazyCommand


class ChoiceGroup(click.Group):
    """A group that lists its commands in the order they are declared and names them, in one
    line, when given an unknown one."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)  # an option after the command name: say so
            choices = ", ".join(repr(choice) for choice in self.list_commands(ctx))
            ctx.fail(f"invalid choice: {name!r} (choose from {choices})")
        return super().resolve_command(ctx, args)


class LazyGroup(ChoiceGroup):
    """A group whose commands are imported on first use.

    `lazy_commands` maps each name to a `LazyCommand`; listing the commands (in help and in
    shell completion) uses the short help strings given there, so it imports nothing.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.lazy_commands if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.commands[cmd_name] = self.lazy_commands[cmd_name].load()
        return self.commands.get(cmd_name)

    def short_help_of(self, name: str) -> str:
        if name in self.lazy_commands:
            return self.lazy_commands[name].short_help
        return self.commands[name].get_short_help_str()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.short_help_of(name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        results = [
            CompletionItem(name, help=self.short_help_of(name))
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        # The options of the group itself (Command.shell_complete, skipping Group's listing).
        results.extend(click.Command.shell_complete(self, ctx, incomplete))
        return results
