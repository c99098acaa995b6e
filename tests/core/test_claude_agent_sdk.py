"""`supervise(ClaudeAgentOptions)`: the SDK callbacks, called as the SDK calls them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.db import Database
from arcadia_core.gate import AgentRef, Gate
from arcadia_core.managers import HumanInterface
from tests.core.gate_helpers import answer_next, sample

if os.environ.get("CI"):
    import claude_agent_sdk as sdk  # in CI a missing SDK is a failure, not a skip
else:
    sdk = pytest.importorskip("claude_agent_sdk")

from arcadia_core.integrations.claude_agent_sdk import Supervisor, supervise  # noqa: E402


def sdk_sample(name: str, project_dir: Path) -> dict[str, Any]:
    return sample(name, project_dir, agent="sdk")


@pytest.fixture
async def supervisor(db: Database, project_dir: Path) -> Any:
    value = Supervisor(project_dir, timeout=120)
    yield value
    await value.aclose()


def test_supervise_adds_the_gate_and_keeps_the_agents_own_hooks(project_dir: Path) -> None:
    async def own_hook(*_args: Any) -> dict[str, Any]:
        return {}

    mine = sdk.HookMatcher(matcher="Bash", hooks=[own_hook])
    options = sdk.ClaudeAgentOptions(cwd=str(project_dir), hooks={"PreToolUse": [mine]})
    supervised = supervise(options)
    assert supervised is not options and options.can_use_tool is None
    pre = supervised.hooks["PreToolUse"]
    assert pre[0] is mine and pre[1].timeout == 3600
    assert {event for event in supervised.hooks} >= {"PostToolUse", "PostToolUseFailure", "Stop"}
    assert all(m.timeout for matchers in supervised.hooks.values() for m in matchers[-1:])
    assert supervised.can_use_tool is not None


async def test_an_allowed_call_and_its_outcome(
    supervisor: Supervisor, db: Database, project_dir: Path
) -> None:
    recorded = sdk_sample("pre_hook_callback.S4", project_dir)["input"]
    recorded["tool_input"] = {"command": "echo hi"}
    reply = await supervisor.pre_tool_use(recorded, recorded["tool_use_id"], None)
    assert reply["hookSpecificOutput"]["permissionDecision"] == "allow"
    post = {**recorded, "hook_event_name": "PostToolUse", "tool_response": {"stdout": "hi"}}
    assert await supervisor.post_tool_use(post, recorded["tool_use_id"], None) == {}
    stop = {"session_id": recorded["session_id"], "hook_event_name": "Stop"}
    assert await supervisor.stop(stop, None, None) == {}
    row = await Gate(db).find_session_async(AgentRef("claude-sdk", recorded["session_id"]))
    assert row is not None and row.tool_calls == 1 and row.tool_failures == 0


async def test_a_risky_call_waits_and_the_denial_blocks_it(
    supervisor: Supervisor, db: Database, project_dir: Path
) -> None:
    recorded = sdk_sample("pre_hook_callback.S4", project_dir)["input"]
    task = asyncio.create_task(supervisor.pre_tool_use(recorded, recorded["tool_use_id"], None))
    point = await answer_next(db, "Deny")
    assert point.context["agent"] == "claude-sdk"
    assert point.message and point.message.startswith("Claude Agent SDK agent wants to run")
    reply = await task
    assert reply["hookSpecificOutput"]["permissionDecision"] == "deny"
    # can_use_tool for the same call reuses the verdict instead of asking again.
    context = sdk.ToolPermissionContext(tool_use_id=recorded["tool_use_id"])
    result = await supervisor.can_use_tool("Bash", recorded["tool_input"], context)
    assert isinstance(result, sdk.PermissionResultDeny)
    assert await HumanInterface(db).get_pending_async() == []


async def test_can_use_tool_alone_asks_and_allows(
    supervisor: Supervisor, db: Database, project_dir: Path
) -> None:
    recorded = sdk_sample("can_use_tool.S1", project_dir)
    context = sdk.ToolPermissionContext(tool_use_id=recorded["ctx"]["tool_use_id"])
    task = asyncio.create_task(
        supervisor.can_use_tool(recorded["tool_name"], recorded["input"], context)
    )
    point = await answer_next(db, "Allow")
    assert point.context["hook_event"] == "can_use_tool"
    assert point.context["command"] == "rm -rf build && echo REMOVED"
    assert isinstance(await task, sdk.PermissionResultAllow)


async def test_ask_user_question_through_can_use_tool(
    supervisor: Supervisor, db: Database, project_dir: Path
) -> None:
    recorded = sdk_sample("can_use_tool.S8", project_dir)
    context = sdk.ToolPermissionContext(tool_use_id=recorded["ctx"]["tool_use_id"])
    task = asyncio.create_task(
        supervisor.can_use_tool("AskUserQuestion", recorded["input"], context)
    )
    await answer_next(db, "Postgres")
    result = await task
    assert isinstance(result, sdk.PermissionResultAllow)
    assert result.updated_input == {
        **recorded["input"],
        "answers": {"Which database should we use?": "Postgres"},
    }


async def test_ask_user_question_through_the_pre_tool_use_callback(
    supervisor: Supervisor, db: Database, project_dir: Path
) -> None:
    recorded = sdk_sample("pre_hook_callback.S9", project_dir)["input"]
    task = asyncio.create_task(supervisor.pre_tool_use(recorded, recorded["tool_use_id"], None))
    await answer_next(db, "SQLite")
    output = (await task)["hookSpecificOutput"]
    assert output["updatedInput"]["answers"] == {"Which database should we use?": "SQLite"}


async def test_the_agents_own_can_use_tool_is_asked_after_the_gate(project_dir: Path) -> None:
    asked: list[str] = []

    async def own(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
        asked.append(tool_name)
        return sdk.PermissionResultDeny(message="mine says no")

    options = supervise(sdk.ClaudeAgentOptions(cwd=str(project_dir), can_use_tool=own))
    context = sdk.ToolPermissionContext(tool_use_id="t1")
    result = await options.can_use_tool("Read", {"file_path": "x"}, context)
    assert asked == ["Read"] and result.message == "mine says no"


async def test_an_unopenable_database_denies(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / ".arcadia").mkdir(parents=True)
    (project / ".arcadia" / "project.db").write_bytes(b"garbage" * 50)
    supervisor = Supervisor(project)
    reply = await supervisor.pre_tool_use(
        {"session_id": "s", "tool_name": "Bash", "tool_input": {"command": "echo"}}, "t", None
    )
    assert reply["hookSpecificOutput"]["permissionDecision"] == "deny"
    result = await supervisor.can_use_tool("Bash", {"command": "echo"}, None)
    assert isinstance(result, sdk.PermissionResultDeny)


def test_arcadia_core_imports_without_the_sdk() -> None:
    code = (
        "import sys\n"
        "sys.modules['claude_agent_sdk'] = None\n"
        "import arcadia_core.integrations.claude_agent_sdk, arcadia_core.gate.gate\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
