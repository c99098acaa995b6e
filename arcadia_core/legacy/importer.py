"""Import a project's ArcadiaForge dot-directories into its database, all or nothing.

`await import_legacy(db, project_dir)` reads every source `discover` finds and writes the rows
in ONE transaction: a run that fails or is killed leaves the database as it was, and running
it again completes the job. Records already in the database are recognised (by business id,
or by a content fingerprint for logs, see `fingerprint.py`) and skipped, so a second run adds
nothing. JSONL is streamed line by line and rows are inserted in batches, so memory stays
bounded; the keys seen so far live in a scratch SQLite file. Bad records are skipped and
listed in the `ImportReport` with their `path:line` and the reason.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, create_engine, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError

import arcadia_core.models  # noqa: F401  (registers every table)
from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database, database_path, metadata
from arcadia_core.db.schema import check_file
from arcadia_core.errors import DatabaseError, LegacyImportError
from arcadia_core.legacy import human, parsers
from arcadia_core.legacy.discover import Discovery, LegacySource, discover
from arcadia_core.legacy.fingerprint import SeenStore, fingerprint, id_key
from arcadia_core.legacy.progress import Progress
from arcadia_core.legacy.report import Counts, ImportReport
from arcadia_core.legacy.sources import ID_COLUMNS, KIND_TABLES, import_source

BATCH_SIZE = 1000
DATABASE = "database"


async def import_legacy(
    db: Database | None,
    project_dir: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> ImportReport:
    """Import every legacy source under `project_dir` into `db`; return the report.

    With `dry_run` nothing is written: records are parsed and compared with `db` (or, when
    `db` is None, with the project's database file opened read-only if it exists).
    """
    directory = Path(project_dir).expanduser().resolve()
    if not directory.is_dir():
        raise LegacyImportError(f"{directory} is not a directory", title="No project")
    discovery = discover(directory)

    def run(connection: Connection | None) -> ImportReport:
        return _Importer(connection, directory, discovery, dry_run, progress, clock()).run()

    try:
        if dry_run and db is None:
            path = database_path(directory)
            if not path.exists():
                return run(None)
            with _read_only(path) as read_only:
                return run(read_only)
        if db is None:
            raise LegacyImportError("an import needs an open database")
        # One transaction for the whole project: a write one, or a read snapshot for a dry run.
        scope = db.read() if dry_run else db.transaction()
        async with scope as session:
            connection = await session.connection()
            report: ImportReport = await connection.run_sync(run)
            return report
    except SQLAlchemyError as error:
        original = getattr(error, "orig", None) or error
        raise DatabaseError(f"import failed, database left unchanged: {original}") from error


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[Connection]:
    """A connection that reads the database file and leaves every byte of it alone.

    Without a WAL file everything is in the main file, and `immutable` reads it without
    creating -wal/-shm files; with one, a read-only open must go through it.
    """
    check_file(path)  # empty, damaged, newer or locked: refused before anything is read
    wal = path.with_name(path.name + "-wal").exists()
    options = "mode=ro" if wal else "mode=ro&immutable=1"
    engine = create_engine(f"sqlite:///file:{path}?{options}&uri=true")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@dataclass(slots=True)
class _Offer:
    """A parsed record waiting for its batch to be checked against what exists."""

    key: bytes
    row: dict[str, Any]
    source: str
    line: int
    what: str
    state: str | None
    counts: Counts


class _Importer:
    """One run over the sources of a project, on one connection (None: no database yet)."""

    def __init__(
        self,
        connection: Connection | None,
        project_dir: Path,
        discovery: Discovery,
        dry_run: bool,
        progress: Progress | None,
        now: datetime,
    ) -> None:
        self.connection = connection
        self.discovery = discovery
        self.dry_run = dry_run
        self.progress = progress
        self.now = now
        self.report = ImportReport(project_dir, dry_run)
        self.batches: dict[str, list[_Offer]] = {}
        self.loaded: set[str] = set()
        self.sessions_known: set[int] = set()
        self.fingerprint_columns: dict[str, list[str]] = {}
        self.existing_tables: set[str] = set()
        if connection is not None:
            self.existing_tables = set(inspect(connection).get_table_names())

    def run(self) -> ImportReport:
        with tempfile.TemporaryDirectory(prefix="arcadia-legacy-") as scratch:
            self.seen = SeenStore(Path(scratch))
            try:
                self._run_sources()
            finally:
                self.seen.close()
        return self.report

    def _run_sources(self) -> None:
        for relpath in self.discovery.unrecognised:
            self.report.notes.append(f"{relpath}: not a legacy source file; left alone")
        group = None
        for source in self.discovery.sources:
            label = _group_label(source)
            table = source.table or KIND_TABLES[source.kind]
            tables = (table, "sessions") if table == "events" else (table,)
            unloaded = [name for name in tables if name not in self.loaded]
            if label != group or unloaded:
                if self.progress is not None and group is not None:
                    self.progress.finish()
                for name in unloaded:  # before the counter, so its rate is the file's
                    self.ensure_loaded(name)
                if self.progress is not None:
                    self.progress.start(label)
                group = label
            first_rejection = len(self.report.rejections)
            try:
                import_source(self, source, table)
            except OSError as error:
                self.report.reject(source.relpath, table, None, f"cannot read: {error.strerror}")
            self.flush_all()
            # Duplicates are found when their batch is flushed: list this file's in line order.
            self.report.rejections[first_rejection:] = sorted(
                self.report.rejections[first_rejection:], key=lambda r: r.line or 0
            )
        if self.progress is not None and group is not None:
            self.progress.finish()

    # -- batching ---------------------------------------------------------------------------

    def _table(self, name: str) -> Table:
        return metadata.tables[name]

    def _key(self, table: str, row: dict[str, Any]) -> tuple[bytes, str]:
        column = ID_COLUMNS.get(table)
        if column is not None:
            return id_key(table, row[column]), f"{column} {row[column]!r}"
        columns = self.fingerprint_columns.get(table)
        if columns is None:
            columns = [c.name for c in self._table(table).columns if c.name != "id"]
            self.fingerprint_columns[table] = columns
        return fingerprint(table, columns, row), "record (same content)"

    def offer(
        self, table: str, row: dict[str, Any], source: str, line: int, state: str | None = None
    ) -> None:
        if table == "events":
            self._ensure_session(row["session_id"], row["timestamp"], source, line)
        key, what = self._key(table, row)
        counts = self.report.counts(source, table)
        batch = self.batches.setdefault(table, [])
        batch.append(_Offer(key, row, source, line, what, state, counts))
        if len(batch) >= BATCH_SIZE:
            self.flush(table)

    def flush_all(self) -> None:
        for table in list(self.batches):
            self.flush(table)

    def flush(self, table: str) -> None:
        if table == "events":
            self.flush("sessions")
        batch = self.batches.pop(table, [])
        if not batch:
            return
        self.ensure_loaded(table)
        known = self.seen.lookup([offer.key for offer in batch])
        fresh: list[dict[str, Any]] = []
        entries: list[tuple[bytes, str, str | None]] = []
        claimed: list[tuple[str, bytes]] = []
        for offer in batch:
            hit = known.get(offer.key)
            origin = f"{offer.source}:{offer.line}"
            if hit is None:
                known[offer.key] = (origin, offer.state)
                entries.append((offer.key, origin, offer.state))
                fresh.append(offer.row)
                offer.counts.imported += 1
            elif hit[0] != DATABASE and hit[0].rsplit(":", 1)[0] == offer.source:
                self.report.reject(
                    offer.source, table, offer.line, f"duplicate {offer.what} (first at {hit[0]})"
                )
            else:
                offer.counts.present += 1
                if hit[0] == DATABASE:
                    known[offer.key] = (origin, hit[1])
                    claimed.append((origin, offer.key))
        self.seen.add(entries)
        self.seen.claim(claimed)
        if fresh and not self.dry_run:
            assert self.connection is not None
            self.connection.execute(insert(self._table(table)), fresh)

    def ensure_loaded(self, table: str) -> None:
        """Put the keys of the rows `table` already holds into the seen-store (once)."""
        if table in self.loaded:
            return
        self.loaded.add(table)
        if self.connection is None or table not in self.existing_tables:
            return
        model = self._table(table)
        column = ID_COLUMNS.get(table)
        if column is not None:
            columns = [model.c[column]]
            if table == "injection_points":
                columns += [model.c.status, model.c.response]
        else:
            columns = [c for c in model.columns if c.name != "id"]
        names = [c.name for c in columns]
        result = self.connection.execution_options(stream_results=True, yield_per=2000).execute(
            select(*columns)
        )
        shown = False
        for partition in result.partitions():
            if self.progress is not None:
                if not shown:
                    self.progress.start(f"{table}: rows already in the database")
                    shown = True
                self.progress.advance(len(partition))
            entries = []
            for values in partition:
                row = dict(zip(names, values, strict=True))
                key, _ = self._key(table, row)
                state = None
                if table == "injection_points":
                    state = human.point_state(row["status"], row["response"])
                entries.append((key, DATABASE, state))
            self.seen.add(entries)
        if shown and self.progress is not None:
            self.progress.finish()

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance()

    def _ensure_session(self, session_id: int, start: datetime, source: str, line: int) -> None:
        """Give an event's session a placeholder `sessions` row when none exists."""
        if session_id in self.sessions_known:
            return
        self.sessions_known.add(session_id)
        self.ensure_loaded("sessions")
        self.flush("sessions")
        if self.seen.get(id_key("sessions", session_id)) is None:
            placeholder = parsers.parse_session({"session_id": session_id, "started_at": start})
            placeholder["status"] = "unknown"
            self.offer("sessions", placeholder, source, line)


def _group_label(source: LegacySource) -> str:
    """Progress groups: one per file, except directories of one-record files."""
    if source.kind in ("failure_report", "human_completed", "human_pending", "human_response"):
        return source.relpath.rsplit("/", 1)[0] + "/"
    return source.relpath
