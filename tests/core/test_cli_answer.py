"""Headless answering (`arcadia pending/show/respond/accept/cancel/expire`), across processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from arcadia_core.clock import fixed_clock, utc_now
from arcadia_core.db import Database
from arcadia_core.managers import HumanInterface, InjectionPoint, InjectionType
from tests.agent_process import start_process
from tests.cli_helpers import arcadia
from tests.cli_inprocess import run_cli

RACE_REPEATS = int(os.environ.get("ARCADIA_RACE_REPEATS", "30"))
CLI_RACES = int(os.environ.get("ARCADIA_CLI_RACES", "2"))


def start(*args: str | Path, module: str = "tests.agent_process") -> subprocess.Popen[str]:
    """Start `python -m MODULE ARGS` with the test's import path and user."""
    return start_process(*args, module=module)


@pytest.fixture(autouse=True)
def cli_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers given through the in-process CLI are recorded as `cli:tester`."""
    monkeypatch.setenv("ARCADIA_USER", "tester")


@pytest.fixture
def human(db: Database) -> HumanInterface:
    return HumanInterface(db, 2, user="agent")


@pytest.fixture
async def agents() -> AsyncIterator[list[subprocess.Popen[str]]]:
    """Processes started by a test, stopped at its end whatever happens."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


async def next_pending(human: HumanInterface, seen: set[str]) -> InjectionPoint:
    """Wait for a pending point not in `seen` (an agent process creates it)."""
    for _ in range(3000):
        for point in await human.get_pending_async():
            if point.point_id not in seen:
                seen.add(point.point_id)
                return point
        await asyncio.sleep(0.01)
    raise AssertionError("the agent process never asked")


async def ask(human: HumanInterface, **overrides: object) -> InjectionPoint:
    arguments: dict[str, object] = {
        "point_type": InjectionType.DECISION,
        "context": {"file": "db.sqlite"},
        "options": ["yes", "no", "skip"],
        "recommendation": "yes",
        "timeout_seconds": 600,
        "default_on_timeout": "skip",
        "message": "Proceed?",
    }
    arguments.update(overrides)
    return await human.create_point_async(**arguments)  # type: ignore[arg-type]


# -- single-process command behaviour ------------------------------------------------------


async def test_pending_lists_most_severe_first_in_aligned_columns(
    human: HumanInterface, project_dir: Path
) -> None:
    low = await ask(human, severity=2, message="Low \x1b[2J[bold]hostile[/]")
    high = await ask(human, severity=5, default_on_timeout=None, message="High")
    result = await run_cli("pending", "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "␛[2J[bold]hostile[/]" in result.stdout
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("ID"))
    rows = lines[header + 1 : header + 3]
    assert [row.split()[0] for row in rows] == [high.point_id, low.point_id]
    column = lines[header].index("TYPE")
    assert all(row[column:].startswith("decision") for row in rows)
    assert "never" in rows[0] and "'skip'" in rows[1]
    data = json.loads((await run_cli("pending", "--json", "--project-dir", project_dir)).stdout)
    assert [entry["point_id"] for entry in data] == [high.point_id, low.point_id]
    assert data[0]["seconds_remaining"] is None and 590 < data[1]["seconds_remaining"] <= 600
    await human.cancel_point_async(low.point_id, by="x")
    await human.cancel_point_async(high.point_id, by="x")
    empty = await run_cli("pending", "--project-dir", project_dir)
    assert empty.stdout.strip() == "No pending injection points."
    assert (
        json.loads((await run_cli("pending", "--json", "--project-dir", project_dir)).stdout) == []
    )


async def test_show_prints_the_point_in_full(human: HumanInterface, project_dir: Path) -> None:
    point = await ask(human, escalation_rule_id="low_confidence")
    result = await run_cli("show", point.point_id, "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    assert "1. yes  (recommended)" in result.stdout and "2. no" in result.stdout
    assert "file: db.sqlite" in result.stdout and "low_confidence" in result.stdout
    assert "then default 'skip'" in result.stdout
    data = json.loads(
        (await run_cli("show", point.point_id, "--json", "--project-dir", project_dir)).stdout
    )
    assert data["point_id"] == point.point_id and data["status"] == "pending"
    missing = await run_cli("show", "INJ-0-99", "--project-dir", project_dir)
    assert (missing.returncode, missing.stderr) == (
        1,
        "arcadia: error: no injection point INJ-0-99\n",
    )


async def test_respond_checks_options_unless_free_text(
    human: HumanInterface, project_dir: Path
) -> None:
    point = await ask(human)
    refused = await run_cli("respond", point.point_id, "maybe", "--project-dir", project_dir)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "not an option" in refused.stderr and "--free-text" in refused.stderr
    assert (await human.get_point_async(point.point_id)).is_pending
    forced = await run_cli(
        "respond", point.point_id, "maybe", "--free-text", "--json", "--project-dir", project_dir
    )
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["responded_by"] == "cli:tester"
    guidance = await ask(human, point_type="guidance")
    said = await run_cli(
        "respond", guidance.point_id, "use the v2 API", "--project-dir", project_dir
    )
    assert said.stdout.strip() == f"{guidance.point_id} answered: 'use the v2 API' (cli:tester)"
    stored = await human.get_point_async(guidance.point_id)
    assert (stored.response, stored.responded_by) == ("use the v2 API", "cli:tester")


async def test_accept_and_cancel_and_their_conflicts(
    human: HumanInterface, project_dir: Path
) -> None:
    point = await ask(human, recommendation="no")
    accepted = await run_cli("accept", point.point_id, "--project-dir", project_dir)
    assert accepted.returncode == 0, accepted.stderr
    assert (await human.get_point_async(point.point_id)).response == "no"
    again = await run_cli("accept", point.point_id, "--project-dir", project_dir)
    assert (again.returncode, again.stderr) == (
        1,
        f"arcadia: error: {point.point_id} was already answered by cli:tester: 'no'\n",
    )
    other = await ask(human)
    cancelled = await run_cli("cancel", other.point_id, "--project-dir", project_dir)
    assert cancelled.stdout.strip() == f"{other.point_id} cancelled (cli:tester)"
    late = await run_cli("respond", other.point_id, "yes", "--project-dir", project_dir)
    assert (late.returncode, late.stderr) == (
        1,
        f"arcadia: error: {other.point_id} was cancelled by cli:tester\n",
    )
    assert (await run_cli("cancel", other.point_id, "--project-dir", project_dir)).returncode == 1
    bare = await ask(human, recommendation="")
    refused = await run_cli("accept", bare.point_id, "--project-dir", project_dir)
    assert "no recommendation" in refused.stderr


async def test_expire_resolves_points_older_than_the_duration(
    db: Database, human: HumanInterface, project_dir: Path
) -> None:
    old_clock = fixed_clock(utc_now() - timedelta(hours=2))
    old = await ask(HumanInterface(db, 1, clock=old_clock))
    older_without_default = await ask(
        HumanInterface(db, 1, clock=old_clock), default_on_timeout=None
    )
    young = await ask(human)
    result = await run_cli(
        "expire", "--older-than", "1h30m", "--json", "--project-dir", project_dir
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"expired": [old.point_id, older_without_default.point_id]}
    stored = await human.get_point_async(old.point_id)
    assert (stored.status, stored.response, stored.responded_by) == (
        "timeout",
        "skip",
        "expired:cli:tester",
    )
    assert (await human.get_point_async(young.point_id)).is_pending
    again = await run_cli("expire", "--older-than", "30m", "--project-dir", project_dir)
    assert again.stdout.strip() == "No point has been pending for longer than 30m00s."
    bad = await run_cli("expire", "--older-than", "soon", "--project-dir", project_dir)
    assert bad.returncode == 2 and "invalid duration" in bad.stderr


async def test_commands_need_an_existing_database(project_dir: Path) -> None:
    for command in (["pending"], ["respond", "INJ-0-1", "yes"], ["expire", "--older-than", "1h"]):
        result = await run_cli(*command, "--project-dir", project_dir)
        assert result.returncode == 1 and "no Arcadia database" in result.stderr
    assert not (project_dir / ".arcadia").exists()


# -- an agent process waiting, a person answering from another process ----------------------


async def test_agent_process_returns_the_answer_given_through_arcadia_respond(
    human: HumanInterface, project_dir: Path, agents: list[subprocess.Popen[str]]
) -> None:
    agents.append(agent := start("ask", project_dir, 300, "-"))
    point = await next_pending(human, set())
    assert agent.poll() is None  # blocked in request_input
    result = arcadia("respond", point.point_id, "no", "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    output, errors = agent.communicate(timeout=30)
    response = json.loads(output)
    assert (response["point_id"], response["response"], response["responded"]) == (
        point.point_id,
        "no",
        True,
    )
    assert response["responded_by"] == "cli:tester" and agent.returncode == 0, errors


async def test_agent_process_applies_its_default_on_timeout(
    human: HumanInterface, project_dir: Path, agents: list[subprocess.Popen[str]]
) -> None:
    agents.append(agent := start("ask", project_dir, 1, "skip"))
    point = await next_pending(human, set())
    output, errors = agent.communicate(timeout=30)
    response = json.loads(output)
    assert (response["response"], response["responded_by"], response["status"]) == (
        "skip",
        "timeout_default",
        "timeout",
    ), errors
    late = arcadia("respond", point.point_id, "yes", "--project-dir", project_dir)
    assert (late.returncode, late.stderr) == (
        1,
        f"arcadia: error: {point.point_id} timed out (default 'skip' applied)\n",
    )


async def test_agent_process_sees_a_cancel(
    human: HumanInterface, project_dir: Path, agents: list[subprocess.Popen[str]]
) -> None:
    agents.append(agent := start("ask", project_dir, 300, "-"))
    point = await next_pending(human, set())
    assert arcadia("cancel", point.point_id, "--project-dir", project_dir).returncode == 0
    output, _ = agent.communicate(timeout=30)
    response = json.loads(output)
    assert (response["status"], response["responded"], response["responded_by"]) == (
        "cancelled",
        False,
        "cli:tester",
    )
    assert (await human.get_point_async(point.point_id)).status == "cancelled"


async def test_two_arcadia_respond_processes_racing_have_one_winner(
    human: HumanInterface, project_dir: Path, agents: list[subprocess.Popen[str]]
) -> None:
    agents.append(agent := start("ask", project_dir, 300, "-", CLI_RACES))
    assert agent.stdout is not None
    seen: set[str] = set()
    for _ in range(CLI_RACES):
        point = await next_pending(human, seen)
        racers = [
            start(
                "respond",
                point.point_id,
                answer,
                "--project-dir",
                project_dir,
                module="arcadia_tui.cli",
            )
            for answer in ("yes", "no")
        ]
        outcomes = [(racer.communicate(timeout=60), racer.returncode) for racer in racers]
        winners = [out for (out, _), code in outcomes if code == 0]
        losers = [err for (_, err), code in outcomes if code == 1]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert "was already answered by cli:tester" in losers[0]
        response = json.loads(agent.stdout.readline())
        assert response["point_id"] == point.point_id
        assert f"answered: {response['response']!r}" in winners[0]


async def test_responder_processes_racing_have_one_winner_every_time(
    human: HumanInterface, project_dir: Path, agents: list[subprocess.Popen[str]]
) -> None:
    racers = [start("responder", project_dir, name) for name in ("tui:alice", "cli:bob")]
    agents.extend(racers)
    for racer in racers:
        assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
    for _ in range(RACE_REPEATS):
        point = await ask(human)
        for racer, answer in zip(racers, ("yes", "no"), strict=True):
            assert racer.stdin is not None
            racer.stdin.write(f"{point.point_id} {answer}\n")
            racer.stdin.flush()
        results = [json.loads(racer.stdout.readline()) for racer in racers]  # type: ignore[union-attr]
        assert sorted(result["won"] for result in results) == [False, True], results
        stored = await human.get_point_async(point.point_id)
        winner = next(r for r in results if r["won"])
        loser = next(r for r in results if not r["won"])
        assert stored.response == winner["detail"]
        assert loser["detail"] == (
            f"{point.point_id} was already answered by {stored.responded_by}: {stored.response!r}"
        )
    stats = await human.get_stats_async()
    assert stats["by_status"] == {"responded": RACE_REPEATS}
