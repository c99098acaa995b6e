"""The simulated agent: every table the TUI shows gets rows, and the agent follows the answers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.managers import InjectionPoint
from arcadia_core.simulator import CANCEL, DemoPolicy, SimulatorOptions, simulate
from arcadia_core.simulator.responder import Verdict
from arcadia_core.simulator.tasks import TASKS

SPEED = 1000
TASK = TASKS[0]
HINT = "HINT-42: freeze the clock in the test"


@dataclass
class Run:
    """A finished simulation: its project and what it printed."""

    project: Path
    lines: list[str]

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.project / ".arcadia" / "project.db") as connection:
            return list(connection.execute(sql, args))

    def column(self, sql: str, *args: Any) -> list[Any]:
        return [row[0] for row in self.rows(sql, *args)]

    def events(self, event_type: str) -> list[dict[str, Any]]:
        payloads = self.column("SELECT payload FROM events WHERE type = ? ORDER BY id", event_type)
        return [json.loads(payload) for payload in payloads]

    def commands(self) -> list[str]:
        return [
            str(event["tool_input"].get("command"))
            for event in self.events("tool_call")
            if event.get("tool_name") == "Bash"
        ]


def run_simulation(
    project: Path, policy: Callable[[InjectionPoint], Verdict], seed: int = 0
) -> Run:
    lines: list[str] = []
    options = SimulatorOptions(project, seed=seed, speed=SPEED)
    assert asyncio.run(simulate(options, policy=policy, say=lines.append)) == 1
    return Run(project, lines)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One task answered by the built-in demo responder (`--auto-answer`)."""
    return run_simulation(tmp_path_factory.mktemp("demo-run"), DemoPolicy(0))


@pytest.fixture(scope="module")
def approved_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One task under a supervisor who approves everything (see `approver`), seed 7."""
    return run_simulation(tmp_path_factory.mktemp("approved-run"), approver, seed=7)


def approver(point: InjectionPoint) -> Verdict:
    """Approves everything, hints, asks for changes and overrides the design choice."""
    if point.point_type == "approval":
        return "Approve"
    if point.point_type == "guidance":
        return HINT
    if point.point_type == "review" and "Request changes" in point.options:
        return "Request changes"
    if point.point_type == "decision" and point.escalation_rule_id is None:
        return point.options[1]
    return point.recommendation


def denier(point: InjectionPoint) -> Verdict:
    """Denies every approval and cancels every other question except the redirect."""
    if point.point_type == "approval":
        return "Deny"
    if point.point_type == "redirect":
        return point.recommendation
    return CANCEL


class TestTablesTheTuiShows:
    def test_sessions_and_events(self, demo_run: Run) -> None:
        assert demo_run.rows("SELECT id, status FROM sessions ORDER BY id") == [
            (1, "completed"),
            (2, "completed"),
        ]
        types = set(demo_run.column("SELECT DISTINCT type FROM events"))
        assert types >= {
            "session_start",
            "session_end",
            "tool_call",
            "tool_result",
            "tool_error",
            "tool_blocked",
            "feature_started",
            "feature_completed",
            "feature_failed",
            "decision",
            "escalation_triggered",
            "human_injection",
            "human_response",
            "warning",
            "error",
            "git_commit",
            "usage_report",
        }

    def test_autonomy_decisions_and_level_changes(self, demo_run: Run) -> None:
        allowed = demo_run.rows("SELECT allowed, count(*) FROM autonomy_decisions GROUP BY 1")
        assert {flag for flag, _ in allowed} == {0, 1}
        denied_tools = set(demo_run.column("SELECT tool FROM autonomy_decisions WHERE allowed = 0"))
        assert denied_tools >= {"Bash", "feature_mark"}
        assert demo_run.column("SELECT count(*) FROM autonomy_config") == [1]
        changes = json.loads(demo_run.column("SELECT level_changes FROM autonomy_metrics")[0])
        reasons = [change["reason"] for change in changes]
        assert any(reason.startswith("Promoted due to 10") for reason in reasons)
        assert any(reason.startswith("Demoted due to 3") for reason in reasons)
        assert {change["by"] for change in changes} == {"auto"}

    def test_escalations(self, demo_run: Run) -> None:
        rules = set(demo_run.column("SELECT rule_id FROM escalation_logs"))
        assert rules >= {
            "low_confidence",
            "very_low_confidence",
            "multiple_failures",
            "repeated_errors",
            "irreversible_action",
            "source_of_truth_change",
            "feature_regression",
        }

    def test_injection_points_of_every_type_and_outcome(self, demo_run: Run) -> None:
        rows = demo_run.rows("SELECT point_type, status, responded_by FROM injection_points")
        assert {kind for kind, _, _ in rows} == {
            "decision",
            "approval",
            "guidance",
            "review",
            "redirect",
        }
        assert {status for _, status, _ in rows} == {"responded", "timeout"}
        assert {by for _, status, by in rows if status == "responded"} == {"api:autoresponder"}
        assert {by for _, status, by in rows if status == "timeout"} == {"timeout_default"}
        without_default = demo_run.column(
            "SELECT status FROM injection_points WHERE default_on_timeout IS NULL"
        )
        assert without_default == ["responded"]

    def test_risk_assessments_of_every_level(self, demo_run: Run) -> None:
        levels = set(demo_run.column("SELECT DISTINCT risk_level FROM risk_assessments"))
        assert levels == {1, 2, 3, 4, 5}
        by_input = dict(demo_run.rows("SELECT input_summary, risk_level FROM risk_assessments"))
        assert by_input["command=ls api tests"] == 1
        assert by_input["url=https://pypi.org/project/redis/"] == 2
        assert by_input[f"command=pip install {TASK.package}"] == 3
        assert by_input["command=rm -rf build dist"] == 4
        assert by_input[f"command=git push --force origin {TASK.branch}"] == 5
        assert by_input[f"command={TASK.installer}"] == 5
        custom = demo_run.column("SELECT pattern_id FROM risk_patterns WHERE is_custom")
        assert sorted(custom) == ["pipe_to_shell", "shell_read_only"]

    def test_failure_reports_and_interventions(self, demo_run: Run) -> None:
        reports = demo_run.rows("SELECT session_id, failure_type FROM failure_reports ORDER BY id")
        assert reports[0] == (1, "cyclic_error")
        interventions = demo_run.rows("SELECT intervention_type, human_action FROM interventions")
        answered = demo_run.column(
            "SELECT count(*) FROM injection_points WHERE status = 'responded'"
        )[0]
        assert len(interventions) == answered
        assert {kind for kind, _ in interventions} >= {"approval", "guidance"}
        assert demo_run.column("SELECT count(*) FROM intervention_patterns")[0] >= 1
        assert demo_run.column("SELECT count(*) FROM interventions WHERE outcome_tracked")[0] >= 1


class TestFollowsTheAnswers:
    def test_approvals_run_the_risky_commands_and_guidance_is_echoed(
        self, approved_run: Run
    ) -> None:
        run = approved_run
        commands = run.commands()
        assert "rm -rf build dist" in commands
        assert TASK.installer in commands
        assert f"git push --force origin {TASK.branch}" in commands
        assert "mv build build.bak" not in commands
        design = TASK.design.options[1]
        assert [e["choice"] for e in run.events("decision") if e["decision_type"] == "design"] == [
            design
        ]
        writes = [e["tool_input"] for e in run.events("tool_call") if e["tool_name"] == "Write"]
        assert any(design in str(write.get("summary")) for write in writes)
        edits = [e["tool_input"] for e in run.events("tool_call") if e["tool_name"] == "Edit"]
        assert any(edit.get("guidance") == HINT for edit in edits)
        assert any(edit.get("change") == "apply review feedback" for edit in edits)
        assert HINT in [e["choice"] for e in run.events("decision")]

    def test_denials_take_the_safer_alternative_and_cancels_skip(self, tmp_path: Path) -> None:
        run = run_simulation(tmp_path, denier)
        commands = run.commands()
        assert "mv build build.bak" in commands
        assert TASK.installer_safer in commands
        assert "git format-patch origin/main -o outbox/" in commands
        assert not {"rm -rf build dist", TASK.installer} & set(commands)
        assert not any("push" in command for command in commands)
        skipped = [e["feature_index"] for e in run.events("feature_skipped")]
        assert skipped == [3, 4]
        decisions = [(e["decision_type"], e["choice"]) for e in run.events("decision")]
        assert ("skip_step", "no commit yet") in decisions
        assert [e["message"] for e in run.events("git_commit")] == [f"{TASK.title}: release"]
        assert run.events("tool_blocked")
        assert set(run.column("SELECT status FROM injection_points")) == {"responded", "cancelled"}
        assert run.column("SELECT status FROM sessions ORDER BY id") == ["failed", "completed"]

    def test_the_same_seed_and_answers_give_the_same_run(
        self, approved_run: Run, tmp_path: Path
    ) -> None:
        def trace(run: Run) -> list[tuple[str, dict[str, Any]]]:
            wall_clock = {"started_at", "duration_seconds", "duration_ms"}
            events = []
            for kind, payload in run.rows("SELECT type, payload FROM events ORDER BY id"):
                data = json.loads(payload)
                if kind in ("session_start", "session_end"):
                    data = {key: value for key, value in data.items() if key not in wall_clock}
                events.append((kind, data))
            return events

        again = run_simulation(tmp_path, approver, seed=7)
        assert trace(again) == trace(approved_run)


class TestStopping:
    async def test_a_cancelled_run_withdraws_its_question_and_ends_interrupted(
        self, project_dir: Path
    ) -> None:
        options = SimulatorOptions(project_dir, speed=SPEED)
        lines: list[str] = []
        work = asyncio.create_task(simulate(options, policy=lambda point: None, say=lines.append))
        run = Run(project_dir, lines)
        while not any(line.startswith("escalating (low_confidence") for line in lines):
            await asyncio.sleep(0.01)
            assert not work.done()
        work.cancel()
        with pytest.raises(asyncio.CancelledError):
            await work
        assert run.rows("SELECT status, responded_by FROM injection_points ORDER BY id")[-1] == (
            "cancelled",
            "agent",
        )
        assert run.column("SELECT status FROM sessions") == ["interrupted"]

    def test_sigterm_stops_the_command_cleanly(self, project_dir: Path) -> None:
        env = {**os.environ, "ARCADIA_USER": "tester"}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arcadia_core",
                "simulate",
                "--project-dir",
                str(project_dir),
                "--speed",
                "4",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        run = Run(project_dir, [])
        try:
            deadline = time.monotonic() + 30
            while not _pending(run):
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=15)
        finally:
            process.kill()
        assert process.returncode == 0, err
        assert "stopped cleanly (SIGTERM)" in out
        assert run.rows("SELECT status, responded_by FROM injection_points") == [
            ("cancelled", "agent")
        ]
        assert run.column("SELECT status FROM sessions") == ["interrupted"]


def _pending(run: Run) -> bool:
    try:
        return bool(run.column("SELECT count(*) FROM injection_points WHERE status = 'pending'")[0])
    except sqlite3.OperationalError:
        return False  # the database or its tables are not there yet


def test_demo_policy_is_deterministic() -> None:
    point = InjectionPoint(
        "INJ-1-1",
        "2024-01-01T00:00:00+00:00",
        1,
        "approval",
        {},
        ["Approve", "Deny", "Request checkpoint first"],
        "Deny",
        600,
        "Deny",
        escalation_rule_id="irreversible_action",
        severity=5,
    )
    first, second = DemoPolicy(5), DemoPolicy(5)
    assert [first(point) for _ in range(20)] == [second(point) for _ in range(20)]
    low = InjectionPoint(
        "INJ-1-2", "2024-01-01T00:00:00+00:00", 1, "review", {}, ["a"], "a", 25, "a", severity=2
    )
    assert DemoPolicy(0)(low) is None


def test_a_speed_must_be_positive(project_dir: Path) -> None:
    from tests.cli_helpers import arcadia

    result = arcadia("simulate", "--project-dir", project_dir, "--speed", "0")
    assert result.returncode == 2
    assert "speed must be a positive number" in result.stderr
