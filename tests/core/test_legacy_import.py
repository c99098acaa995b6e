"""Legacy import: the report, the rows, idempotency, dry runs, `.human/` semantics, the CLI."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from arcadia_core.db import Database, database_path
from arcadia_core.errors import DatabaseError
from arcadia_core.legacy import import_legacy
from arcadia_core.legacy import parsers as legacy_parsers
from arcadia_core.legacy.progress import TerminalProgress
from arcadia_core.models import (
    AutonomyConfigModel,
    EscalationRuleModel,
    InjectionPointModel,
    SessionModel,
)
from tests.cli_helpers import arcadia
from tests.cli_inprocess import invoke
from tests.legacy_helpers import copy_sample, snapshot

NOW = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)

EXPECTED_REJECTIONS = [
    ".autonomy/decisions.jsonl:4: malformed JSON (column 57): Expecting value",
    ".autonomy/decisions.jsonl:7: duplicate record (same content) "
    "(first at .autonomy/decisions.jsonl:1)",
    ".autonomy/decisions.jsonl:8: truncated last line (no newline at end of file; "
    "column 65: Unterminated string starting at)",
    ".escalation/rules.json:46: missing required field 'name'",
    ".escalation/escalations.jsonl:2: invalid UTF-8 (byte 108 of the line)",
    ".risk/patterns.json:16: field 'input_pattern': invalid regular expression "
    "(missing ), unterminated subpattern at position 3)",
    ".risk/assessments.jsonl:3: field 'risk_level': 9 is out of range (1..5)",
    ".failure_reports/failure_report_4_20240105_120000.json:1: empty file",
    ".human/responses/INJ-9-9.json:1: no injection point 'INJ-9-9' to answer "
    "(no pending or completed file, and not in the database)",
    ".human/history.jsonl:9: missing required field 'point_id'",
    ".learning/interventions.jsonl:3: duplicate intervention_id 'INT-0002' "
    "(first at .learning/interventions.jsonl:2)",
    ".metrics/sessions.csv:4: field 'session_id': expected an integer, got 'x'",
]


def clock() -> datetime:
    return NOW


async def test_report_counts_and_every_rejection(db: Database, project_dir: Path) -> None:
    report = await import_legacy(db, copy_sample(project_dir), clock=clock)
    assert [str(rejection) for rejection in report.rejections] == EXPECTED_REJECTIONS
    tables = {table: counts.to_dict() for table, counts in report.by_table.items()}
    assert tables["autonomy_decisions"] == {"imported": 4, "present": 0, "rejected": 3}
    assert tables["injection_points"] == {"imported": 8, "present": 6, "rejected": 2}
    assert tables["sessions"] == {"imported": 4, "present": 1, "rejected": 1}
    assert report.by_source[".events.jsonl"]["sessions"].imported == 1  # placeholder for 6
    assert report.totals.to_dict() == {"imported": 39, "present": 7, "rejected": 12}
    assert report.exit_code == 3
    assert any(note.startswith(".metrics/tools.csv: not imported") for note in report.notes)
    assert ".memory/hot/old_session.jsonl: empty file, no records" in report.notes
    assert ".autonomy/notes.txt: not a legacy source file; left alone" in report.notes
    document = report.to_dict()
    assert document["rejections"][0] == {
        "path": ".autonomy/decisions.jsonl",
        "line": 4,
        "reason": "malformed JSON (column 57): Expecting value",
    }
    assert "39 records imported, 7 already present, 12 rejected." in report.format_text()


async def test_rows_land_in_their_tables(db: Database, project_dir: Path) -> None:
    await import_legacy(db, copy_sample(project_dir), clock=clock)
    async with db.read() as session:
        config = await session.get(AutonomyConfigModel, 1)
        points = {
            point.point_id: point
            for point in (await session.scalars(select(InjectionPointModel))).all()
        }
        rules = (await session.scalars(select(EscalationRuleModel))).all()
        sessions = (await session.scalars(select(SessionModel).order_by(SessionModel.id))).all()
    assert config is not None and config.level == 4
    assert config.action_levels == {"Bash": 4, "feature_mark": 5}
    assert {p: (x.status, x.response, x.responded_by) for p, x in points.items()} == {
        "INJ-5-1": ("pending", None, "pending"),
        "INJ-5-2": ("responded", "Option B", "human"),  # its response file, applied
        "INJ-4-1": ("responded", "Provide hints", "human"),
        "INJ-4-2": ("timeout", "Continue", "timeout_default"),
        "INJ-4-3": ("cancelled", None, "cancelled"),
        "INJ-3-1": ("responded", "Retry", "human"),  # only in history.jsonl
    }
    assert points["INJ-5-2"].responded_at == datetime(2024, 1, 5, 12, 2, tzinfo=UTC)
    assert points["INJ-5-1"].escalation_rule_id == "irreversible_action"
    assert {rule.rule_id: rule.is_custom for rule in rules} == {
        "slow_tests": True,
        "low_confidence": False,
    }
    assert rules[0].created_at == NOW
    assert [(s.id, s.status, s.total_cost) for s in sessions] == [
        (3, "completed", 0.48),
        (4, "completed", 0.52),
        (5, "unknown", 0.0),
        (6, "unknown", 0.0),
    ]
    rows = snapshot(project_dir)
    assert len(rows["events"]) == 3 and len(rows["warm_memory"]) == 2
    assert {
        len(rows[t])
        for t in (
            "hot_memory",
            "cold_memory",
            "cold_memory_knowledge",
            "warm_memory_issues",
            "warm_memory_patterns",
            "failure_reports",
            "intervention_patterns",
        )
    } == {1}


async def test_second_run_adds_nothing_and_says_so(db: Database, project_dir: Path) -> None:
    copy_sample(project_dir)
    await import_legacy(db, project_dir, clock=clock)
    before = snapshot(project_dir)
    again = await import_legacy(db, project_dir, clock=clock)
    assert snapshot(project_dir) == before
    assert again.totals.to_dict() == {"imported": 0, "present": 45, "rejected": 12}
    assert [str(r) for r in again.rejections] == EXPECTED_REJECTIONS
    assert again.summary() == (
        "Nothing new to import: 45 records already in the database, 12 rejected."
    )


async def test_a_failure_part_way_writes_nothing(
    db: Database, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_sample(project_dir)
    calls = 0
    real = legacy_parsers.parse_intervention

    def failing(record: object) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the machine fell over")
        return real(record)

    monkeypatch.setattr(legacy_parsers, "parse_intervention", failing)
    with pytest.raises(RuntimeError):
        await import_legacy(db, project_dir, clock=clock)
    assert all(rows == [] for rows in snapshot(project_dir).values())


async def test_response_file_answers_a_point_pending_in_the_database(
    db: Database, project_dir: Path
) -> None:
    copy_sample(project_dir)
    response = project_dir / ".human" / "responses" / "INJ-5-1.json"
    await import_legacy(db, project_dir, clock=clock)
    response.write_text(
        json.dumps(
            {
                "point_id": "INJ-5-1",
                "response": "Deny",
                "responded_by": "human",
                "timestamp": "2024-01-06T08:00:00+00:00",
            }
        )
    )
    report = await import_legacy(db, project_dir, clock=clock)
    assert report.by_source[".human/responses/INJ-5-1.json"]["injection_points"].imported == 1
    async with db.read() as session:
        point = await session.scalar(
            select(InjectionPointModel).where(InjectionPointModel.point_id == "INJ-5-1")
        )
    assert point is not None and (point.status, point.response) == ("responded", "Deny")
    third = await import_legacy(db, project_dir, clock=clock)
    assert third.by_source[".human/responses/INJ-5-1.json"]["injection_points"].present == 1
    response.write_text(json.dumps({"point_id": "INJ-5-1", "response": "Approve"}))
    conflict = await import_legacy(db, project_dir, clock=clock)
    assert any("already responded with answer 'Deny'" in str(r) for r in conflict.rejections)


async def test_dry_run_reports_the_same_and_leaves_the_file_alone(project_dir: Path) -> None:
    copy_sample(project_dir)
    database = await Database.open(project_dir)
    await import_legacy(database, project_dir, clock=clock)
    await database.close()
    path = database_path(project_dir)
    listing = sorted(p.name for p in path.parent.iterdir())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (project_dir / ".learning" / "interventions.jsonl").open("a").write(
        json.dumps(
            {
                "intervention_id": "INT-0003",
                "session_id": 5,
                "timestamp": "2024-01-05T11:00:00Z",
                "intervention_type": "override",
                "context_signature": {"tool": "Bash"},
            }
        )
        + "\n"
    )
    result = arcadia("migrate", "--dry-run", "--json", "--project-dir", project_dir)
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert report["totals"] == {"imported": 1, "present": 45, "rejected": 12}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in path.parent.iterdir()) == listing


def test_dry_run_creates_no_database(project_dir: Path) -> None:
    copy_sample(project_dir)
    result = arcadia("migrate", "--dry-run", "--project-dir", project_dir)
    assert result.returncode == 3
    assert "Dry run, nothing written" in result.stdout
    assert "39 records would be imported, 7 already present, 12 rejected." in result.stdout
    assert not (project_dir / ".arcadia").exists()


def test_cli_exit_codes_and_quiet_stderr(project_dir: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    (clean / ".autonomy").mkdir(parents=True)
    shutil.copy(copy_sample(project_dir) / ".autonomy" / "config.json", clean / ".autonomy")
    first = arcadia("migrate", "--project-dir", clean)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # no progress when stderr is not a terminal
    second = arcadia("migrate", "--project-dir", clean)
    assert second.returncode == 0
    assert "Nothing new to import: 1 record already in the database." in second.stdout
    broken = tmp_path / "broken"
    shutil.copytree(clean / ".autonomy", broken / ".autonomy")
    database_path(broken).parent.mkdir()
    database_path(broken).write_text("not a database")
    failed = arcadia("migrate", "--project-dir", broken)
    assert failed.returncode == 1 and failed.stderr.startswith("arcadia: error:")
    assert failed.stderr.count("\n") == 1


def test_help_documents_the_exit_codes() -> None:
    text = invoke("migrate", "--help").stdout
    assert "exit status:" in text
    assert "3  imported, but some records were rejected" in text
    assert "--force" in invoke("export-legacy", "--help").stdout


def test_no_sources_is_said_and_creates_nothing(project_dir: Path) -> None:
    result = arcadia("migrate", "--project-dir", project_dir)
    assert result.returncode == 0
    assert "nothing to migrate" in result.stdout
    assert not (project_dir / ".arcadia").exists()


async def test_progress_counts_each_source_on_a_terminal(db: Database, project_dir: Path) -> None:
    stream = io.StringIO()
    await import_legacy(db, copy_sample(project_dir), progress=TerminalProgress(stream))
    output = stream.getvalue()
    assert "\r\x1b[K.autonomy/decisions.jsonl: 7 records (" in output
    assert "lines/s)" in output and ".human/completed/: 3 records" in output


async def test_database_errors_become_one_clear_error(project_dir: Path) -> None:
    copy_sample(project_dir)
    database = await Database.open(project_dir)
    await database.close()
    path = database_path(project_dir)
    with sqlite3.connect(path) as connection:  # a table the import cannot write into
        connection.execute("DROP TABLE escalation_logs")
        connection.execute("CREATE TABLE escalation_logs (id INTEGER PRIMARY KEY)")
    database = await Database.open(project_dir)
    try:
        with pytest.raises(DatabaseError, match="database left unchanged"):
            await import_legacy(database, project_dir, clock=clock)
    finally:
        await database.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM autonomy_decisions").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM autonomy_config").fetchone() == (0,)
