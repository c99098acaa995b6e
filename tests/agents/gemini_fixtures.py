"""The pytest fixtures for Gemini end-to-end tests (gemini_env.py has the machinery).

Load them in a test module with a `pytest_plugins` line (no conftest.py, so that nothing collides
with other tests/agents/ modules):

    pytest_plugins = ["tests.agents.gemini_fixtures"]

and import the helpers from `tests.agents.gemini_env`, never from this module (a plugin module
imported before pytest loads it cannot have its asserts rewritten, and pytest warns).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.gemini_env import GeminiEnv, gemini_command
from tests.agents.gemini_server import GeminiServer


@pytest.fixture
def gemini_bin() -> list[str]:
    return gemini_command()


@pytest.fixture
def gemini_server() -> Iterator[GeminiServer]:
    with GeminiServer() as server:
        yield server


@pytest.fixture
def gemini(gemini_bin: list[str], gemini_server: GeminiServer, tmp_path: Path) -> GeminiEnv:
    """A ready Gemini environment; set `gemini.server.script` before `gemini.run(...)`."""
    return GeminiEnv(gemini_bin, gemini_server, tmp_path)
