"""Bad input from people: one clear line and a non-zero exit, never a traceback or a hang.

Invalid levels, unknown point ids, answers outside the options, bad arguments and values for
every subcommand, bad settings in the environment; and a custom risk pattern that backtracks
catastrophically cannot hang the agent.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import pytest

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers import HumanInterface, InjectionType
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.records import RiskLevel, RiskPattern
from tests.cli_helpers import arcadia
from tests.cli_inprocess import CliResult, run_main
from tests.reliability.helpers import report

pytestmark = pytest.mark.reliability

POINT = "INJ-1-1"


@pytest.fixture
def project(project_dir: Path) -> Path:
    """A project whose database holds one pending decision (options yes/no)."""

    async def make() -> None:
        async with await Database.open(project_dir) as database:
            human = HumanInterface(database, 1, user="agent")
            await human.create_point_async(InjectionType.DECISION, {}, ["yes", "no"], "yes")

    asyncio.run(make())
    return project_dir


def bad_commands(project: Path, a_file: Path) -> list[tuple[str, ...]]:
    where = ("--project-dir", str(project))
    return [
        # argparse: unknown commands, options and values, missing arguments
        ("bogus",),
        ("pending", "--bogus"),
        ("pending", "extra"),
        ("show",),
        ("respond",),
        ("respond", POINT),
        ("expire", *where),
        ("expire", "--older-than", "xyz", *where),
        ("expire", "--older-than", "nan", *where),
        ("expire", "--older-than", "1e999", *where),
        ("expire", "--older-than", "99999999999d", *where),
        ("autonomy", "set", *where),
        ("autonomy", "tool", "Bash", *where),
        ("autonomy", "bogus", *where),
        ("rules", "bogus", *where),
        ("report", *where),
        ("report", "risk", "--min-level", "9", *where),
        ("report", "risk", "--limit", "0", *where),
        ("report", "risk", "--limit", "abc", *where),
        ("report", "risk", "--session", "-1", *where),
        ("report", "failures", "--session", "abc", *where),
        ("report", "risk", "--format", "xml", *where),
        ("report", "metrics", "--limit", "3", *where),
        ("watch", "--interval", "abc", *where),
        ("watch", "--interval", "0", *where),
        ("watch", "--interval", "nan", *where),
        ("watch", "--interval", "-1", *where),
        ("export-legacy", *where),
        ("db", *where),
        ("db", "bogus", *where),
        ("tui", "a", "b"),
        ("demo", "--speed", "0"),
        ("demo", "--seed", "x"),
        ("simulate", "--speed", "-1", *where),
        ("--project-dir",),
        # values the handlers refuse
        ("show", "NOPE", *where),
        ("respond", "NOPE", "yes", *where),
        ("respond", POINT, "maybe", *where),
        ("respond", POINT, "", *where),
        ("respond", POINT, "   ", *where),
        ("accept", "NOPE", *where),
        ("cancel", "NOPE", *where),
        ("expire", "--older-than", "-5", *where),
        ("autonomy", "set", "9", *where),
        ("autonomy", "set", "0", *where),
        ("autonomy", "set", "foo", *where),
        ("autonomy", "set", "2.5", *where),
        ("autonomy", "tool", "Bash", "7", *where),
        ("autonomy", "tool", "", "3", *where),
        ("autonomy", "bounds", "4", "2", *where),
        ("autonomy", "bounds", "x", "y", *where),
        ("report", "risk", "--output", str(project / "missing" / "risk.json"), *where),
        ("report", "risk", "--output", str(project), *where),
        ("export-legacy", "--out", str(a_file), *where),
        ("migrate", "--project-dir", str(project / "missing")),
        ("migrate", "--project-dir", str(a_file)),
        ("pending", "--project-dir", str(a_file)),
        ("pending", "--project-dir", str(project / "missing")),
        ("tui", str(project / "missing")),
        ("tui", str(a_file)),
        ("demo", "--keep", str(a_file)),
        ("simulate", "--project-dir", str(a_file)),
    ]


def assert_refused(result: CliResult | subprocess.CompletedProcess[str], command: object) -> None:
    lines = result.stderr.splitlines()
    assert result.returncode not in (0, None), (command, result)
    assert len(lines) == 1 and "error:" in lines[0], (command, result.stderr)
    assert "Traceback" not in result.stderr


def test_every_bad_command_line_is_one_clear_line(project: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory\n")
    commands = bad_commands(project, a_file)
    exit_codes: dict[int, int] = {}
    for command in commands:
        result = run_main(*command)
        assert_refused(result, command)
        exit_codes[result.returncode] = exit_codes.get(result.returncode, 0) + 1
    # Nothing was answered or changed by the refused commands.
    pending = run_main("pending", "--json", "--project-dir", project)
    assert pending.returncode == 0 and POINT in pending.stdout
    report(
        "bad command lines",
        commands=len(commands),
        refused_in_one_line=len(commands),
        exit_codes=dict(sorted(exit_codes.items())),
        tracebacks=0,
    )


def test_bad_input_in_a_real_process_is_one_line(project: Path, tmp_path: Path) -> None:
    for command in (
        ("respond", POINT, "maybe", "--project-dir", project),
        ("autonomy", "set", "9", "--project-dir", project),
        ("report", "risk", "--limit", "abc", "--project-dir", project),
    ):
        assert_refused(arcadia(*command), command)
    report("bad input in a real arcadia process", commands=3, one_line_each=True, tracebacks=0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ARCADIA_POLL_INTERVAL", "abc"),
        ("ARCADIA_POLL_INTERVAL", "nan"),
        ("ARCADIA_POLL_INTERVAL", "-1"),
        ("ARCADIA_BUSY_TIMEOUT_MS", "soon"),
        ("ARCADIA_BUSY_TIMEOUT_MS", "-5"),
    ],
)
def test_bad_settings_in_the_environment_are_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    for command in (("pending",), ("respond", POINT, "yes"), ("tui",)):
        result = run_main(*command, "--project-dir", project)
        assert_refused(result, command)
        assert name in result.stderr
    report(f"bad setting {name}={value!r}", commands_refused=3, tracebacks=0)


async def test_managers_refuse_bad_values_with_invalid_input(db: Database) -> None:
    human = HumanInterface(db, 1, user="agent")
    autonomy = AutonomyManager(db, session_id=1)
    refusals = 0
    for call in (
        lambda: human.create_point_async(InjectionType.DECISION, {}, ["a"], "a", severity=9),
        lambda: human.create_point_async(InjectionType.DECISION, {}, ["a"], "a", severity=0),
        lambda: human.create_point_async(
            InjectionType.DECISION, {}, ["a"], "a", timeout_seconds=-1
        ),
        lambda: human.create_point_async(InjectionType.DECISION, {}, "yes", "a"),  # type: ignore[arg-type]
        lambda: human.create_point_async("", {}, ["a"], "a"),
        lambda: autonomy.set_level_async(9),  # type: ignore[arg-type]
        lambda: autonomy.set_level_async("ultra"),  # type: ignore[arg-type]
        lambda: autonomy.set_tool_level_async("Bash", 0),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput):
            await call()
        refusals += 1
    point = await human.create_point_async(InjectionType.DECISION, {}, ["yes", "no"], "yes")
    for answer in ("maybe", "", "  ", "yes please"):
        with pytest.raises(InvalidInput):
            await human.answer_async(point.point_id, answer, by="cli:x")
        refusals += 1
    with pytest.raises(NotFound):
        await human.answer_async("INJ-404", "yes", by="cli:x")
    assert (await human.get_point_async(point.point_id)).is_pending
    assert (await human.answer_async(point.point_id, "YES", by="cli:x")).response == "yes"
    report("bad values through the API", refused=refusals + 1, point_still_answerable=True)


CATASTROPHIC = "(a+)+$"
EVIL_INPUT = "a" * 9_000 + "!"  # within the characters a pattern sees, so it backtracks


async def test_a_catastrophic_custom_pattern_cannot_hang_the_agent(db: Database) -> None:
    risk = RiskClassifier(db, session_id=1)
    await risk.add_pattern_async(
        RiskPattern(
            pattern_id="evil",
            description="Catastrophic backtracking",
            risk_level=RiskLevel.HIGH,
            tool="Bash",
            input_pattern=CATASTROPHIC,
            input_field="command",
        )
    )
    started = time.monotonic()
    # A bound far above the expected time, so that only a real hang fails the test.
    assessment = await asyncio.wait_for(risk.assess_async("Bash", {"command": EVIL_INPUT}), 30)
    async_seconds = time.monotonic() - started
    started = time.monotonic()
    blocking = await asyncio.wait_for(
        asyncio.to_thread(risk.assess, "Bash", {"command": EVIL_INPUT}), 30
    )
    sync_seconds = time.monotonic() - started
    # The pattern is treated as matched (fail safe) and the concern says why.
    assert assessment.risk_level >= RiskLevel.HIGH and blocking.risk_level >= RiskLevel.HIGH
    assert "Catastrophic backtracking (pattern evil timed out; treated as a match)" in (
        assessment.concerns
    )
    report(
        "catastrophic regex (a+)+$",
        input_chars=len(EVIL_INPUT),
        assess_seconds=round(async_seconds, 3),
        blocking_assess_seconds=round(sync_seconds, 3),
        hung=False,
    )
