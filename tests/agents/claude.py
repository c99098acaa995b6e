"""Run the real Claude Code CLI (and the Agent SDK over it) offline, against a scripted model.

The binary is the npm package `@anthropic-ai/claude-code` at `CLAUDE_CODE_VERSION`, installed by
`bash .ci/install-agents` into `<repo>/.agents/`; env `ARCADIA_CLAUDE_BIN` points elsewhere. The
fixtures in `conftest.py` wrap what is here; the pieces, for tests that need them directly:

- `ClaudeProject`: a temp project directory plus a fresh `CLAUDE_CONFIG_DIR` and `HOME`, with
  `write_settings(hooks=...)`, `trust()`, the offline `env(base_url)` and the stdin log of the
  hooks made by `hook_command`.
- `Claude(binary, server, project)`: `run(prompt, script, settings_hooks=..., extra_args=...)`
  runs `claude -p` to its end under a hard timeout and returns a `ClaudeResult` (parsed JSON or
  stream-json events, stderr, rc, duration); `start(...)` does the same in the background and
  returns a `ClaudeProcess` to `wait(timeout)` on while the test does something else (answers a
  pending question from another thread or process…).
- `ClaudeSdk`: `ClaudeAgentOptions` with `cli_path` set to that binary, and `run(...)` under an
  asyncio timeout.

The offline environment is the one of ../shared/reference/agent-hooks.md, section 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.agents.anthropic_server import AnthropicServer
from tests.agents.model_server import Script

REPO_ROOT = Path(__file__).resolve().parents[2]
CLAUDE_CODE_VERSION = "2.1.328"  # keep in step with .ci/install-agents
CLAUDE_BIN_ENV = "ARCADIA_CLAUDE_BIN"
DEFAULT_CLAUDE_BIN = REPO_ROOT / ".agents" / "node_modules" / ".bin" / "claude"
INSTALL_HINT = "install it with `bash .ci/install-agents`"

DEFAULT_TIMEOUT = 120.0  # seconds, for one whole `claude -p` run

OFFLINE_ENV = {
    "ANTHROPIC_API_KEY": "sk-test",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "NO_COLOR": "1",
}
# Variables of the caller's environment that could point the CLI at a real account or service.
SCRUBBED_PREFIXES = ("ANTHROPIC_", "CLAUDE", "AWS_BEARER_TOKEN_BEDROCK", "OTEL_", "VERTEX_", "MCP_")


# -- finding the parts ------------------------------------------------------------------------


def in_ci() -> bool:
    """True where env `CI` is set (to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(message: str) -> None:
    """A real part is missing: skip locally, fail where CI is set."""
    if in_ci():
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def find_claude_bin() -> tuple[Path | None, str]:
    """The pinned `claude` binary, or None and why not."""
    configured = os.environ.get(CLAUDE_BIN_ENV)
    path = Path(configured) if configured else DEFAULT_CLAUDE_BIN
    source = f"${CLAUDE_BIN_ENV}={configured}" if configured else str(path)
    if not path.exists():
        return None, f"Claude Code CLI not found at {source}: {INSTALL_HINT}"
    if not os.access(path, os.X_OK):
        return None, f"Claude Code CLI at {source} is not executable: {INSTALL_HINT}"
    return path, ""


def clean_environ(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default os.environ) without anything that could reach a real account."""
    return {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if not k.startswith(SCRUBBED_PREFIXES)
    }


# -- settings and hooks -----------------------------------------------------------------------


def command_hook(command: str, timeout: float | None = None) -> dict[str, Any]:
    """One `{"type":"command"}` hook entry (`timeout` in seconds)."""
    entry: dict[str, Any] = {"type": "command", "command": command}
    if timeout is not None:
        entry["timeout"] = timeout
    return entry


def hooks_config(
    event: str, *commands: str, matcher: str = "*", timeout: float | None = None
) -> dict[str, list[dict[str, Any]]]:
    """`{event: [{"matcher":…, "hooks":[…]}]}` for `settings_hooks=`. Merge several with `|`."""
    return {event: [{"matcher": matcher, "hooks": [command_hook(c, timeout) for c in commands]}]}


def pre_tool_use_reply(
    decision: str | None = None,
    reason: str | None = None,
    *,
    updated_input: dict[str, Any] | None = None,
    additional_context: str | None = None,
) -> dict[str, Any]:
    """The stdout JSON of a PreToolUse hook (agent-hooks.md 1b/1c)."""
    specific: dict[str, Any] = {"hookEventName": "PreToolUse"}
    if decision is not None:
        specific["permissionDecision"] = decision
    if reason is not None:
        specific["permissionDecisionReason"] = reason
    if updated_input is not None:
        specific["updatedInput"] = updated_input
    if additional_context is not None:
        specific["additionalContext"] = additional_context
    return {"hookSpecificOutput": specific}


@dataclass
class HookCall:
    """One run of a hook made by `ClaudeProject.hook_command`: its stdin and its times."""

    tag: str
    pid: int
    started: float  # seconds since the epoch
    ended: float | None  # None while it runs (or if it was killed)
    input: dict[str, Any]


@dataclass
class ClaudeProject:
    """A temp project for one agent run: `dir` (the cwd), a fresh config dir and HOME."""

    root: Path
    dir: Path
    config_dir: Path
    home: Path
    hook_log: Path
    _hook_numbers: Iterator[int] = field(default_factory=itertools.count, repr=False)

    @classmethod
    def create(cls, root: Path, name: str = "proj") -> ClaudeProject:
        root.mkdir(parents=True, exist_ok=True)
        paths = [
            root / name,
            root / f"{name}-claude-config",
            root / f"{name}-home",
            root / f"{name}-hook-log",
        ]
        for path in paths:
            path.mkdir()
        return cls(root, *paths)

    @property
    def settings_path(self) -> Path:
        return self.dir / ".claude" / "settings.json"

    def write_settings(self, hooks: Mapping[str, Any] | None = None, **settings: Any) -> Path:
        """Write `<dir>/.claude/settings.json`: `hooks` replaces the hooks, other keys merge."""
        path = self.settings_path
        path.parent.mkdir(exist_ok=True)
        current = json.loads(path.read_text()) if path.exists() else {}
        current.update(settings)
        if hooks is not None:
            current["hooks"] = dict(hooks)
        path.write_text(json.dumps(current, indent=2))
        return path

    def trust(self) -> None:
        """Mark the project trusted in `$CLAUDE_CONFIG_DIR/.claude.json`, so project
        `permissions.allow` rules apply in `-p` (hooks run without it)."""
        path = self.config_dir / ".claude.json"
        state = json.loads(path.read_text()) if path.exists() else {}
        state.setdefault("projects", {}).setdefault(str(self.dir), {})["hasTrustDialogAccepted"] = (
            True
        )
        path.write_text(json.dumps(state, indent=2))

    def env(self, base_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The offline environment of agent-hooks.md §1, over a scrubbed os.environ."""
        return {
            **clean_environ(),
            **OFFLINE_ENV,
            "ANTHROPIC_BASE_URL": base_url,
            "CLAUDE_CONFIG_DIR": str(self.config_dir),
            "HOME": str(self.home),
            **(extra or {}),
        }

    def hook_command(
        self,
        reply: Mapping[str, Any] | str | None = None,
        *,
        tag: str = "hook",
        sleep: float = 0,
        exit_code: int = 0,
        stderr: str | None = None,
        reply_file: Path | None = None,
        reply_file_wait: float = 60.0,
    ) -> str:
        """A `/bin/sh` hook script: logs its stdin (see `hook_calls`), sleeps, prints `reply`
        (a dict as JSON, or text), writes `stderr`, exits `exit_code`. Returns its command.

        With `reply_file`, it instead waits (up to `reply_file_wait` s, polling) for that file
        to appear and prints it: a stand-in for a hook that waits for a person's answer."""
        number = next(self._hook_numbers)
        scripts = self.root / "hook-scripts"
        scripts.mkdir(exist_ok=True)
        out = scripts / f"{tag}-{number}.out"
        out.write_text(
            reply if isinstance(reply, str) else json.dumps(reply) if reply is not None else ""
        )
        err = scripts / f"{tag}-{number}.err"
        err.write_text(stderr or "")
        log = shlex.quote(str(self.hook_log))
        script = scripts / f"{tag}-{number}.sh"
        lines = [
            "#!/bin/sh",
            f'base={log}/"$(date +%s.%N)-$$-{tag}"',
            'cat > "$base.json"',
            *([f"sleep {sleep}"] if sleep > 0 else []),
            *(
                [
                    f"i=0; while [ ! -f {shlex.quote(str(reply_file))} ] && "
                    f"[ $i -lt {int(reply_file_wait * 20)} ]; do sleep 0.05; i=$((i+1)); done",
                    f"cat {shlex.quote(str(reply_file))} 2>/dev/null",
                ]
                if reply_file
                else []
            ),
            f"cat {shlex.quote(str(out))}",
            f"cat {shlex.quote(str(err))} >&2",
            'date +%s.%N > "$base.end"',
            f"exit {int(exit_code)}",
        ]
        script.write_text("\n".join(lines) + "\n")
        script.chmod(0o755)
        return shlex.quote(str(script))

    def hook_calls(self, tag: str | None = None, session_id: str | None = None) -> list[HookCall]:
        """The runs of `hook_command` hooks so far (of one tag or agent session), by start."""
        calls = []
        for path in sorted(self.hook_log.glob("*.json")):
            started, pid, name = path.stem.split("-", 2)
            if tag is not None and name != tag:
                continue
            end = path.with_suffix(".end")
            try:
                payload = json.loads(path.read_text() or "{}")
            except ValueError:
                payload = {"_unparsed": path.read_text()}
            if session_id is not None and payload.get("session_id") != session_id:
                continue
            calls.append(
                HookCall(
                    name,
                    int(pid),
                    float(started),
                    float(end.read_text()) if end.exists() else None,
                    payload,
                )
            )
        return sorted(calls, key=lambda c: c.started)


# -- running the CLI --------------------------------------------------------------------------


@dataclass
class ClaudeResult:
    """A finished `claude -p` run."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration: float  # seconds, spawn to exit
    output_format: str

    @property
    def events(self) -> list[dict[str, Any]]:
        """stream-json: every JSON line; json: the one result object."""
        return parse_json_lines(self.stdout)

    @property
    def json(self) -> dict[str, Any]:
        """The final `{"type":"result"}` object (raises if there is none)."""
        for event in reversed(self.events):
            if event.get("type") == "result":
                return event
        raise AssertionError(f"claude printed no result (rc {self.returncode})\n{self.describe()}")

    @property
    def result(self) -> str:
        return str(self.json.get("result", ""))

    @property
    def session_id(self) -> str:
        return str(self.json["session_id"])

    def of_type(self, type: str, subtype: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events
            if e.get("type") == type and (subtype is None or e.get("subtype") == subtype)
        ]

    def describe(self) -> str:
        return (
            f"$ {shlex.join(self.args)}\nrc={self.returncode} in {self.duration:.2f} s\n"
            f"--- stdout ---\n{self.stdout[-4000:]}\n--- stderr ---\n{self.stderr[-4000:]}"
        )

    def check(self) -> ClaudeResult:
        """Assert a clean exit with a non-error result; return self."""
        assert self.returncode == 0, self.describe()
        assert not self.json.get("is_error"), self.describe()
        return self


def parse_json_lines(text: str) -> list[dict[str, Any]]:
    events = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
    return events


class ClaudeProcess:
    """A `claude -p` started in the background (`Claude.start`). Its stdout and stderr go to
    files, so nothing blocks on a full pipe; `wait(timeout)` kills the whole process group
    (hooks included) when the time is up and fails the test."""

    def __init__(
        self,
        args: list[str],
        cwd: Path,
        env: dict[str, str],
        output_format: str,
        log_dir: Path,
        timeout: float,
    ) -> None:
        self.args, self.output_format, self.timeout = args, output_format, timeout
        log_dir.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.time_ns()}"
        self.stdout_path = log_dir / f"claude-{stamp}.out"
        self.stderr_path = log_dir / f"claude-{stamp}.err"
        self.started = time.monotonic()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.popen = subprocess.Popen(
                args,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        self._result: ClaudeResult | None = None

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def stdout_so_far(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def events(self) -> list[dict[str, Any]]:
        """The stream-json events printed so far."""
        return parse_json_lines(self.stdout_so_far())

    def wait_for_event(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30.0
    ) -> dict[str, Any]:
        """Poll stdout (stream-json) until an event matches; fail after `timeout` s or if the
        process ends first."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events():
                if predicate(event):
                    return event
            if not self.running:
                raise AssertionError(f"claude ended before the event\n{self._finish().describe()}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no such event within {timeout} s; got "
                    f"{[(e.get('type'), e.get('subtype')) for e in self.events()]}"
                )
            time.sleep(0.05)

    def wait(self, timeout: float | None = None) -> ClaudeResult:
        """Wait for the end (default: the start's timeout, counted from the start)."""
        if self._result is not None:
            return self._result
        left = self.timeout - (time.monotonic() - self.started) if timeout is None else timeout
        try:
            self.popen.wait(timeout=max(left, 0.1))
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"claude did not finish within {timeout or self.timeout} s; killed\n"
                f"{self._finish().describe()}"
            ) from None
        return self._finish()

    def kill(self) -> None:
        """Kill the process group (claude and the hooks it started)."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def _finish(self) -> ClaudeResult:
        code = self.popen.poll()
        result = ClaudeResult(
            self.args,
            -999 if code is None else code,
            self.stdout_so_far(),
            self.stderr_path.read_text(errors="replace"),
            time.monotonic() - self.started,
            self.output_format,
        )
        if code is not None:
            self._result = result
        return result

    def __enter__(self) -> ClaudeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


class Claude:
    """`claude -p` against `server` in `project`. The `claude` fixture is one of these."""

    def __init__(self, binary: Path, server: AnthropicServer, project: ClaudeProject) -> None:
        self.binary, self.server, self.project = binary, server, project
        self.processes: list[ClaudeProcess] = []

    def args(
        self, prompt: str, output_format: str = "json", extra_args: Sequence[str] = ()
    ) -> list[str]:
        args = [str(self.binary), "-p", prompt, "--output-format", output_format]
        if output_format == "stream-json":
            args += ["--verbose", "--include-hook-events"]
        return args + list(extra_args)

    def start(
        self,
        prompt: str,
        script: Script | None = None,
        *,
        settings_hooks: Mapping[str, Any] | None = None,
        extra_args: Sequence[str] = (),
        output_format: str = "json",
        timeout: float = DEFAULT_TIMEOUT,
        env: Mapping[str, str] | None = None,
        project: ClaudeProject | None = None,
    ) -> ClaudeProcess:
        """Start `claude -p PROMPT` in the background: `script` (if given) replaces the
        server's script, `settings_hooks` the project's hooks. Wait with `.wait()`."""
        project = project or self.project
        if script is not None:
            self.server.set_script(script)
        if settings_hooks is not None:
            project.write_settings(hooks=settings_hooks)
        process = ClaudeProcess(
            self.args(prompt, output_format, extra_args),
            project.dir,
            project.env(self.server.url, env),
            output_format,
            project.root / "claude-logs",
            timeout,
        )
        self.processes.append(process)
        return process

    def run(self, prompt: str, script: Script | None = None, **options: Any) -> ClaudeResult:
        """`start(...)` and wait for the end, under `timeout` (default 120 s)."""
        return self.start(prompt, script, **options).wait()

    def resume(self, session_id: str, prompt: str = "", **options: Any) -> ClaudeResult:
        """`claude -p PROMPT --resume SESSION` (after a `defer`)."""
        extra = ["--resume", session_id, *options.pop("extra_args", ())]
        return self.run(prompt, None, extra_args=extra, **options)

    def kill_all(self) -> None:
        for process in self.processes:
            process.kill()


def run_claude(
    binary: Path,
    server: AnthropicServer,
    project: ClaudeProject,
    prompt: str,
    script: Script | None = None,
    **options: Any,
) -> ClaudeResult:
    """One-call form of `Claude(binary, server, project).run(prompt, script, **options)`."""
    return Claude(binary, server, project).run(prompt, script, **options)


# -- the SDK ----------------------------------------------------------------------------------


@dataclass
class SdkResult:
    messages: list[Any]  # claude_agent_sdk message objects, in order
    duration: float
    stderr: list[str]

    @property
    def result(self) -> Any:
        """The final ResultMessage."""
        from claude_agent_sdk import ResultMessage

        for message in reversed(self.messages):
            if isinstance(message, ResultMessage):
                return message
        raise AssertionError(f"no ResultMessage among {[type(m).__name__ for m in self.messages]}")


class ClaudeSdk:
    """The Claude Agent SDK driving the pinned npm CLI (`cli_path`) against the scripted server.
    The `claude_sdk` fixture is one of these."""

    def __init__(self, claude: Claude) -> None:
        self.claude = claude

    def options(
        self,
        *,
        project: ClaudeProject | None = None,
        env: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """`ClaudeAgentOptions(cli_path=<npm claude>, cwd=<project>, env=<offline>, …kwargs)`.
        `setting_sources=[]` unless given: no user or project settings are read."""
        from claude_agent_sdk import ClaudeAgentOptions

        project = project or self.claude.project
        offline = {
            **OFFLINE_ENV,
            "ANTHROPIC_BASE_URL": self.claude.server.url,
            "CLAUDE_CONFIG_DIR": str(project.config_dir),
            "HOME": str(project.home),
            "CLAUDE_AGENT_SDK_SKIP_VERSION_CHECK": "1",
            **(env or {}),
        }
        kwargs.setdefault("setting_sources", [])
        return ClaudeAgentOptions(
            cli_path=str(self.claude.binary), cwd=str(project.dir), env=offline, **kwargs
        )

    async def run(
        self,
        prompt: str,
        script: Script | None = None,
        *,
        options: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
        **option_kwargs: Any,
    ) -> SdkResult:
        """Send `prompt` with a `ClaudeSDKClient`, collect the messages up to the ResultMessage,
        all within `timeout` seconds (the CLI is stopped on the way out either way)."""
        from claude_agent_sdk import ClaudeSDKClient

        if script is not None:
            self.claude.server.set_script(script)
        stderr: list[str] = []
        if options is None:
            option_kwargs.setdefault("stderr", stderr.append)
            options = self.options(**option_kwargs)
        messages: list[Any] = []
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                async with ClaudeSDKClient(options) as client:
                    await client.query(prompt)
                    async for message in client.receive_response():
                        messages.append(message)
        except TimeoutError:
            raise AssertionError(
                f"SDK run did not finish within {timeout} s; got "
                f"{[type(m).__name__ for m in messages]}\nstderr: {''.join(stderr)[-4000:]}"
            ) from None
        return SdkResult(messages, time.monotonic() - started, stderr)
