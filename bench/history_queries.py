"""5. History queries at 10k, 100k and 1M rows, against scanning the old JSONL files.

Three queries a supervisor runs all the time, through the managers' own methods, on databases
holding N rows in each of `escalation_logs`, `risk_assessments` and `injection_points` (10 of
the points pending): the last 50 escalations of one session; the pending points; the last 50
assessments at HIGH or above for the tool `Bash`. Each is timed warm (median of repeated calls,
each one its own read transaction) in a child process per size. Baseline: the same answers
from the old layout — read and parse `escalations.jsonl` / `assessments.jsonl` line by line
keeping the last 50 matches, and load every file of `.human/pending/`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import datasets, records
from bench.common import Child, Result, RunConfig, emit, ms, print_table, ratio

NAME = "history"
TITLE = "History queries vs scanning JSONL, by table size"
QUERIES = (
    ("escalations", "last 50 escalations of one session"),
    ("pending", "pending injection points"),
    ("assessments", "last 50 HIGH+ assessments of Bash"),
)
FLAT_FACTOR = 2.0
"""Growth from the smallest to the largest size under which a query counts as flat."""


def _timed(reps: int, call: Callable[[], Any]) -> tuple[float, int]:
    durations = []
    size = 0
    for _ in range(reps):
        started = time.perf_counter()
        size = len(call())
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), size


async def _atimed(reps: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, int]:
    durations = []
    size = 0
    for _ in range(reps):
        started = time.perf_counter()
        size = len(await call())
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), size


async def db_queries(project_dirs: list[str], reps: int) -> None:
    """Time the three queries through the managers, on each database in turn."""
    for project_dir in project_dirs:
        await _db_queries(Path(project_dir), reps)


async def _db_queries(project_dir: Path, reps: int) -> None:
    from arcadia_core.db import Database
    from arcadia_core.managers.human_interface import HumanInterface
    from arcadia_core.managers.risk.manager import RiskClassifier

    db = await Database.open(project_dir, create=False)
    try:
        try:
            from arcadia_core.managers.escalation.manager import EscalationEngine
        except ImportError:
            escalations = _direct_escalation_history(db)
            via = "direct query (EscalationEngine not available)"
        else:
            engine = EscalationEngine(db)
            escalations = lambda: engine.get_escalation_history_async(  # noqa: E731
                limit=50, session_id=records.BENCH_SESSION
            )
            via = "EscalationEngine.get_escalation_history_async"
        human = HumanInterface(db)
        risk = RiskClassifier(db)
        calls = {
            "escalations": escalations,
            "pending": human.get_pending_async,
            "assessments": lambda: risk.get_assessment_history_async(50, min_level=4, tool="Bash"),
        }
        figures = {}
        for name, call in calls.items():
            await call()  # warm the connection pool and the page cache
            figures[name] = await _atimed(reps, call)
        emit(figures=figures, escalations_via=via)
    finally:
        await db.close()


def _direct_escalation_history(db: Any) -> Callable[[], Awaitable[list[Any]]]:
    from sqlalchemy import select

    from arcadia_core.models import EscalationLogModel

    async def history() -> list[Any]:
        query = (
            select(EscalationLogModel)
            .where(EscalationLogModel.session_id == records.BENCH_SESSION)
            .order_by(EscalationLogModel.id.desc())
            .limit(50)
        )
        async with db.read() as session:
            return list(await session.scalars(query))

    return history


def _last_matches(path: Path, keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    found: deque[dict[str, Any]] = deque(maxlen=50)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if keep(record):
                found.append(record)
    return list(found)


def jsonl_queries(layouts: list[dict[str, Any]]) -> None:
    """Time the same three answers from the old files, for each layout in turn."""
    for layout in layouts:
        _jsonl_queries(**layout)


def _jsonl_queries(escalations: str, assessments: str, pending_dir: str, reps: int) -> None:
    session = records.BENCH_SESSION
    calls = {
        "escalations": lambda: _last_matches(
            Path(escalations), lambda r: r["session_id"] == session
        ),
        "pending": lambda: [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(Path(pending_dir).glob("*.json"))
        ],
        "assessments": lambda: _last_matches(
            Path(assessments), lambda r: r["risk_level"] >= 4 and r["tool"] == "Bash"
        ),
    }
    emit(figures={name: _timed(reps, call) for name, call in calls.items()})


def _pending_dir(config: RunConfig, total: int) -> Path:
    directory = config.cache_dir / f"pending-v{datasets.VERSION}-{total}" / ".human" / "pending"
    with datasets.cache_lock(config.cache_dir, f"pending-{total}"):
        _write_pending(directory, total)
    return directory


def _write_pending(directory: Path, total: int) -> None:
    if not directory.exists():
        partial = directory.with_name("pending.partial")
        partial.mkdir(parents=True, exist_ok=True)
        for point in records.points(total):
            if point["status"] == "pending":
                (partial / f"{point['point_id']}.json").write_text(
                    json.dumps(point), encoding="utf-8"
                )
        partial.rename(directory)


def _size_label(total: int) -> str:
    return (
        f"{total // 1_000_000}M"
        if total >= 1_000_000 and total % 1_000_000 == 0
        else f"{total // 1000}k"
    )


def run(config: RunConfig) -> Result:
    result = Result(NAME, TITLE)
    sizes = config.pick((10_000, 100_000, 1_000_000), (1_000, 5_000))
    projects = [
        str(
            datasets.project_db(
                config.cache_dir,
                {"escalation_logs": total, "risk_assessments": total, "injection_points": total},
            )
        )
        for total in sizes
    ]
    layouts = [
        {
            "escalations": str(datasets.jsonl_file(config.cache_dir, "escalations", total)),
            "assessments": str(datasets.jsonl_file(config.cache_dir, "assessments", total)),
            "pending_dir": str(_pending_dir(config, total)),
            "reps": 1 if total >= 1_000_000 else 3,
        }
        for total in sizes
    ]
    child = Child(
        "bench.history_queries:db_queries", project_dirs=projects, reps=config.pick(30, 3)
    )
    db_messages = child.messages()
    child.wait()
    child = Child("bench.history_queries:jsonl_queries", layouts=layouts)
    file_messages = child.messages()
    child.wait()
    db_times = {total: m["figures"] for total, m in zip(sizes, db_messages, strict=True)}
    file_times = {total: m["figures"] for total, m in zip(sizes, file_messages, strict=True)}
    via = db_messages[0]["escalations_via"]

    rows = []
    for name, description in QUERIES:
        for total in sizes:
            db_time, db_rows = db_times[total][name]
            file_time, file_rows = file_times[total][name]
            rows.append(
                [
                    description,
                    _size_label(total),
                    ms(db_time),
                    str(db_rows),
                    ms(file_time),
                    str(file_rows),
                    ratio(file_time, db_time),
                ]
            )
    print_table(
        ["query", "rows/table", "database", "results", "JSONL/files", "results", "files/DB"], rows
    )
    print(f"  escalations read via {via}")
    smallest, largest = sizes[0], sizes[-1]
    for name, description in QUERIES:
        db_small, db_large = db_times[smallest][name][0], db_times[largest][name][0]
        file_large = file_times[largest][name][0]
        growth = db_large / db_small
        result.add(
            f"{description} @ {_size_label(largest)}",
            ms(db_large),
            ms(file_large),
            ratio(db_large, file_large),
        )
        result.add(
            f"  growth {_size_label(smallest)} -> {_size_label(largest)} (DB; files: "
            f"{ratio(file_large, file_times[smallest][name][0])})",
            f"{growth:.2f}x",
            target=f"< {FLAT_FACTOR:g}x (flat)",
            met=growth < FLAT_FACTOR,
        )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench history")
