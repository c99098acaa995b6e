"""Every command's name, where it is defined and its line in `arcadia --help`.

Nothing here imports Click: the map is read to list commands (help, shell completion) without
importing their modules, and by the console script before it decides how to run a command.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a command is defined (`"package.module:attribute"`) and its one-line help."""

    target: str
    short_help: str

    def load(self) -> click.Command:
        """Import the command's module and return the command."""
        import click

        module_name, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


# The module of a command is imported only when it runs (or its own help is asked for).
CORE_COMMANDS: dict[str, LazyCommand] = {
    "pending": LazyCommand(
        "arcadia_core.cli.answer_commands:pending", "List the questions waiting for an answer."
    ),
    "show": LazyCommand("arcadia_core.cli.answer_commands:show", "Show one question in full."),
    "respond": LazyCommand(
        "arcadia_core.cli.answer_commands:respond", "Answer a pending question."
    ),
    "accept": LazyCommand(
        "arcadia_core.cli.answer_commands:accept", "Answer with the agent's recommendation."
    ),
    "cancel": LazyCommand(
        "arcadia_core.cli.answer_commands:cancel", "Cancel a pending question."
    ),
    "expire": LazyCommand(
        "arcadia_core.cli.answer_commands:expire",
        "Resolve questions left pending by agents that are gone.",
    ),
    "watch": LazyCommand(
        "arcadia_core.cli.watch_commands:watch",
        "Print changes to the project database as they happen.",
    ),
    "autonomy": LazyCommand(
        "arcadia_core.cli.autonomy_commands:autonomy",
        "Show or change how much the agent may do on its own.",
    ),
    "rules": LazyCommand(
        "arcadia_core.cli.rules_commands:rules", "List and check the escalation rules."
    ),
    "report": LazyCommand(
        "arcadia_core.cli.report_commands:report",
        "Failure reports, risk assessments and run metrics.",
    ),
    "hook": LazyCommand(
        "arcadia_core.cli.agent_commands:hook",
        "Answer one hook event of a coding agent (run by the agent).",
    ),
    "install": LazyCommand(
        "arcadia_core.cli.agent_commands:install", "Add Arcadia's hooks to an agent's settings."
    ),
    "uninstall": LazyCommand(
        "arcadia_core.cli.agent_commands:uninstall", "Remove Arcadia's hooks from an agent."
    ),
    "doctor": LazyCommand(
        "arcadia_core.cli.agent_commands:doctor",
        "Check the hooks, the hook command and the database.",
    ),
    "db": LazyCommand("arcadia_core.cli.db_commands:db", "Inspect the project database."),
    "migrate": LazyCommand(
        "arcadia_core.cli.legacy_commands:migrate",
        "Import ArcadiaForge's dot-directories into the database.",
    ),
    "export-legacy": LazyCommand(
        "arcadia_core.cli.legacy_commands:export_legacy_command",
        "Write the database back as ArcadiaForge dot-directories (rollback).",
    ),
    "simulate": LazyCommand(
        "arcadia_core.cli.simulate_commands:simulate",
        "Run a simulated agent on the project (questions, escalations, risky commands).",
    ),
}
