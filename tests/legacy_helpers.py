"""Shared by the legacy import/export tests: the sample dot-directories and row snapshots."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

import arcadia_core.models  # noqa: F401
from arcadia_core.db import database_path, metadata

SAMPLE = Path(__file__).parent / "data" / "legacy" / "project"

# The tables a legacy import writes; `sessions` keeps its id (it is the session number).
LEGACY_TABLES = (
    "autonomy_config",
    "autonomy_metrics",
    "autonomy_decisions",
    "escalation_rules",
    "escalation_logs",
    "risk_patterns",
    "risk_assessments",
    "failure_reports",
    "injection_points",
    "interventions",
    "intervention_patterns",
    "sessions",
    "events",
    "hot_memory",
    "warm_memory",
    "warm_memory_issues",
    "warm_memory_patterns",
    "cold_memory",
    "cold_memory_knowledge",
)
KEEP_ID = {"sessions", "autonomy_config", "autonomy_metrics"}


def copy_sample(project_dir: Path) -> Path:
    """Copy the sample dot-directories into `project_dir` and return it."""
    shutil.copytree(SAMPLE, project_dir, dirs_exist_ok=True)
    return project_dir


def snapshot(project_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the legacy tables as typed values, without surrogate ids, sorted.

    Typed (datetimes, JSON) rather than raw text, so a server-default timestamp stored as
    `HH:MM:SS` equals the same instant written back as `HH:MM:SS.000000`.
    """
    engine = create_engine(f"sqlite:///file:{database_path(project_dir)}?mode=ro&uri=true")
    try:
        with engine.connect() as connection:
            tables: dict[str, list[tuple[Any, ...]]] = {}
            for name in LEGACY_TABLES:
                table = metadata.tables[name]
                columns = [c for c in table.columns if c.name != "id" or name in KEEP_ID]
                rows = connection.execute(select(*columns)).all()
                tables[name] = sorted((tuple(row) for row in rows), key=repr)
            return tables
    finally:
        engine.dispose()


def write_escalation_log(path: Path, lines: int) -> None:
    """Write `lines` distinct escalation records (JSONL) to `path`."""
    start = datetime(2024, 2, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(lines):
            record = {
                "timestamp": (start + timedelta(seconds=number, microseconds=number)).isoformat(),
                "rule_id": "multiple_failures",
                "severity": 4,
                "message": f"Agent has failed {number % 9 + 3} times on feature #{number}",
                "context_summary": {"feature_index": number, "consecutive_failures": 3},
            }
            handle.write(json.dumps(record) + "\n")
