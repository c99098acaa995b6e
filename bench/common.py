"""What every benchmark shares: the run configuration, results, statistics and child processes."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


class Skipped(Exception):
    """A benchmark cannot run here (what it measures is not available)."""


@dataclass(frozen=True, slots=True)
class RunConfig:
    """How one `python -m bench` run is scaled and where it keeps its files."""

    quick: bool
    """Small sizes everywhere: a smoke run that checks the scripts still work."""
    cache_dir: Path
    """Generated databases and legacy projects, reused across runs (keyed by size)."""
    work_dir: Path
    """Scratch space of this run (fresh databases), deleted at the end."""

    def pick(self, full: Any, quick: Any) -> Any:
        """`full` for a recorded run, `quick` for a smoke run."""
        return quick if self.quick else full


@dataclass(slots=True)
class Row:
    """One line of the summary table."""

    metric: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None


@dataclass(slots=True)
class Result:
    """What one benchmark measured."""

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, *args: Any, **kwargs: Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile by linear interpolation (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    """Seconds as a short millisecond figure."""
    if math.isnan(seconds):
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def rate(per_second: float, unit: str) -> str:
    """A throughput figure with thousands separators."""
    return f"{per_second:,.0f} {unit}/s"


def ratio(value: float, baseline: float) -> str:
    """`value / baseline` as `12.3x` (or `0.05x`)."""
    if baseline == 0 or math.isnan(value) or math.isnan(baseline):
        return "n/a"
    factor = value / baseline
    if factor < 1:
        return f"{factor:.2g}x"
    return f"{factor:.2f}x" if factor < 10 else f"{factor:.0f}x"


def mib(kib: float) -> str:
    """KiB as MiB."""
    return f"{kib / 1024:.0f} MiB"


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> None:
    """Print a plain-text table with aligned columns."""
    body = [list(map(str, row)) for row in rows]
    widths = [len(header) for header in headers]
    for row in body:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    line = indent + "  ".join(
        header.ljust(width) for header, width in zip(headers, widths, strict=True)
    )
    print(line.rstrip())
    print(indent + "  ".join("-" * width for width in widths))
    for row in body:
        print(
            (
                indent
                + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            ).rstrip()
        )
    sys.stdout.flush()


class ThreadOutput:
    """While active, what a thread prints inside `capture` is kept apart and returned."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._real: Any = None

    def write(self, text: str) -> int:
        buffer = getattr(self._local, "buffer", None)
        return (buffer or self._real).write(text)

    def flush(self) -> None:
        if getattr(self._local, "buffer", None) is None:
            self._real.flush()

    def capture(self, function: Any, *args: Any) -> str:
        """Run `function(*args)` and return what it printed."""
        self._local.buffer = io.StringIO()
        try:
            function(*args)
            return self._local.buffer.getvalue()
        finally:
            self._local.buffer = None

    def __enter__(self) -> ThreadOutput:
        self._real, sys.stdout = sys.stdout, self  # type: ignore[assignment]
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.stdout = self._real


def child_env() -> dict[str, str]:
    """The environment of a child process: this repository first on the import path."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Child:
    """A Python child process running one role function, talking JSON lines on stdout."""

    def __init__(self, role: str, **kwargs: Any) -> None:
        self.role = role
        self.started = time.time()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.child", role, json.dumps(kwargs, default=str)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            cwd=REPO_ROOT,
        )
        self.rusage: Any = None

    def read(self) -> dict[str, Any]:
        """The next JSON message (raises if the child ended without sending one)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.wait()
            raise RuntimeError(f"{self.role} ended without output (exit {self.process.returncode})")
        return json.loads(line)

    def read_until(self, key: str) -> dict[str, Any]:
        """Skip messages until one that has `key`."""
        while True:
            message = self.read()
            if key in message:
                return message

    def messages(self) -> list[dict[str, Any]]:
        """Every remaining message, until the child closes its output."""
        assert self.process.stdout is not None
        return [json.loads(line) for line in self.process.stdout if line.strip()]

    def send(self, **message: Any) -> None:
        """Send one JSON message to the child (read with `receive()`)."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def close_stdin(self) -> None:
        """Tell the child to stop (roles that run until their input closes)."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()

    def wait(self, timeout: float = 600) -> int:
        """Wait for the child; keep its resource usage (peak RSS, CPU) and check its exit code."""
        self.close_stdin()
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.rusage = usage
                self.process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                self.process.kill()
                raise TimeoutError(f"{self.role} did not finish in {timeout:.0f} s")
            time.sleep(0.02)
        if self.process.returncode != 0:
            raise RuntimeError(f"{self.role} failed with exit code {self.process.returncode}")
        return self.process.returncode

    def kill(self) -> None:
        """End the child if it is still running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def emit(**message: Any) -> None:
    """Send one JSON message from a child to the parent."""
    sys.stdout.write(json.dumps(message, default=str) + "\n")
    sys.stdout.flush()


def receive() -> dict[str, Any]:
    """Wait for the parent's next message (a child starts its timed work on a "go")."""
    line = sys.stdin.readline()
    if not line:
        raise SystemExit("the parent went away")
    return json.loads(line)


def rss_kib() -> tuple[int, int]:
    """This process's resident memory and its peak (VmRSS, VmHWM), in KiB (Linux)."""
    values = {"VmRSS": 0, "VmHWM": 0}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]
