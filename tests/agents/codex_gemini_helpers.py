"""Helpers shared by the Codex and Gemini end-to-end fixtures: finding a binary, running a CLI
with a hard timeout (in the foreground or the background), bounded waits, and tiny `sh` hooks.

A missing agent binary skips the test locally and FAILS it where env `CI` is set.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AGENTS_DIR = REPO_ROOT / ".agents"
NODE_MODULES = AGENTS_DIR / "node_modules"
INSTALL_HINT = "run `bash .ci/install-agents-codex-gemini`"


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(message: str) -> None:
    """Skip the test locally; fail it in CI (env `CI` set), where every part must be present."""
    if in_ci():
        pytest.fail(f"{message} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


def base_env(home: Path, **extra: str) -> dict[str, str]:
    """A small, explicit environment for an agent process: nothing of the caller's credentials."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "NO_COLOR": "1",
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    env.update(extra)
    return env


@dataclass
class ProcessResult:
    """What a finished agent process left: exit code, output, and wall time in seconds."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration: float

    def describe(self) -> str:
        return (
            f"rc={self.returncode} after {self.duration:.2f}s\n"
            f"--- stdout (tail)\n{self.stdout[-3000:]}\n--- stderr (tail)\n{self.stderr[-3000:]}"
        )


class BackgroundProcess:
    """An agent process started with Popen in its own session, so that a test can act (answer a
    pending hook, inspect the server) while it runs. `wait()` has a hard timeout; on expiry, or on
    leaving the `with` block early, the process group it started is killed."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> None:
        self.argv = list(argv)
        self.started = time.monotonic()
        self.popen = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._reaped = False

    def running(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """Kill the process group this process leads (only what this helper started)."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)

    def wait(self, timeout: float) -> ProcessResult:
        try:
            stdout, stderr = self.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            stdout, stderr = self.popen.communicate(timeout=10)
            self._reaped = True
            duration = time.monotonic() - self.started
            raise AssertionError(
                f"{Path(self.argv[0]).name} still running after {timeout}s; killed\n"
                + ProcessResult(self.argv, -9, stdout, stderr, duration).describe()
            ) from None
        self._reaped = True
        return ProcessResult(
            self.argv, self.popen.returncode, stdout, stderr, time.monotonic() - self.started
        )

    def __enter__(self) -> BackgroundProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        if not self._reaped:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.communicate(timeout=10)
            self._reaped = True


def run_process(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float
) -> ProcessResult:
    """Run to the end with a hard timeout (AssertionError with the output tails on expiry)."""
    with BackgroundProcess(argv, env=env, cwd=cwd) as process:
        return process.wait(timeout)


def wait_for(
    predicate: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    """Poll `predicate` until true; AssertionError after `timeout` seconds (bounded loop)."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 2):
        if predicate():
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- sh hooks ---------------------------------------------------------------------------------


def sh_hook(
    stdout: str = "", *, record: Path | None = None, exit_code: int = 0, stderr: str = ""
) -> str:
    """A one-line `sh` hook command: save stdin to `record` (else discard it), print `stdout`
    (and `stderr` to stderr), exit `exit_code`."""
    sink = shlex.quote(str(record)) if record else "/dev/null"
    parts = [f"cat >> {sink}" if record else f"cat > {sink}"]
    if stdout:
        parts.append(f"printf '%s' {shlex.quote(stdout)}")
    if stderr:
        parts.append(f"printf '%s' {shlex.quote(stderr)} >&2")
    parts.append(f"exit {exit_code}")
    return "; ".join(parts)


def waiting_sh_hook(
    answer: Path, *, started: Path, record: Path | None = None, max_wait: float = 60.0
) -> str:
    """An `sh` hook that stands for a person: it saves stdin, touches `started`, then waits (at
    most `max_wait` s, in 0.1 s steps) until `answer` exists and prints its content. A test answers
    it by writing the file, e.g. with `answer_hook`."""
    sink = shlex.quote(str(record)) if record else "/dev/null"
    a, s = shlex.quote(str(answer)), shlex.quote(str(started))
    steps = int(max_wait * 10)
    return (
        f"cat > {sink}; touch {s}; i=0; "
        f"while [ ! -f {a} ] && [ $i -lt {steps} ]; do sleep 0.1; i=$((i+1)); done; "
        f"cat {a} 2>/dev/null; exit 0"
    )


def answer_hook(answer: Path, stdout: str) -> None:
    """Answer a `waiting_sh_hook` atomically (write a temp file, then rename)."""
    temp = answer.with_name(answer.name + ".tmp")
    temp.write_text(stdout)
    temp.replace(answer)
