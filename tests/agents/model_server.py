"""The agent-neutral half of a scripted model server: turns, recording, a threaded HTTP server.

A test writes what the "model" says as a script, a list of `Turn`s; the server for an agent's wire
protocol (`anthropic_server.AnthropicServer` for Claude Code; Codex's Responses API and Gemini's
`streamGenerateContent` later) picks the turn the agent's request asks for, encodes it in that
protocol and records every request, so the test can assert what the model received.

The server binds 127.0.0.1 only, on a free port; it is bounded (at most `max_requests` requests are
answered, after which it answers a non-retryable 400 so a looping agent stops), thread-safe, and
`stop()` closes every open connection.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model makes: tool `name` with `input`; `id` is generated when None."""

    name: str
    input: dict[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class Turn:
    """One reply of the model: optional text, then zero or more tool calls (parallel when > 1)."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    delay: float = 0.0  # seconds the server waits before answering (timing tests)

    def __post_init__(self) -> None:
        if self.text is None and not self.tool_calls:
            raise ValueError("a turn needs text or at least one tool call")


def say(text: str) -> Turn:
    """A turn that only says `text` (and so ends the agent's turn)."""
    return Turn(text=text)


def call(name: str, input: dict[str, Any] | None = None, *, id: str | None = None) -> ToolCall:
    """A tool call, to put in `calls(...)`."""
    return ToolCall(name, dict(input or {}), id)


def calls(*tool_calls: ToolCall, text: str | None = None) -> Turn:
    """A turn with these tool calls in one message (the agent may run them in parallel)."""
    return Turn(text=text, tool_calls=tuple(tool_calls))


def bash(command: str, description: str | None = None, *, id: str | None = None) -> ToolCall:
    """A Claude Code `Bash` tool call."""
    return ToolCall("Bash", {"command": command, "description": description or command}, id)


def use(tool_call: ToolCall, text: str | None = None) -> Turn:
    """A turn with one tool call."""
    return Turn(text=text, tool_calls=(tool_call,))


Script = Sequence[Turn] | Callable[[dict[str, Any]], Turn]
"""A list of turns picked by how many assistant messages the request already carries, or a
function of the request body that returns the turn (for anything the list cannot express)."""


@dataclass
class Recorded:
    """One request the server received."""

    seq: int
    time: float  # time.monotonic() on arrival
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it was not JSON, or None
    kind: str = "other"  # set by the protocol: "main", "side", "count_tokens", ...
    turn: int | None = None  # index of the scripted turn answered, for "main" requests
    session_id: str | None = None  # the agent's session, where the protocol tells it
    status: int = 0

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any) -> Reply:
        return cls(status, json.dumps(payload).encode())


class ScriptedModelServer:
    """A threaded HTTP server on 127.0.0.1 answering from a script. Subclasses implement `route`.

    Use as a context manager or call `start()` / `stop()`. `url` is `http://127.0.0.1:PORT`.
    """

    def __init__(
        self,
        script: Script = (),
        *,
        final_text: str = "done",
        side_text: str = "ok",
        max_requests: int = 500,
        max_body_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.script: Script = script
        self.final_text = final_text  # the reply once the script is used up
        self.side_text = side_text  # the reply to side requests (titles, summaries…)
        self.max_requests = max_requests
        self.max_body_bytes = max_body_bytes
        self.requests: list[Recorded] = []
        self.errors: list[str] = []  # protocol surprises (also recorded in requests)
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._ids = itertools.count()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ScriptedModelServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 60  # an idle keep-alive connection is dropped after this

            def setup(self) -> None:
                super().setup()
                with server._cond:
                    server._connections.add(self.connection)

            def finish(self) -> None:
                with server._cond:
                    server._connections.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"{type(self).__name__}:{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._cond:
            connections = list(self._connections)
            self._cond.notify_all()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- script -------------------------------------------------------------------------------

    def set_script(self, script: Script) -> None:
        with self._cond:
            self.script = script

    def pick(self, index: int, body: dict[str, Any]) -> tuple[Turn, int | None]:
        """The turn for a main request whose conversation holds `index` assistant messages."""
        with self._cond:
            script = self.script
        if callable(script):
            return script(body), index
        if index < len(script):
            return script[index], index
        return Turn(text=self.final_text), None

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` (a turn's delay), cut short by `stop()`."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    # -- recording ----------------------------------------------------------------------------

    def recorded(self, kind: str | None = None) -> list[Recorded]:
        """A copy of the requests so far (of one `kind` when given)."""
        with self._cond:
            return [r for r in self.requests if kind is None or r.kind == kind]

    def wait_for(self, predicate: Callable[[list[Recorded]], Any], timeout: float = 30.0) -> Any:
        """Block until `predicate(requests)` is truthy (checked on each request); return it.

        Raises TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(list(self.requests))
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"no matching request within {timeout} s "
                        f"({len(self.requests)} received: {[r.kind for r in self.requests]})"
                    )
                self._cond.wait(min(left, 1.0))

    # -- HTTP ---------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        if length > self.max_body_bytes:
            self._send(
                handler,
                Reply.json(
                    413,
                    {
                        "type": "error",
                        "error": {
                            "type": "request_too_large",
                            "message": "body too large for the test server",
                        },
                    },
                ),
            )
            handler.close_connection = True
            return
        raw = handler.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self._cond:
            record = Recorded(
                seq=next(self._seq),
                time=arrived,
                method=handler.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in handler.headers.items()},
                body=body,
            )
            over = record.seq >= self.max_requests
            self.requests.append(record)
        if over:
            reply = Reply.json(
                400,
                {
                    "type": "error",
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"scripted server: more than {self.max_requests} requests",
                    },
                },
            )
            record.kind = "over_limit"
        else:
            try:
                reply = self.route(record)
            except Exception as error:  # a bug in a script: answer it, and let the test see it
                self.errors.append(f"{record.method} {record.path}: {error!r}")
                reply = Reply.json(
                    400,
                    {
                        "type": "error",
                        "error": {
                            "type": "invalid_request_error",
                            "message": f"scripted server: {error!r}",
                        },
                    },
                )
        record.status = reply.status
        with self._cond:
            self._cond.notify_all()
        self._send(handler, reply)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(reply.body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True

    def route(self, record: Recorded) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError


def sse(
    events: Iterator[tuple[str | None, dict[str, Any]]] | list[tuple[str | None, dict[str, Any]]],
) -> bytes:
    """Encode (event name, data) pairs as a server-sent-events body."""
    chunks = []
    for name, data in events:
        if name:
            chunks.append(f"event: {name}\n")
        chunks.append(f"data: {json.dumps(data)}\n\n")
    return "".join(chunks).encode()
