"""Fixtures for tests that drive a real agent CLI against a scripted model on 127.0.0.1.

- `claude_bin`: the pinned Claude Code binary (skip locally when missing, fail where CI is set);
- `anthropic_server`: a started `AnthropicServer` (script it with `set_script` or `claude.run`);
- `claude_project`: a temp project with a fresh CLAUDE_CONFIG_DIR and HOME;
- `claude`: `Claude(claude_bin, anthropic_server, claude_project)`, whose `run(...)` /
  `start(...)` run `claude -p`; processes still running at teardown are killed;
- `claude_sdk`: `ClaudeSdk(claude)` for the Claude Agent SDK (skip/fail when not installed),
  with the caller's ANTHROPIC_* / CLAUDE* variables removed from os.environ, which the SDK
  merges under `options.env`.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.anthropic_server import AnthropicServer
from tests.agents.claude import (
    SCRUBBED_PREFIXES,
    Claude,
    ClaudeProject,
    ClaudeSdk,
    find_claude_bin,
    missing,
)

SDK_VERSION = "0.2.184"  # keep in step with pyproject.toml


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    path, why = find_claude_bin()
    if path is None:
        missing(why)
    assert path is not None
    return path


@pytest.fixture
def anthropic_server() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        yield server
    assert not server.errors, f"scripted server errors: {server.errors}"


@pytest.fixture
def claude_project(tmp_path: Path) -> ClaudeProject:
    return ClaudeProject.create(tmp_path / "claude")


@pytest.fixture
def claude(claude_bin: Path, anthropic_server: AnthropicServer,
           claude_project: ClaudeProject) -> Iterator[Claude]:
    harness = Claude(claude_bin, anthropic_server, claude_project)
    try:
        yield harness
    finally:
        harness.kill_all()


@pytest.fixture
def claude_sdk(claude: Claude, monkeypatch: pytest.MonkeyPatch) -> ClaudeSdk:
    if importlib.util.find_spec("claude_agent_sdk") is None:
        missing(f"claude-agent-sdk is not installed: pip install -e '.[test]' "
                f"(pins claude-agent-sdk=={SDK_VERSION})")
    from claude_agent_sdk import __version__

    if __version__ != SDK_VERSION:
        missing(f"claude-agent-sdk {__version__} is installed, the tests pin {SDK_VERSION}")
    for key in list(os.environ):
        if key.startswith(SCRUBBED_PREFIXES):
            monkeypatch.delenv(key)
    return ClaudeSdk(claude)
