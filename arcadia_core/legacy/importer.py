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
import functools
import itertools
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, create_engine, insert, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError

import arcadia_core.models  # noqa: F401  (registers every table)
from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database, database_path, metadata
from arcadia_core.db.schema import SQLITE_HEADER, VERSION_TABLE, known_revisions
from arcadia_core.errors import DatabaseError, LegacyImportError, NotADatabase, SchemaTooNew
from arcadia_core.legacy import human
from arcadia_core.legacy import parsers as p
from arcadia_core.legacy.discover import Discovery, LegacySource, discover
from arcadia_core.legacy.fingerprint import SeenStore, fingerprint, id_key
from arcadia_core.legacy.jsonio import Fault, Item, iter_csv, iter_jsonl, json_items, read_json
from arcadia_core.legacy.progress import Progress
from arcadia_core.legacy.report import Counts, ImportReport

BATCH_SIZE = 1000
DATABASE = "database"

# Tables whose records carry a business id (column), and the log tables identified by a
# fingerprint of their content.
ID_COLUMNS = {
    "autonomy_config": "id",
    "autonomy_metrics": "id",
    "sessions": "id",
    "escalation_rules": "rule_id",
    "risk_patterns": "pattern_id",
    "injection_points": "point_id",
    "interventions": "intervention_id",
    "intervention_patterns": "pattern_id",
    "hot_memory": "session_id",
    "warm_memory": "session_id",
    "cold_memory": "session_id",
    "warm_memory_issues": "issue_id",
    "warm_memory_patterns": "pattern_id",
    "cold_memory_knowledge": "knowledge_id",
}
FINGERPRINTED = ("autonomy_decisions", "escalation_logs", "risk_assessments", "failure_reports", "events")
KIND_TABLES = {
    "autonomy_config": "autonomy_config",
    "autonomy_metrics": "autonomy_metrics",
    "autonomy_decisions": "autonomy_decisions",
    "escalation_rules": "escalation_rules",
    "escalation_logs": "escalation_logs",
    "risk_patterns": "risk_patterns",
    "risk_assessments": "risk_assessments",
    "failure_report": "failure_reports",
    "human_completed": "injection_points",
    "human_pending": "injection_points",
    "human_response": "injection_points",
    "human_history": "injection_points",
    "interventions": "interventions",
    "intervention_patterns": "intervention_patterns",
    "metrics_json": "sessions",
    "metrics_csv": "sessions",
    "events": "events",
}
_FAILURE_SESSION = re.compile(r"failure_report_(\d+)")
_SESSION_TIME_COLUMNS = {"started_at", "start_time", "ended_at", "end_time"}
_MEMORY_PARSERS: dict[str, Callable[..., dict[str, Any]]] = {
    "hot_memory": p.parse_hot_memory,
    "warm_memory": p.parse_warm_memory,
    "warm_memory_issues": p.parse_warm_memory_issue,
    "warm_memory_patterns": p.parse_warm_memory_pattern,
    "cold_memory": p.parse_cold_memory,
    "cold_memory_knowledge": p.parse_cold_memory_knowledge,
}
_MEMORY_NEEDS_NOW = {"hot_memory", "warm_memory_issues", "warm_memory_patterns", "cold_memory_knowledge"}


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
            with _read_only(path) as connection:
                return run(connection)
        if db is None:
            raise LegacyImportError("an import needs an open database")
        if dry_run:
            async with db.read() as session:
                connection = await session.connection()
                return await connection.run_sync(run)
        async with db.transaction() as session:
            connection = await session.connection()
            return await connection.run_sync(run)
    except SQLAlchemyError as error:
        original = getattr(error, "orig", None) or error
        raise DatabaseError(f"import failed, database left unchanged: {original}") from error


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[Connection]:
    """A connection that reads the database file and leaves every byte of it alone.

    Without a WAL file everything is in the main file, and `immutable` reads it without
    creating -wal/-shm files; with one, a read-only open must go through it.
    """
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotADatabase(f"{path} is not an SQLite database; refusing to read it")
    wal = path.with_name(path.name + "-wal").exists()
    options = "mode=ro" if wal else "mode=ro&immutable=1"
    engine = create_engine(f"sqlite:///file:{path}?{options}&uri=true")
    try:
        with engine.connect() as connection:
            if VERSION_TABLE in inspect(connection).get_table_names():
                revision = connection.exec_driver_sql(
                    f"SELECT version_num FROM {VERSION_TABLE}"
                ).scalar()
                if revision is not None and revision not in known_revisions():
                    raise SchemaTooNew(
                        f"{path} has schema version {revision}, newer than this Arcadia"
                    )
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
            if self.progress is not None and label != group:
                if group is not None:
                    self.progress.finish()
                self.progress.start(label)
            group = label
            table = source.table or KIND_TABLES[source.kind]
            first_rejection = len(self.report.rejections)
            try:
                self._import_source(source, table)
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
        columns = [c.name for c in self._table(table).columns if c.name != "id"]
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
        for partition in result.partitions():
            entries = []
            for values in partition:
                row = dict(zip(names, values, strict=True))
                key, _ = self._key(table, row)
                state = None
                if table == "injection_points":
                    state = human.point_state(row["status"], row["response"])
                entries.append((key, DATABASE, state))
            self.seen.add(entries)

    # -- sources ----------------------------------------------------------------------------

    def _import_source(self, source: LegacySource, table: str) -> None:
        kind = source.kind
        if kind in ("autonomy_config", "autonomy_metrics"):
            parse = p.parse_autonomy_config if kind == "autonomy_config" else p.parse_autonomy_metrics
            mtime = datetime.fromtimestamp(source.path.stat().st_mtime, UTC)
            self._json_records(source, table, lambda r: parse(r, updated_at=mtime), single=True)
        elif kind == "autonomy_decisions":
            self._jsonl(source, table, p.parse_autonomy_decision)
        elif kind == "escalation_rules":
            self._json_records(source, table, lambda r: p.parse_escalation_rule(r, now=self.now))
        elif kind == "escalation_logs":
            self._jsonl(source, table, p.parse_escalation_log)
        elif kind == "risk_patterns":
            self._json_records(source, table, lambda r: p.parse_risk_pattern(r, now=self.now))
        elif kind == "risk_assessments":
            self._jsonl(source, table, p.parse_risk_assessment)
        elif kind == "failure_report":
            match = _FAILURE_SESSION.match(source.path.name)
            hint = int(match.group(1)) if match else None
            self._json_records(
                source, table, lambda r: p.parse_failure_report(r, session_hint=hint), single=True
            )
        elif kind in ("human_completed", "human_pending"):
            human.import_point_file(self, source, pending_dir=kind == "human_pending")
        elif kind == "human_response":
            human.import_response_file(self, source)
        elif kind == "human_history":
            human.import_history(self, source)
        elif kind == "interventions":
            self._jsonl(source, table, p.parse_intervention)
        elif kind == "intervention_patterns":
            self._json_records(
                source, table, lambda r: p.parse_intervention_pattern(r, now=self.now)
            )
        elif kind == "metrics_json":
            self._metrics_json(source)
        elif kind == "metrics_csv":
            self._metrics_csv(source)
        elif kind == "events":
            self._jsonl(source, table, p.parse_event)
        elif kind == "memory":
            self._memory(source, table)
        else:  # pragma: no cover - discover and this method are kept in step
            raise AssertionError(kind)

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance()

    def _accept(
        self, source: LegacySource, table: str, items: Iterator[Item | Fault] | list[Item],
        parse: Callable[[Any], dict[str, Any]],
    ) -> int:
        seen = 0
        for item in items:
            seen += 1
            self.advance()
            if isinstance(item, Fault):
                self.report.reject(source.relpath, table, item.line, item.reason)
                continue
            try:
                row = parse(item.record)
            except p.RecordError as error:
                self.report.reject(source.relpath, table, item.line, error.message)
                continue
            self.offer(table, row, source.relpath, item.line)
        return seen

    def _jsonl(self, source: LegacySource, table: str, parse: Callable[[Any], dict[str, Any]]) -> None:
        if self._accept(source, table, iter_jsonl(source.path), parse) == 0:
            self.report.notes.append(f"{source.relpath}: empty file, no records")

    def _json_records(
        self, source: LegacySource, table: str, parse: Callable[[Any], dict[str, Any]],
        single: bool = False,
    ) -> None:
        loaded = read_json(source.path)
        if isinstance(loaded, Fault):
            self.report.reject(source.relpath, table, loaded.line, loaded.reason)
            return
        document, text = loaded
        if single and isinstance(document, dict):
            items: list[Item] | None = [Item(1, document)]
        else:
            id_column = ID_COLUMNS.get(table, "")
            items = json_items(document, text, id_column or "failure_type")
        if items is None:
            self.report.reject(
                source.relpath, table, 1,
                "unrecognised layout: expected a list of records, an object holding one "
                "list, or an object keyed by id",
            )
            return
        keyed = _with_keys(items, ID_COLUMNS.get(table))
        self._accept(source, table, keyed, parse)

    def _metrics_json(self, source: LegacySource) -> None:
        """`.metrics/metrics.json` (ComprehensiveMetrics): its per-session metrics."""
        loaded = read_json(source.path)
        if isinstance(loaded, Fault):
            self.report.reject(source.relpath, "sessions", loaded.line, loaded.reason)
            return
        document, text = loaded
        if not isinstance(document, dict):
            self.report.reject(source.relpath, "sessions", 1, "expected a JSON object")
            return
        if document.get("session_metrics"):
            items = json_items(document, text, "session_id", under="session_metrics")
            if items is None:
                self.report.reject(
                    source.relpath, "sessions", 1,
                    "session_metrics: expected a list or an object keyed by session id",
                )
            else:
                self._accept(source, "sessions", _with_keys(items, "session_id"), p.parse_session)
        derived = sorted(k for k, v in document.items() if k != "session_metrics" and v)
        if derived:
            self.report.notes.append(
                f"{source.relpath}: {', '.join(derived)} not imported "
                "(run-level figures, recomputed from events)"
            )

    def _metrics_csv(self, source: LegacySource) -> None:
        """A `.metrics/*.csv`: rows with a session id and start become sessions."""
        rows = iter_csv(source.path)
        first = next(rows, None)
        if first is None:
            self.report.notes.append(f"{source.relpath}: no rows")
            return
        if isinstance(first, Item):
            columns = set(first.record)
            if not (columns & {"session_id", "id"}) or not (columns & _SESSION_TIME_COLUMNS):
                self.report.notes.append(
                    f"{source.relpath}: not imported (no session_id/started_at columns; "
                    "per-tool aggregates are recomputed from events)"
                )
                return
        self._accept(source, "sessions", itertools.chain([first], rows), p.parse_session)

    def _memory(self, source: LegacySource, table: str) -> None:
        """A `.memory/` file of one tier's table (JSON or JSONL)."""
        parse = _MEMORY_PARSERS[table]
        rows = functools.partial(parse, now=self.now) if table in _MEMORY_NEEDS_NOW else parse
        if source.path.suffix.lower() == ".jsonl":
            self._jsonl(source, table, rows)
        else:
            self._json_records(source, table, rows)

    def _ensure_session(self, session_id: int, start: datetime, source: str, line: int) -> None:
        """Give an event's session a placeholder `sessions` row when none exists."""
        if session_id in self.sessions_known:
            return
        self.sessions_known.add(session_id)
        self.ensure_loaded("sessions")
        self.flush("sessions")
        if self.seen.get(id_key("sessions", session_id)) is None:
            placeholder = p.parse_session({"session_id": session_id, "started_at": start})
            placeholder["status"] = "unknown"
            self.offer("sessions", placeholder, source, line)


def _with_keys(items: list[Item], id_field: str | None) -> list[Item]:
    """Records of an object keyed by id get that id when they lack one themselves."""
    if id_field is None or id_field == "id":
        return items
    return [
        Item(item.line, {**item.record, id_field: item.key})
        if item.key is not None and isinstance(item.record, dict) and item.record.get(id_field) is None
        else item
        for item in items
    ]


def _group_label(source: LegacySource) -> str:
    """Progress groups: one per file, except directories of one-record files."""
    if source.kind in ("failure_report", "human_completed", "human_pending", "human_response"):
        return source.relpath.rsplit("/", 1)[0] + "/"
    return source.relpath
