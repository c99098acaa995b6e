"""The fast path: hook client -> warm gate server, and its fallbacks to the in-process gate."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from arcadia_core.agents import hook_client
from arcadia_core.db import Database
from arcadia_core.managers import HumanInterface
from tests.core.gate_helpers import sample, wait_for_pending

CLIENT = [sys.executable, "-m", "arcadia_core.agents.hook_client", "--timeout", "120"]


def env_for(project_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCADIA_", "CLAUDE_"))}
    env.update({"CLAUDE_PROJECT_DIR": str(project_dir), "ARCADIA_GATE_SERVER_IDLE": "30", **extra})
    return env


def start_server(project_dir: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "arcadia_core.agents.gate_server", str(project_dir)],
        env=env_for(project_dir),
    )
    sock = Path(hook_client.socket_path(str(project_dir)))
    deadline = time.monotonic() + 60
    while not sock.exists():
        assert server.poll() is None, "the gate server exited"
        assert time.monotonic() < deadline, "the gate server did not start"
        time.sleep(0.05)
    return server


@pytest.fixture
def server(db: Database, project_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_server(project_dir)
    yield process
    process.terminate()
    process.wait(timeout=30)


def pre_tool_use(project_dir: Path, command: str = "echo hi") -> str:
    event = sample("PreToolUse", project_dir)
    event["tool_input"] = {"command": command, "description": command}
    return json.dumps(event)


def run_client(project_dir: Path, text: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        CLIENT,
        input=text,
        capture_output=True,
        text=True,
        env=env_for(project_dir, **env),
        timeout=120,
        check=False,
    )


def test_the_socket_is_private_and_the_server_answers(
    server: subprocess.Popen[bytes], project_dir: Path
) -> None:
    sock = Path(hook_client.socket_path(str(project_dir)))
    assert stat.S_IMODE(sock.stat().st_mode) == 0o600
    result = run_client(project_dir, pre_tool_use(project_dir))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert result.stderr == ""  # answered by the server: no in-process log line


def test_a_second_server_for_the_same_project_exits(
    server: subprocess.Popen[bytes], project_dir: Path
) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "arcadia_core.agents.gate_server", str(project_dir)],
        env=env_for(project_dir),
        timeout=60,
        check=False,
    )
    assert second.returncode == 0 and server.poll() is None


async def test_a_risky_call_through_the_server_waits_for_the_answer(
    server: subprocess.Popen[bytes], db: Database, project_dir: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        *CLIENT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env_for(project_dir),
    )
    assert process.stdin is not None
    process.stdin.write(pre_tool_use(project_dir, "rm -rf build").encode())
    process.stdin.close()
    point = (await wait_for_pending(db, timeout=60))[0]
    await HumanInterface(db).answer_async(point.point_id, "Deny", by="tui:alice")
    stdout, _ = await asyncio.wait_for(process.communicate(), 60)
    assert json.loads(stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


async def test_a_client_killed_mid_wait_withdraws_its_question(
    server: subprocess.Popen[bytes], db: Database, project_dir: Path
) -> None:
    for signum, expected_stdout in ((signal.SIGKILL, b""), (signal.SIGTERM, b"deny")):
        process = await asyncio.create_subprocess_exec(
            *CLIENT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env_for(project_dir),
        )
        assert process.stdin is not None
        process.stdin.write(pre_tool_use(project_dir, "rm -rf build").encode())
        process.stdin.close()
        point = (await wait_for_pending(db, timeout=60))[0]
        process.send_signal(signum)
        stdout, _ = await asyncio.wait_for(process.communicate(), 60)
        assert expected_stdout in stdout and b"allow" not in stdout
        human = HumanInterface(db)
        for _ in range(200):
            if not (await human.get_point_async(point.point_id)).is_pending:
                break
            await asyncio.sleep(0.05)
        withdrawn = await human.get_point_async(point.point_id)
        assert withdrawn.status == "cancelled" and withdrawn.responded_by == "agent"


def test_no_server_falls_back_in_process_and_starts_one(db: Database, project_dir: Path) -> None:
    result = run_client(project_dir, pre_tool_use(project_dir))
    assert result.returncode == 0
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert "PreToolUse Bash: allow" in result.stderr  # decided in process
    sock = Path(hook_client.socket_path(str(project_dir)))
    deadline = time.monotonic() + 60
    while not sock.exists():
        assert time.monotonic() < deadline, "no server was started"
        time.sleep(0.05)
    served = run_client(project_dir, pre_tool_use(project_dir))
    assert json.loads(served.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert served.stderr == ""
    os.kill(int((project_dir / ".arcadia" / "gate.lock").read_text()), signal.SIGTERM)


def test_the_fast_path_can_be_turned_off(db: Database, project_dir: Path) -> None:
    result = run_client(project_dir, pre_tool_use(project_dir), ARCADIA_GATE_SERVER="0")
    assert "PreToolUse Bash: allow" in result.stderr
    assert not Path(hook_client.socket_path(str(project_dir))).exists()


def test_a_broken_socket_falls_back_to_the_in_process_gate(db: Database, project_dir: Path) -> None:
    """A stale socket file (a server that died) is not a verdict: the gate runs in process."""
    import socket

    path = hook_client.socket_path(str(project_dir))
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # bound, never listening: connections are refused
    result = run_client(project_dir, pre_tool_use(project_dir), ARCADIA_GATE_SERVER_IDLE="1")
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert "PreToolUse Bash: allow" in result.stderr


def test_a_server_of_another_version_is_not_trusted(
    server: subprocess.Popen[bytes], project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook_client, "version", lambda: "0:old")
    with pytest.raises(hook_client.FastPathUnavailable, match="version"):
        hook_client.forward(
            hook_client.socket_path(str(project_dir)),
            "claude-code",
            pre_tool_use(project_dir),
            {},
            120,
            str(project_dir),
        )
    server.wait(timeout=30)  # a mismatched client makes the old server step aside


def test_the_interrupted_reply_matches_the_adapters_deny_shape() -> None:
    from arcadia_core.agents import claude_code
    from arcadia_core.gate import Verdict

    for name in ("PreToolUse", "PermissionRequest"):
        ours = json.loads(hook_client.interrupted_reply({"hook_event_name": name}))
        adapter = claude_code.reply_for(name, Verdict.deny("x"))
        assert adapter is not None
        assert ours["hookSpecificOutput"].keys() == adapter["hookSpecificOutput"].keys()
    assert hook_client.interrupted_reply({"hook_event_name": "Stop"}) == ""


def test_the_client_imports_only_the_standard_library(project_dir: Path) -> None:
    code = (
        "import sys\n"
        "from arcadia_core.agents import hook_client\n"
        "banned = ('sqlalchemy', 'textual', 'rich', 'click', 'asyncio', 'typing')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
