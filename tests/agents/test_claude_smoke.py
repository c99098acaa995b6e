"""The agent-test infrastructure itself, proven on the real Claude Code CLI with trivial sh hooks
(no Arcadia code): what the scripted model says reaches the CLI, what a hook decides reaches the
model, and a background run can be answered from the test while it waits."""

from __future__ import annotations

import os
import time

import pytest

from tests.agents.anthropic_server import AnthropicServer
from tests.agents.claude import (
    CLAUDE_CODE_VERSION,
    Claude,
    ClaudeProject,
    hooks_config,
    pre_tool_use_reply,
)
from tests.agents.model_server import bash, calls, say, use

pytestmark = pytest.mark.agents


def test_binary_is_the_pinned_version(claude_bin) -> None:
    import subprocess

    out = subprocess.run([str(claude_bin), "--version"], capture_output=True, text=True, timeout=30)
    assert out.stdout.startswith(CLAUDE_CODE_VERSION), out


def test_allow_hook_lets_the_command_run_and_the_model_sees_its_output(
    claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    hook = claude_project.hook_command(pre_tool_use_reply("allow", "fine by the test"))
    result = claude.run(
        "say hi",
        [use(bash("echo hi")), say("all done")],
        settings_hooks=hooks_config("PreToolUse", hook, matcher="Bash", timeout=30),
    ).check()

    assert result.result == "all done"
    tool_result = anthropic_server.tool_result("toolu_00_00")
    assert (tool_result.text, tool_result.is_error) == ("hi", False)
    [hook_call] = claude_project.hook_calls()
    assert hook_call.input["hook_event_name"] == "PreToolUse"
    assert hook_call.input["tool_name"] == "Bash"
    assert hook_call.input["tool_input"]["command"] == "echo hi"
    assert hook_call.input["tool_use_id"] == "toolu_00_00"
    assert hook_call.input["session_id"] == result.session_id
    assert hook_call.input["cwd"] == str(claude_project.dir)
    # the model's two turns, from the pinned binary, and nothing the scripted server did not know
    requests = anthropic_server.main_requests()
    assert [r.turn for r in requests] == [0, 1]
    assert requests[0].headers["user-agent"].startswith(f"claude-cli/{CLAUDE_CODE_VERSION} ")
    assert requests[0].session_id == result.session_id
    assert anthropic_server.recorded("unknown") == []


def test_deny_hook_stops_the_command_and_the_model_gets_the_reason(
    claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    reason = "Denied by the test: touching the marker is not allowed"
    hook = claude_project.hook_command(pre_tool_use_reply("deny", reason))
    result = claude.run(
        "touch it",
        [use(bash("touch marker")), say("understood")],
        settings_hooks=hooks_config("PreToolUse", hook, matcher="Bash", timeout=30),
    ).check()

    tool_result = anthropic_server.tool_result("toolu_00_00")
    assert tool_result.is_error
    assert reason in tool_result.text
    assert not (claude_project.dir / "marker").exists()
    [denial] = result.json["permission_denials"]
    assert denial["tool_name"] == "Bash" and denial["tool_use_id"] == "toolu_00_00"


def test_two_parallel_calls_each_get_a_hook_and_a_result(
    claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    # each hook takes 1 s, so their overlap shows whether the CLI ran them concurrently
    hook = claude_project.hook_command(pre_tool_use_reply("allow"), sleep=1)
    result = claude.run(
        "two at once",
        [calls(bash("echo A"), bash("echo B")), say("both done")],
        settings_hooks=hooks_config("PreToolUse", hook, matcher="Bash", timeout=30),
        output_format="stream-json",
    ).check()

    results = anthropic_server.tool_results()
    assert {k: (v.text, v.is_error) for k, v in results.items()} == {
        "toolu_00_00": ("A", False),
        "toolu_00_01": ("B", False),
    }
    # both results come back in the same request, as one user message
    assert results["toolu_00_00"].request_seq == results["toolu_00_01"].request_seq
    first, second = claude_project.hook_calls()
    assert {first.input["tool_use_id"], second.input["tool_use_id"]} == {
        "toolu_00_00",
        "toolu_00_01",
    }
    assert first.ended is not None and second.started < first.ended, "hooks ran one after the other"
    started = result.of_type("system", "hook_started")
    assert len([e for e in started if e.get("hook_event") == "PreToolUse"]) == 2, started


def test_background_run_waits_for_an_answer_given_by_the_test(
    claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    answer = claude_project.root / "answer.json"
    hook = claude_project.hook_command(reply_file=answer, reply_file_wait=60)
    process = claude.start(
        "wait for me",
        [use(bash("echo answered")), say("done")],
        settings_hooks=hooks_config("PreToolUse", hook, matcher="Bash", timeout=90),
        output_format="stream-json",
        timeout=90,
    )
    with process:
        process.wait_for_event(
            lambda e: e.get("subtype") == "hook_started" and e.get("hook_event") == "PreToolUse",
            timeout=30,
        )
        time.sleep(0.5)  # the call is pending: no tool result has reached the model
        assert "toolu_00_00" not in anthropic_server.tool_results()
        assert process.running
        partial = answer.with_suffix(".tmp")
        partial.write_text(
            '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'
        )
        os.replace(partial, answer)
        result = process.wait(timeout=60).check()
    assert anthropic_server.tool_result("toolu_00_00").text == "answered"
    assert result.result == "done"
