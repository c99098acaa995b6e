"""The Claude Agent SDK (pinned) driving the pinned npm CLI via `cli_path`, offline: what
`can_use_tool` answers reaches the model, including answers to AskUserQuestion."""

from __future__ import annotations

from typing import Any

import pytest

from tests.agents.anthropic_server import AnthropicServer
from tests.agents.claude import CLAUDE_CODE_VERSION, ClaudeProject, ClaudeSdk
from tests.agents.model_server import bash, call, say, use

pytestmark = pytest.mark.agents

QUESTION = "Which database should we use?"
QUESTIONS = [
    {
        "question": QUESTION,
        "header": "Database",
        "options": [
            {"label": "SQLite", "description": "file based"},
            {"label": "Postgres", "description": "server"},
        ],
        "multiSelect": False,
    }
]


async def test_can_use_tool_deny_reaches_the_model(
    claude_sdk: ClaudeSdk, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    from claude_agent_sdk import PermissionResultDeny

    asked: list[tuple[str, dict[str, Any], Any]] = []

    async def can_use_tool(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
        asked.append((tool_name, tool_input, context))
        return PermissionResultDeny(message="The supervisor said no: leave the marker alone")

    run = await claude_sdk.run(
        "touch it",
        [use(bash("touch marker")), say("understood")],
        can_use_tool=can_use_tool,
        timeout=90,
    )

    assert run.result.result == "understood" and not run.result.is_error
    # cli_path: the npm binary answered, not the one bundled in the wheel
    user_agent = anthropic_server.main_requests()[0].headers["user-agent"]
    assert user_agent.startswith(f"claude-cli/{CLAUDE_CODE_VERSION} "), user_agent
    [(tool_name, tool_input, context)] = asked
    assert (tool_name, tool_input["command"]) == ("Bash", "touch marker")
    assert context.tool_use_id == "toolu_00_00"
    tool_result = anthropic_server.tool_result("toolu_00_00")
    assert tool_result.is_error
    assert "The supervisor said no: leave the marker alone" in tool_result.text
    assert not (claude_project.dir / "marker").exists()


async def test_ask_user_question_answered_through_can_use_tool(
    claude_sdk: ClaudeSdk, anthropic_server: AnthropicServer
) -> None:
    from claude_agent_sdk import PermissionResultAllow

    asked: list[dict[str, Any]] = []

    async def can_use_tool(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
        assert tool_name == "AskUserQuestion"
        asked.append(tool_input)
        return PermissionResultAllow(
            updated_input={"questions": tool_input["questions"], "answers": {QUESTION: "Postgres"}}
        )

    run = await claude_sdk.run(
        "pick a database",
        [use(call("AskUserQuestion", {"questions": QUESTIONS})), say("Postgres it is")],
        can_use_tool=can_use_tool,
        timeout=90,
    )

    assert run.result.result == "Postgres it is"
    [tool_input] = asked
    assert tool_input["questions"][0]["question"] == QUESTION
    tool_result = anthropic_server.tool_result("toolu_00_00")
    assert not tool_result.is_error
    assert tool_result.text.startswith("Your questions have been answered")
    assert f'"{QUESTION}"="Postgres"' in tool_result.text


async def test_pre_tool_use_callback_allow_runs_the_command(
    claude_sdk: ClaudeSdk, anthropic_server: AnthropicServer
) -> None:
    from claude_agent_sdk import HookMatcher

    seen: list[dict[str, Any]] = []

    async def pre_tool_use(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict:
        seen.append(hook_input)
        return {
            "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow"}
        }

    async def can_use_tool(*args: Any) -> Any:
        raise AssertionError("a hook decided: can_use_tool must not be asked")

    run = await claude_sdk.run(
        "say hi",
        [use(bash("echo sdk-hi")), say("done")],
        hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[pre_tool_use], timeout=60)]},
        can_use_tool=can_use_tool,
        timeout=90,
    )

    assert run.result.result == "done"
    [hook_input] = seen
    assert hook_input["tool_input"]["command"] == "echo sdk-hi"
    assert anthropic_server.tool_result("toolu_00_00").text == "sdk-hi"
