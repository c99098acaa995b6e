"""The change feed: what changed in a project database, as typed records, cheaply.

`ChangeFeed` keeps one read-only SQLite connection for its whole life. Each poll first asks
SQLite whether any other connection committed since the last poll (`PRAGMA data_version`); only
then does it query, and only by primary key or index: the rows past a per-table id cursor, the
few injection points and sessions it saw open, and the single-row autonomy tables. An idle poll
is one `stat` and one pragma, whatever the size of the tables.

    async with ChangeFeed(db.path, replay_pending=True) as feed:
        async for change in feed:
            ...

Failure semantics: a transient error (the database is locked or busy) yields `FeedStale` once
and the feed retries on the next poll (`FeedRecovered` when it works again). A database file
that disappears, is replaced by another file, or becomes unreadable ends the feed: `FeedLost` is
the last record, iteration stops, and a further `poll()` raises `DatabaseError`. A database that
is missing or not ours when the feed starts raises `DatabaseError` from `start()`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db.engine import Database
from arcadia_core.errors import DatabaseError
from arcadia_core.vocabulary import PointStatus
from arcadia_core.watch import queries, rows
from arcadia_core.watch.records import (
    ALL_KINDS,
    Change,
    FeedHealth,
    FeedLost,
    FeedRecovered,
    FeedStale,
    InjectionResolved,
)
from arcadia_core.watch.rows import RowData

DEFAULT_POLL_INTERVAL = 0.1
DEFAULT_BATCH_LIMIT = 500
READ_BUSY_TIMEOUT_MS = 250
_ID_CHUNK = 500

T = TypeVar("T")

# Tables only ever appended to, with the record each new row becomes.
_APPEND_ONLY: tuple[tuple[Table, Callable[[RowData, datetime], Change]], ...] = (
    (queries.ESCALATIONS, rows.escalation_logged),
    (queries.RISKS, rows.risk_assessed),
    (queries.FAILURES, rows.failure_reported),
    (queries.EVENTS, rows.event_logged),
)
_SINGLE_ROW_TABLES: tuple[tuple[Table, Literal["config", "metrics"]], ...] = (
    (queries.AUTONOMY_CONFIG, "config"),
    (queries.AUTONOMY_METRICS, "metrics"),
)


class _Transient(Exception):
    """A poll failed for a reason worth retrying (locked, busy)."""


class _Lost(Exception):
    """The database is gone or unusable; the feed ends."""


@dataclass(slots=True)
class _State:
    """Everything a poll advances; replaced as a whole only when a poll succeeds."""

    data_version: int = -1
    cursors: dict[str, int] = field(default_factory=dict)
    pending: dict[int, str] = field(default_factory=dict)
    open_sessions: set[int] = field(default_factory=set)
    autonomy: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    backlog: bool = False

    def copy(self) -> _State:
        return _State(
            data_version=self.data_version,
            cursors=dict(self.cursors),
            pending=dict(self.pending),
            open_sessions=set(self.open_sessions),
            autonomy=dict(self.autonomy),
            backlog=self.backlog,
        )


class _Reader:
    """The synchronous half of the feed: one read-only connection, used by one thread at a time."""

    def __init__(self, path: Path, kinds: frozenset[str], batch_limit: int, clock: Clock) -> None:
        self.path = path
        self.kinds = kinds
        self.batch_limit = batch_limit
        self.clock = clock
        self.state = _State()
        self.identity: tuple[int, int] | None = None
        self.engine: Engine | None = None
        self.connection: Connection | None = None
        self.raw: sqlite3.Connection | None = None
        self.tables: set[str] = set()

    # -- lifecycle ----------------------------------------------------------------------------

    def open(self, replay_pending: bool) -> list[Change]:
        from arcadia_core.db.schema import check_file

        if not self.path.exists():
            raise DatabaseError(
                f"no Arcadia database at {self.path} (run `arcadia demo` to try one, "
                "or start an agent in this project)",
                title="No database",
            )
        check_file(self.path, writable=True)
        stat = os.stat(self.path)
        self.identity = (stat.st_dev, stat.st_ino)
        uri = f"{self.path.as_uri()}?mode=ro"

        def connect() -> sqlite3.Connection:
            connection = sqlite3.connect(
                uri, uri=True, check_same_thread=False, isolation_level=None
            )
            connection.execute(f"PRAGMA busy_timeout = {READ_BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA query_only = 1")
            return connection

        self.engine = create_engine("sqlite://", creator=connect, poolclass=StaticPool)
        # The driver is in autocommit mode; BEGIN here makes each poll one consistent snapshot.
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        try:
            self.connection = self.engine.connect()
            self.raw = self.connection.connection.dbapi_connection  # type: ignore[assignment]
            return self._position(replay_pending)
        except (sqlite3.Error, DBAPIError) as error:
            self.close()
            raise DatabaseError(f"cannot read {self.path}: {_reason(error)}") from error

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        self.raw = None

    def _followed(self, table: Table) -> bool:
        return table.name in self.tables and any(
            table.name in queries.TABLE_NAMES_FOR_KIND[kind] for kind in self.kinds
        )

    def _position(self, replay_pending: bool) -> list[Change]:
        assert self.connection is not None and self.raw is not None
        state = _State()
        state.data_version = self._data_version()
        replayed: list[Change] = []
        with self.connection.begin():
            self.tables = {
                name
                for (name,) in self.connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            for table in queries.APPEND_TABLES:
                if self._followed(table):
                    newest = self.connection.scalar(queries.MAX_ID[table.name])
                    state.cursors[table.name] = newest or 0
            if self._followed(queries.POINTS):
                for row in self.connection.execute(queries.PENDING_POINTS).mappings():
                    state.pending[int(row["id"])] = str(row["point_id"])
                    if replay_pending:
                        replayed.append(rows.point_created(row, self.clock(), replayed=True))
            if self._followed(queries.SESSIONS):
                for row in self.connection.execute(queries.OPEN_SESSIONS).mappings():
                    state.open_sessions.add(int(row["id"]))
            for table in (queries.AUTONOMY_CONFIG, queries.AUTONOMY_METRICS):
                if self._followed(table):
                    state.autonomy[table.name] = self._single_row(table)
        self.state = state
        return replayed

    # -- polling ------------------------------------------------------------------------------

    def poll(self) -> list[Change]:
        """One poll: nothing unless another connection committed (or a backlog remains)."""
        if self.connection is None:
            raise _Lost("the feed is closed")
        self._check_identity()
        try:
            version = self._data_version()
            if version == self.state.data_version and not self.state.backlog:
                return []
            state = self.state.copy()
            state.data_version = version
            state.backlog = False
            with self.connection.begin():
                changes = self._read_changes(state)
        except (sqlite3.Error, DBAPIError) as error:
            reason = _reason(error)
            if "locked" in reason or "busy" in reason:
                raise _Transient(reason) from error
            raise _Lost(f"{self.path} became unreadable: {reason}") from error
        self.state = state
        return changes

    def _check_identity(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise _Lost(f"{self.path} was deleted") from None
        except OSError as error:
            raise _Lost(f"cannot stat {self.path}: {error.strerror}") from error
        if (stat.st_dev, stat.st_ino) != self.identity:
            raise _Lost(f"{self.path} was replaced by another file")

    def _data_version(self) -> int:
        assert self.raw is not None
        row = self.raw.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def _after(self, state: _State, table: Table) -> list[RowData]:
        assert self.connection is not None
        batch: list[RowData] = list(
            self.connection.execute(
                queries.AFTER[table.name],
                {"cursor": state.cursors[table.name], "limit": self.batch_limit},
            ).mappings()
        )
        if batch:
            state.cursors[table.name] = int(batch[-1]["id"])
        if len(batch) >= self.batch_limit:
            state.backlog = True
        return batch

    def _by_id(self, statement: Any, ids: Iterable[int]) -> list[RowData]:
        assert self.connection is not None
        wanted = sorted(ids)
        found: list[RowData] = []
        for start in range(0, len(wanted), _ID_CHUNK):
            chunk = wanted[start : start + _ID_CHUNK]
            found.extend(self.connection.execute(statement, {"ids": chunk}).mappings())
        return found

    def _read_changes(self, state: _State) -> list[Change]:
        started: list[Change] = []
        created: list[Change] = []
        appended: list[Change] = []
        resolved: list[Change] = []
        ended: list[Change] = []
        wants = self.kinds.__contains__
        now = self.clock()

        if self._followed(queries.SESSIONS):
            earlier_open = set(state.open_sessions)
            for row in self._after(state, queries.SESSIONS):
                session_id = int(row["id"])
                started.append(rows.session_started(row, now))
                if row["end_time"] is None:
                    state.open_sessions.add(session_id)
                else:
                    ended.append(rows.session_ended(row))
            if earlier_open:
                found = {
                    int(row["id"]): row
                    for row in self._by_id(queries.SESSIONS_BY_ID, earlier_open)
                }
                for session_id in sorted(earlier_open):
                    current = found.get(session_id)
                    if current is None:
                        state.open_sessions.discard(session_id)
                    elif current["end_time"] is not None:
                        state.open_sessions.discard(session_id)
                        ended.append(rows.session_ended(current))

        if self._followed(queries.POINTS):
            earlier_pending = dict(state.pending)
            for row in self._after(state, queries.POINTS):
                created.append(rows.point_created(row, now))
                if rows.is_pending(row):
                    state.pending[int(row["id"])] = str(row["point_id"])
                else:
                    resolved.append(rows.point_resolved(row))
            if earlier_pending:
                found = {
                    int(row["id"]): row
                    for row in self._by_id(queries.POINTS_BY_ID, earlier_pending)
                }
                for row_id, point_id in sorted(earlier_pending.items()):
                    current = found.get(row_id)
                    if current is None:
                        del state.pending[row_id]
                        resolved.append(
                            InjectionResolved(
                                row_id=row_id,
                                point_id=point_id,
                                session_id=0,
                                status=PointStatus.DELETED,
                                response=None,
                                responded_by="",
                                responded_at=None,
                            )
                        )
                    elif not rows.is_pending(current):
                        del state.pending[row_id]
                        resolved.append(rows.point_resolved(current))

        for table, build in _APPEND_ONLY:
            if self._followed(table):
                appended.extend(build(row, now) for row in self._after(state, table))

        autonomy: list[Change] = []
        for table, part in _SINGLE_ROW_TABLES:
            if not self._followed(table):
                continue
            values = self._single_row(table)
            previous = state.autonomy.get(table.name)
            if values != previous:
                state.autonomy[table.name] = values
                autonomy.append(rows.autonomy_changed(part, values or {}, previous))

        changes = [*started, *created, *appended, *resolved, *autonomy, *ended]
        return [change for change in changes if wants(change.kind)]

    def _single_row(self, table: Table) -> dict[str, Any] | None:
        assert self.connection is not None
        row = self.connection.execute(queries.SINGLE_ROW[table.name]).mappings().first()
        return None if row is None else {key: rows.decode_json(value) for key, value in row.items()}


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error)


class ChangeFeed:
    """An async iterator of `Change` records for one project database (see the module doc)."""

    def __init__(
        self,
        source: Database | Path | str,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        replay_pending: bool = False,
        kinds: Collection[str] | None = None,
        batch_limit: int = DEFAULT_BATCH_LIMIT,
        clock: Clock = utc_now,
    ) -> None:
        if isinstance(source, Database):
            if source.path is None:
                raise DatabaseError("the change feed needs a database file, not :memory:")
            source = source.path
        chosen = frozenset(ALL_KINDS if kinds is None else kinds)
        unknown = chosen - ALL_KINDS
        if unknown:
            raise ValueError(f"unknown change kinds: {', '.join(sorted(unknown))}")
        self.path = Path(source)
        self.poll_interval = poll_interval
        """Seconds between polls while iterating."""
        self.replay_pending = replay_pending
        """Start by reporting every point already pending (as `InjectionCreated(replayed=True)`)."""
        self.clock = clock
        self.health: FeedHealth = "live"
        """`live`, `stale` (polls failing transiently) or `lost` (the feed has ended)."""
        self._reader = _Reader(self.path, chosen, batch_limit, clock)
        self._started = False
        self._queue: deque[Change] = deque()
        self._polled = False
        self._lost_reason: str | None = None
        self._lock = asyncio.Lock()
        # Every use of the connection runs on this one thread, in submission order: a poll that
        # outlives a cancelled caller still finishes before `close()` touches the connection.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arcadia-feed")
        self._closed = False

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of change this feed reports."""
        return self._reader.kinds

    @property
    def cursors(self) -> dict[str, int]:
        """The last row id seen per append-only table (start position before the first poll)."""
        return dict(self._reader.state.cursors)

    def set_trace(self, callback: Callable[[str], None] | None) -> None:
        """Call `callback(sql)` for every statement the feed runs (tests and benchmarks)."""
        if self._reader.raw is None:
            raise RuntimeError("start the feed first")
        self._reader.raw.set_trace_callback(callback)

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def start(self) -> None:
        """Open the connection and take the start position (idempotent)."""
        async with self._lock:
            if self._started:
                return
            replayed = await self._run(self._reader.open, self.replay_pending)
            self._queue.extend(replayed)
            self._started = True

    async def poll(self) -> list[Change]:
        """Poll once and return what changed (the replayed pending points first, if asked)."""
        await self.start()
        async with self._lock:
            if self._lost_reason is not None:
                raise DatabaseError(self._lost_reason, title="Database lost")
            changes: list[Change] = list(self._queue)
            self._queue.clear()
            try:
                changes.extend(await self._run(self._reader.poll))
            except _Transient as error:
                if self.health == "live":
                    self.health = "stale"
                    changes.append(FeedStale(reason=str(error), since=self.clock()))
                return changes
            except _Lost as error:
                self._lost_reason = str(error)
                self.health = "lost"
                await self._run(self._reader.close)
                changes.append(FeedLost(reason=str(error), at=self.clock()))
                return changes
            if self.health == "stale":
                self.health = "live"
                changes.insert(0, FeedRecovered(at=self.clock()))
            return changes

    async def close(self) -> None:
        """Close the connection; the feed cannot be used afterwards."""
        async with self._lock:
            if self._lost_reason is None:
                self._lost_reason = "the feed was closed"
            if self._closed:
                return
            self._closed = True
            try:
                await self._run(self._reader.close)
            finally:
                self._thread.shutdown(wait=False)

    async def __aenter__(self) -> ChangeFeed:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __aiter__(self) -> ChangeFeed:
        return self

    async def __anext__(self) -> Change:
        while not self._queue:
            if self.health == "lost":
                raise StopAsyncIteration
            if self._polled:
                await asyncio.sleep(self.poll_interval)
            self._polled = True
            self._queue.extend(await self.poll())
        return self._queue.popleft()
