"""Shared by the reliability tests: printed figures, worker processes, file states."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.agent_process import start_process

LONG = os.environ.get("ARCADIA_LONG_TESTS") == "1"
FIGURES_FILE_ENV = "ARCADIA_FIGURES_FILE"
"""When set, every `report` also appends its figures as one JSON line to this file."""


def report(test: str, **figures: object) -> None:
    """Print the figures a test reached (shown with `pytest -s`)."""
    text = ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in figures.items())
    print(f"\n[figures] {test}: {text}")
    path = os.environ.get(FIGURES_FILE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"test": test, **figures}, default=str) + "\n")


def worker(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `python -m tests.reliability.workers ARGS`."""
    return start_process(*args, module="tests.reliability.workers", env=env)


async def read_line(process: subprocess.Popen[str], timeout: float = 60) -> str:
    """The next line the process prints (without its newline); fails after `timeout` seconds."""
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), timeout)
    if not line:
        _, errors = process.communicate(timeout=10)
        raise AssertionError(f"process ended (exit {process.returncode}): {errors[-3000:]}")
    return line.rstrip("\n")


async def read_json(process: subprocess.Popen[str], timeout: float = 60) -> Any:
    """The next line the process prints, parsed as JSON."""
    return json.loads(await read_line(process, timeout))


def send(process: subprocess.Popen[str], line: str) -> None:
    """Write one line to the process's stdin."""
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """A list to put started processes in; each is killed and reaped on the way out."""
    started: list[subprocess.Popen[str]] = []
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)


def directory_state(directory: Path) -> dict[str, bytes]:
    """Every file in `directory` with its bytes (to prove that nothing was modified or added)."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}
