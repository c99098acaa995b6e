"""The hook process of `arcadia hook <agent>`: standard library only, so it starts fast.

It hands the hook's stdin to the project's warm gate server over a Unix socket
(`<project>/.arcadia/gate.sock`, mode 0600) and prints the reply. When there is no server it
starts one in the background (it serves the next calls; it exits after
`ARCADIA_GATE_SERVER_IDLE` seconds without a call, default 600) and handles this call in
process. Any failure of the fast path (no socket, a refused or broken connection, a server
of another version, a path too long for a socket) falls back to the in-process gate, which
answers deny on its own errors: never a silent allow. `ARCADIA_GATE_SERVER=0` turns the
fast path off.
"""

from __future__ import annotations

import _socket  # `socket` would import selectors and more: milliseconds on every call
import contextlib
import json
import os
import signal
import sys
import time

TYPE_CHECKING = False  # not `from typing import ...`: importing typing costs ~8 ms

if TYPE_CHECKING:  # typing and collections.abc are not loaded at run time (they cost ~5 ms)
    from collections.abc import Mapping, Sequence
    from typing import Any

PROTOCOL = 1
SOCKET_NAME = "gate.sock"
SERVER_ENV = "ARCADIA_GATE_SERVER"
IDLE_ENV = "ARCADIA_GATE_SERVER_IDLE"
MAX_SOCKET_PATH = 100
FORWARDED_ENV_PREFIXES = ("ARCADIA_HOOK_", "CLAUDE_")
DEFAULT_HOST_TIMEOUT = 600.0

_STARTED = time.monotonic()


def version() -> str:
    """The protocol and package version a server must match."""
    from arcadia_core import __version__

    return f"{PROTOCOL}:{__version__}"


class FastPathUnavailable(Exception):
    """The gate server cannot answer this call; handle it in process."""


def socket_path(project_dir: str) -> str:
    """`<project>/.arcadia/gate.sock` (paths are strings here: pathlib costs milliseconds)."""
    return os.path.join(project_dir, ".arcadia", SOCKET_NAME)


def project_dir_for(
    text: str, env: Mapping[str, str], override: str | None = None
) -> tuple[str, dict[str, Any] | None]:
    """The project directory (same precedence as the adapter) and the parsed event."""
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):
        event = None
    if not isinstance(event, dict):
        event = None
    cwd = event.get("cwd") if event else None
    for candidate in (
        override,
        env.get("CLAUDE_PROJECT_DIR"),
        cwd if isinstance(cwd, str) else None,
    ):
        if candidate:
            return os.path.abspath(os.path.expanduser(candidate)), event
    return os.getcwd(), event


def _arguments(argv: Sequence[str]) -> tuple[str | None, float | None]:
    project: str | None = None
    timeout: float | None = None
    items = list(argv)
    for index, item in enumerate(items):
        key, _, inline = item.partition("=")
        value = inline or (items[index + 1] if index + 1 < len(items) else "")
        if key == "--project-dir" and value:
            project = value
        elif key == "--timeout":
            try:
                timeout = float(value)
            except ValueError:
                timeout = None
    return project, timeout


def forward(
    path: str,
    agent: str,
    text: str,
    env: Mapping[str, str],
    timeout: float | None,
    project_dir: str,
) -> tuple[str, int]:
    """Ask the server at `path`; raise FastPathUnavailable when it cannot answer."""
    if len(path) > MAX_SOCKET_PATH:
        raise FastPathUnavailable(f"socket path too long ({len(path)} characters)")
    request = {
        "version": version(),
        "agent": agent,
        "stdin": text,
        "env": {k: v for k, v in env.items() if k.startswith(FORWARDED_ENV_PREFIXES)},
        "timeout": timeout,
        "project_dir": project_dir,
        "spent": time.monotonic() - _STARTED,
    }
    host_timeout = timeout or float(env.get("ARCADIA_HOOK_TIMEOUT") or DEFAULT_HOST_TIMEOUT)
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        connection.settimeout(2.0)
        try:
            connection.connect(path)
        except OSError as error:
            raise FastPathUnavailable(f"no gate server ({error.strerror or error})") from None
        connection.settimeout(host_timeout)
        try:
            connection.sendall(json.dumps(request).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError as error:
            raise FastPathUnavailable(f"gate server connection failed ({error})") from None
    finally:
        connection.close()
    try:
        reply = json.loads(data)
        if reply.get("version") != request["version"]:
            raise FastPathUnavailable(f"gate server version {reply.get('version')!r}")
        return str(reply["stdout"]), int(reply["exit_code"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise FastPathUnavailable(f"unusable gate server reply ({error})") from None


def start_server(project_dir: str, env: Mapping[str, str]) -> None:
    """Start the project's gate server in the background (it exits when idle)."""
    if not os.path.isdir(os.path.join(project_dir, ".arcadia")):
        return  # the in-process call creates the database first; the next call starts it
    import subprocess  # only here: it costs the fast path several milliseconds

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "arcadia_core.agents.gate_server", project_dir],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            env=dict(env),
        )


def interrupted_reply(event: Mapping[str, Any] | None) -> str:
    """The deny a deciding event gets when the hook is interrupted ("" for other events)."""
    name = event.get("hook_event_name") if event else None
    reason = "Arcadia could not check this call (the hook was interrupted); denied to be safe."
    if name == "PreToolUse":
        output: dict[str, Any] = {
            "hookEventName": name,
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    elif name == "PermissionRequest":
        output = {"hookEventName": name, "decision": {"behavior": "deny", "message": reason}}
    else:
        return ""
    return json.dumps({"hookSpecificOutput": output}) + "\n"


def _interrupted(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, agent: str = "claude-code") -> int:
    """`arcadia hook <agent> [--project-dir DIR] [--timeout SECONDS]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = sys.stdin.read()
    env = os.environ
    if env.get(SERVER_ENV, "1").strip() != "0":
        project, timeout = _arguments(args)
        project_dir, _event = project_dir_for(text, env, project)
        previous = signal.signal(signal.SIGTERM, _interrupted)
        try:
            output, code = forward(socket_path(project_dir), agent, text, env, timeout, project_dir)
        except FastPathUnavailable as reason:
            if "no gate server" in str(reason):
                start_server(project_dir, env)
        except KeyboardInterrupt:
            # The host gave up: the server withdraws the question when the connection
            # closes; answer deny rather than asking again in process.
            sys.stdout.write(interrupted_reply(_event))
            return 0
        else:
            (sys.stderr if code == 2 else sys.stdout).write(output)
            return code
        finally:
            signal.signal(signal.SIGTERM, previous)
    return _in_process(agent, args, text)


def _in_process(agent: str, args: list[str], text: str) -> int:
    if agent != "claude-code":
        sys.stderr.write(f"arcadia hook: unknown agent {agent!r}; blocking the call\n")
        return 2
    from arcadia_core.agents import claude_code

    return claude_code.main(args, stdin_text=text)


if __name__ == "__main__":
    raise SystemExit(main())
