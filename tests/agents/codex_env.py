"""What runs the real Codex CLI (npm `@openai/codex`, pinned) offline against
`ResponsesServer`, per agent-hooks.md section 3.

Used through the fixtures of `codex_fixtures.py`, loaded by a `pytest_plugins` line:

    pytest_plugins = ["tests.agents.codex_fixtures"]

`codex` is a `CodexEnv`: a fresh `CODEX_HOME` (config.toml pointing at the server), a fresh,
trusted project directory, and `run()` / `start()` for `codex exec --json --skip-git-repo-check
--dangerously-bypass-hook-trust --approve-for-me -C <proj> <prompt>`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.agents.codex_gemini_helpers import (
    INSTALL_HINT,
    NODE_MODULES,
    BackgroundProcess,
    ProcessResult,
    base_env,
    missing,
    run_process,
)
from tests.agents.responses_server import ResponsesServer

CODEX_VERSION = "0.169.0"
API_KEY_ENV = "SCRIPTED_API_KEY"

HOOK_EVENTS = (
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "UserPromptSubmit",
)


def find_codex() -> Path | None:
    """`$ARCADIA_CODEX_BIN`, else the native binary inside `.agents/`, else its node launcher."""
    override = os.environ.get("ARCADIA_CODEX_BIN")
    if override:
        return Path(override)
    native = sorted(NODE_MODULES.glob("@openai/codex-*/vendor/*/bin/codex"))
    if native:
        return native[0]
    launcher = NODE_MODULES / ".bin" / "codex"
    return launcher if launcher.exists() else None


def require_codex() -> Path:
    """The Codex binary, or skip (locally) / fail (CI) with how to install it."""
    binary = find_codex()
    if binary is None:
        missing(f"Codex CLI {CODEX_VERSION} is not installed in .agents/: {INSTALL_HINT}")
    assert binary is not None
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        missing(f"Codex binary {binary} is not an executable file: {INSTALL_HINT}")
    return binary


def hook_group(command: str, *, matcher: str = "*", timeout: int = 30) -> dict[str, Any]:
    """One matcher group of `hooks.json`; Codex's `timeout` is in seconds."""
    return {
        "matcher": matcher,
        "hooks": [{"type": "command", "command": command, "timeout": timeout}],
    }


def pre_tool_use_deny(reason: str) -> str:
    return json.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        }
    )


def pre_tool_use_allow() -> str:
    return json.dumps(
        {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow"}}
    )


def permission_request_allow() -> str:
    return json.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PermissionRequest",
                "decision": {"behavior": "allow"},
            }
        }
    )


def permission_request_deny(message: str) -> str:
    return json.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PermissionRequest",
                "decision": {"behavior": "deny", "message": message},
            }
        }
    )


@dataclass
class CodexRun:
    """A finished `codex exec --json` run: the process result and its parsed JSONL events."""

    result: ProcessResult
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def parse(cls, result: ProcessResult) -> CodexRun:
        events = []
        for line in result.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue
        return cls(result, events)

    @property
    def returncode(self) -> int:
        return self.result.returncode

    @property
    def stderr(self) -> str:
        return self.result.stderr

    @property
    def duration(self) -> float:
        return self.result.duration

    def items(self, kind: str) -> list[dict[str, Any]]:
        """`item.completed` items of one type (`agent_message`, `command_execution`, `error`)."""
        return [
            event["item"]
            for event in self.events
            if event.get("type") == "item.completed"
            and isinstance(event.get("item"), dict)
            and event["item"].get("type") == kind
        ]

    @property
    def agent_messages(self) -> list[str]:
        return [item.get("text", "") for item in self.items("agent_message")]

    def describe(self) -> str:
        return self.result.describe()


@dataclass
class CodexEnv:
    """A Codex home + project wired to a `ResponsesServer`."""

    binary: Path
    server: ResponsesServer
    root: Path
    home: Path = field(init=False)  # CODEX_HOME
    project: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = self.root / "codex-home"
        self.project = self.root / "proj"
        self.home.mkdir(parents=True, exist_ok=True)
        self.project.mkdir(parents=True, exist_ok=True)
        self.write_config()

    def write_config(self, extra: str = "") -> Path:
        """`$CODEX_HOME/config.toml`: the scripted provider, no retries, the project trusted."""
        config = f"""model = "scripted-model"
model_provider = "scripted"

[model_providers.scripted]
name = "scripted"
base_url = "{self.server.base_url}"
wire_api = "responses"
env_key = "{API_KEY_ENV}"
request_max_retries = 0
stream_max_retries = 0

[projects."{self.project}"]
trust_level = "trusted"
{extra}"""
        path = self.home / "config.toml"
        path.write_text(config)
        return path

    def write_hooks(self, hooks: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
        """`$CODEX_HOME/hooks.json` = `{"hooks": hooks}`; hooks maps an event to matcher groups
        (see `hook_group`)."""
        unknown = set(hooks) - set(HOOK_EVENTS)
        assert not unknown, f"not a Codex hook event: {sorted(unknown)}"
        path = self.home / "hooks.json"
        path.write_text(
            json.dumps(
                {"hooks": {event: list(groups) for event, groups in hooks.items()}}, indent=1
            )
        )
        return path

    def argv(self, prompt: str, *extra_args: str) -> list[str]:
        return [
            str(self.binary),
            "exec",
            "--json",
            "--skip-git-repo-check",
            "--dangerously-bypass-hook-trust",
            "--approve-for-me",
            "-C",
            str(self.project),
            *extra_args,
            prompt,
        ]

    def environ(self, **extra: str) -> dict[str, str]:
        return base_env(self.root, CODEX_HOME=str(self.home), **{API_KEY_ENV: "sk-test"}, **extra)

    def run(self, prompt: str, *extra_args: str, timeout: float = 90.0) -> CodexRun:
        """Run `codex exec` to its end (hard `timeout`), return the parsed run."""
        result = run_process(
            self.argv(prompt, *extra_args), env=self.environ(), cwd=self.project, timeout=timeout
        )
        return CodexRun.parse(result)

    def start(self, prompt: str, *extra_args: str) -> BackgroundProcess:
        """Start `codex exec` in the background (use as a context manager; `.wait(timeout)` gives
        a `ProcessResult`, `CodexRun.parse` parses it)."""
        return BackgroundProcess(
            self.argv(prompt, *extra_args), env=self.environ(), cwd=self.project
        )
