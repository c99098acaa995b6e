"""7. TUI: time from start to the first full paint of the Live view's data on a database with
1,000,000 rows in each of `injection_points`, `escalation_logs` and `risk_assessments`, and the
resident memory at that moment.

Each run is a fresh child process doing what `arcadia tui DIR` does (settings from the
environment, `Database.open`, `build_app`), except that the app runs headless through
`App.run_test()` at 120x40. The child waits until the pending queue shows every pending point
and the escalation feed shows its rows, then until the next screen refresh has been composited
(`call_after_refresh`): that moment is the first full paint. "From process start" is measured
from the parent's `time.time()` just before it spawns the child (interpreter start and imports
included); "from app start" from just before the app is started. Memory is the child's VmRSS
then. Baseline: the same on a database with 10,000 rows per table.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

# Only the standard library at module level: the child must start as lightly as `arcadia` does.
from bench.common import (
    Child,
    Result,
    RunConfig,
    Skipped,
    emit,
    mib,
    ms,
    print_table,
    ratio,
    rss_kib,
)

NAME = "tui"
TITLE = "TUI first full paint of the Live view, and resident memory"
TARGET_SECONDS = 1.0
TARGET_MIB = 200


async def paint(project_dir: str, pending: int, timeout: float) -> None:
    """Start the app headless, wait for the Live view's data to be painted, report timings."""
    entered = time.time()
    from textual.widgets import DataTable

    from arcadia_core.config import Settings
    from arcadia_core.db import Database
    from arcadia_tui.app import build_app

    imported = time.time()
    settings = Settings.from_env(Path(project_dir))
    database = await Database.open(settings.project_dir, create=False)
    try:
        app = build_app(settings, database)
        started = time.time()
        async with app.run_test(size=(120, 40)):
            deadline = time.monotonic() + timeout
            while True:
                tables = {table.id: table.row_count for table in app.screen.query(DataTable)}
                queue = tables.get("pending-queue", 0)
                feed = tables.get("escalation-table", 0)
                if queue >= pending and feed > 0:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no full paint after {timeout} s: {tables}")
                await asyncio.sleep(0.002)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            done = time.time()
            rss, peak = rss_kib()
            emit(
                entered=entered,
                imported=imported,
                started=started,
                painted=done,
                rss_kib=rss,
                peak_kib=peak,
                queue_rows=queue,
                feed_rows=feed,
            )
    finally:
        await database.close()


def _measure(project_dir: Path, runs: int) -> list[dict]:
    from bench import records

    reports = []
    for _ in range(runs):
        child = Child(
            "bench.tui_paint:paint",
            project_dir=str(project_dir),
            pending=records.PENDING_POINTS,
            timeout=30.0,
        )
        report = child.read()
        child.wait()
        report["spawned"] = child.started
        reports.append(report)
    return reports


def run(config: RunConfig) -> Result:
    try:
        import arcadia_tui.app  # noqa: F401
    except ImportError as error:
        raise Skipped(f"arcadia_tui.app not available: {error}") from None
    from bench import datasets

    result = Result(NAME, TITLE)
    big_rows, small_rows = config.pick((1_000_000, 10_000), (5_000, 1_000))
    runs = config.pick(3, 1)
    measured = {}
    for label, total in (("big", big_rows), ("small", small_rows)):
        project = datasets.project_db(
            config.cache_dir,
            {"escalation_logs": total, "risk_assessments": total, "injection_points": total},
        )
        measured[label] = _measure(project, runs)

    def figures(reports: list[dict]) -> dict[str, float]:
        return {
            "process": statistics.median(r["painted"] - r["spawned"] for r in reports),
            "app": statistics.median(r["painted"] - r["started"] for r in reports),
            "imports": statistics.median(r["imported"] - r["entered"] for r in reports),
            "rss": statistics.median(r["rss_kib"] for r in reports),
            "peak": max(r["peak_kib"] for r in reports),
        }

    big, small = figures(measured["big"]), figures(measured["small"])
    print_table(
        [
            "database",
            "runs",
            "process start -> paint",
            "app start -> paint",
            "imports",
            "RSS",
            "peak RSS",
        ],
        [
            [
                f"{rows:,} rows/table",
                str(runs),
                ms(f["process"]),
                ms(f["app"]),
                ms(f["imports"]),
                mib(f["rss"]),
                mib(f["peak"]),
            ]
            for rows, f in ((big_rows, big), (small_rows, small))
        ],
    )
    result.add(
        "first paint from process start, 1M rows",
        ms(big["process"]),
        ms(small["process"]),
        ratio(big["process"], small["process"]),
        f"< {ms(TARGET_SECONDS)}",
        big["process"] < TARGET_SECONDS,
    )
    result.add(
        "first paint from app start, 1M rows",
        ms(big["app"]),
        ms(small["app"]),
        ratio(big["app"], small["app"]),
    )
    result.add(
        "resident memory at first paint, 1M rows",
        mib(big["rss"]),
        mib(small["rss"]),
        ratio(big["rss"], small["rss"]),
        f"< {TARGET_MIB} MiB",
        big["rss"] / 1024 < TARGET_MIB,
    )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench tui")
