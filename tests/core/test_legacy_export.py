"""Export back to dot-directories: the round trip reproduces the rows; OUTDIR is protected."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.legacy import import_legacy
from arcadia_core.legacy.exporter import export_legacy
from arcadia_core.models import EscalationRuleModel, InjectionPointModel
from tests.cli_helpers import arcadia
from tests.legacy_helpers import LEGACY_TABLES, copy_sample, snapshot


def clock() -> datetime:
    return datetime(2024, 2, 1, 12, 0, tzinfo=UTC)


async def test_migrate_export_migrate_gives_identical_rows(
    db: Database, project_dir: Path, tmp_path: Path
) -> None:
    await import_legacy(db, copy_sample(project_dir), clock=clock)
    async with db.transaction() as session:  # states the legacy files alone cannot express
        await session.execute(
            InjectionPointModel.__table__.update()
            .where(InjectionPointModel.point_id == "INJ-4-2")
            .values(responded_by="cli:ann")
        )
        await session.execute(
            EscalationRuleModel.__table__.update()
            .where(EscalationRuleModel.rule_id == "slow_tests")
            .values(is_enabled=False)
        )
    original = snapshot(project_dir)
    assert all(original[table] for table in LEGACY_TABLES)

    out = tmp_path / "export"
    written = await export_legacy(db, out)
    assert written[".autonomy/decisions.jsonl"] == 4
    assert (out / ".human" / "pending" / "INJ-5-1.json").exists()
    assert (out / ".human" / "completed" / "INJ-5-2.json").exists()
    rules = json.loads((out / ".escalation" / "rules.json").read_text())
    assert isinstance(rules, list) and {rule["rule_id"] for rule in rules} == {
        "slow_tests",
        "low_confidence",
    }

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    database = await Database.open(fresh)
    try:
        report = await import_legacy(database, out)
        assert report.totals.rejected == 0, report.rejections
        again = await export_legacy(database, tmp_path / "again")
    finally:
        await database.close()
    assert snapshot(fresh) == original
    assert again == written

    back = await import_legacy(db, out)  # the export, into the database it came from
    assert back.totals.imported == 0 and back.totals.rejected == 0


async def test_export_refuses_a_non_empty_directory(
    db: Database, project_dir: Path, tmp_path: Path
) -> None:
    await import_legacy(db, copy_sample(project_dir), clock=clock)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    refused = arcadia("export-legacy", "--project-dir", project_dir, "--out", out)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    forced = arcadia("export-legacy", "--project-dir", project_dir, "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Exported 48 records to" in forced.stdout
    assert len((out / ".memory" / "warm_memory.jsonl").read_text().splitlines()) == 2
    assert (out / "keep.txt").read_text() == "mine"


def test_export_without_a_database_is_one_line_error(project_dir: Path, tmp_path: Path) -> None:
    result = arcadia("export-legacy", "--project-dir", project_dir, "--out", tmp_path / "o")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert not (project_dir / ".arcadia").exists()
