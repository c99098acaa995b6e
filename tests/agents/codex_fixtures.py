"""The pytest fixtures for Codex end-to-end tests (codex_env.py has the machinery).

Load them in a test module with a `pytest_plugins` line (no conftest.py, so that nothing collides
with other tests/agents/ modules):

    pytest_plugins = ["tests.agents.codex_fixtures"]

and import the helpers from `tests.agents.codex_env`, never from this module (a plugin module
imported before pytest loads it cannot have its asserts rewritten, and pytest warns).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.codex_env import CodexEnv, require_codex
from tests.agents.responses_server import ResponsesServer


@pytest.fixture
def codex_bin() -> Path:
    return require_codex()


@pytest.fixture
def responses_server() -> Iterator[ResponsesServer]:
    with ResponsesServer() as server:
        yield server


@pytest.fixture
def codex(codex_bin: Path, responses_server: ResponsesServer, tmp_path: Path) -> CodexEnv:
    """A ready Codex environment; set `codex.server.script` before `codex.run(...)`."""
    return CodexEnv(codex_bin, responses_server, tmp_path)
