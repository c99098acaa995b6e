"""The `Database` handle: one engine per project, short transactions, SQLite tuned for sharing."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from arcadia_core.db.types import dumps_json, has_lone_surrogates, storable_text
from arcadia_core.errors import DatabaseError, DatabaseLocked, InvalidInput, NotADatabase

DB_DIRNAME = ".arcadia"
DB_FILENAME = "project.db"
BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_ENV = "ARCADIA_BUSY_TIMEOUT_MS"

_BEGIN_OPTION = "arcadia_begin"


def database_path(project_dir: Path | str) -> Path:
    """Return `<project_dir>/.arcadia/project.db`."""
    return Path(project_dir).expanduser().resolve() / DB_DIRNAME / DB_FILENAME


def busy_timeout_ms() -> int:
    """Milliseconds a connection waits for another process's lock (`ARCADIA_BUSY_TIMEOUT_MS`)."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise InvalidInput(
            f"{BUSY_TIMEOUT_ENV} must be a whole number of milliseconds, not {raw!r}",
            title="Invalid setting",
        )
    return value


_ENVIRONMENT_FAILURES = ("disk I/O error", "disk is full", "unable to open database file")


def translate_error(error: BaseException, path: Path | str | None, busy_ms: int) -> BaseException:
    """The `DatabaseError` to raise for a SQLite failure that a person must act on, else `error`.

    Locks held for longer than the busy timeout, read-only and damaged files, full disks and
    I/O errors become one human line; other errors (constraints, a missing column) are
    returned unchanged for the caller to handle or report.
    """
    original = getattr(error, "orig", None) or error
    if not isinstance(original, sqlite3.OperationalError) and type(original) is not (
        sqlite3.DatabaseError
    ):
        return error
    reason = str(original)
    where = path or "the database"
    if "locked" in reason or "busy" in reason:
        return DatabaseLocked(
            f"{where} is locked by another process (waited {busy_ms / 1000:g} s); "
            "try again when it has finished"
        )
    if "readonly" in reason or "read-only" in reason:
        return DatabaseError(
            f"{where} is read-only ({reason}); Arcadia needs to write to it and its directory",
            title="Read-only database",
        )
    if "malformed" in reason or "not a database" in reason:
        return NotADatabase(f"{where} is damaged ({reason}); refusing to use it")
    if any(cause in reason for cause in _ENVIRONMENT_FAILURES):
        return DatabaseError(f"cannot use {where}: {reason}")
    return error


def _configure_connection(busy_ms: int, dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits BEGIN itself,
    # which makes DDL transactional and lets writers take the lock up front (IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _storable_row(row: Any) -> Any:
    if isinstance(row, dict):
        if any(_needs_repair(value) for value in row.values()):
            return {key: _repaired(value) for key, value in row.items()}
        return row
    if isinstance(row, tuple | list) and any(_needs_repair(value) for value in row):
        return type(row)(_repaired(value) for value in row)
    return row


def _needs_repair(value: Any) -> bool:
    return isinstance(value, str) and not value.isascii() and has_lone_surrogates(value)


def _repaired(value: Any) -> Any:
    return storable_text(value) if _needs_repair(value) else value


def _storable_parameters(
    _connection: Any,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    # Text reaches SQLite as UTF-8, which has no form for a lone surrogate (Python strings
    # decoded with `surrogateescape` carry them): the driver would raise UnicodeEncodeError
    # and the whole operation fail. Such a character is stored as U+FFFD instead. JSON
    # values are unaffected: they are escaped (`\ud800`) and come back intact.
    if executemany:
        return statement, [_storable_row(row) for row in parameters]
    return statement, _storable_row(parameters)


def _begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN")
    connection.exec_driver_sql(mode)


@dataclass(slots=True)
class _EngineBundle:
    """An engine and its session factories, used from one event loop only."""

    engine: AsyncEngine
    write_sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]


class Database:
    """An open project database: engines, and sessions for short transactions.

    Open with `await Database.open(project_dir)` or `await Database.open_url(url)`; pass the
    handle to whoever needs it and `await db.close()` at the end. Every public manager call
    runs `async with db.transaction() as session:` — one unit of work, committed on exit.

    SQLAlchemy's async connection pool belongs to one event loop, so the handle keeps one
    pooled engine per loop that uses it (usually the application's loop, plus the loop of
    `arcadia_core.sync` when blocking calls are made).
    """

    def __init__(self, url: str, path: Path | None) -> None:
        self.url = url
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms()
        """How long each connection waits for another process's lock before giving up."""
        # A plain dict, not weak: a bundle must outlive its loop until it is disposed.
        self._bundles: dict[asyncio.AbstractEventLoop, _EngineBundle] = {}
        self._shared: _EngineBundle | None = None
        if path is None:
            # An in-memory database lives in one connection, shared by every loop.
            self._shared = self._make_bundle(
                create_async_engine(url, poolclass=StaticPool, json_serializer=dumps_json)
            )

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
            try:
                _create_private_file(path)
            except OSError as error:
                raise DatabaseError(
                    f"cannot create {path}: {error.strerror or error}", title="No database"
                ) from error
        return await cls.open_file(path, upgrade=upgrade)

    @classmethod
    async def open_file(cls, path: Path, *, upgrade: bool = True) -> Database:
        """Open an existing database file by path, checking it before anything is written."""
        from arcadia_core.db.schema import check_file, ensure_schema

        state = check_file(path, writable=True)
        database = cls(f"sqlite+aiosqlite:///{path}", path)
        if upgrade:
            try:
                await ensure_schema(database, state)
            except BaseException:
                await database.close()
                raise
        return database

    @classmethod
    async def open_url(cls, url: str, *, upgrade: bool = True) -> Database:
        """Open a database by SQLAlchemy URL (`sqlite+aiosqlite:///:memory:` for tests)."""
        prefix = "sqlite+aiosqlite:///"
        if url.startswith("sqlite+aiosqlite://") and (
            ":memory:" in url or url == "sqlite+aiosqlite://"
        ):
            database = cls(url, None)
            if upgrade:
                from arcadia_core.db.schema import ensure_schema

                await ensure_schema(database, None)
            return database
        if not url.startswith(prefix):
            raise DatabaseError(f"unsupported database URL {url!r}; expected {prefix}PATH")
        return await cls.open_file(Path(url.removeprefix(prefix)), upgrade=upgrade)

    def _bundle(self) -> _EngineBundle:
        if self._shared is not None:
            return self._shared
        loop = asyncio.get_running_loop()
        bundle = self._bundles.get(loop)
        if bundle is None:
            bundle = self._make_bundle(create_async_engine(self.url, json_serializer=dumps_json))
            self._bundles[loop] = bundle
        return bundle

    @property
    def project_dir(self) -> Path | None:
        """The project directory holding `.arcadia/project.db` (None for in-memory)."""
        return self.path.parent.parent if self.path is not None else None

    def run_id(self, project_dir: Path | None = None) -> str:
        """A stable 12-hex id for this project (ArcadiaForge: md5 of the resolved path)."""
        directory = project_dir or self.project_dir
        key = str(directory.resolve()) if directory is not None else self.url
        return hashlib.md5(key.encode()).hexdigest()[:12]

    @property
    def engine(self) -> AsyncEngine:
        """The engine for the running event loop."""
        return self._bundle().engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Yield a session inside one write transaction (BEGIN IMMEDIATE), committed on exit."""
        if self._bundles:
            await self._reap_closed_loops()
        try:
            async with self._bundle().write_sessions() as session, session.begin():
                yield session
        except (DBAPIError, sqlite3.Error) as error:
            translated = self.translate(error)
            if translated is error:
                raise
            raise translated from error

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """Yield a session inside one read-only snapshot transaction."""
        try:
            async with self._bundle().read_sessions() as session, session.begin():
                yield session
        except (DBAPIError, sqlite3.Error) as error:
            translated = self.translate(error)
            if translated is error:
                raise
            raise translated from error

    def translate(self, error: BaseException) -> BaseException:
        """`translate_error` for this database (locked, read-only, damaged: one human line)."""
        return translate_error(error, self.path, self.busy_timeout_ms)

    async def close(self) -> None:
        """Release every connection, on each loop that opened some."""
        current = asyncio.get_running_loop()
        bundles = list(self._bundles.items())
        self._bundles.clear()
        for loop, bundle in bundles:
            if loop.is_running() and loop is not current:
                future = asyncio.run_coroutine_threadsafe(bundle.engine.dispose(), loop)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.wrap_future(future), timeout=5)
            else:
                await bundle.engine.dispose()
        if self._shared is not None:
            await self._shared.engine.dispose()

    def _make_bundle(self, engine: AsyncEngine) -> _EngineBundle:
        configure = functools.partial(_configure_connection, self.busy_timeout_ms)
        event.listen(engine.sync_engine, "connect", configure)
        event.listen(engine.sync_engine, "begin", _begin)
        event.listen(engine.sync_engine, "before_cursor_execute", _storable_parameters, retval=True)
        writer = engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        return _EngineBundle(
            engine=engine,
            write_sessions=async_sessionmaker(writer, expire_on_commit=False),
            read_sessions=async_sessionmaker(engine, expire_on_commit=False),
        )

    async def _reap_closed_loops(self) -> None:
        # Connections pooled for a loop that has since closed would otherwise linger until
        # garbage collection, whose clean-up needs that dead loop; close them from this one.
        dead = [loop for loop in list(self._bundles) if loop.is_closed()]
        for loop in dead:
            bundle = self._bundles.pop(loop, None)
            if bundle is not None:
                await bundle.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"Database({self.path or self.url})"


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    # Made under a temporary name and linked into place, so that a process killed half-way
    # never leaves an empty or half-made file at the database path (which we would refuse).
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(temporary, 0o600)
        with contextlib.closing(sqlite3.connect(temporary)) as connection:
            # An empty file is a valid empty SQLite database; give it a header explicitly so
            # the check in `check_file` recognises it as ours.
            connection.execute("PRAGMA journal_mode = WAL")
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
    finally:
        for leftover in (temporary, f"{temporary}-wal", f"{temporary}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
