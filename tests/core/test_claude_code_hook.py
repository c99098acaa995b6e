"""`arcadia hook claude-code` driven with the recorded stdin of every Claude Code event."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.agents import claude_code
from arcadia_core.db import Database, database_path
from arcadia_core.gate import AgentRef, Gate
from arcadia_core.managers import AutonomyLevel, AutonomyManager, HumanInterface, Observability
from tests.core.gate_helpers import answer_next, sample, wait_for_pending

ENV = {"ARCADIA_HOOK_TIMEOUT": "60"}  # a forgotten answer fails the test in under a minute
SESSION = "22001214-bfe4-4e1f-9dfc-fa0bac5b5f31"


async def hook(event: dict[str, Any] | str, project_dir: Path, **env: str) -> tuple[str, int]:
    text = event if isinstance(event, str) else json.dumps(event)
    return await claude_code.run_async(text, {**ENV, **env}, project_dir=project_dir)


def reply(output: tuple[str, int]) -> dict[str, Any]:
    text, code = output
    assert code == 0
    return dict(json.loads(text))


async def test_an_allowed_pre_tool_use_gets_claudes_exact_allow_shape(
    db: Database, project_dir: Path
) -> None:
    answer = reply(await hook(sample("PreToolUse", project_dir), project_dir))
    assert answer == {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "allow",
            "permissionDecisionReason": answer["hookSpecificOutput"]["permissionDecisionReason"],
        }
    }
    assert await HumanInterface(db).get_pending_async() == []


async def test_a_risky_pre_tool_use_waits_and_is_denied_with_a_reason(
    db: Database, project_dir: Path
) -> None:
    event = sample("PreToolUse", project_dir)
    event["tool_input"] = {"command": "rm -rf build", "description": "clean"}
    task = asyncio.create_task(hook(event, project_dir))
    point = await answer_next(db, "Deny", by="cli:alice")
    assert point.context["tool_use_id"] == "toolu_00_00"
    assert point.context["agent_session_id"] == SESSION
    output = reply(await task)["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny"
    assert (
        "(cli:alice) denied the request to run `rm -rf build`" in output["permissionDecisionReason"]
    )


async def test_a_permission_request_gets_the_decision_behavior_shape(
    db: Database, project_dir: Path
) -> None:
    event = sample("PermissionRequest", project_dir)
    task = asyncio.create_task(hook(event, project_dir))
    point = await answer_next(db, "Allow")
    assert point.context["hook_event"] == "PermissionRequest"
    assert "tool_use_id" not in point.context
    assert reply(await task) == {
        "hookSpecificOutput": {
            "hookEventName": "PermissionRequest",
            "decision": {"behavior": "allow"},
        }
    }
    task = asyncio.create_task(hook(event, project_dir))
    await answer_next(db, "not now", free_text=True)
    decision = reply(await task)["hookSpecificOutput"]["decision"]
    assert decision["behavior"] == "deny"
    assert decision["message"].endswith("said: not now")


async def test_ask_user_question_is_answered_through_updated_input(
    db: Database, project_dir: Path
) -> None:
    event = sample("PreToolUse.AskUserQuestion", project_dir)
    task = asyncio.create_task(hook(event, project_dir))
    await answer_next(db, "SQLite")
    output = reply(await task)["hookSpecificOutput"]
    assert output["permissionDecision"] == "allow"
    assert output["updatedInput"] == {
        "questions": event["tool_input"]["questions"],
        "answers": {"Which database should we use?": "SQLite"},
    }


async def test_the_session_events_of_a_whole_run(db: Database, project_dir: Path) -> None:
    """The order of events in one recorded `-p` session; none of them prints anything."""
    for name in (
        "SessionStart",
        "UserPromptSubmit",
        "PostToolUse",
        "PostToolBatch",
        "PostToolUseFailure",
        "MessageDisplay",
        "Stop",
    ):
        assert await hook(sample(name, project_dir), project_dir) == ("", 0), name
    gate = Gate(db)
    row = await gate.find_session_async(AgentRef("claude-code", SESSION))
    assert row is not None and row.tool_failures == 1
    events = await Observability(db).get_session_events_async(row.session_id)
    assert [e.event_type for e in events] == [
        "session_start",
        "session_resume",
        "tool_result",
        "tool_error",
        "session_pause",
    ]
    assert events[1].data["prompt"] == "please run the three commands"
    assert await hook(sample("SessionEnd", project_dir), project_dir) == ("", 0)
    ended = await gate.find_session_async(AgentRef("claude-code", SESSION))
    assert ended is not None and ended.state == "ended"


async def test_notifications_mark_the_session_waiting_for_its_terminal(
    db: Database, project_dir: Path
) -> None:
    for name in ("Notification.idle_prompt", "Notification.permission_prompt"):
        assert await hook(sample(name, project_dir), project_dir) == ("", 0)
    waiting = await Gate(db).list_sessions_async(state="waiting_for_terminal")
    assert sorted(s.state_detail or "" for s in waiting) == [
        "Claude is waiting for your input",
        "Claude needs your permission",
    ]
    other = {**sample("Notification.idle_prompt", project_dir), "notification_type": "auth_success"}
    other["session_id"] = "another"
    assert await hook(other, project_dir) == ("", 0)
    assert len(await Gate(db).list_sessions_async()) == 2


async def test_failures_through_the_hook_demote_the_level(db: Database, project_dir: Path) -> None:
    for _ in range(3):
        await hook(sample("PostToolUseFailure", project_dir), project_dir)
    assert (await AutonomyManager(db).get_config_async()).level == AutonomyLevel.PLAN
    task = asyncio.create_task(hook(sample("PreToolUse", project_dir), project_dir))
    point = (await wait_for_pending(db))[0]
    assert point.context["command"] == "echo hi"
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert reply(await task)["hookSpecificOutput"]["permissionDecision"] == "allow"


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"PreToolUse"', "{"])
async def test_stdin_that_is_not_a_json_object_blocks_with_exit_2(
    text: str, project_dir: Path
) -> None:
    message, code = await hook(text, project_dir)
    assert code == 2
    assert message.startswith("arcadia hook claude-code: hook stdin is")
    assert not database_path(project_dir).exists()


async def test_missing_fields_are_tolerated(db: Database, project_dir: Path) -> None:
    answer = reply(await hook({"hook_event_name": "PreToolUse"}, project_dir))
    assert answer["hookSpecificOutput"]["hookEventName"] == "PreToolUse"
    assert answer["hookSpecificOutput"]["permissionDecision"] == "deny"
    read = {"hook_event_name": "PreToolUse", "tool_name": "Read", "tool_input": "not a dict"}
    assert reply(await hook(read, project_dir))["hookSpecificOutput"]["permissionDecision"] == (
        "allow"
    )
    assert await hook({"hook_event_name": "PostToolUse"}, project_dir) == ("", 0)
    assert await hook({"hook_event_name": "SessionEnd"}, project_dir) == ("", 0)
    assert await hook({}, project_dir) == ("", 0)


async def test_an_unreadable_database_denies(project_dir: Path) -> None:
    path = database_path(project_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database at all" * 10)
    answer = reply(await hook(sample("PreToolUse", project_dir), project_dir))["hookSpecificOutput"]
    assert answer["permissionDecision"] == "deny"
    assert answer["permissionDecisionReason"].startswith("Arcadia could not check this call (")
    assert "\n" not in answer["permissionDecisionReason"]
    permission = reply(await hook(sample("PermissionRequest", project_dir), project_dir))
    assert permission["hookSpecificOutput"]["decision"]["behavior"] == "deny"
    # Non-deciding events fail quietly: nothing to block, nothing printed.
    assert await hook(sample("PostToolUse", project_dir), project_dir) == ("", 0)
    # The documented fail-open setting hands the decision to Claude Code's own rules.
    assert await hook(
        sample("PreToolUse", project_dir), project_dir, ARCADIA_HOOK_FAIL_OPEN="1"
    ) == ("", 0)


async def test_a_read_only_database_directory_denies(project_dir: Path) -> None:
    database = await Database.open(project_dir)
    await database.close()
    directory = database_path(project_dir).parent
    if os.geteuid() == 0:
        pytest.skip("root may write to read-only directories")
    directory.chmod(0o500)
    try:
        answer = reply(await hook(sample("PreToolUse", project_dir), project_dir))
        assert answer["hookSpecificOutput"]["permissionDecision"] == "deny"
    finally:
        directory.chmod(0o700)


def test_the_project_directory_precedence(tmp_path: Path) -> None:
    event = {"cwd": str(tmp_path / "cwd")}
    env = {"CLAUDE_PROJECT_DIR": str(tmp_path / "claude")}
    assert claude_code.project_dir_for(event, env, tmp_path / "flag") == tmp_path / "flag"
    assert claude_code.project_dir_for(event, env) == tmp_path / "claude"
    assert claude_code.project_dir_for(event, {}) == tmp_path / "cwd"
    assert claude_code.project_dir_for({}, {}) == Path.cwd()


def test_the_time_budget_leaves_a_margin() -> None:
    assert claude_code.host_timeout_for({}, 3600) == 3600
    assert claude_code.host_timeout_for({"ARCADIA_HOOK_TIMEOUT": "120"}) == 120
    assert claude_code.host_timeout_for({"ARCADIA_HOOK_TIMEOUT": "x"}) == 600
    started = claude_code.time.monotonic()
    assert 3560 < claude_code.remaining_budget(3600, started) <= 3570
    assert 110 < claude_code.remaining_budget(120, started) <= 114


def test_arguments() -> None:
    assert claude_code.parse_args(["--project-dir", "/p", "--timeout=90"]) == (Path("/p"), 90.0)
    assert claude_code.parse_args(["--timeout", "soon", "extra"]) == (None, None)


def test_the_blocking_run_works(project_dir: Path) -> None:
    text, code = claude_code.run(
        json.dumps(sample("PreToolUse", project_dir)), {}, project_dir=project_dir
    )
    assert code == 0 and json.loads(text)["hookSpecificOutput"]["permissionDecision"] == "allow"
