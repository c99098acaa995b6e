"""A scripted Gemini API model server for driving the real Gemini CLI in tests.

Gemini CLI (`GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:PORT`) calls
`POST /v1beta/models/<model>:streamGenerateContent?alt=sse` for its main loop and reads SSE `data:`
lines of `{candidates:[{content:{role:"model",parts:[...]},finishReason}],usageMetadata}`; tool
results come back as `functionResponse` parts. Before that, its model router sends a classifier
call, `POST /v1beta/models/<flash-lite>:generateContent` with `responseMimeType: application/json`,
which expects `{complexity_reasoning, complexity_score}`.

The server is stdlib only, threaded, bound to 127.0.0.1 on port 0, and records every request.
A main-loop request gets turn *i* of the script once the responses of all calls of turns 0..i-1
are back (counted as `functionResponse` parts), so a turn may hold several (parallel) calls.
JSON side calls (router, next-speaker checks, ...) get an answer built from their response schema;
other side calls get plain text. At most `max_requests` requests are served (then 500s), and
`stop()` waits a bounded time for the serving thread.
"""

from __future__ import annotations

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
    """One `functionCall` part: the model calls tool `name` with `args`."""

    name: str
    args: JsonDict


@dataclass(frozen=True)
class Text:
    """One `text` part."""

    text: str


Part = FunctionCall | Text


def run_shell_command(command: str, description: str = "scripted command") -> FunctionCall:
    """A Gemini `run_shell_command` call."""
    return FunctionCall("run_shell_command", {"command": command, "description": description})


@dataclass
class RecordedRequest:
    """One HTTP request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: JsonDict | None
    raw: bytes
    kind: str  # "main", "router", "json-side", "side", "other"

    @property
    def model(self) -> str:
        """The model named in the path (`/v1beta/models/<model>:<method>`)."""
        tail = self.path.split("?", 1)[0].rsplit("/models/", 1)[-1]
        return tail.split(":", 1)[0]

    @property
    def contents(self) -> list[JsonDict]:
        items = (self.body or {}).get("contents") or []
        return [item for item in items if isinstance(item, dict)]

    def function_responses(self) -> list[JsonDict]:
        return [
            part["functionResponse"]
            for content in self.contents
            for part in content.get("parts") or []
            if isinstance(part, dict) and "functionResponse" in part
        ]

    def text(self) -> str:
        """The whole request body as text, for `in` checks on what the model was told."""
        return self.raw.decode("utf-8", "replace")


# --- answers ------------------------------------------------------------------------------------


USAGE = {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15}


def _part_json(part: Part) -> JsonDict:
    if isinstance(part, FunctionCall):
        return {"functionCall": {"name": part.name, "args": part.args}}
    return {"text": part.text}


def _response_json(parts: Sequence[Part]) -> JsonDict:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [_part_json(p) for p in parts]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": USAGE,
        "modelVersion": "scripted",
    }


def _response_schema(body: JsonDict) -> JsonDict | None:
    config = body.get("generationConfig") or {}
    for key in ("responseJsonSchema", "responseSchema"):
        schema = config.get(key)
        if isinstance(schema, dict):
            return schema
    return None


def _wants_json(body: JsonDict) -> bool:
    config = body.get("generationConfig") or {}
    return (
        config.get("responseMimeType") == "application/json" or _response_schema(body) is not None
    )


def _value_for(name: str, schema: JsonDict, overrides: JsonDict) -> Any:
    if name in overrides:
        return overrides[name]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = str(schema.get("type", "string")).lower()
    if kind == "object":
        props = schema.get("properties") or {}
        return {key: _value_for(key, sub, overrides) for key, sub in props.items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    return f"scripted {name}"


# --- the server -------------------------------------------------------------------------------


ReplyFn = Callable[[RecordedRequest, int], Sequence[Part]]


@dataclass
class GeminiServer:
    """Scripted Gemini API server. `script[i]` is the list of parts of main turn i.

    `script` may also be a function `(request, turn) -> parts`. Past the script's end the model says
    `final_text`. The router is told `complexity_score`; `json_overrides` sets fields of any other
    JSON side answer by name (e.g. `{"next_speaker": "user"}`, the default).
    """

    script: Sequence[Sequence[Part]] | ReplyFn = ()
    final_text: str = "done"
    complexity_score: int = 10
    json_overrides: JsonDict = field(default_factory=lambda: {"next_speaker": "user"})
    max_requests: int = 200
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> GeminiServer:
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

    def __enter__(self) -> GeminiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The value for `GOOGLE_GEMINI_BASE_URL`."""
        return f"http://127.0.0.1:{self.port}"

    # what was asked
    def of_kind(self, kind: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.kind == kind]

    @property
    def main_requests(self) -> list[RecordedRequest]:
        return self.of_kind("main")

    @property
    def router_requests(self) -> list[RecordedRequest]:
        return self.of_kind("router")

    # serving
    @staticmethod
    def _classify(method: str, path: str, body: JsonDict | None) -> str:
        if method != "POST" or body is None:
            return "other"
        if path.endswith(":streamGenerateContent"):
            return "main" if body.get("tools") else "side"
        if path.endswith(":generateContent"):
            if not _wants_json(body):
                return "side"
            props = (_response_schema(body) or {}).get("properties") or {}
            raw = json.dumps(body)
            return (
                "router"
                if "complexity_score" in props or "complexity_score" in raw
                else "json-side"
            )
        if path.endswith(":countTokens"):
            return "count"
        return "other"

    def _turn_for(self, responses: int) -> int:
        if callable(self.script):
            return responses
        done = 0
        for turn, parts in enumerate(self.script):
            if done >= responses:
                return turn
            done += sum(1 for part in parts if isinstance(part, FunctionCall))
        return len(self.script)

    def _main_parts(self, request: RecordedRequest) -> Sequence[Part]:
        turn = self._turn_for(len(request.function_responses()))
        if callable(self.script):
            return self.script(request, turn)
        if turn < len(self.script):
            return self.script[turn]
        return [Text(self.final_text)]

    def _json_answer(self, request: RecordedRequest) -> JsonDict:
        overrides = {
            **self.json_overrides,
            "complexity_reasoning": "scripted router",
            "complexity_score": self.complexity_score,
        }
        schema = _response_schema(request.body or {}) or {}
        props = schema.get("properties") or {}
        if request.kind == "router" and not props:
            return {
                "complexity_reasoning": "scripted router",
                "complexity_score": self.complexity_score,
            }
        return {key: _value_for(key, sub, overrides) for key, sub in props.items()}

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
            self._send(handler, 500, b'{"error":{"code":500,"message":"scripted: too many"}}')
            return
        if request.kind == "other":
            self._send(handler, 404, b'{"error":{"code":404,"message":"not scripted"}}')
            return
        if request.kind == "count":
            self._send(handler, 200, b'{"totalTokens":10}')
            return
        if request.kind in ("router", "json-side"):
            answer = _response_json([Text(json.dumps(self._json_answer(request)))])
            self._send(handler, 200, json.dumps(answer).encode())
            return
        parts = self._main_parts(request) if request.kind == "main" else [Text("ok")]
        if path.endswith(":streamGenerateContent"):
            # One chunk per part, the last one carrying finishReason and usage.
            chunks = []
            for index, part in enumerate(parts):
                chunk: JsonDict = {
                    "candidates": [
                        {"content": {"role": "model", "parts": [_part_json(part)]}, "index": 0}
                    ]
                }
                if index == len(parts) - 1:
                    chunk = _response_json([part])
                chunks.append(chunk)
            if not chunks:
                chunks.append(_response_json([]))
            payload = b"".join(f"data: {json.dumps(c)}\r\n\r\n".encode() for c in chunks)
            self._send(handler, 200, payload, "text/event-stream")
        else:
            self._send(handler, 200, json.dumps(_response_json(parts)).encode())

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
