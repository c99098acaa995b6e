"""1. Question to screen: an agent process commits an injection point; how soon does the change
feed in another process deliver it?

The producer (the agent) writes `time.time()` into the point's context just before the call
that inserts and commits the point; the consumer (a `ChangeFeed`, as the TUI uses it) reads it
from the delivered record and subtracts it from its own `time.time()` at delivery. Both clocks
are the same kernel clock, so the difference is the end-to-end latency, including the insert
transaction itself. Points are created at random intervals so that they land at every phase of
the poll cycle. Baseline: the old file layout, where the agent wrote
`.human/pending/<point_id>.json` and a watcher polled that directory at the same interval.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

from bench import datasets
from bench.common import Child, Result, RunConfig, emit, ms, percentile, print_table, ratio, receive

NAME = "question"
TITLE = "Question to screen (injection point -> change feed in another process)"
TARGET_P99 = 0.150


# -- child roles --------------------------------------------------------------------------------


async def feed_consumer(db_path: str, interval: float, count: int) -> None:
    """Follow new injection points and report each one's latency."""
    from arcadia_core.watch import ChangeFeed, InjectionCreated

    async with ChangeFeed(
        Path(db_path), poll_interval=interval, kinds={"injection_created"}
    ) as feed:
        emit(ready=True)
        received = 0
        async for change in feed:
            now = time.time()
            if isinstance(change, InjectionCreated) and "bench_t0" in change.context:
                emit(latency=now - float(change.context["bench_t0"]))
                received += 1
                if received >= count:
                    break


async def point_producer(project_dir: str, count: int, mean_gap: float, seed: int) -> None:
    """Create `count` injection points at random intervals, as an agent does."""
    from arcadia_core.db import Database
    from arcadia_core.managers.human_interface import HumanInterface

    rng = random.Random(seed)
    db = await Database.open(Path(project_dir), create=False)
    try:
        agent = HumanInterface(db, session_id=1)
        await agent.create_point_async("approval", {"warmup": True}, ["Yes", "No"], "Yes")
        receive()
        commits: list[float] = []
        for index in range(count):
            await asyncio.sleep(rng.uniform(0, 2 * mean_gap))
            started = time.time()
            await agent.create_point_async(
                "approval",
                {"bench_t0": started, "index": index},
                ["Yes", "No"],
                "Yes",
                message=f"Approve step {index}?",
            )
            commits.append(time.time() - started)
        emit(commit_p50=percentile(commits, 0.5))
    finally:
        await db.close()


def file_consumer(pending_dir: str, interval: float, count: int) -> None:
    """The old layout's watcher: poll `.human/pending/` and read every new file."""
    directory = Path(pending_dir)
    seen: set[str] = set()
    emit(ready=True)
    received = 0
    while received < count:
        with os.scandir(directory) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(".json")]
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            with open(directory / name, encoding="utf-8") as handle:
                point = json.load(handle)
            emit(latency=time.time() - float(point["context"]["bench_t0"]))
            received += 1
        time.sleep(interval)


def file_producer(pending_dir: str, count: int, mean_gap: float, seed: int) -> None:
    """The old HumanInterface: one JSON file per pending point (written, then renamed)."""
    rng = random.Random(seed)
    directory = Path(pending_dir)
    receive()
    for index in range(count):
        time.sleep(rng.uniform(0, 2 * mean_gap))
        started = time.time()
        point = {
            "point_id": f"INJ-1-{index + 1}",
            "point_type": "approval",
            "context": {"bench_t0": started, "index": index},
            "options": ["Yes", "No"],
            "recommendation": "Yes",
            "message": f"Approve step {index}?",
        }
        temporary = directory / f".INJ-1-{index + 1}.tmp"
        temporary.write_text(json.dumps(point), encoding="utf-8")
        temporary.rename(directory / f"INJ-1-{index + 1}.json")


# -- driver -------------------------------------------------------------------------------------


def _measure(
    consumer: str, consumer_args: dict, producer: str, producer_args: dict, count: int
) -> tuple[list[float], dict]:
    reader = Child(f"bench.question_to_screen:{consumer}", count=count, **consumer_args)
    try:
        writer = Child(f"bench.question_to_screen:{producer}", count=count, **producer_args)
        try:
            reader.read_until("ready")
            writer.send(go=True)
            latencies = [
                message["latency"] for message in reader.messages() if "latency" in message
            ]
            extra = {}
            for message in writer.messages():
                extra.update(message)
            writer.wait()
        finally:
            writer.kill()
        reader.wait()
    finally:
        reader.kill()
    if len(latencies) != count:
        raise RuntimeError(f"expected {count} deliveries, got {len(latencies)}")
    return latencies, extra


def run(config: RunConfig) -> Result:
    from arcadia_core.watch import DEFAULT_POLL_INTERVAL

    result = Result(NAME, TITLE)
    count = config.pick(500, 5)
    file_count = config.pick(200, 5)
    figures: list[tuple[str, list[float], dict]] = []
    # A smoke run skips the second interval: the same code with another number.
    intervals = config.pick(
        (("default", DEFAULT_POLL_INTERVAL), ("fast", 0.05)), (("default", DEFAULT_POLL_INTERVAL),)
    )
    for label, interval in intervals:
        project_dir = config.work_dir / f"question-{label}"
        db_path = datasets.create_project(project_dir)
        latencies, extra = _measure(
            "feed_consumer",
            {"db_path": str(db_path), "interval": interval},
            "point_producer",
            {"project_dir": str(project_dir), "mean_gap": interval / 2, "seed": 11},
            count,
        )
        figures.append((f"change feed, poll {interval:g} s", latencies, extra))
    pending_dir = config.work_dir / "question-files" / ".human" / "pending"
    pending_dir.mkdir(parents=True)
    file_latencies, _ = _measure(
        "file_consumer",
        {"pending_dir": str(pending_dir), "interval": DEFAULT_POLL_INTERVAL},
        "file_producer",
        {"pending_dir": str(pending_dir), "mean_gap": DEFAULT_POLL_INTERVAL / 2, "seed": 11},
        file_count,
    )
    figures.append((f"files (baseline), poll {DEFAULT_POLL_INTERVAL:g} s", file_latencies, {}))

    print_table(
        ["path", "points", "p50", "p90", "p99", "max", "insert+commit p50"],
        [
            [
                label,
                str(len(values)),
                ms(percentile(values, 0.5)),
                ms(percentile(values, 0.9)),
                ms(percentile(values, 0.99)),
                ms(max(values)),
                ms(extra["commit_p50"]) if "commit_p50" in extra else "-",
            ]
            for label, values, extra in figures
        ],
    )
    (label_d, default, _), *fast_runs, (_, files, _) = figures
    base_p99 = percentile(files, 0.99)
    p99 = percentile(default, 0.99)
    result.add(
        f"p50 ({label_d})",
        ms(percentile(default, 0.5)),
        ms(percentile(files, 0.5)),
        ratio(percentile(default, 0.5), percentile(files, 0.5)),
    )
    result.add(
        f"p99 ({label_d})",
        ms(p99),
        ms(base_p99),
        ratio(p99, base_p99),
        f"< {ms(TARGET_P99)}",
        p99 < TARGET_P99,
    )
    for label_f, fast, _ in fast_runs:
        result.add(f"p50 ({label_f})", ms(percentile(fast, 0.5)))
        result.add(f"p99 ({label_f})", ms(percentile(fast, 0.99)))
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench question")
