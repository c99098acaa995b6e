"""The project database: creation, pragmas, permissions, versioning and refusal of bad files."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from arcadia_core.db import Database, database_path, metadata
from arcadia_core.db.schema import head_revision
from arcadia_core.errors import DatabaseError, NotADatabase, SchemaTooNew
from arcadia_core.sync import blocking, run_blocking

DATA = Path(__file__).parent.parent / "data"
EXPECTED_TABLE_COUNT = 26  # ArcadiaForge's 25 and agent_sessions


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }


async def test_open_creates_every_table_and_stamps_head(db: Database, project_dir: Path) -> None:
    path = database_path(project_dir)
    names = table_names(path)
    assert set(metadata.tables) <= names
    assert len(metadata.tables) == EXPECTED_TABLE_COUNT
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


async def test_directory_and_file_are_private(db: Database, project_dir: Path) -> None:
    path = database_path(project_dir)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_every_connection_has_wal_foreign_keys_and_busy_timeout(db: Database) -> None:
    for _ in range(3):  # each transaction gets its own connection
        async with db.read() as session:
            assert (await session.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await session.scalar(text("PRAGMA foreign_keys"))) == 1
            assert (await session.scalar(text("PRAGMA busy_timeout"))) >= 5000
            assert (await session.scalar(text("PRAGMA synchronous"))) == 1  # NORMAL


async def test_reopening_is_a_no_op(project_dir: Path) -> None:
    first = await Database.open(project_dir)
    await first.close()
    before = database_path(project_dir).read_bytes()
    second = await Database.open(project_dir)
    await second.close()
    assert database_path(project_dir).read_bytes() == before


async def test_several_projects_open_in_one_process(tmp_path: Path) -> None:
    databases = [await Database.open(tmp_path / name) for name in ("a", "b")]
    try:
        async with databases[0].transaction() as session:
            await session.execute(text("CREATE TABLE only_in_a (x INTEGER)"))
        assert "only_in_a" in table_names(database_path(tmp_path / "a"))
        assert "only_in_a" not in table_names(database_path(tmp_path / "b"))
    finally:
        for database in databases:
            await database.close()


async def test_open_without_create_reports_missing_database(project_dir: Path) -> None:
    with pytest.raises(DatabaseError, match="no Arcadia database"):
        await Database.open(project_dir, create=False)
    assert not (project_dir / ".arcadia").exists()


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n", b"", b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "empty", "truncated"],
)
async def test_a_file_that_is_not_a_database_is_refused_and_unchanged(
    project_dir: Path, content: bytes
) -> None:
    path = database_path(project_dir)
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(NotADatabase) as caught:
        await Database.open(project_dir)
    assert str(path) in caught.value.message
    assert "\n" not in caught.value.message
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["project.db"]


async def test_a_newer_schema_is_refused_and_unchanged(project_dir: Path) -> None:
    database = await Database.open(project_dir)
    await database.close()
    path = database_path(project_dir)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as caught:
        await Database.open(project_dir)
    assert "9999_future" in caught.value.message
    assert head_revision() in caught.value.message
    assert path.read_bytes() == before


async def test_arcadiaforge_database_is_upgraded_in_place(project_dir: Path) -> None:
    path = database_path(project_dir)
    path.parent.mkdir()
    with sqlite3.connect(path) as connection:
        connection.executescript((DATA / "arcadiaforge_schema.sql").read_text())
        connection.executescript((DATA / "arcadiaforge_rows.sql").read_text())
    before = _dump_rows(path)
    database = await Database.open(project_dir)
    try:
        async with database.read() as session:
            sessions = await session.scalar(
                select(func.count()).select_from(metadata.tables["sessions"])
            )
        assert sessions and sessions > 0
    finally:
        await database.close()
    after = _dump_rows(path)
    for table, rows in before.items():
        assert after[table] == rows, table
    names = table_names(path)
    assert "troubleshooting_entries" in names
    assert set(metadata.tables) <= names
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


def _dump_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'alembic_version'"
            )
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
        }


async def test_concurrent_first_opens_create_the_schema_once(tmp_path: Path) -> None:
    databases = await asyncio.gather(*(Database.open(tmp_path) for _ in range(4)))
    for database in databases:
        await database.close()
    assert set(metadata.tables) <= table_names(database_path(tmp_path))


class _Counter:
    """A minimal manager-shaped class with an async method and its blocking twin."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def count_tables_async(self) -> int:
        async with self.database.read() as session:
            rows = await session.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type='table'")
            )
            return int(rows.scalar_one())

    count_tables = blocking(count_tables_async)


async def test_blocking_form_works_inside_a_running_loop(db: Database) -> None:
    counter = _Counter(db)
    assert counter.count_tables() == await counter.count_tables_async()
    assert counter.count_tables() >= EXPECTED_TABLE_COUNT


def test_blocking_form_works_outside_a_loop(project_dir: Path) -> None:
    database = run_blocking(Database.open(project_dir))
    counter = _Counter(database)
    assert counter.count_tables() >= EXPECTED_TABLE_COUNT
    run_blocking(database.close())


def test_blocking_form_propagates_errors() -> None:
    async def broken() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_blocking(broken())


async def test_one_handle_serves_several_event_loops_at_once(db: Database) -> None:
    """The TUI's loop and the blocking bridge's loop use one handle concurrently."""

    async def write_rows(session_id: int, count: int) -> None:
        for _ in range(count):
            async with db.transaction() as session:
                await session.execute(
                    text(
                        "INSERT INTO escalation_logs (timestamp, session_id, rule_id, severity,"
                        " message, context_summary)"
                        " VALUES (CURRENT_TIMESTAMP, :s, 'r', 3, 'm', '{}')"
                    ),
                    {"s": session_id},
                )

    other_loop = asyncio.to_thread(asyncio.run, write_rows(2, 50))
    await asyncio.gather(write_rows(1, 50), write_rows(3, 50), other_loop)
    counter = _Counter(db)
    assert counter.count_tables() >= EXPECTED_TABLE_COUNT
    async with db.read() as session:
        total = await session.scalar(text("SELECT count(*) FROM escalation_logs"))
    assert total == 150
