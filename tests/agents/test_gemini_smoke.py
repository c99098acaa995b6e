"""Smoke tests of the Gemini end-to-end infrastructure: the real Gemini CLI, the scripted Gemini
API server and trivial `sh` hooks (no Arcadia code). They pin the facts of agent-hooks.md section 4
that Arcadia's Gemini hook will rely on."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.agents.codex_gemini_helpers import answer_hook, sh_hook, wait_for, waiting_sh_hook
from tests.agents.gemini_env import (
    GeminiEnv,
    GeminiRun,
    before_tool_allow,
    before_tool_deny,
    hook_group,
)
from tests.agents.gemini_server import GeminiServer, run_shell_command

# The fixtures `gemini`, `gemini_bin` and `gemini_server` (no conftest.py, so nothing collides).
pytest_plugins = ["tests.agents.gemini_fixtures"]

RUN_TIMEOUT = 120.0


def function_responses(gemini: GeminiEnv) -> list[dict]:
    """The `functionResponse.response` objects the model was sent by the last main request."""
    requests = gemini.server.main_requests
    assert requests, "no main-loop request reached the server"
    return [fr.get("response") or {} for fr in requests[-1].function_responses()]


def timed(label: str, run: GeminiRun) -> None:
    print(f"[timing] gemini {label}: {run.duration:.2f}s")


def test_before_tool_deny_blocks_the_tool(gemini: GeminiEnv) -> None:
    record = gemini.root / "before-tool.json"
    gemini.server.script = [[run_shell_command("touch marker && echo RAN", "make a marker")]]
    gemini.write_hooks(
        {"BeforeTool": [hook_group(sh_hook(before_tool_deny("no touching here"), record=record))]}
    )

    run = gemini.run("make a marker", timeout=RUN_TIMEOUT)
    timed("BeforeTool deny", run)

    assert run.returncode == 0, run.describe()
    assert not (gemini.project / "marker").exists()
    assert function_responses(gemini) == [{"error": "Tool execution blocked: no touching here"}]
    assert run.response == "done"
    assert run.tool_stats("run_shell_command").get("fail") == 1
    stdin = json.loads(record.read_text())
    assert stdin["hook_event_name"] == "BeforeTool"
    assert stdin["tool_name"] == "run_shell_command"
    assert stdin["tool_input"] == {
        "command": "touch marker && echo RAN",
        "description": "make a marker",
    }
    assert stdin["cwd"] == str(gemini.project)
    # The router's classifier call came first and was answered with its own schema.
    assert len(gemini.server.router_requests) == 1
    assert gemini.server.requests[0].kind == "router"


def test_before_tool_allow_lets_the_tool_run(gemini: GeminiEnv) -> None:
    gemini.server.script = [[run_shell_command("touch marker && echo RAN")]]
    gemini.write_hooks({"BeforeTool": [hook_group(sh_hook(before_tool_allow()))]})

    run = gemini.run("make a marker", timeout=RUN_TIMEOUT)
    timed("BeforeTool allow", run)

    assert run.returncode == 0, run.describe()
    assert (gemini.project / "marker").exists()
    [response] = function_responses(gemini)
    assert "RAN" in response.get("output", ""), response
    assert run.tool_stats("run_shell_command").get("success") == 1


def test_a_before_tool_hook_waits_for_a_late_answer(gemini: GeminiEnv) -> None:
    """The background helper: the agent blocks in BeforeTool until the test answers deny."""
    answer, started = gemini.root / "answer.json", gemini.root / "hook-started"
    gemini.server.script = [[run_shell_command("touch marker")]]
    gemini.write_hooks(
        {
            "BeforeTool": [
                hook_group(waiting_sh_hook(answer, started=started, max_wait=60), timeout_ms=90_000)
            ]
        }
    )

    with gemini.start("make a marker") as process:
        wait_for(started.exists, timeout=RUN_TIMEOUT, what="the BeforeTool hook")
        time.sleep(1.0)  # the agent keeps waiting for the answer
        assert process.running()
        assert len(gemini.server.main_requests) == 1
        answer_hook(answer, before_tool_deny("a person said no"))
        result = process.wait(RUN_TIMEOUT)
    run = GeminiRun.parse(result)
    timed("BeforeTool answered late", run)

    assert run.returncode == 0, run.describe()
    assert not (gemini.project / "marker").exists()
    assert function_responses(gemini) == [{"error": "Tool execution blocked: a person said no"}]


# BeforeTool replies in yolo: (hook command, the blocking error the model gets, or None = ran).
BEFORE_TOOL_REPLIES = {
    "block": (
        sh_hook('{"decision":"block","reason":"legacy says no"}'),
        "Tool execution blocked: legacy says no",
    ),
    "exit 2": (
        sh_hook(stderr="exit two says no", exit_code=2),
        "Tool execution blocked: exit two says no",
    ),
    "not found": (
        "/nonexistent/arcadia-hook",
        "Tool execution blocked: bash: line 1: /nonexistent/arcadia-hook: "
        "No such file or directory",
    ),
    # Gemini reads a JSON verdict on stdout whatever the exit code (Codex does not).
    "deny JSON + exit 1": (
        sh_hook(before_tool_deny("denied anyway"), exit_code=1),
        "Tool execution blocked: denied anyway",
    ),
    "exit 1": (sh_hook(stderr="broken", exit_code=1), None),
    "garbage": (sh_hook("this is not json"), None),
    "claude-style deny": (
        sh_hook(
            json.dumps(
                {
                    "hookSpecificOutput": {
                        "hookEventName": "PreToolUse",
                        "permissionDecision": "deny",
                        "permissionDecisionReason": "ignored",
                    }
                }
            )
        ),
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BEFORE_TOOL_REPLIES))
def test_before_tool_reply_shapes(gemini: GeminiEnv, case: str) -> None:
    command, blocked_with = BEFORE_TOOL_REPLIES[case]
    gemini.server.script = [[run_shell_command("touch marker")]]
    gemini.write_hooks({"BeforeTool": [hook_group(command)]})

    run = gemini.run("make a marker", timeout=RUN_TIMEOUT)
    timed(f"BeforeTool {case}", run)

    assert run.returncode == 0, run.describe()
    if blocked_with is None:
        assert (gemini.project / "marker").exists(), run.describe()
    else:
        assert not (gemini.project / "marker").exists()
        assert function_responses(gemini) == [{"error": blocked_with}]


def test_before_tool_ask_drops_the_call_silently(gemini: GeminiEnv) -> None:
    """`decision: "ask"` in headless mode: exit 0, empty stdout, no tool run, no further model
    request, no error anywhere -- which is why Arcadia must never emit it."""
    gemini.server.script = [[run_shell_command("touch marker")]]
    gemini.write_hooks({"BeforeTool": [hook_group(sh_hook('{"decision":"ask"}'))]})

    run = gemini.run("make a marker", timeout=RUN_TIMEOUT)
    timed("BeforeTool ask", run)

    assert run.returncode == 0, run.describe()
    assert run.result.stdout.strip() == ""
    assert run.output is None
    assert not (gemini.project / "marker").exists()
    assert len(gemini.server.main_requests) == 1


def test_before_tool_can_rewrite_the_command(gemini: GeminiEnv) -> None:
    gemini.server.script = [[run_shell_command("touch marker")]]
    rewrite = {
        "hookSpecificOutput": {
            "hookEventName": "BeforeTool",
            "tool_input": {"command": "echo REWRITTEN"},
        }
    }
    gemini.write_hooks({"BeforeTool": [hook_group(sh_hook(json.dumps(rewrite)))]})

    run = gemini.run("make a marker", timeout=RUN_TIMEOUT)
    timed("BeforeTool rewrite", run)

    assert run.returncode == 0, run.describe()
    assert not (gemini.project / "marker").exists()
    [response] = function_responses(gemini)
    assert "REWRITTEN" in response["output"]
    assert "Tool input parameters were modified by a hook" in response["output"]


# --- the scripted server alone (no Gemini CLI needed) -----------------------------------------


def _post(url: str, body: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_server_answers_the_router_and_picks_turns_by_function_responses() -> None:
    router = {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "generationConfig": {
            "responseMimeType": "application/json",
            "responseJsonSchema": {
                "type": "OBJECT",
                "properties": {
                    "complexity_reasoning": {"type": "STRING"},
                    "complexity_score": {"type": "INTEGER"},
                },
            },
        },
    }
    tools = [{"functionDeclarations": [{"name": "run_shell_command"}]}]
    first = {"contents": [{"role": "user", "parts": [{"text": "go"}]}], "tools": tools}
    args = {"command": "ls", "description": "list"}
    call = {"functionCall": {"name": "run_shell_command", "args": args}}
    reply = {"functionResponse": {"name": "run_shell_command", "response": {"output": "x"}}}
    second = {
        "contents": [
            *first["contents"],
            {"role": "model", "parts": [call]},
            {"role": "user", "parts": [reply]},
        ],
        "tools": tools,
    }
    started = time.monotonic()
    with GeminiServer(
        [[run_shell_command("ls", "list")]], complexity_score=42, max_requests=4
    ) as server:
        status, payload = _post(server.base_url + "/v1beta/models/lite:generateContent", router)
        assert status == 200
        text = json.loads(payload)["candidates"][0]["content"]["parts"][0]["text"]
        assert json.loads(text) == {
            "complexity_reasoning": "scripted router",
            "complexity_score": 42,
        }
        stream = server.base_url + "/v1beta/models/flash:streamGenerateContent?alt=sse"
        for body, expected in ((first, [call]), (second, [{"text": "done"}])):
            status, payload = _post(stream, body)
            chunks = [
                json.loads(line[len("data: ") :])
                for line in payload.decode().splitlines()
                if line.startswith("data: ")
            ]
            parts = [p for c in chunks for p in c["candidates"][0]["content"]["parts"]]
            assert (status, parts) == (200, expected)
            assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"
            assert chunks[-1]["usageMetadata"]["totalTokenCount"] == 15
        assert _post(server.base_url + "/v1beta/other", first)[0] == 404
        assert _post(stream, first)[0] == 500  # the 5th request
        assert [r.kind for r in server.requests] == ["router", "main", "main", "other", "main"]
        assert server.requests[0].model == "lite"
    assert time.monotonic() - started < 10
