"""The Click command line itself: typed parameters, help, completion and lazy loading."""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from arcadia_core.cli.params import (
    AutonomyLevelType,
    Duration,
    PointId,
    PositiveNumber,
    RefusedValue,
    RiskLevelType,
    WholeNumber,
)
from arcadia_core.cli.progress import RichImportProgress
from arcadia_core.cli.registry import CORE_COMMANDS
from arcadia_core.cli.tables import print_table
from arcadia_core.db import Database
from arcadia_core.managers import AutonomyLevel, HumanInterface, InjectionType
from arcadia_tui.cli import TUI_COMMANDS, command_line
from tests.cli_inprocess import invoke, run_main

SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours and weights


# -- typed parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("1h30m", 5400), ("1d", 86400), ("2.5", 2.5)]
)
def test_durations_convert_to_timedeltas(text: str, seconds: float) -> None:
    assert Duration().convert(text, None, None) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["xyz", "nan", "1e999", "99999999999d", "", "5x"])
def test_malformed_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(click.BadParameter, match="invalid duration") as caught:
        Duration().convert(text, None, None)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "-inf", "abc", "3601"])
def test_intervals_must_be_finite_positive_and_bounded(text: str) -> None:
    with pytest.raises(click.BadParameter, match="^must be seconds, not "):
        PositiveNumber("must be seconds", maximum=3600).convert(text, None, None)


def test_positive_numbers_convert() -> None:
    assert PositiveNumber().convert("0.25", None, None) == 0.25
    assert PositiveNumber(maximum=3600).convert("3600", None, None) == 3600.0


def test_whole_numbers_have_a_minimum() -> None:
    assert WholeNumber(0).convert("0", None, None) == 0
    for text in ("-1", "abc", "1.5"):
        with pytest.raises(click.BadParameter, match="must be a whole number, 0 or more"):
            WholeNumber(0).convert(text, None, None)


def test_risk_levels_by_number_or_name() -> None:
    level = RiskLevelType()
    assert [level.convert(text, None, None) for text in ("1", "high", "CRITICAL")] == [1, 4, 5]
    for text in ("0", "9", "extreme"):
        with pytest.raises(click.BadParameter, match="a level 1..5"):
            level.convert(text, None, None)


def test_autonomy_levels_by_number_or_name_and_refusals_exit_1() -> None:
    level = AutonomyLevelType()
    assert level.convert("execute-review", None, None) is AutonomyLevel.EXECUTE_REVIEW
    assert level.convert("2", None, None) is AutonomyLevel.PLAN
    assert AutonomyLevelType(allow_default=True).convert("default", None, None) is None
    with pytest.raises(RefusedValue, match="unknown autonomy level 'turbo'") as caught:
        level.convert("turbo", None, None)
    assert caught.value.exit_code == 1
    with pytest.raises(RefusedValue):
        level.convert("default", None, None)  # only where an override can be removed


def test_a_refused_level_is_one_line_before_the_database_is_opened(tmp_path: Path) -> None:
    result = run_main("autonomy", "set", "6", "--project-dir", tmp_path / "nowhere")
    assert result.returncode == 1
    assert result.stderr == (
        "arcadia: error: unknown autonomy level '6' (levels: 1 OBSERVE, 2 PLAN, "
        "3 EXECUTE_SAFE, 4 EXECUTE_REVIEW, 5 FULL_AUTO)\n"
    )


def test_usage_errors_name_the_command_and_exit_2(tmp_path: Path) -> None:
    result = run_main("watch", "--interval", "nan", "--project-dir", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("arcadia watch: error: Invalid value for '--interval'")
    assert result.stderr.count("\n") == 1
    unknown = run_main("autonomy", "frobnicate")
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "arcadia autonomy: error: invalid choice: 'frobnicate' "
        "(choose from 'show', 'set', 'tool', 'bounds')\n"
    )


def test_project_dir_is_taken_before_or_after_the_command(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for args in (("--project-dir", missing, "pending"), ("pending", "--project-dir", missing)):
        result = run_main(*args)
        assert result.returncode == 1 and str(missing) in result.stderr


# -- help -------------------------------------------------------------------------------------


def every_command(
    group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, click.Context(command, parent=ctx), (*path, name))


def test_every_command_and_option_is_explained() -> None:
    root = command_line()
    ctx = click.Context(root, info_name="arcadia")
    commands = dict(every_command(root, ctx))
    assert set(CORE_COMMANDS) | set(TUI_COMMANDS) <= {path[0] for path in commands}
    assert len(commands) >= 24
    for path, command in commands.items():
        assert command.help and len(command.help) > 20, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help and param.help.endswith("."), (path, param.name)
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.startswith(f"Usage: arcadia {' '.join(path)}"), path


def test_lazy_commands_are_the_commands_they_name() -> None:
    for name, entry in {**CORE_COMMANDS, **TUI_COMMANDS}.items():
        assert entry.load().name == name
        assert entry.short_help.endswith(".")


def test_the_root_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for name in {**CORE_COMMANDS, **TUI_COMMANDS}:
        assert re.search(rf"^  {re.escape(name)} ", result.stdout, re.MULTILINE), name
    assert "--version" in result.stdout and "--project-dir DIR" in result.stdout


# -- completion -------------------------------------------------------------------------------


def complete(words: str, shell: str = "bash") -> list[str]:
    env = {
        "_ARCADIA_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(command_line(), [], env=env, prog_name="arcadia")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_generated(shell: str) -> None:
    result = CliRunner().invoke(
        command_line(), [], env={"_ARCADIA_COMPLETE": f"{shell}_source"}, prog_name="arcadia"
    )
    assert result.exit_code == 0
    assert "_ARCADIA_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout


def test_completion_of_commands_options_and_levels() -> None:
    assert complete("arcadia pe") == ["plain,pending"]
    assert "plain,bounds" in complete("arcadia autonomy ")
    assert complete("arcadia autonomy set execute") == [
        "plain,EXECUTE_SAFE",
        "plain,EXECUTE_REVIEW",
    ]
    assert complete("arcadia report risk --min-level cr") == ["plain,CRITICAL"]
    assert "plain,--older-than" in complete("arcadia expire --")


async def test_point_ids_complete_to_the_pending_points(db: Database, project_dir: Path) -> None:
    human = HumanInterface(db, 1, user="agent")
    point = await human.create_point_async(
        InjectionType.DECISION, {}, ["yes", "no"], "yes", message="Deploy [bold]now[/]?"
    )
    words = f"arcadia show --project-dir {project_dir} INJ"
    # In a thread, as the completion opens the database with its own event loop.
    completions = await asyncio.to_thread(complete, words, "zsh")
    assert completions == ["plain", point.point_id, "Deploy [bold]now[/]?"]
    elsewhere = f"arcadia show --project-dir {project_dir / 'none'} INJ"
    assert await asyncio.to_thread(complete, elsewhere) == [""]  # bash: nothing to offer
    assert PointId().convert("INJ-1-1", None, None) == "INJ-1-1"


# -- Rich output stays literal ----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tables_on_a_terminal_show_agent_text_literally() -> None:
    screen = Terminal()
    with redirect_stdout(screen):
        print_table(["ID", "QUESTION"], [["INJ-1-1", "[bold red]x[/] :smile: \x1b[2J\x07done"]])
    text = SGR.sub("", screen.getvalue())
    assert "[bold red]x[/] :smile: ␛[2J␇done" in text
    assert "\x1b" not in text and "\x07" not in text


def test_piped_tables_are_plain_columns() -> None:
    piped = io.StringIO()
    with redirect_stdout(piped):
        print_table(["ID", "QUESTION"], [["INJ-1-1", "[bold]x[/]"]])
    assert piped.getvalue() == "ID       QUESTION\nINJ-1-1  [bold]x[/]\n"


def test_import_progress_shows_source_names_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = RichImportProgress()
    progress.start(".human/[red]evil[/]\x1b[2J.jsonl")
    progress.advance(3)
    progress.finish()
    text = SGR.sub("", screen.getvalue())
    assert ".human/[red]evil[/]␛[2J.jsonl" in text and "3 records" in text
    assert not re.search(r"\x1b\[2J", text)


# -- start-up: what each command imports ------------------------------------------------------


def imported_modules(*args: str) -> set[str]:
    """The modules a fresh `arcadia ARGS...` process has imported when it is done."""
    script = (
        "import json, sys\n"
        "from arcadia_tui.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60
    )
    line = result.stderr.splitlines()[-1]
    assert line.startswith("MODULES "), result.stderr[-2000:]
    return set(json.loads(line.removeprefix("MODULES ")))


def top_level(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def test_version_imports_neither_the_database_layer_nor_rich_nor_textual() -> None:
    modules = imported_modules("--version")
    assert not top_level(modules) & {"sqlalchemy", "aiosqlite", "textual", "rich", "argparse"}
    assert not any(module.startswith("arcadia_core.managers") for module in modules)


def test_help_imports_no_command_module() -> None:
    modules = imported_modules("--help")
    assert "sqlalchemy" not in top_level(modules)
    assert not any(module.endswith("_commands") for module in modules)


def test_pending_help_imports_its_own_module_only_and_no_textual() -> None:
    modules = imported_modules("pending", "--help")
    assert "arcadia_core.cli.answer_commands" in modules
    assert not top_level(modules) & {"textual", "rich"}
    assert "arcadia_core.cli.report_commands" not in modules
    assert "arcadia_core.legacy" not in modules
