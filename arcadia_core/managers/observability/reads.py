"""The read side of `Observability`: events, sessions, metrics, timelines and exports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from arcadia_core.errors import NotFound
from arcadia_core.events import EventType
from arcadia_core.managers.observability.queries import (
    Event,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
    events_query,
    run_metrics,
    session_metrics,
    to_event,
)
from arcadia_core.models import EventModel, SessionModel
from arcadia_core.output import write_atomic
from arcadia_core.sync import blocking

if TYPE_CHECKING:
    from arcadia_core.db import Database

EXPORT_CHUNK = 1000


class ObservabilityReads:
    """Read-only operations of `Observability` (each one read snapshot)."""

    db: Database
    run_id: str
    project_dir: Path | None

    # -- reading -----------------------------------------------------------------------------

    async def get_events(
        self,
        session_id: int | None = None,
        event_type: EventType | str | Sequence[str] | None = None,
        feature_index: int | None = None,
        tool_name: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Event]:
        """Events newest first; every filter is applied in SQL before the limit."""
        query = events_query(
            session_id=session_id,
            event_type=event_type,
            feature_index=feature_index,
            tool_name=tool_name,
            since=since,
            until=until,
            before_id=before_id,
        )
        async with self.db.read() as session:
            rows = await session.scalars(query.order_by(EventModel.id.desc()).limit(limit))
            return [to_event(row) for row in rows]

    get_events_sync = blocking(get_events)

    async def get_session_events_async(
        self, session_id: int, limit: int | None = None
    ) -> list[Event]:
        """A session's events in chronological (insertion) order."""
        query = events_query(session_id=session_id).order_by(EventModel.id)
        if limit is not None:
            query = query.limit(limit)
        async with self.db.read() as session:
            return [to_event(row) for row in await session.scalars(query)]

    get_session_events = blocking(get_session_events_async)

    async def get_latest_session_id_async(self) -> int | None:
        """The newest session's id, or None when there is none."""
        async with self.db.read() as session:
            return await session.scalar(select(func.max(SessionModel.id)))

    get_latest_session_id = blocking(get_latest_session_id_async)

    async def list_sessions_async(
        self, limit: int = 50, before_id: int | None = None
    ) -> list[SessionInfo]:
        """Sessions newest first with their event counts, one page (keyset on id)."""
        counts = (
            select(func.count(EventModel.id))
            .where(EventModel.session_id == SessionModel.id)
            .scalar_subquery()
        )
        query = select(SessionModel, counts).order_by(SessionModel.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(SessionModel.id < before_id)
        async with self.db.read() as session:
            rows = (await session.execute(query)).all()
        return [SessionInfo.from_row(row, count) for row, count in rows]

    list_sessions = blocking(list_sessions_async)

    async def get_session_metrics_async(self, session_id: int) -> SessionMetrics:
        """Counts, duration and usage of one session, computed with SQL aggregates."""
        async with self.db.read() as session:
            found = await session_metrics(session, session_id=session_id)
        if session_id not in found:
            raise NotFound(f"session {session_id} does not exist")
        return found[session_id]

    get_session_metrics = blocking(get_session_metrics_async)

    async def get_run_metrics(self) -> RunMetrics:
        """Totals over every session, with per-session metrics (SQL aggregates, no row loads)."""
        async with self.db.read() as session:
            return await run_metrics(
                session, run_id=self.run_id, project_dir=str(self.project_dir or self.db.url)
            )

    get_run_metrics_sync = blocking(get_run_metrics)

    async def reconstruct_session_async(self, session_id: int) -> dict[str, Any]:
        """A session's timeline (one entry per event) and its metrics."""
        metrics = await self.get_session_metrics_async(session_id)
        events = await self.get_session_events_async(session_id)
        timeline = [_timeline_entry(event) for event in events]
        return {
            "session_id": session_id,
            "event_count": len(events),
            "timeline": timeline,
            "metrics": asdict(metrics),
        }

    reconstruct_session = blocking(reconstruct_session_async)

    async def get_context_at_time_async(self, timestamp: datetime) -> dict[str, Any]:
        """What the agent was doing at `timestamp`: its last event, recent calls and errors."""
        async with self.db.read() as session:
            last = await session.scalar(
                select(EventModel)
                .where(EventModel.timestamp <= timestamp)
                .order_by(EventModel.timestamp.desc(), EventModel.id.desc())
                .limit(1)
            )
            if last is None:
                return {"error": f"no events at or before {timestamp.isoformat()}"}
            scope = events_query(session_id=last.session_id, until=timestamp)
            calls = await session.scalars(
                scope.where(EventModel.type == EventType.TOOL_CALL)
                .order_by(EventModel.id.desc())
                .limit(5)
            )
            recent_calls = [to_event(row).to_dict() for row in calls][::-1]
            errors = await session.scalars(
                scope.where(EventModel.type.in_([EventType.ERROR, EventType.TOOL_ERROR]))
                .order_by(EventModel.id.desc())
                .limit(5)
            )
            recent_errors = [to_event(row).to_dict() for row in errors][::-1]
            feature = EventModel.payload["feature_index"].as_integer()
            latest_per_feature = (
                select(feature, EventModel.type, func.max(EventModel.id))
                .where(
                    EventModel.id.in_(
                        scope.with_only_columns(EventModel.id).where(
                            EventModel.type.in_(
                                [
                                    EventType.FEATURE_STARTED,
                                    EventType.FEATURE_COMPLETED,
                                    EventType.FEATURE_FAILED,
                                ]
                            )
                        )
                    )
                )
                .group_by(feature)
            )
            in_progress = [
                index
                for index, kind, _ in (await session.execute(latest_per_feature)).all()
                if kind == EventType.FEATURE_STARTED and index is not None
            ]
        return {
            "session_id": last.session_id,
            "last_event": to_event(last).to_dict(),
            "recent_tool_calls": recent_calls,
            "recent_errors": recent_errors,
            "features_in_progress": sorted(in_progress),
        }

    get_context_at_time = blocking(get_context_at_time_async)

    async def export_events_async(self, path: Path | str, session_id: int | None = None) -> Path:
        """Write events (all, or one session's) as JSON {event_count, events} to `path`."""
        async with self.db.read() as session:
            query = events_query(session_id=session_id)
            count = await session.scalar(query.with_only_columns(func.count(EventModel.id)))
            chunks: list[str] = [f'{{"event_count": {count}, "events": [']
            first = True
            async for row in await session.stream_scalars(
                query.order_by(EventModel.id).execution_options(yield_per=EXPORT_CHUNK)
            ):
                chunks.append(("\n  " if first else ",\n  ") + json.dumps(to_event(row).to_dict()))
                first = False
        chunks.append("\n]}\n")
        return write_atomic(path, chunks)

    export_events = blocking(export_events_async)

    async def iter_events(
        self, session_id: int | None = None, after_id: int = 0
    ) -> AsyncIterator[Event]:
        """Events in insertion order after `after_id`, read in pages (for tails and exports)."""
        cursor = after_id
        while True:
            query = events_query(session_id=session_id).where(EventModel.id > cursor)
            async with self.db.read() as session:
                page = list(
                    await session.scalars(query.order_by(EventModel.id).limit(EXPORT_CHUNK))
                )
            for row in page:
                yield to_event(row)
            if len(page) < EXPORT_CHUNK:
                return
            cursor = page[-1].id


def _timeline_entry(event: Event) -> dict[str, Any]:
    entry: dict[str, Any] = {"time": event.timestamp, "type": event.event_type}
    if event.tool_name:
        entry["tool"] = event.tool_name
    if event.feature_index is not None:
        entry["feature"] = event.feature_index
    for source, target in (
        ("status", "status"),
        ("error_message", "error"),
        ("choice", "decision"),
    ):
        if event.data.get(source):
            entry[target] = event.data[source]
    return entry
