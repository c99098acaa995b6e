"""2. Answer to agent: a supervisor answers in one process; how soon does the agent waiting in
`request_input` in another process return?

The responder follows the change feed (as the TUI does), waits a random delay for each new
point (a person reading it; uniform over one agent poll interval, so answers land at every
phase of the agent's polling), takes `time.time()`, then commits the answer with
`answer_async`. The agent takes `time.time()` as soon as `request_input` returns. The latency
is the difference (same kernel clock), including the answer's own transaction. Baseline: the
same loop with the agent polling every 1 s, ArcadiaForge's old behaviour.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

from bench import datasets
from bench.common import Child, Result, RunConfig, emit, ms, percentile, print_table, ratio, receive

NAME = "answer"
TITLE = "Answer to agent (respond commits -> waiting request_input returns)"
TARGET_P99 = 0.150
BASELINE_INTERVAL = 1.0


async def agent(project_dir: str, count: int, interval: float) -> None:
    """Ask `count` questions one after the other, reporting when each answer arrived."""
    from arcadia_core.db import Database
    from arcadia_core.managers.human_interface import HumanInterface

    db = await Database.open(Path(project_dir), create=False)
    try:
        asker = HumanInterface(db, session_id=1, poll_interval=interval)
        receive()
        for index in range(count):
            response = await asker.request_input(
                "approval",
                {"index": index},
                ["Yes", "No"],
                "Yes",
                timeout_seconds=3600,
                message=f"Approve step {index}?",
            )
            emit(point_id=response.point_id, returned=time.time(), answer=response.response)
    finally:
        await db.close()


async def responder(
    db_path: str, project_dir: str, count: int, max_delay: float, seed: int
) -> None:
    """Answer every new point after a random delay, reporting when each answer was sent."""
    from arcadia_core.db import Database
    from arcadia_core.managers.human_interface import HumanInterface
    from arcadia_core.watch import ChangeFeed, InjectionCreated

    rng = random.Random(seed)
    db = await Database.open(Path(project_dir), create=False)
    supervisor = HumanInterface(db, user="bench")
    try:
        async with ChangeFeed(Path(db_path), kinds={"injection_created"}) as feed:
            emit(ready=True)
            answered = 0
            async for change in feed:
                if not isinstance(change, InjectionCreated):
                    continue
                await asyncio.sleep(rng.uniform(0, max_delay))
                sent = time.time()
                await supervisor.answer_async(change.point_id, "Yes", by="tui")
                emit(point_id=change.point_id, sent=sent, committed=time.time())
                answered += 1
                if answered >= count:
                    break
    finally:
        await db.close()


def _loop(
    config: RunConfig, label: str, interval: float, count: int
) -> tuple[list[float], list[float]]:
    project_dir = config.work_dir / f"answer-{label}"
    db_path = datasets.create_project(project_dir)
    answering = Child(
        "bench.answer_to_agent:responder",
        db_path=str(db_path),
        project_dir=str(project_dir),
        count=count,
        max_delay=interval,
        seed=7,
    )
    try:
        asking = Child(
            "bench.answer_to_agent:agent",
            project_dir=str(project_dir),
            count=count,
            interval=interval,
        )
        try:
            answering.read_until("ready")
            asking.send(go=True)
            returned = {m["point_id"]: m["returned"] for m in asking.messages()}
            asking.wait()
        finally:
            asking.kill()
        sent = {m["point_id"]: m for m in answering.messages() if "sent" in m}
        answering.wait()
    finally:
        answering.kill()
    if set(returned) != set(sent) or len(returned) != count:
        raise RuntimeError(
            f"{label}: {len(returned)} returns, {len(sent)} answers, expected {count}"
        )
    latencies = [returned[point] - sent[point]["sent"] for point in returned]
    commits = [sent[point]["committed"] - sent[point]["sent"] for point in sent]
    return latencies, commits


def run(config: RunConfig) -> Result:
    from arcadia_core.config import Settings

    default_interval = Settings().poll_interval
    baseline_interval = config.pick(BASELINE_INTERVAL, 0.2)
    result = Result(NAME, TITLE)
    measured = [
        (
            f"request_input, poll {default_interval:g} s",
            *_loop(config, "default", default_interval, config.pick(200, 3)),
        ),
        (
            f"baseline, poll {baseline_interval:g} s",
            *_loop(config, "baseline", baseline_interval, config.pick(60, 1)),
        ),
    ]
    print_table(
        ["agent", "answers", "p50", "p90", "p99", "max", "answer commit p50"],
        [
            [
                label,
                str(len(values)),
                ms(percentile(values, 0.5)),
                ms(percentile(values, 0.9)),
                ms(percentile(values, 0.99)),
                ms(max(values)),
                ms(percentile(commits, 0.5)),
            ]
            for label, values, commits in measured
        ],
    )
    (label, values, _), (_, baseline, _) = measured
    p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
    result.add(
        f"p50 ({label})",
        ms(p50),
        ms(percentile(baseline, 0.5)),
        ratio(p50, percentile(baseline, 0.5)),
    )
    result.add(
        f"p99 ({label})",
        ms(p99),
        ms(percentile(baseline, 0.99)),
        ratio(p99, percentile(baseline, 0.99)),
        f"< {ms(TARGET_P99)}",
        p99 < TARGET_P99,
    )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench answer")
