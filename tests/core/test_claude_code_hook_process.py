"""The hook as Claude Code runs it: a separate process, stdin in, stdout out."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.managers import HumanInterface
from tests.core.gate_helpers import sample, wait_for_pending

HOOK = [sys.executable, "-m", "arcadia_core.agents.claude_code"]


def env_for(project_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCADIA_", "CLAUDE_"))}
    env.update(CLAUDE_PROJECT_DIR=str(project_dir), ARCADIA_HOOK_TIMEOUT="120", **extra)
    return env


def risky_event(project_dir: Path) -> str:
    event = sample("PreToolUse", project_dir)
    event["tool_input"] = {"command": "rm -rf build", "description": "clean"}
    return json.dumps(event)


async def start(project_dir: Path, text: str, *args: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *HOOK,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env_for(project_dir),
    )
    assert process.stdin is not None
    process.stdin.write(text.encode())
    process.stdin.close()
    return process


def test_an_allowed_call_in_a_real_process(project_dir: Path) -> None:
    result = subprocess.run(
        HOOK,
        input=json.dumps(sample("PreToolUse", project_dir)),
        capture_output=True,
        text=True,
        env=env_for(project_dir),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert "PreToolUse Bash: allow (autonomy)" in result.stderr


async def test_a_risky_call_answered_from_another_process(db: Database, project_dir: Path) -> None:
    process = await start(project_dir, risky_event(project_dir), "--timeout", "300")
    point = (await wait_for_pending(db, timeout=60))[0]
    assert point.context["command"] == "rm -rf build"
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="cli:alice")
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr
    assert json.loads(stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"


async def test_a_killed_hook_leaves_no_allow_behind(db: Database, project_dir: Path) -> None:
    process = await start(project_dir, risky_event(project_dir))
    point = (await wait_for_pending(db, timeout=60))[0]
    process.kill()
    stdout, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == -signal.SIGKILL
    assert stdout == b""  # no verdict: Claude Code falls back to its own (denying) flow
    still = await HumanInterface(db).get_point_async(point.point_id)
    assert still.status == "pending" and still.default_on_timeout == "Deny"


async def test_a_terminated_hook_withdraws_its_question_and_denies(
    db: Database, project_dir: Path
) -> None:
    process = await start(project_dir, risky_event(project_dir))
    point = (await wait_for_pending(db, timeout=60))[0]
    process.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr
    reply = json.loads(stdout)["hookSpecificOutput"]
    assert reply["permissionDecision"] == "deny"
    assert "interrupted" in reply["permissionDecisionReason"]
    withdrawn = await HumanInterface(db).get_point_async(point.point_id)
    assert withdrawn.status == "cancelled" and withdrawn.responded_by == "agent"


def test_the_hook_process_imports_neither_textual_nor_rich(project_dir: Path) -> None:
    code = (
        "import sys, io, runpy\n"
        "sys.argv = ['claude_code']\n"
        f"sys.stdin = io.StringIO({json.dumps(json.dumps(sample('PreToolUse', project_dir)))})\n"
        "from arcadia_core.agents import claude_code\n"
        "code = claude_code.main([])\n"
        "heavy = sorted(m for m in sys.modules\n"
        "               if m.split('.')[0] in ('textual', 'rich', 'click'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env_for(project_dir),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert "HEAVY []" in result.stderr
