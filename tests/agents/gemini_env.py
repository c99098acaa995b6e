"""What runs the real Gemini CLI (npm `@google/gemini-cli`, pinned) offline against
`GeminiServer`, per agent-hooks.md section 4.

Used through the fixtures of `gemini_fixtures.py`, loaded by a `pytest_plugins` line:

    pytest_plugins = ["tests.agents.gemini_fixtures"]

`gemini` is a `GeminiEnv`: a fresh HOME (= GEMINI_CLI_HOME) whose `.gemini/settings.json` selects
API-key auth, disables folder trust and holds the hooks, a fresh project directory, and `run()` /
`start()` for `node bundle/gemini.js -p <prompt> -o json --approval-mode yolo` in the project.
"""

from __future__ import annotations

import json
import os
import shutil
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
from tests.agents.gemini_server import GeminiServer

GEMINI_VERSION = "0.61.0"

HOOK_EVENTS = (
    "BeforeTool",
    "AfterTool",
    "BeforeAgent",
    "AfterAgent",
    "BeforeModel",
    "AfterModel",
    "BeforeToolSelection",
    "SessionStart",
    "SessionEnd",
    "PreCompress",
    "Notification",
)


def find_gemini() -> Path | None:
    """`$ARCADIA_GEMINI_BIN` (a `gemini.js` or an executable), else `.agents/`'s bundle."""
    override = os.environ.get("ARCADIA_GEMINI_BIN")
    if override:
        return Path(override)
    bundle = NODE_MODULES / "@google" / "gemini-cli" / "bundle" / "gemini.js"
    return bundle if bundle.is_file() else None


def gemini_command() -> list[str]:
    """The argv prefix that starts Gemini CLI, or skip (locally) / fail (CI)."""
    target = find_gemini()
    if target is None:
        missing(f"Gemini CLI {GEMINI_VERSION} is not installed in .agents/: {INSTALL_HINT}")
    assert target is not None
    if not target.is_file():
        missing(f"Gemini CLI {target} does not exist: {INSTALL_HINT}")
    if target.suffix in (".js", ".mjs", ".cjs"):
        node = shutil.which("node")
        if node is None:
            missing("node is not on PATH; Gemini CLI needs it")
        return [str(node), str(target)]
    if not os.access(target, os.X_OK):
        missing(f"{target} is not executable")
    return [str(target)]


def hook_group(command: str, *, matcher: str = "*", timeout_ms: int = 30_000) -> dict[str, Any]:
    """One matcher group of the `hooks` setting; Gemini's `timeout` is in MILLISECONDS (its
    default, 60 000, is too short for a person)."""
    return {
        "matcher": matcher,
        "hooks": [{"type": "command", "command": command, "timeout": timeout_ms}],
    }


def before_tool_deny(reason: str) -> str:
    return json.dumps({"decision": "deny", "reason": reason})


def before_tool_allow() -> str:
    return json.dumps({"decision": "allow"})


@dataclass
class GeminiRun:
    """A finished `gemini -p -o json` run: the process result and its JSON output (None if the
    CLI printed none, as after `decision: "ask"`)."""

    result: ProcessResult
    output: dict[str, Any] | None

    @classmethod
    def parse(cls, result: ProcessResult) -> GeminiRun:
        text = result.stdout.strip()
        output = None
        if text:
            start = text.find("{")
            try:
                output = json.loads(text[start:]) if start >= 0 else None
            except ValueError:
                output = None
        return cls(result, output)

    @property
    def returncode(self) -> int:
        return self.result.returncode

    @property
    def stderr(self) -> str:
        return self.result.stderr

    @property
    def duration(self) -> float:
        return self.result.duration

    @property
    def response(self) -> str | None:
        return None if self.output is None else self.output.get("response")

    def tool_stats(self, name: str) -> dict[str, Any]:
        """`stats.tools.byName[name]` (count, success, fail, ...), or {}."""
        stats = (self.output or {}).get("stats") or {}
        return ((stats.get("tools") or {}).get("byName") or {}).get(name) or {}

    def describe(self) -> str:
        return self.result.describe()


@dataclass
class GeminiEnv:
    """A Gemini home + project wired to a `GeminiServer`."""

    command: list[str]
    server: GeminiServer
    root: Path
    home: Path = field(init=False)  # HOME and GEMINI_CLI_HOME
    project: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = self.root / "gemini-home"
        self.project = self.root / "proj"
        (self.home / ".gemini").mkdir(parents=True, exist_ok=True)
        self.project.mkdir(parents=True, exist_ok=True)
        self.write_settings()

    @property
    def settings_path(self) -> Path:
        return self.home / ".gemini" / "settings.json"

    def write_settings(
        self, hooks: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, **extra: Any
    ) -> Path:
        """User settings: API-key auth, folder trust off, and `hooks` (event -> matcher groups,
        see `hook_group`). `extra` adds top-level keys."""
        unknown = set(hooks or {}) - set(HOOK_EVENTS)
        assert not unknown, f"not a Gemini hook event: {sorted(unknown)}"
        settings: dict[str, Any] = {
            "security": {
                "auth": {"selectedType": "gemini-api-key"},
                "folderTrust": {"enabled": False},
            },
            "privacy": {"usageStatisticsEnabled": False},
            **extra,
        }
        if hooks:
            settings["hooks"] = {event: list(groups) for event, groups in hooks.items()}
        self.settings_path.write_text(json.dumps(settings, indent=1))
        return self.settings_path

    def write_hooks(self, hooks: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
        return self.write_settings(hooks)

    def argv(self, prompt: str, *extra_args: str) -> list[str]:
        return [*self.command, "-p", prompt, "-o", "json", "--approval-mode", "yolo", *extra_args]

    def environ(self, **extra: str) -> dict[str, str]:
        return base_env(
            self.home,
            GEMINI_CLI_HOME=str(self.home),
            GEMINI_API_KEY="test-key",
            GOOGLE_GEMINI_BASE_URL=self.server.base_url,
            GEMINI_CLI_NO_RELAUNCH="true",
            **extra,
        )

    def run(self, prompt: str, *extra_args: str, timeout: float = 90.0) -> GeminiRun:
        """Run `gemini -p` to its end (hard `timeout`), return the parsed run."""
        result = run_process(
            self.argv(prompt, *extra_args), env=self.environ(), cwd=self.project, timeout=timeout
        )
        return GeminiRun.parse(result)

    def start(self, prompt: str, *extra_args: str) -> BackgroundProcess:
        """Start `gemini -p` in the background (use as a context manager; `.wait(timeout)` gives
        a `ProcessResult`, `GeminiRun.parse` parses it)."""
        return BackgroundProcess(
            self.argv(prompt, *extra_args), env=self.environ(), cwd=self.project
        )
