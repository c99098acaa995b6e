"""Write a project database back out as ArcadiaForge's dot-directories (the rollback path).

Each record has its ArcadiaForge `to_dict` keys plus the database-only columns
(`session_id`, `status`, `is_enabled`, `created_at`, ...) as extra keys, so `import_legacy`
of the exported directory into an empty database reproduces the same rows. Logs are streamed
from one read snapshot, so memory stays bounded and the export is consistent.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, inspect, select

import arcadia_core.models  # noqa: F401  (registers every table)
from arcadia_core.db import Database, metadata
from arcadia_core.db.types import iso_text
from arcadia_core.legacy.discover import EVENTS_FILE
from arcadia_core.managers import RiskLevel
from arcadia_core.vocabulary import PointStatus

_RISK_NAMES = {level.value: level.name for level in RiskLevel}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
MEMORY_TABLES = (
    "hot_memory",
    "warm_memory",
    "warm_memory_issues",
    "warm_memory_patterns",
    "cold_memory",
    "cold_memory_knowledge",
)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: iso_text(value) if isinstance(value, datetime) else value for key, value in row.items()
    }


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(_plain(record), ensure_ascii=False)


def _decision(row: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "action",
        "tool",
        "allowed",
        "required_level",
        "current_level",
        "effective_level",
        "reason",
        "alternatives",
        "requires_approval",
        "requires_checkpoint",
        "timestamp",
        "confidence",
        "session_id",
    )
    return {key: row[key] for key in keys}


def _escalation_log(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("timestamp", "rule_id", "severity", "message", "context_summary", "session_id")
    return {key: row[key] for key in keys}


def _assessment(row: dict[str, Any]) -> dict[str, Any]:
    record = {key: value for key, value in row.items() if key != "id"}
    record["risk_level_name"] = _RISK_NAMES.get(row["risk_level"], str(row["risk_level"]))
    record["estimated_time_seconds"] = None
    record["estimated_token_cost"] = None
    return record


def _event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": str(row["id"]),
        "timestamp": row["timestamp"],
        "event_type": row["type"],
        "session_id": row["session_id"],
        "data": row["payload"],
        "source": row["source"],
    }


def _without_id(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "id"}


class _Export:
    """One export run on a read snapshot."""

    def __init__(self, connection: Connection, out: Path) -> None:
        self.connection = connection
        self.out = out
        self.written: dict[str, int] = {}
        self.tables = set(inspect(connection).get_table_names())

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        if name not in self.tables:
            return
        table: Table = metadata.tables[name]
        result = self.connection.execution_options(stream_results=True, yield_per=2000).execute(
            select(table).order_by(*table.primary_key.columns)
        )
        for partition in result.partitions():
            for values in partition:
                yield dict(values._mapping)

    def path(self, relpath: str) -> Path:
        target = self.out / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def jsonl(
        self, relpath: str, table: str, shape: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        count = 0
        handle = None
        try:
            for row in self.rows(table):
                if handle is None:
                    handle = self.path(relpath).open("w", encoding="utf-8")
                handle.write(_dump(shape(row)) + "\n")
                count += 1
        finally:
            if handle is not None:
                handle.close()
        if count:
            self.written[relpath] = count

    def json_file(self, relpath: str, document: Any, count: int) -> None:
        with self.path(relpath).open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        self.written[relpath] = self.written.get(relpath, 0) + count

    def single(self, relpath: str, table: str) -> None:
        for row in self.rows(table):
            self.json_file(relpath, _plain(_without_id(row)), 1)

    def collection(self, relpath: str, table: str) -> None:
        records = [_plain(_without_id(row)) for row in self.rows(table)]
        if records:
            self.json_file(relpath, records, len(records))

    def failure_reports(self) -> None:
        for row in self.rows("failure_reports"):
            stamp = row["generated_at"].strftime("%Y%m%d_%H%M%S")
            record = _without_id(row)
            record["relevant_kb_entries"] = []
            name = f".failure_reports/failure_report_{row['session_id']}_{stamp}_{row['id']}.json"
            self.json_file(name, _plain(record), 1)

    def injection_points(self) -> None:
        history: list[str] = []
        for row in self.rows("injection_points"):
            record = _plain(_without_id(row))
            folder = "pending" if row["status"] == PointStatus.PENDING else "completed"
            name = _UNSAFE_NAME.sub("_", row["point_id"])
            self.json_file(f".human/{folder}/{name}.json", record, 1)
            entry = {
                key: record[key]
                for key in ("point_id", "timestamp", "point_type", "session_id", "recommendation")
            }
            history.append(_dump({**entry, "completed": False}))
            if row["status"] != PointStatus.PENDING:
                completion = {
                    key: record[key] for key in ("response", "responded_by", "responded_at")
                }
                history.append(_dump({**entry, "completed": True, **completion}))
        if history:
            with self.path(".human/history.jsonl").open("w", encoding="utf-8") as handle:
                handle.write("\n".join(history) + "\n")
            self.written[".human/history.jsonl"] = len(history)

    def sessions(self) -> None:
        columns = [
            "session_id",
            "started_at",
            "ended_at",
            "duration_seconds",
            "estimated_cost_usd",
            "status",
            "session_uuid",
        ]
        count = 0
        handle = None
        try:
            for row in self.rows("sessions"):
                if handle is None:
                    handle = self.path(".metrics/sessions.csv").open(
                        "w", encoding="utf-8", newline=""
                    )
                    writer = csv.writer(handle)
                    writer.writerow(columns)
                end = row["end_time"]
                duration = "" if end is None else (end - row["start_time"]).total_seconds()
                writer.writerow(
                    [
                        row["id"],
                        iso_text(row["start_time"]),
                        iso_text(end) or "",
                        duration,
                        repr(row["total_cost"]),
                        row["status"],
                        row["session_uuid"],
                    ]
                )
                count += 1
        finally:
            if handle is not None:
                handle.close()
        if count:
            self.written[".metrics/sessions.csv"] = count

    def run(self) -> dict[str, int]:
        self.single(".autonomy/config.json", "autonomy_config")
        self.single(".autonomy/metrics.json", "autonomy_metrics")
        self.jsonl(".autonomy/decisions.jsonl", "autonomy_decisions", _decision)
        self.collection(".escalation/rules.json", "escalation_rules")
        self.jsonl(".escalation/escalations.jsonl", "escalation_logs", _escalation_log)
        self.collection(".risk/patterns.json", "risk_patterns")
        self.jsonl(".risk/assessments.jsonl", "risk_assessments", _assessment)
        self.failure_reports()
        self.injection_points()
        self.jsonl(".learning/interventions.jsonl", "interventions", _without_id)
        self.collection(".learning/patterns.json", "intervention_patterns")
        self.sessions()
        self.jsonl(EVENTS_FILE, "events", _event)
        for table in MEMORY_TABLES:
            self.jsonl(f".memory/{table}.jsonl", table, _without_id)
        return self.written


async def export_legacy(db: Database, out_dir: Path | str) -> dict[str, int]:
    """Write `db` as dot-directories under `out_dir`; return records written per file."""
    out = Path(out_dir).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    async with db.read() as session:
        connection = await session.connection()
        return await connection.run_sync(lambda sync: _Export(sync, out).run())
