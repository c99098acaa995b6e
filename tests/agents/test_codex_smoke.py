"""Smoke tests of the Codex end-to-end infrastructure: the real Codex CLI, the scripted Responses
server and trivial `sh` hooks (no Arcadia code). They pin the facts of agent-hooks.md section 3
that Arcadia's Codex hook will rely on."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.agents.codex_env import (
    CodexEnv,
    CodexRun,
    hook_group,
    permission_request_allow,
    permission_request_deny,
    pre_tool_use_allow,
    pre_tool_use_deny,
)
from tests.agents.codex_gemini_helpers import (
    answer_hook,
    run_process,
    sh_hook,
    wait_for,
    waiting_sh_hook,
)
from tests.agents.responses_server import ResponsesServer, exec_command

# The fixtures `codex`, `codex_bin` and `responses_server` (no conftest.py, so nothing collides).
pytest_plugins = ["tests.agents.codex_fixtures"]

RUN_TIMEOUT = 90.0


def outputs_of(codex: CodexEnv) -> list[str]:
    """The `function_call_output` texts the model was sent, in order."""
    return [
        str(item.get("output"))
        for request in codex.server.main_requests
        for item in request.function_call_outputs()
    ]


def last_output(codex: CodexEnv) -> str:
    outputs = outputs_of(codex)
    assert outputs, "the model never got a tool output"
    return outputs[-1]


def timed(label: str, run: CodexRun) -> None:
    print(f"[timing] codex {label}: {run.duration:.2f}s")


def test_pre_tool_use_deny_blocks_the_command(codex: CodexEnv) -> None:
    record = codex.root / "pre.json"
    codex.server.script = [[exec_command("touch marker")]]
    codex.write_hooks(
        {"PreToolUse": [hook_group(sh_hook(pre_tool_use_deny("no touching here"), record=record))]}
    )

    run = codex.run("make a marker", timeout=RUN_TIMEOUT)
    timed("PreToolUse deny", run)

    assert run.returncode == 0, run.describe()
    assert not (codex.project / "marker").exists()
    assert "Command blocked by PreToolUse hook: no touching here" in last_output(codex)
    assert len(codex.server.main_requests) == 2
    assert codex.server.guardian_requests == []
    stdin = json.loads(record.read_text())
    assert stdin["hook_event_name"] == "PreToolUse"
    assert stdin["tool_name"] == "Bash"
    assert stdin["tool_input"] == {"command": "touch marker"}
    assert stdin["tool_use_id"] == "call_00_00"
    assert stdin["permission_mode"] == "default"  # --approve-for-me
    assert stdin["cwd"] == str(codex.project)


def test_pre_tool_use_allow_lets_the_command_run(codex: CodexEnv) -> None:
    codex.server.script = [[exec_command("touch marker && echo MADE")]]
    codex.write_hooks({"PreToolUse": [hook_group(sh_hook(pre_tool_use_allow()))]})

    run = codex.run("make a marker", timeout=RUN_TIMEOUT)
    timed("PreToolUse allow", run)

    assert run.returncode == 0, run.describe()
    assert (codex.project / "marker").exists()
    assert "MADE" in last_output(codex)
    assert run.agent_messages[-1:] == ["done"]


@pytest.mark.parametrize("verdict", ["allow", "deny"])
def test_permission_request_decides_an_escalated_command(codex: CodexEnv, verdict: str) -> None:
    outside = codex.root / "outside.txt"
    record = codex.root / "permission.json"
    # The guardian is told the opposite, so that the outcome proves the hook decided.
    codex.server.guardian_outcome = "deny" if verdict == "allow" else "allow"
    codex.server.script = [
        [
            exec_command(
                f"touch {outside} && echo ESCALATED-RAN",
                escalated=True,
                justification="write outside the workspace",
            )
        ]
    ]
    reply = (
        permission_request_allow()
        if verdict == "allow"
        else permission_request_deny("human said no")
    )
    codex.write_hooks({"PermissionRequest": [hook_group(sh_hook(reply, record=record))]})

    run = codex.run("write outside", timeout=RUN_TIMEOUT)
    timed(f"PermissionRequest {verdict}", run)

    assert run.returncode == 0, run.describe()
    assert codex.server.guardian_requests == []
    stdin = json.loads(record.read_text())
    assert stdin["hook_event_name"] == "PermissionRequest"
    assert stdin["tool_name"] == "Bash"
    assert stdin["tool_input"]["description"] == "write outside the workspace"
    assert "tool_use_id" not in stdin
    if verdict == "allow":
        assert outside.exists()
        assert "ESCALATED-RAN" in last_output(codex)
    else:
        assert not outside.exists()
        # exec_command failed: CreateProcess { message: "Rejected(\"human said no\")" }
        assert "Rejected(" in last_output(codex)
        assert "human said no" in last_output(codex)


def test_pre_tool_use_allow_does_not_approve_an_escalation(codex: CodexEnv) -> None:
    """PreToolUse `allow` has no approval effect: the escalated command still goes to
    PermissionRequest, whose deny wins."""
    outside = codex.root / "outside.txt"
    events = codex.root / "events.jsonl"
    codex.server.guardian_outcome = "allow"
    codex.server.script = [[exec_command(f"touch {outside}", escalated=True)]]
    codex.write_hooks(
        {
            "PreToolUse": [hook_group(sh_hook(pre_tool_use_allow(), record=events))],
            "PermissionRequest": [
                hook_group(sh_hook(permission_request_deny("still no"), record=events))
            ],
        }
    )

    run = codex.run("write outside", timeout=RUN_TIMEOUT)
    timed("PreToolUse allow + PermissionRequest deny", run)

    assert run.returncode == 0, run.describe()
    assert not outside.exists()
    assert "still no" in last_output(codex)
    decoder, text, seen = json.JSONDecoder(), events.read_text(), []
    position = 0
    while position < len(text):  # the hooks append one JSON object each, unseparated
        stdin, position = decoder.raw_decode(text, position)
        seen.append(stdin["hook_event_name"])
    assert seen == ["PreToolUse", "PermissionRequest"]


@pytest.mark.parametrize("outcome", ["allow", "deny"])
def test_guardian_decides_an_escalated_command_without_hooks(codex: CodexEnv, outcome: str) -> None:
    outside = codex.root / "outside.txt"
    codex.server.guardian_outcome = outcome
    codex.server.script = [[exec_command(f"touch {outside}", escalated=True)]]

    run = codex.run("write outside", timeout=RUN_TIMEOUT)
    timed(f"guardian {outcome}", run)

    assert run.returncode == 0, run.describe()
    assert len(codex.server.guardian_requests) == 1
    assert outside.exists() == (outcome == "allow")
    if outcome == "deny":
        assert "rejected due to unacceptable risk" in last_output(codex)


def test_a_permission_request_waits_for_a_late_answer(codex: CodexEnv) -> None:
    """The background helper: the agent blocks in the hook until the test (the 'person')
    answers; meanwhile no further model request is made."""
    outside = codex.root / "outside.txt"
    answer, started = codex.root / "answer.json", codex.root / "hook-started"
    codex.server.guardian_outcome = "deny"
    codex.server.script = [[exec_command(f"touch {outside}", escalated=True)]]
    codex.write_hooks(
        {
            "PermissionRequest": [
                hook_group(waiting_sh_hook(answer, started=started, max_wait=60), timeout=90)
            ]
        }
    )

    with codex.start("write outside") as process:
        wait_for(started.exists, timeout=RUN_TIMEOUT, what="the PermissionRequest hook")
        time.sleep(1.0)  # the agent keeps waiting for the answer
        assert process.running()
        assert len(codex.server.main_requests) == 1
        answer_hook(answer, permission_request_allow())
        result = process.wait(RUN_TIMEOUT)
    run = CodexRun.parse(result)
    timed("PermissionRequest answered late", run)

    assert run.returncode == 0, run.describe()
    assert outside.exists()
    assert codex.server.guardian_requests == []
    assert len(codex.server.main_requests) == 2


@pytest.mark.parametrize("verdict", ["allow", "deny"])
def test_rm_rf_is_an_approval_request_under_approve_for_me(codex: CodexEnv, verdict: str) -> None:
    """Codex's exec policy flags `rm -rf` ("rm -f style commands are not permitted" when the
    policy is never); with `--approve-for-me` the same command is an approval request instead,
    so PermissionRequest decides it even though it asks for no escalation."""
    (codex.project / "build").mkdir()
    (codex.project / "build" / "artifact.txt").write_text("x")
    record = codex.root / "permission.json"
    codex.server.guardian_outcome = "deny" if verdict == "allow" else "allow"
    codex.server.script = [[exec_command("rm -rf build")]]
    reply = permission_request_allow() if verdict == "allow" else permission_request_deny("no rm")
    codex.write_hooks({"PermissionRequest": [hook_group(sh_hook(reply, record=record))]})

    run = codex.run("remove the build directory", timeout=RUN_TIMEOUT)
    timed(f"rm -rf, PermissionRequest {verdict}", run)

    assert run.returncode == 0, run.describe()
    assert codex.server.guardian_requests == []
    stdin = json.loads(record.read_text())
    assert stdin["tool_input"] == {"command": "rm -rf build"}  # no justification, no description
    assert (codex.project / "build").exists() == (verdict == "deny")
    if verdict == "deny":
        assert "no rm" in last_output(codex)


# What a PreToolUse hook's failure does: everything but exit 2 is fail-open (the command runs).
PRE_TOOL_USE_REPLIES = {
    "legacy block": (
        sh_hook('{"decision":"block","reason":"legacy says no"}'),
        "Command blocked by PreToolUse hook: legacy says no",
    ),
    "exit 2": (
        sh_hook(stderr="exit two says no", exit_code=2),
        "Command blocked by PreToolUse hook: exit two says no",
    ),
    "exit 1": (sh_hook(stderr="broken", exit_code=1), None),
    # Unlike Gemini, Codex drops a JSON verdict printed by a hook that exits 1.
    "deny JSON + exit 1": (sh_hook(pre_tool_use_deny("ignored"), exit_code=1), None),
    "garbage": (sh_hook("this is not json"), None),
    "not found": ("/nonexistent/arcadia-hook", None),
    "ask": (
        sh_hook('{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask"}}'),
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(PRE_TOOL_USE_REPLIES))
def test_pre_tool_use_reply_shapes(codex: CodexEnv, case: str) -> None:
    command, blocked_with = PRE_TOOL_USE_REPLIES[case]
    codex.server.script = [[exec_command("touch marker")]]
    codex.write_hooks({"PreToolUse": [hook_group(command)]})

    run = codex.run("make a marker", timeout=RUN_TIMEOUT)
    timed(f"PreToolUse {case}", run)

    assert run.returncode == 0, run.describe()
    if blocked_with is None:
        assert (codex.project / "marker").exists(), last_output(codex)
    else:
        assert not (codex.project / "marker").exists()
        assert blocked_with in last_output(codex)


def test_hooks_are_skipped_silently_without_the_trust_bypass(codex: CodexEnv) -> None:
    """Without `--dangerously-bypass-hook-trust` an untrusted hook does not run, and nothing in
    the output says so (what `arcadia doctor` must detect)."""
    record = codex.root / "pre.json"
    codex.server.script = [[exec_command("touch marker")]]
    codex.write_hooks(
        {"PreToolUse": [hook_group(sh_hook(pre_tool_use_deny("never seen"), record=record))]}
    )
    argv = [arg for arg in codex.argv("make a marker") if arg != "--dangerously-bypass-hook-trust"]
    run = CodexRun.parse(
        run_process(argv, env=codex.environ(), cwd=codex.project, timeout=RUN_TIMEOUT)
    )
    timed("untrusted hook", run)

    assert run.returncode == 0, run.describe()
    assert (codex.project / "marker").exists()
    assert not record.exists()
    assert "hook" not in run.stderr.replace(str(codex.root), "<tmp>").lower()
    assert not any("hook" in item.get("message", "").lower() for item in run.items("error"))


# --- the scripted server alone (no Codex binary needed) ---------------------------------------


def _post(url: str, body: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _events(payload: bytes) -> list[dict]:
    return [
        json.loads(line[len("data: ") :])
        for line in payload.decode().splitlines()
        if line.startswith("data: ")
    ]


def test_server_answers_the_guardian_from_its_schema_and_is_bounded() -> None:
    schema = {
        "type": "object",
        "properties": {
            "risk_level": {"type": "string", "enum": ["low", "medium", "high", "critical"]},
            "user_authorization": {"type": "string", "enum": ["unknown", "low"]},
            "outcome": {"type": "string", "enum": ["allow", "deny"]},
            "rationale": {"type": "string"},
        },
        "required": ["outcome"],
    }
    guardian = {
        "model": "m",
        "input": [],
        "tools": [{"type": "function", "name": "exec_command"}],
        "text": {"format": {"type": "json_schema", "name": "x", "schema": schema}},
    }
    main = {"model": "m", "input": [], "tools": [{"type": "function", "name": "exec_command"}]}
    started = time.monotonic()
    with ResponsesServer([[exec_command("ls")]], guardian_outcome="deny", max_requests=3) as server:
        status, payload = _post(server.base_url + "/responses", guardian)
        assert status == 200
        done = [e for e in _events(payload) if e["type"] == "response.output_item.done"]
        answer = json.loads(done[0]["item"]["content"][0]["text"])
        assert answer == {
            "risk_level": "high",
            "user_authorization": "unknown",
            "outcome": "deny",
            "rationale": "scripted guardian: deny",
        }
        status, payload = _post(server.base_url + "/responses", main)
        [call] = [e["item"] for e in _events(payload) if e["type"] == "response.output_item.done"]
        assert (call["type"], call["name"], json.loads(call["arguments"])) == (
            "function_call",
            "exec_command",
            {"cmd": "ls"},
        )
        assert _events(payload)[-1]["response"]["usage"]["total_tokens"] == 15
        assert _post(server.base_url + "/elsewhere", main)[0] == 404
        assert _post(server.base_url + "/responses", main)[0] == 500  # the 4th request
        assert [r.kind for r in server.requests] == ["guardian", "main", "other", "main"]
    assert time.monotonic() - started < 10
