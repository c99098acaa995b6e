"""Fixtures shared by every test: a fresh project directory and an open database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from arcadia_core.db import Database

LONG_TESTS = os.environ.get("ARCADIA_LONG_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the long variants (marker `slow`) unless `ARCADIA_LONG_TESTS=1`."""
    if LONG_TESTS:
        return
    skip = pytest.mark.skip(reason="long variant: run with ARCADIA_LONG_TESTS=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """An empty project directory (no `.arcadia/` yet)."""
    directory = tmp_path / "project"
    directory.mkdir()
    return directory


@pytest.fixture
async def db(project_dir: Path) -> AsyncIterator[Database]:
    """A real SQLite file database at `<project_dir>/.arcadia/project.db`, at head schema."""
    database = await Database.open(project_dir)
    try:
        yield database
    finally:
        await database.close()
