"""A scripted OpenAI Responses API model server for driving the real Codex CLI in tests.

Codex (`wire_api = "responses"`) sends `POST /v1/responses` with `stream: true` and reads SSE:
`response.created`, `response.output_item.added`, `response.output_text.delta` (messages),
`response.output_item.done`, `response.completed` (with `usage`). Tool results come back as
`function_call_output` input items of the next request.

The server is stdlib only, threaded, bound to 127.0.0.1 on port 0, and records every request.
Which reply a main-loop request gets is decided by how many `function_call_output` items its input
holds: turn *i* of the script is sent once the outputs of all calls of turns 0..i-1 are back, so a
turn may hold several (parallel) calls. Requests that are not the main loop are answered apart:

* the **guardian** (`--approve-for-me`'s automatic reviewer): a request whose `text.format` is a
  json_schema asking for `outcome` gets `{"outcome": <guardian_outcome>, ...}` as its message;
* any other side request (no tools offered) gets a short plain-text message.

Every loop is bounded: at most `max_requests` requests are served (then 500s), and `stop()` waits a
bounded time for the serving thread.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JsonDict = dict[str, Any]


# --- what the scripted model says ------------------------------------------------------------


@dataclass(frozen=True)
class FunctionCall:
    """One `function_call` output item: the model calls tool `name` with `arguments`."""

    name: str
    arguments: JsonDict
    call_id: str | None = None  # default: call_<turn>_<index>


@dataclass(frozen=True)
class Message:
    """One assistant `message` output item with a single `output_text` part."""

    text: str


Item = FunctionCall | Message


def exec_command(
    cmd: str,
    *,
    escalated: bool = False,
    justification: str | None = None,
    call_id: str | None = None,
) -> FunctionCall:
    """A Codex `exec_command` call; `escalated` asks for `require_escalated` sandbox permissions."""
    arguments: JsonDict = {"cmd": cmd}
    if escalated:
        arguments["sandbox_permissions"] = "require_escalated"
        arguments["justification"] = justification or "needs to run outside the sandbox"
    elif justification:
        arguments["justification"] = justification
    return FunctionCall("exec_command", arguments, call_id)


@dataclass
class RecordedRequest:
    """One HTTP request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: JsonDict | None
    raw: bytes
    kind: str  # "main", "guardian", "side", "other"

    @property
    def input_items(self) -> list[JsonDict]:
        items = (self.body or {}).get("input") or []
        return [item for item in items if isinstance(item, dict)]

    def function_call_outputs(self) -> list[JsonDict]:
        return [item for item in self.input_items if item.get("type") == "function_call_output"]

    def text(self) -> str:
        """The whole request body as text, for `in` checks on what the model was told."""
        return self.raw.decode("utf-8", "replace")


# --- the guardian -----------------------------------------------------------------------------


def _guardian_format(body: JsonDict) -> JsonDict | None:
    """The json_schema text format of a guardian request, or None for other requests."""
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    schema = fmt.get("schema") or {}
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return fmt if isinstance(properties, dict) and "outcome" in properties else None


def _value_for(name: str, schema: JsonDict, overrides: JsonDict) -> Any:
    """A value that satisfies a (simple) JSON schema, preferring `overrides[name]`."""
    if name in overrides:
        return overrides[name]
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties") or {}
        return {key: _value_for(key, sub, overrides) for key, sub in props.items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return f"scripted {name}"


def guardian_answer(fmt: JsonDict, outcome: str, extra: JsonDict | None = None) -> JsonDict:
    """The guardian's JSON answer built from the request's own schema, with `outcome` set."""
    risk = "low" if outcome == "allow" else "high"
    overrides: JsonDict = {
        "outcome": outcome,
        "risk_level": risk,
        "rationale": f"scripted guardian: {outcome}",
        **(extra or {}),
    }
    schema = dict(fmt.get("schema") or {})
    props = schema.get("properties") or {}
    if "risk_level" in props and "enum" in props["risk_level"]:
        enum = props["risk_level"]["enum"]
        if overrides["risk_level"] not in enum:
            overrides["risk_level"] = enum[0] if outcome == "allow" else enum[-1]
    return {key: _value_for(key, sub, overrides) for key, sub in props.items()}


# --- SSE encoding -----------------------------------------------------------------------------


def _item_json(item: Item, call_id: str, item_id: str) -> JsonDict:
    if isinstance(item, FunctionCall):
        return {
            "type": "function_call",
            "id": item_id,
            "status": "completed",
            "call_id": item.call_id or call_id,
            "name": item.name,
            "arguments": json.dumps(item.arguments),
        }
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": item.text, "annotations": []}],
    }


def sse_for(items: Sequence[Item], response_id: str, turn: int, model: str) -> bytes:
    """The SSE body of one streamed response holding `items`."""
    events: list[JsonDict] = []
    base = {"id": response_id, "object": "response", "model": model}
    events.append(
        {"type": "response.created", "response": {**base, "status": "in_progress", "output": []}}
    )
    done_items = []
    for index, item in enumerate(items):
        item_id = f"{'fc' if isinstance(item, FunctionCall) else 'msg'}_{turn:02d}_{index:02d}"
        full = _item_json(item, f"call_{turn:02d}_{index:02d}", item_id)
        if isinstance(item, Message):
            added = {**full, "status": "in_progress", "content": []}
            events.append(
                {"type": "response.output_item.added", "output_index": index, "item": added}
            )
            events.append(
                {
                    "type": "response.output_text.delta",
                    "item_id": item_id,
                    "output_index": index,
                    "content_index": 0,
                    "delta": item.text,
                }
            )
        else:
            events.append(
                {"type": "response.output_item.added", "output_index": index, "item": full}
            )
        events.append({"type": "response.output_item.done", "output_index": index, "item": full})
        done_items.append(full)
    usage = {
        "input_tokens": 10,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 5,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 15,
    }
    events.append(
        {
            "type": "response.completed",
            "response": {**base, "status": "completed", "output": done_items, "usage": usage},
        }
    )
    return b"".join(
        f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in events
    )


# --- the server -------------------------------------------------------------------------------


ReplyFn = Callable[[RecordedRequest, int], Sequence[Item]]


@dataclass
class ResponsesServer:
    """Scripted Responses API server. `script[i]` is the list of output items of main turn i.

    `script` may also be a function `(request, turn) -> items`. Past the script's end the model says
    `final_text`. Use as a context manager, or `start()` / `stop()`.
    """

    script: Sequence[Sequence[Item]] | ReplyFn = ()
    guardian_outcome: str = "allow"
    guardian_extra: JsonDict = field(default_factory=dict)
    final_text: str = "done"
    max_requests: int = 200
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ResponsesServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
                pass

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                server._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                server._handle(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> ResponsesServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The provider `base_url` for Codex's config.toml (ends in `/v1`)."""
        return f"http://127.0.0.1:{self.port}/v1"

    # what was asked
    def of_kind(self, kind: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.kind == kind]

    @property
    def main_requests(self) -> list[RecordedRequest]:
        return self.of_kind("main")

    @property
    def guardian_requests(self) -> list[RecordedRequest]:
        return self.of_kind("guardian")

    # serving
    def _turn_for(self, outputs: int) -> int:
        """The script turn whose calls come after `outputs` returned tool outputs."""
        if callable(self.script):
            return outputs
        done = 0
        for turn, items in enumerate(self.script):
            if done >= outputs:
                return turn
            done += sum(1 for item in items if isinstance(item, FunctionCall))
        return len(self.script)

    @staticmethod
    def _classify(method: str, path: str, body: JsonDict | None) -> str:
        if method != "POST" or not path.endswith("/responses") or body is None:
            return "other"
        if _guardian_format(body) is not None:
            return "guardian"
        return "main" if body.get("tools") else "side"

    def _reply(self, request: RecordedRequest) -> tuple[Sequence[Item], int]:
        body = request.body or {}
        if request.kind == "guardian":
            fmt = _guardian_format(body) or {}
            answer = guardian_answer(fmt, self.guardian_outcome, self.guardian_extra)
            return [Message(json.dumps(answer))], 99
        if request.kind == "side":
            return [Message("ok")], 98
        turn = self._turn_for(len(request.function_call_outputs()))
        if callable(self.script):
            return self.script(request, turn), turn
        if turn < len(self.script):
            return self.script[turn], turn
        return [Message(self.final_text)], turn

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else None
        path = handler.path.split("?", 1)[0]
        request = RecordedRequest(
            method,
            handler.path,
            dict(handler.headers.items()),
            body,
            raw,
            self._classify(method, path, body),
        )
        with self._lock:
            self.requests.append(request)
            too_many = len(self.requests) > self.max_requests
        if too_many:
            self._send(handler, 500, b'{"error":{"message":"scripted server: too many requests"}}')
            return
        if request.kind == "other":
            self._send(handler, 404, b'{"error":{"message":"not scripted"}}')
            return
        items, turn = self._reply(request)
        model = (request.body or {}).get("model", "scripted-model")
        payload = sse_for(items, f"resp_{next(self._ids):04d}", turn, model)
        self._send(handler, 200, payload, "text/event-stream")

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: bytes,
        content_type: str = "application/json",
    ) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(payload)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True
