"""3. Idle cost of watching: CPU used by a change feed over a quiet period, on an empty database
and on one with 1,000,000 events and 100,000 escalation logs.

Each feed runs in its own process at the default poll interval (the two run side by side) and
reports `time.process_time()` (user + system CPU of all its threads) over the measured window,
after a warm-up. It also counts the SQL statements an idle poll runs (via the feed's trace hook).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from pathlib import Path

from bench import datasets
from bench.common import Child, Result, RunConfig, emit, print_table, ratio, rss_kib

NAME = "idle"
TITLE = "Idle cost of watching (change feed CPU with nothing happening)"
TARGET_PERCENT = 1.0
BIG = {"events": 1_000_000, "escalation_logs": 100_000}


async def idle_feed(db_path: str, seconds: float, warmup: float, traced: float) -> None:
    """Iterate a change feed for `seconds` and report the CPU it used."""
    from arcadia_core.watch import ChangeFeed

    async with ChangeFeed(Path(db_path)) as feed:
        changes = 0

        async def consume() -> None:
            nonlocal changes
            async for _ in feed:
                changes += 1

        task = asyncio.create_task(consume())
        await asyncio.sleep(warmup)
        statements: list[str] = []
        feed.set_trace(statements.append)
        await asyncio.sleep(traced)
        feed.set_trace(None)
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    polls = traced / feed.poll_interval
    emit(
        cpu=cpu,
        wall=wall,
        changes=changes,
        statements_per_poll=len(statements) / polls,
        distinct=sorted(set(statements)),
        rss_kib=rss_kib()[0],
    )


def run(config: RunConfig) -> Result:
    result = Result(NAME, TITLE)
    seconds = config.pick(60.0, 0.5)
    big_spec = BIG if not config.quick else {"events": 2_000, "escalation_logs": 200}
    empty = datasets.create_project(config.work_dir / "idle-empty")
    big = datasets.project_db(config.cache_dir, big_spec)
    from arcadia_core.db import database_path

    timing = {"seconds": seconds, "warmup": config.pick(2.0, 0.1), "traced": config.pick(2.0, 0.3)}
    children = {
        "empty": Child("bench.idle_watch:idle_feed", db_path=str(empty), **timing),
        "big": Child("bench.idle_watch:idle_feed", db_path=str(database_path(big)), **timing),
    }
    reports = {}
    try:
        for label, child in children.items():
            reports[label] = child.read_until("cpu")
            child.wait()
    finally:
        for child in children.values():
            child.kill()
    big_label = " + ".join(f"{count:,} {table}" for table, count in big_spec.items())
    rows = []
    percents = {}
    for label, description in (("empty", "empty database"), ("big", big_label)):
        report = reports[label]
        percent = 100 * report["cpu"] / report["wall"]
        percents[label] = percent
        rows.append(
            [
                description,
                f"{report['wall']:.0f} s",
                f"{report['cpu'] * 1000:.0f} ms",
                f"{percent:.3f} %",
                f"{report['statements_per_poll']:.1f}",
                str(report["changes"]),
                f"{report['rss_kib'] / 1024:.0f} MiB",
            ]
        )
    print_table(
        ["database", "window", "CPU", "of one core", "SQL per idle poll", "changes", "RSS"], rows
    )
    print(f"  idle poll statements: {reports['big']['distinct']}")
    for label, description in (("empty", "empty DB"), ("big", big_label)):
        baseline = "" if label == "empty" else f"{percents['empty']:.3f} %"
        factor = "" if label == "empty" else ratio(percents["big"], percents["empty"])
        result.add(
            f"CPU, {description}",
            f"{percents[label]:.3f} % of a core",
            baseline,
            factor,
            f"< {TARGET_PERCENT:g} %",
            percents[label] < TARGET_PERCENT,
        )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench idle")
