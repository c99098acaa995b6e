"""`arcadia install`, `uninstall`, `doctor` and the listed form of `arcadia hook`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from arcadia_core.cli.common import project_dir, project_dir_option
from arcadia_core.display import printable

if TYPE_CHECKING:
    from arcadia_core.agents.install import InstallResult

AGENT = click.Choice(["claude-code"])


def _report(result: InstallResult, verb: str) -> None:
    path = result.path
    if not result.changed:
        click.echo(f"{path}: nothing to {verb} (already as it should be)")
        return
    diff = result.diff
    if diff:
        click.echo(printable(diff).rstrip("\n"))
    backup = result.backup
    click.echo(f"{path}: updated" + (f" (backup: {backup})" if backup else ""))


def _where(user: bool, project: Path | None) -> tuple[Path | None, bool]:
    if user and project is not None:
        raise click.UsageError("--user and --project are exclusive")
    return (None if user else (project or project_dir())), user


@click.command("install")
@click.argument("agent", type=AGENT)
@click.option(
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Install into DIR/.claude/settings.json (default: the project directory).",
)
@click.option(
    "--user",
    is_flag=True,
    help="Install into the user's settings (~/.claude or $CLAUDE_CONFIG_DIR).",
)
@click.option(
    "--timeout",
    "timeout",
    type=click.IntRange(30, 86_400),
    default=3600,
    show_default=True,
    help="Seconds the agent waits for a blocking hook; Arcadia answers before it.",
)
@project_dir_option
def install(agent: str, project: Path | None, user: bool, timeout: int) -> None:
    """Add Arcadia's hooks to AGENT's settings, keeping every other hook (idempotent).

    The old file is backed up beside it and the change is printed as a diff.
    """
    from arcadia_core.agents.claude_code_install import install as install_hooks

    where, user = _where(user, project)
    result = install_hooks(where, user=user, blocking_timeout=timeout)
    _report(result, "install")
    click.echo(f"hook command: {printable(result.command)}")


@click.command("uninstall")
@click.argument("agent", type=AGENT)
@click.option(
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Remove from DIR/.claude/settings.json.",
)
@click.option("--user", is_flag=True, help="Remove from the user's settings.")
@project_dir_option
def uninstall(agent: str, project: Path | None, user: bool) -> None:
    """Remove Arcadia's hook entries from AGENT's settings (other hooks stay)."""
    from arcadia_core.agents.claude_code_install import uninstall as uninstall_hooks

    where, user = _where(user, project)
    _report(uninstall_hooks(where, user=user), "remove")


@click.command("doctor")
@project_dir_option
def doctor() -> None:
    """Check that hooks are installed, their command resolves and the database opens.

    Exits 1 when a check fails, with what to do on its line.
    """
    from arcadia_core.agents.claude_code_install import doctor as run_doctor

    report = run_doctor(project_dir())
    for check in report.checks:
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"{mark} {printable(check.name)}: {printable(check.detail)}")
    if not report.ok:
        sys.exit(1)


@click.command(
    "hook",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def hook(arguments: tuple[str, ...]) -> None:
    """Answer one hook event of a coding agent (stdin JSON); run by the agent, not by hand."""
    from arcadia_core.cli.hook import main as run_hook

    sys.exit(run_hook(list(arguments)))
