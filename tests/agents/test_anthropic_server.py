"""The scripted Anthropic server on its own (no agent binary needed): wire format, script
selection, recording, bounds, stopping; and the skip-or-fail rule for missing parts."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.agents import claude as claude_module
from tests.agents.anthropic_server import AnthropicServer
from tests.agents.model_server import Turn, bash, call, calls, say, use


def post(server: AnthropicServer, path: str, body: dict[str, Any]) -> tuple[int, str, str]:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", "x-claude-code-session-id": "sess-1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["content-type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read().decode()


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for chunk in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in chunk.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def conversation(assistant_turns: int, tools: bool = True) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    for i in range(assistant_turns):
        messages.append({"role": "assistant", "content": [{"type": "text", "text": f"t{i}"}]})
        messages.append(
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": f"toolu_{i:02d}_00",
                        "is_error": i == 1,
                        "content": [{"type": "text", "text": f"out{i}"}],
                    }
                ],
            }
        )
    body: dict[str, Any] = {"model": "claude-test", "stream": True, "messages": messages}
    if tools:
        body["tools"] = [{"name": "Bash"}]
    return body


@pytest.fixture
def server() -> Any:
    with AnthropicServer(
        [calls(bash("echo A"), call("Read", {"file_path": "/x" * 100})), say("second")],
        final_text="the end",
        side_text="a title",
    ) as s:
        yield s


def test_stream_is_the_messages_sse_sequence(server: AnthropicServer) -> None:
    status, content_type, text = post(server, "/v1/messages?beta=true", conversation(0))
    assert (status, content_type) == (200, "text/event-stream")
    events = sse_events(text)
    names = [name for name, _ in events]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    assert all(name == data["type"] for name, data in events)
    assert events[0][1]["message"]["model"] == "claude-test"
    starts = [d["content_block"] for n, d in events if n == "content_block_start"]
    assert [(b["type"], b["id"], b["name"]) for b in starts] == [
        ("tool_use", "toolu_00_00", "Bash"),
        ("tool_use", "toolu_00_01", "Read"),
    ]
    for index in (0, 1):  # input_json_delta pieces join into the scripted input
        partial = "".join(
            d["delta"]["partial_json"]
            for n, d in events
            if n == "content_block_delta" and d["index"] == index
        )
        assert (
            json.loads(partial)
            == [{"command": "echo A", "description": "echo A"}, {"file_path": "/x" * 100}][index]
        )
    assert events[-2][1]["delta"]["stop_reason"] == "tool_use"
    assert sum(n == "content_block_stop" for n, _ in events) == 2


def test_turn_is_picked_by_assistant_messages_then_final_text(server: AnthropicServer) -> None:
    texts = []
    for turns in (1, 5):
        events = sse_events(post(server, "/v1/messages?beta=true", conversation(turns))[2])
        texts.append("".join(d["delta"]["text"] for n, d in events if n == "content_block_delta"))
        assert events[-2][1]["delta"]["stop_reason"] == "end_turn"
    assert texts == ["second", "the end"]
    assert [r.turn for r in server.main_requests()] == [1, None]


def test_side_requests_count_tokens_and_non_streaming(server: AnthropicServer) -> None:
    side = conversation(0, tools=False)
    events = sse_events(post(server, "/v1/messages", side)[2])
    assert [d["delta"]["text"] for n, d in events if n == "content_block_delta"] == ["a title"]

    status, _, text = post(server, "/v1/messages/count_tokens?beta=true", conversation(0))
    assert status == 200 and json.loads(text)["input_tokens"] > 0

    status, content_type, text = post(server, "/v1/messages", {**conversation(1), "stream": False})
    message = json.loads(text)
    assert (status, content_type, message["content"]) == (
        200,
        "application/json",
        [{"type": "text", "text": "second"}],
    )

    status, _, text = post(server, "/v1/other", {})
    assert status == 404
    assert [r.kind for r in server.recorded()] == ["side", "count_tokens", "main", "unknown"]
    assert server.recorded()[0].session_id == "sess-1"


def test_recorded_tool_results(server: AnthropicServer) -> None:
    post(server, "/v1/messages?beta=true", conversation(2))
    results = server.tool_results()
    assert {k: (v.text, v.is_error) for k, v in results.items()} == {
        "toolu_00_00": ("out0", False),
        "toolu_01_00": ("out1", True),
    }
    assert server.tool_result("toolu_01_00", session_id="sess-1").is_error
    with pytest.raises(AssertionError, match="never received"):
        server.tool_result("toolu_09_00")
    assert server.user_texts() == ["go"]


def test_callable_script_and_a_failing_script_is_reported(server: AnthropicServer) -> None:
    server.set_script(lambda body: say(f"{len(body['messages'])} messages"))
    events = sse_events(post(server, "/v1/messages", conversation(1))[2])
    assert [d["delta"]["text"] for n, d in events if n == "content_block_delta"] == ["3 messages"]
    server.set_script(lambda body: 1 / 0)
    status, _, text = post(server, "/v1/messages", conversation(0))
    assert status == 400 and "ZeroDivisionError" in text
    assert len(server.errors) == 1
    server.errors.clear()  # the fixture would fail the test on it


def test_bounded_number_of_requests() -> None:
    with AnthropicServer([say("x")], max_requests=3) as server:
        statuses = [post(server, "/v1/messages", conversation(0))[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 400, 400]


def test_wait_for_and_a_delayed_turn() -> None:
    with AnthropicServer([Turn(text="slow", delay=0.3)]) as server:
        thread = threading.Thread(target=post, args=(server, "/v1/messages", conversation(0)))
        started = time.monotonic()
        thread.start()
        record = server.wait_for(lambda rs: [r for r in rs if r.status == 200], timeout=10)
        assert time.monotonic() - started >= 0.3 and record[0].turn == 0
        thread.join(10)
        with pytest.raises(TimeoutError):
            server.wait_for(lambda rs: len(rs) > 1, timeout=0.2)


def test_stop_closes_idle_keep_alive_connections() -> None:
    server = AnthropicServer([say("x")]).start()
    port = server.port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        body = json.dumps(conversation(0)).encode()
        sock.sendall(
            b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        sock.settimeout(5)
        received = b""
        for _ in range(100):  # the whole response, however the kernel splits it
            received += sock.recv(65536)
            if received.endswith(b'"message_stop"}\n\n'):
                break
        assert received.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 5
        assert sock.recv(65536) == b""  # closed by the server
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_binds_loopback_only(server: AnthropicServer) -> None:
    assert server._httpd is not None and server._httpd.server_address[0] == "127.0.0.1"


def test_missing_binary_skips_locally_and_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(claude_module.CLAUDE_BIN_ENV, str(tmp_path / "nope" / "claude"))
    path, why = claude_module.find_claude_bin()
    assert path is None and "bash .ci/install-agents" in why and "nope" in why
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        claude_module.missing(why)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        claude_module.missing(why)


def test_offline_env_scrubs_real_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "real-token")
    monkeypatch.setenv("CLAUDE_CODE_USE_BEDROCK", "1")
    project = claude_module.ClaudeProject.create(tmp_path / "p")
    env = project.env("http://127.0.0.1:1")
    assert "ANTHROPIC_AUTH_TOKEN" not in env and "CLAUDE_CODE_USE_BEDROCK" not in env
    assert env["ANTHROPIC_API_KEY"] == "sk-test"
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:1"
    assert env["HOME"] == str(project.home) and env["CLAUDE_CONFIG_DIR"] == str(project.config_dir)


def test_use_wraps_one_call() -> None:
    assert use(bash("ls")).tool_calls[0].input == {"command": "ls", "description": "ls"}
    with pytest.raises(ValueError):
        Turn()
