"""Shared pieces of the gate and hook tests: the real hook samples and answering points."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from arcadia_core.db import Database
from arcadia_core.gate import ToolCall
from arcadia_core.managers import HumanInterface, InjectionPoint

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "agent-hook-samples"
SAMPLE_PROJECT = "/home/dev/runs/RUN/proj"


def sample(name: str, project_dir: Path | None = None, agent: str = "claude") -> dict[str, Any]:
    """A recorded hook stdin (samples/<agent>/<name>.json), its project paths moved to ours."""
    text = (SAMPLES / agent / f"{name}.json").read_text()
    if project_dir is not None:
        text = text.replace(SAMPLE_PROJECT, str(project_dir))
    return dict(json.loads(text))


def sample_text(name: str, project_dir: Path | None = None) -> str:
    """`sample` as the JSON text Claude Code writes to the hook's stdin."""
    return json.dumps(sample(name, project_dir))


def bash(command: str, cwd: Path, session: str = "sess-1", **extra: Any) -> ToolCall:
    """A Claude Code Bash call."""
    return ToolCall(
        "claude-code",
        session,
        "Bash",
        {"command": command, "description": command},
        cwd=str(cwd),
        tool_use_id=extra.pop("tool_use_id", "toolu_1"),
        **extra,
    )


async def wait_for_pending(
    db: Database, count: int = 1, timeout: float = 20.0
) -> list[InjectionPoint]:
    """The pending points once there are `count` of them (oldest first)."""
    human = HumanInterface(db)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout
    while True:
        pending = await human.get_pending_async()
        if len(pending) >= count:
            return sorted(pending, key=lambda point: point.row_id or 0)
        if loop.time() > give_up:
            raise AssertionError(f"expected {count} pending points, found {len(pending)}")
        await asyncio.sleep(0.05)


async def answer_next(
    db: Database, answer: str, *, by: str = "tui:alice", free_text: bool = False
) -> InjectionPoint:
    """Wait for one pending point and answer it as a person would."""
    point = (await wait_for_pending(db))[0]
    await HumanInterface(db).answer_async(point.point_id, answer, by=by, free_text=free_text)
    return point
