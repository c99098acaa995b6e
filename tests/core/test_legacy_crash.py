"""A migration killed part-way leaves the database as it was; running it again completes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arcadia_core.db import Database, database_path
from arcadia_core.legacy import import_legacy
from tests.cli_helpers import arcadia
from tests.legacy_helpers import copy_sample, snapshot, write_escalation_log

LINES = 30_000
WAL_BYTES_BEFORE_KILL = 1_000_000


@pytest.mark.reliability
async def test_killed_migration_leaves_database_unchanged_then_rerun_completes(
    project_dir: Path,
) -> None:
    copy_sample(project_dir)
    database = await Database.open(project_dir)
    await import_legacy(database, project_dir)  # earlier rows the crash must not disturb
    await database.close()
    before = snapshot(project_dir)
    write_escalation_log(project_dir / ".escalation" / "escalations.jsonl", LINES)
    wal = database_path(project_dir).with_name("project.db-wal")

    process = subprocess.Popen(
        [sys.executable, "-m", "arcadia_tui.cli", "migrate", "--project-dir", str(project_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ARCADIA_USER": "tester"},
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > WAL_BYTES_BEFORE_KILL:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the migration finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert wal.stat().st_size > WAL_BYTES_BEFORE_KILL  # uncommitted rows were on disk

    with sqlite3.connect(database_path(project_dir)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert snapshot(project_dir) == before

    rerun = arcadia("migrate", "--json", "--project-dir", project_dir, timeout=120)
    assert rerun.returncode == 3, rerun.stderr  # the sample's bad records, still reported
    report = json.loads(rerun.stdout)
    assert report["by_source"][".escalation/escalations.jsonl"]["escalation_logs"] == {
        "imported": LINES,
        "present": 0,
        "rejected": 0,
    }
    after = snapshot(project_dir)
    assert len(after["escalation_logs"]) == len(before["escalation_logs"]) + LINES
    assert {table: rows for table, rows in after.items() if table != "escalation_logs"} == {
        table: rows for table, rows in before.items() if table != "escalation_logs"
    }
