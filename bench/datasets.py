"""Project databases and JSONL files of a given size, generated fast and cached between runs.

Databases are created at the current schema by `Database.open` (so they have exactly the
indexes a real project has), then bulk-loaded with SQLAlchemy Core `executemany` in ONE
transaction per database, through lightweight `table()` constructs whose columns carry no
types: the values are already in their stored form (JSON text, UTC timestamp text, 0/1), so
no per-value Python conversion runs. No `ANALYZE` is run: a real project has no statistics.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import itertools
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from bench import records

VERSION = 1
"""Bump when the generated content changes, so stale caches are rebuilt."""
CHUNK = 20_000


def stored_time(iso: str | None) -> str | None:
    """An ISO timestamp with +00:00 as SQLAlchemy stores it on SQLite (naive UTC, microseconds)."""
    if iso is None:
        return None
    text = iso.removesuffix("+00:00").replace("T", " ")
    return text if "." in text else text + ".000000"


def _escalation_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "timestamp": stored_time(r["timestamp"]),
        "session_id": r["session_id"],
        "rule_id": r["rule_id"],
        "severity": r["severity"],
        "message": r["message"],
        "context_summary": json.dumps(r["context_summary"]),
    }


def _assessment_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "timestamp": stored_time(r["timestamp"]),
        "session_id": r["session_id"],
        "action": r["action"],
        "tool": r["tool"],
        "input_summary": r["input_summary"],
        "risk_level": r["risk_level"],
        "is_reversible": int(r["is_reversible"]),
        "affects_source_of_truth": int(r["affects_source_of_truth"]),
        "has_external_side_effects": int(r["has_external_side_effects"]),
        "concerns": json.dumps(r["concerns"]),
        "requires_approval": int(r["requires_approval"]),
        "requires_checkpoint": int(r["requires_checkpoint"]),
        "requires_review": int(r["requires_review"]),
        "suggested_mitigation": r["suggested_mitigation"],
    }


def _point_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "point_id": r["point_id"],
        "timestamp": stored_time(r["timestamp"]),
        "session_id": r["session_id"],
        "point_type": r["point_type"],
        "context": json.dumps(r["context"]),
        "options": json.dumps(r["options"]),
        "recommendation": r["recommendation"],
        "timeout_seconds": r["timeout_seconds"],
        "default_on_timeout": r["default_on_timeout"],
        "response": r["response"],
        "responded_at": stored_time(r["responded_at"]),
        "responded_by": r["responded_by"],
        "status": r["status"],
        "escalation_rule_id": r["escalation_rule_id"],
        "message": r["message"],
        "severity": r["severity"],
    }


def _decision_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "timestamp": stored_time(r["timestamp"]),
        "session_id": r["session_id"],
        "action": r["action"],
        "tool": r["tool"],
        "allowed": int(r["allowed"]),
        "required_level": r["required_level"],
        "current_level": r["current_level"],
        "effective_level": r["effective_level"],
        "reason": r["reason"],
        "alternatives": json.dumps(r["alternatives"]),
        "requires_approval": int(r["requires_approval"]),
        "requires_checkpoint": int(r["requires_checkpoint"]),
        "confidence": r["confidence"],
    }


def _event_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_id": r["session_id"],
        "timestamp": stored_time(r["timestamp"]),
        "type": r["type"],
        "source": r["source"],
        "payload": json.dumps(r["data"]),
    }


@functools.cache
def _tables() -> dict[str, Any]:
    """Untyped Core tables for the bulk loads (SQLAlchemy is imported only when loading)."""
    from sqlalchemy import column, table

    _SESSIONS = table(
        "sessions",
        column("id"),
        column("session_uuid"),
        column("start_time"),
        column("end_time"),
        column("status"),
        column("total_cost"),
    )
    _ESCALATIONS = table(
        "escalation_logs",
        column("timestamp"),
        column("session_id"),
        column("rule_id"),
        column("severity"),
        column("message"),
        column("context_summary"),
    )
    _ASSESSMENTS = table(
        "risk_assessments",
        column("timestamp"),
        column("session_id"),
        column("action"),
        column("tool"),
        column("input_summary"),
        column("risk_level"),
        column("is_reversible"),
        column("affects_source_of_truth"),
        column("has_external_side_effects"),
        column("concerns"),
        column("requires_approval"),
        column("requires_checkpoint"),
        column("requires_review"),
        column("suggested_mitigation"),
    )
    _POINTS = table(
        "injection_points",
        column("point_id"),
        column("timestamp"),
        column("session_id"),
        column("point_type"),
        column("context"),
        column("options"),
        column("recommendation"),
        column("timeout_seconds"),
        column("default_on_timeout"),
        column("response"),
        column("responded_at"),
        column("responded_by"),
        column("status"),
        column("escalation_rule_id"),
        column("message"),
        column("severity"),
    )
    _DECISIONS = table(
        "autonomy_decisions",
        column("timestamp"),
        column("session_id"),
        column("action"),
        column("tool"),
        column("allowed"),
        column("required_level"),
        column("current_level"),
        column("effective_level"),
        column("reason"),
        column("alternatives"),
        column("requires_approval"),
        column("requires_checkpoint"),
        column("confidence"),
    )
    _EVENTS = table(
        "events",
        column("session_id"),
        column("timestamp"),
        column("type"),
        column("source"),
        column("payload"),
    )
    return {
        "sessions": _SESSIONS,
        "escalation_logs": _ESCALATIONS,
        "risk_assessments": _ASSESSMENTS,
        "injection_points": _POINTS,
        "autonomy_decisions": _DECISIONS,
        "events": _EVENTS,
    }


# table name -> (record generator, record -> row)
LOADERS: dict[str, tuple[Callable[[int], Iterator[dict[str, Any]]], Callable[..., Any]]] = {
    "escalation_logs": (records.escalations, _escalation_row),
    "risk_assessments": (records.assessments, _assessment_row),
    "injection_points": (records.points, _point_row),
    "autonomy_decisions": (records.decisions, _decision_row),
    "events": (records.events, _event_row),
}


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# Alembic's migration context is process-global: one schema creation at a time per process.
_CREATING = threading.Lock()


@contextlib.contextmanager
def cache_lock(cache_dir: Path, name: str) -> Iterator[None]:
    """Hold an exclusive lock on one cache entry (runs side by side, or in parallel threads)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / f".{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def create_project(project_dir: Path) -> Path:
    """An empty project database at the current schema; returns its file."""
    from arcadia_core.db import Database, database_path

    async def create() -> None:
        database = await Database.open(project_dir)
        await database.close()

    with _CREATING:
        asyncio.run(create())
    return database_path(project_dir)


def _fill(path: Path, spec: dict[str, int]) -> None:
    from sqlalchemy import create_engine, insert

    tables = _tables()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA synchronous = OFF")
            connection.execute(
                insert(tables["sessions"]),
                [
                    {
                        "id": sid,
                        "session_uuid": f"00000000-0000-4000-8000-{sid:012d}",
                        "start_time": stored_time(records.timestamp(sid * 1000).isoformat()),
                        "end_time": None
                        if sid == records.SESSIONS
                        else stored_time(records.timestamp(sid * 1000 + 999).isoformat()),
                        "status": "running" if sid == records.SESSIONS else "completed",
                        "total_cost": 0.25,
                    }
                    for sid in range(1, records.SESSIONS + 1)
                ],
            )
            for name, total in spec.items():
                generate, to_row = LOADERS[name]
                for chunk in _chunks(map(to_row, generate(total)), CHUNK):
                    connection.execute(insert(tables[name]), chunk)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def project_db(cache_dir: Path, spec: dict[str, int], *, log: bool = True) -> Path:
    """A cached project directory whose database holds `spec[table]` generated rows per table."""
    key = "-".join(f"{name}{total}" for name, total in sorted(spec.items())) or "empty"
    project_dir = cache_dir / f"db-v{VERSION}-{key}"
    with cache_lock(cache_dir, project_dir.name):
        _build_project_db(project_dir, spec, log)
    return project_dir


def _build_project_db(project_dir: Path, spec: dict[str, int], log: bool) -> None:
    marker = project_dir / "complete"
    if marker.exists():
        return
    shutil.rmtree(project_dir, ignore_errors=True)
    project_dir.mkdir(parents=True)
    started = time.perf_counter()
    path = create_project(project_dir)
    _fill(path, spec)
    marker.write_text("ok\n")
    if log:
        rows = sum(spec.values())
        print(
            f"  (generated {rows:,} rows into {path} in {time.perf_counter() - started:.1f} s;"
            " cached for later runs)",
            flush=True,
        )


def write_jsonl(path: Path, lines: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON lines; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for chunk in _chunks(lines, CHUNK):
            handle.write("".join(json.dumps(record) + "\n" for record in chunk))
            count += len(chunk)
    return count


def jsonl_file(cache_dir: Path, kind: str, total: int) -> Path:
    """A cached JSONL file of `total` generated `kind` records (a `records` generator name)."""
    path = cache_dir / f"jsonl-v{VERSION}" / f"{kind}-{total}.jsonl"
    with cache_lock(cache_dir, path.name):
        if not path.exists():
            partial = path.with_suffix(".partial")
            write_jsonl(partial, getattr(records, kind)(total))
            partial.rename(path)
    return path
