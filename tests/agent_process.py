"""A stand-in agent process for multi-process tests: `python -m tests.agent_process MODE DIR`.

Modes:
- `ask DIR [TIMEOUT DEFAULT]` — `request_input` on a decision point and print the
  `InjectionResponse` as one JSON line;
- `autonomy DIR` — for each tool name read from stdin, `check_action` it and print the
  decision as one JSON line (one long-lived manager, like a running agent).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.managers.autonomy import AutonomyManager
from arcadia_core.managers.human_interface import HumanInterface, InjectionType


async def ask(project_dir: Path, timeout: int, default: str | None) -> None:
    async with await Database.open(project_dir) as database:
        human = HumanInterface(database, 7, poll_interval=0.02)
        response = await human.request_input(
            InjectionType.DECISION,
            {"feature": 3},
            ["yes", "no", "skip"],
            "yes",
            timeout_seconds=timeout,
            default_on_timeout=default,
            message="Proceed with the migration?",
        )
        print(json.dumps(response.to_dict()), flush=True)


async def autonomy(project_dir: Path) -> None:
    async with await Database.open(project_dir) as database:
        manager = AutonomyManager(database, session_id=7)
        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            decision = await manager.check_action_async(line, {"file_path": "/src/app.py"})
            print(json.dumps(decision.to_dict()), flush=True)


def main(argv: list[str]) -> None:
    mode, directory = argv[0], Path(argv[1])
    if mode == "ask":
        timeout = int(argv[2]) if len(argv) > 2 else 300
        default = argv[3] if len(argv) > 3 else None
        asyncio.run(ask(directory, timeout, default))
    elif mode == "autonomy":
        asyncio.run(autonomy(directory))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
