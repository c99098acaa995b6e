"""4. Write throughput: decisions, assessments and escalations logged per second by one agent
process, one transaction each, against appending the same records to the old JSONL files.

Database side, per kind, on a fresh project database in a child process: the manager call an
agent makes (`AutonomyManager.check_action_async`, `RiskClassifier.assess_async`,
`EscalationEngine.evaluate_async` with a context that fires one rule), each one short
transaction; and, to separate storage from the managers' own work, a bare ORM insert of the
same row in its own transaction. File side: what ArcadiaForge did per record, `open(path, "a")`,
`write(json.dumps(record) + "\\n")`, close. Neither side calls fsync (SQLite runs WAL with
`synchronous=NORMAL`, which syncs at checkpoints, not at every commit).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench import records
from bench.common import Child, Result, RunConfig, Skipped, emit, print_table, rate, ratio

NAME = "writes"
TITLE = "Write throughput (one transaction per record vs appending JSONL lines)"
KINDS = ("decisions", "assessments", "escalations")
WARMUP = 20


async def _manager_call(kind: str, db: Any) -> Any:
    """A coroutine function making one logging call of `kind` (raises Skipped if unavailable)."""
    if kind == "assessments":
        from arcadia_core.managers.risk.manager import RiskClassifier

        classifier = RiskClassifier(db, session_id=1)
        inputs = [{"command": c} for c in ("npm test", "rm -rf build", "git push --force")]
        return lambda i: classifier.assess_async("Bash", inputs[i % len(inputs)])
    if kind == "decisions":
        try:
            from arcadia_core.managers.autonomy.manager import AutonomyManager
        except ImportError as error:
            raise Skipped(f"AutonomyManager not available: {error}") from None
        manager = AutonomyManager(db, session_id=1)
        await manager.init_async()
        tools = ("Read", "Edit", "Bash")
        return lambda i: manager.check_action_async(tools[i % 3], {"file_path": "src/app.py"}, 0.8)
    try:
        from arcadia_core.managers.escalation.manager import EscalationEngine
    except ImportError as error:
        raise Skipped(f"EscalationEngine not available: {error}") from None
    engine = EscalationEngine(db, session_id=1)
    return lambda i: engine.evaluate_async({"confidence": 0.4, "feature_index": i % 100})


def _bare_row(kind: str, record: dict[str, Any]) -> Any:
    from arcadia_core.clock import utc_now
    from arcadia_core.models import AutonomyDecisionModel, EscalationLogModel, RiskAssessmentModel

    values = dict(record, timestamp=utc_now())
    if kind == "decisions":
        return AutonomyDecisionModel(**values)
    if kind == "escalations":
        return EscalationLogModel(**values)
    values.pop("risk_level_name")
    values.pop("estimated_time_seconds")
    values.pop("estimated_token_cost")
    return RiskAssessmentModel(**values)


async def db_writer(work_dir: str, count: int) -> None:
    """For each kind, on a fresh database: time `count` manager calls and `count` bare inserts."""
    for kind in KINDS:
        await _db_writes(Path(work_dir) / f"writes-{kind}", kind, count)


async def _db_writes(project_dir: Path, kind: str, count: int) -> None:
    from arcadia_core.db import Database

    samples = list(getattr(records, kind)(64))
    db = await Database.open(project_dir)
    try:
        figures: dict[str, Any] = {}
        try:
            call = await _manager_call(kind, db)
        except Skipped as reason:
            figures["skipped"] = str(reason)
        else:
            for index in range(WARMUP):
                await call(index)
            started = time.perf_counter()
            for index in range(count):
                await call(index)
            figures["manager"] = count / (time.perf_counter() - started)
        for index in range(WARMUP):
            async with db.transaction() as session:
                session.add(_bare_row(kind, samples[index % len(samples)]))
        started = time.perf_counter()
        for index in range(count):
            async with db.transaction() as session:
                session.add(_bare_row(kind, samples[index % len(samples)]))
        figures["bare"] = count / (time.perf_counter() - started)
        emit(kind=kind, **figures)
    finally:
        await db.close()


def jsonl_writer(work_dir: str, count: int) -> None:
    """For each kind, time `count` appends of one JSON line each, as ArcadiaForge's loggers did."""
    for kind in KINDS:
        _jsonl_writes(Path(work_dir) / f"writes-{kind}.jsonl", kind, count)


def _jsonl_writes(path: Path, kind: str, count: int) -> None:
    samples = list(getattr(records, kind)(64))
    target = path
    target.parent.mkdir(parents=True, exist_ok=True)
    for index in range(WARMUP):
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(samples[index % len(samples)]) + "\n")
    started = time.perf_counter()
    for index in range(count):
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(samples[index % len(samples)]) + "\n")
    emit(kind=kind, jsonl=count / (time.perf_counter() - started))


def run(config: RunConfig) -> Result:
    result = Result(NAME, TITLE)
    count = config.pick(2000, 20)
    table = []
    db_child = Child("bench.write_throughput:db_writer", work_dir=str(config.work_dir), count=count)
    by_kind = {message["kind"]: message for message in db_child.messages()}
    db_child.wait()
    file_child = Child(
        "bench.write_throughput:jsonl_writer",
        work_dir=str(config.work_dir),
        count=config.pick(20_000, 20),
    )
    jsonl_by_kind = {message["kind"]: message["jsonl"] for message in file_child.messages()}
    file_child.wait()
    for kind in KINDS:
        db_figures, jsonl = by_kind[kind], jsonl_by_kind[kind]
        manager = db_figures.get("manager")
        table.append(
            [
                kind,
                rate(manager, "calls") if manager else f"skipped ({db_figures.get('skipped')})",
                rate(db_figures["bare"], "rows"),
                rate(jsonl, "lines"),
                ratio(manager, jsonl) if manager else "-",
                ratio(db_figures["bare"], jsonl),
            ]
        )
        if manager:
            result.add(
                f"{kind}: manager call, 1 txn each",
                rate(manager, "calls"),
                rate(jsonl, "lines"),
                ratio(manager, jsonl),
            )
        result.add(
            f"{kind}: bare insert, 1 txn each",
            rate(db_figures["bare"], "rows"),
            rate(jsonl, "lines"),
            ratio(db_figures["bare"], jsonl),
        )
    print_table(
        [
            "records",
            "DB: manager call",
            "DB: bare insert",
            "JSONL append",
            "manager/JSONL",
            "insert/JSONL",
        ],
        table,
    )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench writes")
