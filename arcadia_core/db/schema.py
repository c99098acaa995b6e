"""Schema versioning: recognise, check and upgrade a project database with Alembic.

Opening a database that is already at the head revision (every open but the first) does not
import Alembic: the shipped revision ids are read from the migration files as text, which
saves every `arcadia` command and TUI start about a third of a second.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from arcadia_core.errors import DatabaseError, NotADatabase, SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

    from arcadia_core.db.engine import Database

SQLITE_HEADER = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True, slots=True)
class FileState:
    """What a read-only look at a database file found."""

    path: Path
    revision: str | None
    tables: frozenset[str]


VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION_ASSIGNMENT = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:None|["']([^"']+)["'])\s*$""", re.MULTILINE
)


@cache
def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "arcadia_core.db:migrations")
    return config


@cache
def script_directory() -> ScriptDirectory:
    """The migrations shipped inside the package."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


@cache
def revision_graph() -> dict[str, str | None]:
    """Each shipped revision id and the id it revises, read from the migration files as text."""
    graph: dict[str, str | None] = {}
    for path in sorted(VERSIONS_DIR.glob("*.py")):
        found = {
            match[1]: match[2] or None
            for match in _REVISION_ASSIGNMENT.finditer(path.read_text(encoding="utf-8"))
        }
        revision = found.get("revision")
        if revision:
            graph[revision] = found.get("down_revision")
    return graph


def head_revision() -> str:
    """The schema version this code writes."""
    graph = revision_graph()
    heads = set(graph) - set(graph.values())
    assert len(heads) == 1, f"the migrations must have exactly one head, found {sorted(heads)}"
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema version this code knows (and can upgrade from)."""
    return set(revision_graph())


def check_file(path: Path, *, writable: bool = False) -> FileState:
    """Inspect `path` without writing to it; refuse what is not ours to open.

    Raises `NotADatabase` for a file that is not SQLite, is truncated or damaged,
    `SchemaTooNew` for a database stamped by a newer Arcadia, `DatabaseLocked` when another
    process holds it for longer than the busy timeout, and, with `writable`, `DatabaseError`
    when we may not write to the file or its directory. A file it refuses is left exactly as
    it was: no `-wal` or `-shm` file appears next to it.
    """
    from arcadia_core.db.engine import busy_timeout_ms, translate_error

    path = Path(os.path.abspath(path))
    header = _read_header(path)
    if writable:
        _refuse_read_only(path)
    wal = path.with_name(f"{path.name}-wal")
    # A WAL database that nobody has open has no -wal file. Reading it through a normal
    # read-only connection would create -wal and -shm files; `immutable` reads the file
    # alone, which is exact while no -wal exists (a writer arriving meanwhile writes there).
    immutable = header[_WRITE_VERSION] == _WAL_VERSION and not wal.exists()
    busy_ms = busy_timeout_ms()
    try:
        try:
            revision, tables = _read_schema(path, immutable=immutable, busy_ms=busy_ms)
        except sqlite3.DatabaseError:
            if not (immutable and wal.exists()):
                raise
            revision, tables = _read_schema(path, immutable=False, busy_ms=busy_ms)
    except sqlite3.DatabaseError as error:
        translated = translate_error(error, path, busy_ms)
        if isinstance(translated, DatabaseError):
            raise translated from error
        raise NotADatabase(f"{path} is damaged or unreadable: {error}") from error
    _refuse_unknown_revision(path, revision)
    return FileState(path=path, revision=revision, tables=tables)


_HEADER_SIZE = 100
_WRITE_VERSION = 18
_WAL_VERSION = 2


def _read_header(path: Path) -> bytes:
    """The 100-byte SQLite header, after checking that the file is plausibly a whole database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror or error}") from error
    if not header.startswith(SQLITE_HEADER):
        what = "an empty file" if not header else "not an SQLite database"
        raise NotADatabase(f"{path} is {what}; refusing to open or modify it")
    if len(header) < _HEADER_SIZE:
        raise NotADatabase(f"{path} is truncated ({size} bytes); refusing to open or modify it")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is trustworthy when the "version valid for" field matches the change
    # counter; a file shorter than that many pages has lost its tail.
    if pages and header[92:96] == header[24:28] and size < pages * page_size:
        raise NotADatabase(
            f"{path} is truncated ({size:,} bytes where its header says {pages * page_size:,}); "
            "refusing to open or modify it"
        )
    return header


def _refuse_read_only(path: Path) -> None:
    # Checked with the effective ids (and capabilities), like SQLite's own open() will be.
    effective = os.access in os.supports_effective_ids
    for target, what in ((path, "file"), (path.parent, "directory")):
        if not os.access(target, os.W_OK, effective_ids=effective):
            raise DatabaseError(
                f"{path} is read-only (no write permission on its {what}); Arcadia needs to "
                "write to the database file and its directory",
                title="Read-only database",
            )


def _read_schema(
    path: Path, *, immutable: bool, busy_ms: int
) -> tuple[str | None, frozenset[str]]:
    uri = f"{path.as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    connection = sqlite3.connect(uri, uri=True, timeout=busy_ms / 1000)
    try:
        listing = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = frozenset(row[0] for row in listing)
        revision = None
        if VERSION_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
            revision = row[0] if row else None
    finally:
        connection.close()
    return revision, tables


def _refuse_unknown_revision(path: Path | str, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(
            f"{path} has schema version {revision}, newer than this Arcadia "
            f"(schema {head_revision()}); upgrade Arcadia to open it"
        )


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection)
    current = context.get_current_revision()
    _refuse_unknown_revision(connection.engine.url.database or "database", current)
    if current == head_revision():
        return
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def ensure_schema(database: Database, state: FileState | None) -> None:
    """Bring the database to the head revision in one transaction (no-op when current)."""
    if state is not None and state.revision == head_revision():
        return
    try:
        async with database.transaction() as session:
            connection = await session.connection()
            await connection.run_sync(_upgrade)
    except sqlite3.OperationalError as error:
        raise DatabaseError(f"cannot upgrade {database.path}: {error}") from error
    except Exception as error:
        original = getattr(error, "orig", None)
        if isinstance(original, sqlite3.Error):
            raise DatabaseError(f"cannot open {database.path}: {original}") from error
        raise


async def current_revision(database: Database) -> str | None:
    """The revision stamped in the database (None before the first upgrade)."""
    from alembic.runtime.migration import MigrationContext

    async with database.read() as session:
        connection = await session.connection()
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
