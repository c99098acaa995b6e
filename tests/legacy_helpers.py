"""Shared by the legacy import/export tests: the sample dot-directories and row snapshots."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from arcadia_core.db import database_path

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
    """Every row of the legacy tables, without surrogate ids, sorted (read with sqlite3)."""
    connection = sqlite3.connect(database_path(project_dir))
    try:
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table in LEGACY_TABLES:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            rows = [
                tuple(value for name, value in zip(names, row, strict=True)
                      if name != "id" or table in KEEP_ID)
                for row in cursor
            ]
            tables[table] = sorted(rows, key=repr)
        return tables
    finally:
        connection.close()
