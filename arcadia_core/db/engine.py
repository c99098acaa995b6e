"""The `Database` handle: one engine per project, short transactions, SQLite tuned for sharing."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, StaticPool

from arcadia_core.errors import DatabaseError

DB_DIRNAME = ".arcadia"
DB_FILENAME = "project.db"
BUSY_TIMEOUT_MS = 10_000

_BEGIN_OPTION = "arcadia_begin"


def database_path(project_dir: Path | str) -> Path:
    """Return `<project_dir>/.arcadia/project.db`."""
    return Path(project_dir).expanduser().resolve() / DB_DIRNAME / DB_FILENAME


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits BEGIN itself,
    # which makes DDL transactional and lets writers take the lock up front (IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN")
    connection.exec_driver_sql(mode)


class Database:
    """An open project database: the engine, and sessions for short transactions.

    Open with `await Database.open(project_dir)` or `await Database.open_url(url)`; pass the
    handle to whoever needs it and `await db.close()` at the end. Every public manager call
    runs `async with db.transaction() as session:` — one unit of work, committed on exit.
    """

    def __init__(self, engine: AsyncEngine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self.url = str(engine.url)
        event.listen(engine.sync_engine, "connect", _configure_connection)
        event.listen(engine.sync_engine, "begin", _begin)
        writer = engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        self._write_sessions = async_sessionmaker(writer, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    async def open(
        cls, project_dir: Path | str, *, create: bool = True, upgrade: bool = True
    ) -> Database:
        """Open `<project_dir>/.arcadia/project.db`, creating it (0700 dir, 0600 file) if asked."""
        path = database_path(project_dir)
        if not path.exists():
            if not create:
                raise DatabaseError(
                    f"no Arcadia database at {path} (run `arcadia demo` to try one, "
                    "or start an agent in this project)",
                    title="No database",
                )
            _create_private_file(path)
        return await cls.open_file(path, upgrade=upgrade)

    @classmethod
    async def open_file(cls, path: Path, *, upgrade: bool = True) -> Database:
        """Open an existing database file by path, checking it before anything is written."""
        from arcadia_core.db.schema import check_file, ensure_schema

        state = check_file(path)
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}", poolclass=NullPool)
        database = cls(engine, path)
        if upgrade:
            try:
                await ensure_schema(database, state)
            except BaseException:
                await engine.dispose()
                raise
        return database

    @classmethod
    async def open_url(cls, url: str, *, upgrade: bool = True) -> Database:
        """Open a database by SQLAlchemy URL (`sqlite+aiosqlite:///:memory:` for tests)."""
        if url.startswith("sqlite") and (":memory:" in url or url.rstrip("/").endswith(":")):
            engine = create_async_engine(url, poolclass=StaticPool)
            database = cls(engine, None)
            if upgrade:
                from arcadia_core.db.schema import ensure_schema

                await ensure_schema(database, None)
            return database
        prefix = "sqlite+aiosqlite:///"
        if not url.startswith(prefix):
            raise DatabaseError(f"unsupported database URL {url!r}; expected {prefix}PATH")
        return await cls.open_file(Path(url.removeprefix(prefix)), upgrade=upgrade)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Yield a session inside one write transaction (BEGIN IMMEDIATE), committed on exit."""
        async with self._write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """Yield a session inside one read-only snapshot transaction."""
        async with self._read_sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        """Release every connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"Database({self.path or self.url})"


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    # An empty file is a valid empty SQLite database; make it one explicitly so the header
    # check in `check_file` recognises it as ours.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    os.chmod(path, 0o600)
