"""`arcadia autonomy show|set|tool|bounds`, and a running agent picking the change up."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from arcadia_core.db import Database
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyLevel
from tests.cli_helpers import arcadia
from tests.cli_inprocess import run_cli
from tests.core.test_cli_answer import start


@pytest.fixture(autouse=True)
def cli_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCADIA_USER", "tester")


async def test_show_reports_levels_bounds_and_performance(db: Database, project_dir: Path) -> None:
    manager = AutonomyManager(db)
    await manager.record_outcome_async(False)
    await manager.set_tool_level_async("Bash", AutonomyLevel.EXECUTE_REVIEW, by="tui:alice")
    result = await run_cli("autonomy", "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    assert "Configured level:  EXECUTE_SAFE (3)" in result.stdout
    assert "Bounds:            OBSERVE (1) .. EXECUTE_REVIEW (4)" in result.stdout
    assert "1 actions, 1 errors, success rate 0%, streak: 1 errors" in result.stdout
    assert "Bash  EXECUTE_REVIEW (4)" in result.stdout and "tui:alice" in result.stdout
    for argv in (["autonomy", "--json"], ["autonomy", "show", "--json"]):
        data = json.loads((await run_cli(*argv, "--project-dir", project_dir)).stdout)
        assert data["configured_level"] == 3 and data["effective_level_name"] == "EXECUTE_SAFE"
        assert data["config"]["action_levels"] == {"Bash": 4}
        assert data["performance"]["total_errors"] == 1


async def test_set_accepts_numbers_and_names_and_records_who(
    db: Database, project_dir: Path
) -> None:
    result = await run_cli(
        "autonomy", "set", "plan", "--reason", "bad streak", "--project-dir", project_dir
    )
    assert result.stdout.strip() == (
        "Autonomy level set to PLAN (2) (was EXECUTE_SAFE (3)) by cli:tester."
    )
    same = await run_cli("autonomy", "set", "2", "--project-dir", project_dir)
    assert same.stdout.strip() == "Autonomy level is already PLAN (2)."
    as_json = await run_cli(
        "autonomy", "set", "EXECUTE-SAFE", "--json", "--project-dir", project_dir
    )
    assert json.loads(as_json.stdout) == {"level": 3, "level_name": "EXECUTE_SAFE", "previous": 2}
    changes = (await AutonomyManager(db).get_metrics_async()).level_changes
    assert [(c["to_level"], c["by"], c["reason"]) for c in changes] == [
        (2, "cli:tester", "bad streak"),
        (3, "cli:tester", "set from the command line"),
    ]
    for bad in ("0", "6", "turbo"):
        refused = await run_cli("autonomy", "set", bad, "--project-dir", project_dir)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    above = await run_cli("autonomy", "set", "5", "--project-dir", project_dir)
    assert "outside the bounds" in above.stderr
    bounds = await run_cli("autonomy", "bounds", "2", "full_auto", "--project-dir", project_dir)
    assert bounds.stdout.strip() == (
        "Bounds set to PLAN (2) .. FULL_AUTO (5); level EXECUTE_SAFE (3)."
    )
    assert (await run_cli("autonomy", "set", "5", "--project-dir", project_dir)).returncode == 0
    inverted = await run_cli("autonomy", "bounds", "4", "2", "--project-dir", project_dir)
    assert inverted.returncode == 1 and "min_level" in inverted.stderr


async def test_tool_overrides_are_set_and_removed(db: Database, project_dir: Path) -> None:
    result = await run_cli(
        "autonomy", "tool", "mcp__features__feature_mark", "observe", "--project-dir", project_dir
    )
    assert result.returncode == 0, result.stderr
    assert (await AutonomyManager(db).check_action_async("mcp__features__feature_mark")).allowed
    removed = await run_cli(
        "autonomy",
        "tool",
        "mcp__features__feature_mark",
        "default",
        "--json",
        "--project-dir",
        project_dir,
    )
    assert json.loads(removed.stdout) == {"tool": "mcp__features__feature_mark", "level": None}
    assert not (await AutonomyManager(db).check_action_async("mcp__features__feature_mark")).allowed


@pytest.fixture
def agent(project_dir: Path, db: Database) -> Iterator[subprocess.Popen[str]]:
    process = start("autonomy", project_dir)
    yield process
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


def check(agent: subprocess.Popen[str], tool: str) -> dict[str, object]:
    assert agent.stdin is not None and agent.stdout is not None
    agent.stdin.write(tool + "\n")
    agent.stdin.flush()
    return json.loads(agent.stdout.readline())  # type: ignore[no-any-return]


def test_a_running_agent_applies_arcadia_autonomy_set_at_its_next_check(
    agent: subprocess.Popen[str], project_dir: Path
) -> None:
    assert check(agent, "Write")["allowed"] is True
    result = arcadia("autonomy", "set", "observe", "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    denied = check(agent, "Write")
    assert (denied["allowed"], denied["effective_level"], denied["current_level"]) == (False, 1, 1)
    assert arcadia("autonomy", "tool", "Write", "1", "--project-dir", project_dir).returncode == 0
    assert check(agent, "Write")["allowed"] is True


def test_missing_database_is_one_line(project_dir: Path) -> None:
    result = arcadia("autonomy", "set", "2", "--project-dir", project_dir)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "no Arcadia database" in result.stderr and not (project_dir / ".arcadia").exists()
