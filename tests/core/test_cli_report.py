"""`arcadia report {failures,risk,metrics}` run as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from arcadia_core.db import Database
from arcadia_core.managers.failure.manager import FailureAnalyzer
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.risk.manager import RiskClassifier
from tests.cli_helpers import arcadia


@pytest.fixture
async def seeded(project_dir: Path) -> Path:
    """Two sessions of events, a failure report for session 1 and four risk assessments."""
    db = await Database.open(project_dir)
    try:
        obs = Observability(db)
        first = await obs.start_session_async()
        await obs.log_tool_call_async("Bash", {"command": "pytest"})
        await obs.log_tool_result_async(
            "Bash", False, is_error=True, error_message="Permission denied: /etc"
        )
        await obs.log_escalation_async("low_confidence", "warning", "unsure \x1b[31mred")
        await obs.end_session_async(status="error")
        await obs.start_session_async()
        await obs.log_tool_call_async("Read", {"file_path": "a.py"})
        await obs.log_tool_result_async("Read", True, duration_ms=5)
        await obs.end_session_async()
        await FailureAnalyzer(db).analyze_session_async(first)
        risk = RiskClassifier(db, session_id=first)
        for command in ("ls", "git push", "rm -rf build | tee log"):
            await risk.assess_async("Bash", {"command": command})
        risk.update_session_id(2)
        await risk.assess_async("Write", {"file_path": ".env"})
    finally:
        await db.close()
    return project_dir


def test_failures_list_and_one_session(seeded: Path) -> None:
    listing = arcadia("report", "failures", "--project-dir", seeded)
    assert listing.returncode == 0, listing.stderr
    assert "tool_error" in listing.stdout and "Permission denied" in listing.stdout
    shown = arcadia(
        "report", "failures", "--session", "1", "--format", "json", "--project-dir", seeded
    )
    report = json.loads(shown.stdout)
    assert report["failure_type"] == "tool_error" and report["likely_cause"] == "Permission denied"
    assert [entry["type"] for entry in report["failure_timeline"]] == [
        "tool_error",
        "escalation_triggered",
    ]
    markdown = arcadia(
        "report",
        "failures",
        "--session",
        "2",
        "--analyze",
        "--format",
        "md",
        "--project-dir",
        seeded,
    )
    assert markdown.returncode == 0 and markdown.stdout.startswith("# Failure report: session 2")
    text = arcadia("report", "failures", "--session", "1", "--project-dir", seeded)
    assert "FAILURE REPORT - Session #1" in text.stdout
    assert "\x1b" not in text.stdout  # agent text cannot drive the terminal


def test_missing_report_is_a_one_line_error(seeded: Path) -> None:
    result = arcadia("report", "failures", "--session", "2", "--project-dir", seeded)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "arcadia: error: no failure report for session 2 (add --analyze to create one)"
    ]


def test_risk_filters_and_csv_output_file(seeded: Path, tmp_path: Path) -> None:
    text = arcadia("report", "risk", "--min-level", "HIGH", "--project-dir", seeded)
    assert text.returncode == 0, text.stderr
    assert "4 assessments" in text.stdout and "Showing 3 of 3 matching" in text.stdout
    approvals = arcadia(
        "report",
        "risk",
        "--session",
        "1",
        "--approval",
        "--format",
        "json",
        "--project-dir",
        seeded,
    )
    data = json.loads(approvals.stdout)
    assert data["total"] == 2
    assert [a["input_summary"] for a in data["assessments"]] == [
        "command=rm -rf build | tee log",
        "command=git push",
    ]
    target = tmp_path / "risk.csv"
    written = arcadia(
        "report", "risk", "--format", "csv", "--output", target, "--project-dir", seeded
    )
    assert written.returncode == 0 and written.stdout == ""
    rows = list(csv.DictReader(target.open()))
    assert [row["tool"] for row in rows] == ["Write", "Bash", "Bash", "Bash"]
    assert rows[1]["concerns"] == "Recursive file deletion; Force file deletion"
    assert list(tmp_path.glob(".risk.csv.*")) == []


def test_metrics_formats(seeded: Path, tmp_path: Path) -> None:
    dashboard = arcadia("report", "metrics", "--project-dir", seeded)
    assert dashboard.returncode == 0 and "METRICS DASHBOARD" in dashboard.stdout
    data = json.loads(
        arcadia("report", "metrics", "--format", "json", "--project-dir", seeded).stdout
    )
    assert data["sessions_total"] == 2 and data["escalations"] == 1
    assert data["quality_metrics"]["escalation_rate"] == 0.5
    one = arcadia("report", "metrics", "--session", "2", "--format", "csv", "--project-dir", seeded)
    rows = list(csv.DictReader(io.StringIO(one.stdout)))
    assert [row["session_id"] for row in rows] == ["2"] and rows[0]["tool_calls_successful"] == "1"
    target = tmp_path / "metrics.md"
    assert (
        arcadia(
            "report", "metrics", "--format", "md", "--output", target, "--project-dir", seeded
        ).returncode
        == 0
    )
    assert target.read_text().startswith("# Run metrics")


def test_output_refuses_a_directory_and_bad_arguments(seeded: Path, tmp_path: Path) -> None:
    result = arcadia("report", "metrics", "--output", tmp_path, "--project-dir", seeded)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"arcadia: error: {tmp_path} is a directory; give a file name to write"
    )
    bad = arcadia("report", "risk", "--format", "xml", "--project-dir", seeded)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    missing = arcadia("report", "metrics", "--project-dir", tmp_path / "nowhere")
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
