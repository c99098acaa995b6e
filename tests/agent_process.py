"""Stand-in agent and supervisor processes for multi-process tests (`-m tests.agent_process`).

Modes:
- `ask DIR [TIMEOUT [DEFAULT [COUNT]]]` — COUNT times in a row, `request_input` on a decision
  point (options yes/no/skip; DEFAULT `-` means none) and print each `InjectionResponse` as one
  JSON line;
- `autonomy DIR` — for each tool name read from stdin, `check_action` it and print the
  decision as one JSON line (one long-lived manager, like a running agent);
- `responder DIR NAME` — print `ready`, then for each `POINT_ID ANSWER` line read from stdin
  answer as `NAME` and print `{"won": bool, "detail": ...}` (for cross-process races).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.errors import Conflict
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.human_interface import HumanInterface, InjectionType

REPO_ROOT = Path(__file__).resolve().parents[1]


def start_process(
    *args: str | Path, module: str = "tests.agent_process", env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start `python -m MODULE ARGS` with pipes, the test's import path and user `tester`."""
    environment = {
        **os.environ,
        "ARCADIA_USER": "tester",
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", module, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
    )


async def read_line() -> str:
    return (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()


async def ask(project_dir: Path, timeout: int, default: str | None, count: int) -> None:
    async with await Database.open(project_dir) as database:
        human = HumanInterface(database, 7, poll_interval=0.02)
        for _ in range(count):
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
        while line := await read_line():
            decision = await manager.check_action_async(line, {"file_path": "/src/app.py"})
            print(json.dumps(decision.to_dict()), flush=True)


async def responder(project_dir: Path, name: str) -> None:
    async with await Database.open(project_dir) as database:
        human = HumanInterface(database)
        await human.get_stats_async()  # connect before the race starts
        print("ready", flush=True)
        while line := await read_line():
            point_id, answer = line.split(" ", 1)
            try:
                point = await human.answer_async(point_id, answer, by=name)
            except Conflict as error:
                print(json.dumps({"won": False, "detail": error.message}), flush=True)
            else:
                print(json.dumps({"won": True, "detail": point.response}), flush=True)


def main(argv: list[str]) -> None:
    mode, directory = argv[0], Path(argv[1])
    if mode == "ask":
        timeout = int(argv[2]) if len(argv) > 2 else 300
        default = argv[3] if len(argv) > 3 and argv[3] != "-" else None
        count = int(argv[4]) if len(argv) > 4 else 1
        asyncio.run(ask(directory, timeout, default, count))
    elif mode == "autonomy":
        asyncio.run(autonomy(directory))
    elif mode == "responder":
        asyncio.run(responder(directory, argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
