"""The warm per-project gate server behind `hook_client`: one open `Gate`, many hook calls.

`python -m arcadia_core.agents.gate_server PROJECT_DIR` listens on
`<project>/.arcadia/gate.sock` (0600; one server per project, held by a lock on
`gate.lock`, which holds its pid), answers each connection (one JSON request line, one JSON
reply line) with the adapter's in-process code on the server's open database, and exits after
`ARCADIA_GATE_SERVER_IDLE` seconds (default 600) without a connection. A client that goes
away mid-wait (the host killed the hook) cancels its call, which withdraws its question.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from arcadia_core.agents import claude_code
from arcadia_core.agents.hook_client import IDLE_ENV, socket_path, version
from arcadia_core.gate.types import GateSettings

logger = logging.getLogger("arcadia.hook.server")
DEFAULT_IDLE_SECONDS = 600.0


class GateServer:
    """Serve hook calls of one project until idle."""

    def __init__(self, project_dir: Path, *, idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.project_dir = project_dir
        self.idle_seconds = idle_seconds
        self.gate: Any = None
        self.active = 0
        self.last_activity = 0.0
        self._done: asyncio.Event | None = None

    async def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("version") != version():
            assert self._done is not None
            self._done.set()  # an older or newer client: let one of the right version start
            return {"version": version(), "error": "version mismatch"}
        if request.get("agent") != "claude-code":
            return {"version": version(), "error": f"unknown agent {request.get('agent')!r}"}
        env = {str(k): str(v) for k, v in dict(request.get("env") or {}).items()}
        stdout, code = await claude_code.run_async(
            str(request.get("stdin") or ""),
            env,
            timeout=request.get("timeout"),
            gate=self.gate,
            spent_seconds=float(request.get("spent") or 0.0),
        )
        return {"version": version(), "stdout": stdout, "exit_code": code}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        self.active += 1
        try:
            line = await reader.readline()
            request = json.loads(line)
            answer = asyncio.ensure_future(self._answer(request))
            gone = asyncio.ensure_future(reader.read(1))
            done, _ = await asyncio.wait({answer, gone}, return_when=asyncio.FIRST_COMPLETED)
            if answer not in done:
                answer.cancel()  # the hook went away: its question is withdrawn
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await answer
                return
            gone.cancel()
            writer.write(json.dumps(answer.result()).encode() + b"\n")
            await writer.drain()
        except Exception as error:  # a bad request gets no reply: the client falls back
            logger.error("gate server: %s", error)
        finally:
            self.active -= 1
            self.last_activity = loop.time()
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def serve(self) -> int:
        from arcadia_core.db import Database
        from arcadia_core.gate.gate import Gate

        directory = self.project_dir / ".arcadia"
        lock = os.fdopen(os.open(directory / "gate.lock", os.O_RDWR | os.O_CREAT, 0o600), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another server serves this project
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # who holds the lock: for `kill` and for tests
        lock.flush()
        path = Path(socket_path(str(self.project_dir)))
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        database = await Database.open(self.project_dir)
        self.gate = Gate(database, GateSettings.from_env(), project_dir=self.project_dir)
        self._done = asyncio.Event()
        loop = asyncio.get_running_loop()
        self.last_activity = loop.time()
        old_umask = os.umask(0o177)
        try:
            server = await asyncio.start_unix_server(self.handle, path=str(path))
        finally:
            os.umask(old_umask)
        os.chmod(path, 0o600)
        try:
            while not self._done.is_set():
                idle = loop.time() - self.last_activity
                if self.active == 0 and idle >= self.idle_seconds:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._done.wait(), timeout=min(1.0, self.idle_seconds))
        finally:
            server.close()
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            await server.wait_closed()
            await database.close()
            lock.close()
        return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m arcadia_core.agents.gate_server PROJECT_DIR`."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    project_dir = Path(args[0] if args else ".").expanduser().resolve()
    try:
        idle = float(os.environ.get(IDLE_ENV) or DEFAULT_IDLE_SECONDS)
    except ValueError:
        idle = DEFAULT_IDLE_SECONDS
    return asyncio.run(GateServer(project_dir, idle_seconds=idle).serve())


if __name__ == "__main__":
    raise SystemExit(main())
