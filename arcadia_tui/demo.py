"""`arcadia demo`: a simulated agent at work on a temporary project, with the TUI open on it.

The agent runs in its own process (`python -m arcadia_core simulate --loop`), exactly as a
real agent would, and writes its output to `.arcadia/simulator.log` in the project. When the
TUI quits, the agent is stopped (SIGTERM, then a kill after 3 s) and the temporary project is
deleted unless `--keep DIR` was given. The agent also stops by itself if this process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from arcadia_core.cli.common import fail
from arcadia_core.clock import utc_now
from arcadia_core.config import Settings
from arcadia_core.db import Database, database_path
from arcadia_core.errors import ArcadiaError

if TYPE_CHECKING:
    from arcadia_tui.app import ArcadiaApp

MARKER = "demo.json"
"""Written next to `project.db`: the project was made by `arcadia demo` and may be reused."""
LOG = "simulator.log"
STOP_GRACE_SECONDS = 3.0


class DemoRefused(ArcadiaError):
    """The directory given to `--keep` cannot hold the demo."""


def run_demo(keep: Path | None = None, *, seed: int = 0, speed: float = 1.0) -> int:
    """Prepare the project, start the agent, run the TUI, then clean up."""
    try:
        directory = asyncio.run(prepare_project(keep, seed=seed, speed=speed))
    except ArcadiaError as error:
        return fail(error.message)
    simulator = start_simulator(directory, seed=seed, speed=speed)
    try:
        code = asyncio.run(run_app(directory))
    finally:
        crashed = simulator.stop()
        if keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    if crashed:
        print(f"arcadia: the simulated agent stopped with an error:\n{crashed}", file=sys.stderr)
    if keep is not None:
        print(f"The demo project is kept in {directory}; browse it with `arcadia tui {directory}`.")
    return code


async def prepare_project(keep: Path | None, *, seed: int = 0, speed: float = 1.0) -> Path:
    """Create the project (a temporary one unless `keep`) with its database and demo marker."""
    if keep is None:
        directory = Path(tempfile.mkdtemp(prefix="arcadia-demo-"))
    else:
        directory = keep.expanduser().resolve()
        if directory.exists() and not directory.is_dir():
            raise DemoRefused(f"{directory} is not a directory")
        marker = database_path(directory).parent / MARKER
        if database_path(directory).exists() and not marker.exists():
            raise DemoRefused(
                f"{directory} already holds an Arcadia project that is not a demo; "
                "give --keep a new directory (or one an earlier demo kept)"
            )
        directory.mkdir(parents=True, exist_ok=True)
    database = await Database.open(directory)
    await database.close()
    marker = database_path(directory).parent / MARKER
    marker.write_text(
        json.dumps(
            {
                "created_by": "arcadia demo",
                "seed": seed,
                "speed": speed,
                "at": utc_now().isoformat(),
            }
        )
        + "\n"
    )
    return directory


def simulator_command(directory: Path, *, seed: int, speed: float) -> list[str]:
    """The agent's command line: the headless `arcadia simulate` in a fresh interpreter."""
    return [
        sys.executable,
        "-m",
        "arcadia_core",
        "simulate",
        "--project-dir",
        str(directory),
        "--seed",
        str(seed),
        "--speed",
        repr(speed),
        "--loop",
        "--parent-pid",
        str(os.getpid()),
    ]


@dataclass(frozen=True)
class SimulatorProcess:
    """The simulated agent's process and where its output goes."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> str:
        """Stop the agent (SIGTERM, then a kill after `grace` s); its log tail if it had failed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            return ""
        if self.process.returncode == 0:
            return ""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return f"exit code {self.process.returncode}"
        return "\n".join(lines[-15:])


def start_simulator(directory: Path, *, seed: int = 0, speed: float = 1.0) -> SimulatorProcess:
    """Start the agent in its own session, its output going to `.arcadia/simulator.log`."""
    log_path = database_path(directory).parent / LOG
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            simulator_command(directory, seed=seed, speed=speed),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the terminal's Ctrl+C goes to the TUI, not to the agent
        )
    return SimulatorProcess(process, log_path)


def build_demo_app(settings: Settings, database: Database | None = None) -> ArcadiaApp:
    """The TUI as the demo opens it: the regular app, plus a word of welcome."""
    from textual import events, on

    from arcadia_tui.app import ArcadiaApp

    class DemoApp(ArcadiaApp):
        """`ArcadiaApp` that says what the demo is when it starts."""

        @on(events.Ready)
        def welcome(self) -> None:
            self.notify(
                "A simulated agent is adding rate limiting to an API in "
                f"{self.settings.project_dir}. Its questions appear here as it asks them: "
                "1-9 picks an option, Enter takes its recommendation, f answers in your own "
                "words, c cancels. q quits and stops the agent.",
                title="Arcadia demo",
                timeout=15,
                markup=False,
            )

    return DemoApp(settings, database)


async def run_app(directory: Path) -> int:
    """Run the TUI on the demo project until the person quits."""
    settings = Settings.from_env(directory)
    database = await Database.open(directory, create=False)
    loop = asyncio.get_running_loop()
    try:
        app = build_demo_app(settings, database)
        # Quit like `q` when told to stop or when the terminal goes away, so cleanup runs.
        for number in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, AttributeError):
                loop.add_signal_handler(number, app.exit)
        await app.run_async()
    finally:
        await database.close()
    return int(app.return_code or 0)
