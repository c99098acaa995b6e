"""Schema versioning: recognise, check and upgrade a project database with Alembic.

Opening a database that is already at the head revision (every open but the first) does not
import Alembic: the shipped revision ids are read from the migration files as text, which
saves every `arcadia` command and TUI start about a third of a second.
"""

from __future__ import annotations

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


def check_file(path: Path) -> FileState:
    """Inspect `path` without writing to it; refuse what is not ours to open.

    Raises `NotADatabase` for a file that is not SQLite (or is damaged) and `SchemaTooNew`
    for a database stamped by a newer Arcadia.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from error
    if header != SQLITE_HEADER:
        what = "an empty file" if not header else "not an SQLite database"
        raise NotADatabase(f"{path} is {what}; refusing to open or modify it")
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            tables = frozenset(
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            )
            revision = None
            if VERSION_TABLE in tables:
                row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise NotADatabase(f"{path} is damaged or unreadable: {error}") from error
    _refuse_unknown_revision(path, revision)
    return FileState(path=path, revision=revision, tables=tables)


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
