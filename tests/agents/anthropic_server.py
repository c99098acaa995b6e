"""A scripted Anthropic Messages API server, for running the real Claude Code CLI offline.

What Claude Code 2.1.328 sends (../shared/reference/agent-hooks.md, section 1): `POST
/v1/messages?beta=true` with `stream: true`, answered as SSE (`message_start`,
`content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`) /
`content_block_stop`, `message_delta`, `message_stop`), and `POST /v1/messages/count_tokens`.
A request that carries tools is the agent's own conversation: its reply is the script's turn
numbered by how many assistant messages the request already holds. A request without tools is a
side request (a title, a summary…) and gets `side_text`. Non-streaming requests get the same
message as JSON.

    with AnthropicServer([use(bash("echo hi")), say("done")]) as server:
        ...  # ANTHROPIC_BASE_URL=server.url
        server.tool_result("toolu_00_00").text == "hi"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.agents.model_server import Recorded, Reply, ScriptedModelServer, ToolCall, Turn, sse

DEFAULT_MODEL = "claude-opus-5-5"


@dataclass(frozen=True)
class ToolResult:
    """A `tool_result` block the model received, with its content flattened to text."""

    tool_use_id: str
    text: str
    is_error: bool
    request_seq: int  # the `Recorded.seq` of the first request that carried it
    raw: dict[str, Any]


def content_text(content: Any) -> str:
    """The text of a message or block content (a string or a list of blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, dict):
                if block.get("type") == "text":
                    parts.append(str(block.get("text", "")))
                elif block.get("type") == "tool_result":
                    parts.append(content_text(block.get("content")))
        return "\n".join(parts)
    return ""


def assistant_count(body: dict[str, Any]) -> int:
    return sum(
        1
        for m in body.get("messages") or []
        if isinstance(m, dict) and m.get("role") == "assistant"
    )


def tool_results_in(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `tool_result` block in a request's messages, in order."""
    found = []
    for message in body.get("messages") or []:
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            found += [
                b
                for b in message["content"]
                if isinstance(b, dict) and b.get("type") == "tool_result"
            ]
    return found


def session_of(record: Recorded) -> str | None:
    """Claude Code's session id: header `x-claude-code-session-id`, else `metadata.user_id`."""
    if record.headers.get("x-claude-code-session-id"):
        return record.headers["x-claude-code-session-id"]
    try:
        return json.loads(record.json["metadata"]["user_id"]).get("session_id")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


class AnthropicServer(ScriptedModelServer):
    """Scripted `/v1/messages` (+ `count_tokens`). See the module docstring."""

    # -- assertions helpers -------------------------------------------------------------------

    def main_requests(self, session_id: str | None = None) -> list[Recorded]:
        """The agent's own model calls (requests that carried tools), in arrival order."""
        return [r for r in self.recorded("main") if session_id in (None, r.session_id)]

    def sessions(self) -> list[str]:
        """The agent session ids seen, in order of first request."""
        return list(dict.fromkeys(r.session_id for r in self.recorded() if r.session_id))

    def tool_results(self, session_id: str | None = None) -> dict[str, ToolResult]:
        """Every tool result the model received so far, by tool_use_id (first sighting).

        Scripted tool_use ids repeat across sessions (`toolu_TURN_CALL`): with several runs on
        one server pass `session_id` (e.g. `ClaudeResult.session_id`); an id seen in two
        sessions without it is an error rather than a guess."""
        results: dict[str, ToolResult] = {}
        owner: dict[str, str | None] = {}
        for record in self.recorded():
            if record.kind not in ("main", "side") or session_id not in (None, record.session_id):
                continue
            for block in tool_results_in(record.json):
                tool_use_id = str(block.get("tool_use_id"))
                if tool_use_id not in results:
                    owner[tool_use_id] = record.session_id
                    results[tool_use_id] = ToolResult(
                        tool_use_id,
                        content_text(block.get("content")),
                        bool(block.get("is_error")),
                        record.seq,
                        block,
                    )
                elif owner[tool_use_id] != record.session_id:
                    raise AssertionError(
                        f"{tool_use_id} was answered in sessions {owner[tool_use_id]} and "
                        f"{record.session_id}: pass session_id="
                    )
        return results

    def tool_result(
        self, tool_use_id: str, timeout: float = 0.0, session_id: str | None = None
    ) -> ToolResult:
        """The result of one tool call as the model received it; waits up to `timeout` s."""
        if timeout > 0:
            self.wait_for(lambda _: tool_use_id in self.tool_results(session_id), timeout)
        results = self.tool_results(session_id)
        if tool_use_id not in results:
            raise AssertionError(
                f"the model never received a tool_result for {tool_use_id}; got {sorted(results)}"
            )
        return results[tool_use_id]

    def user_texts(self, session_id: str | None = None) -> list[str]:
        """Every text block of a user message the model received (hook context, feedback…)."""
        texts: list[str] = []
        for record in self.main_requests(session_id):
            for message in record.json.get("messages") or []:
                if message.get("role") != "user":
                    continue
                content = message.get("content")
                items = (
                    [content]
                    if isinstance(content, str)
                    else [
                        b.get("text", "")
                        for b in content or []
                        if isinstance(b, dict) and b.get("type") == "text"
                    ]
                )
                texts += [t for t in items if t not in texts]
        return texts

    # -- protocol -----------------------------------------------------------------------------

    def route(self, record: Recorded) -> Reply:
        record.session_id = session_of(record)
        if record.method != "POST":
            record.kind = "unknown"
            return Reply.json(
                404,
                {
                    "type": "error",
                    "error": {"type": "not_found_error", "message": f"no {record.path}"},
                },
            )
        body = record.json
        if record.path.endswith("/messages/count_tokens"):
            record.kind = "count_tokens"
            return Reply.json(200, {"input_tokens": self._estimate(body)})
        if not record.path.endswith("/messages"):
            record.kind = "unknown"
            return Reply.json(
                404,
                {
                    "type": "error",
                    "error": {"type": "not_found_error", "message": f"no {record.path}"},
                },
            )
        if body.get("tools"):
            record.kind = "main"
            index = assistant_count(body)
            turn, record.turn = self.pick(index, body)
        else:
            record.kind = "side"
            index, turn = assistant_count(body), Turn(text=self.side_text)
        self.sleep(turn.delay)
        model = str(body.get("model") or DEFAULT_MODEL)
        message = self._message(turn, index, model, self._estimate(body))
        if body.get("stream"):
            return Reply(
                200, sse(self._events(message)), "text/event-stream", {"Cache-Control": "no-cache"}
            )
        return Reply.json(200, message)

    def _message(self, turn: Turn, index: int, model: str, input_tokens: int) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if turn.text is not None:
            content.append({"type": "text", "text": turn.text})
        for j, tool_call in enumerate(turn.tool_calls):
            content.append(self._tool_use(tool_call, index, j))
        output_tokens = max(1, len(json.dumps(content)) // 4)
        return {
            "id": self.new_id("msg_scripted_"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": "tool_use" if turn.tool_calls else "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }

    @staticmethod
    def _tool_use(tool_call: ToolCall, index: int, j: int) -> dict[str, Any]:
        # toolu_TT_CC: turn number, call number, as in the reference's samples
        return {
            "type": "tool_use",
            "id": tool_call.id or f"toolu_{index:02d}_{j:02d}",
            "name": tool_call.name,
            "input": tool_call.input,
        }

    @staticmethod
    def _events(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {**message["usage"], "output_tokens": 1},
        }
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": start})
        ]
        for i, block in enumerate(message["content"]):
            if block["type"] == "text":
                events.append(
                    (
                        "content_block_start",
                        {
                            "type": "content_block_start",
                            "index": i,
                            "content_block": {"type": "text", "text": ""},
                        },
                    )
                )
                events.append(
                    (
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": i,
                            "delta": {"type": "text_delta", "text": block["text"]},
                        },
                    )
                )
            else:
                events.append(
                    (
                        "content_block_start",
                        {
                            "type": "content_block_start",
                            "index": i,
                            "content_block": {**block, "input": {}},
                        },
                    )
                )
                partial = json.dumps(block["input"])
                for k in range(0, len(partial), 64):  # in pieces, as the real API sends them
                    events.append(
                        (
                            "content_block_delta",
                            {
                                "type": "content_block_delta",
                                "index": i,
                                "delta": {
                                    "type": "input_json_delta",
                                    "partial_json": partial[k : k + 64],
                                },
                            },
                        )
                    )
            events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
        events.append(
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                    "usage": {"output_tokens": message["usage"]["output_tokens"]},
                },
            )
        )
        events.append(("message_stop", {"type": "message_stop"}))
        return events

    @staticmethod
    def _estimate(body: dict[str, Any]) -> int:
        return max(1, len(json.dumps(body.get("messages") or [])) // 4)
