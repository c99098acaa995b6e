"""Event and session queries: filtered event reads, sessions, metrics aggregates, exports."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import iso
from arcadia_core.events import EventType
from arcadia_core.managers.observability.records import (
    MERGED_KEYS,
    Event,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
)
from arcadia_core.models import EventModel, SessionModel

EXPORT_CHUNK = 1000
"""Rows per page when events are streamed or exported."""


def to_event(row: EventModel) -> Event:
    """The `Event` view of an `events` row (merged keys split back out of the payload)."""
    payload = dict(row.payload or {})
    extras = {key: payload.pop(key, None) for key in MERGED_KEYS}
    return Event(
        event_id=str(row.id),
        timestamp=row.timestamp.isoformat(),
        event_type=row.type,
        session_id=row.session_id,
        data=payload,
        feature_index=extras["feature_index"],
        tool_name=extras["tool_name"],
        duration_ms=extras["duration_ms"],
    )


def type_filter(event_type: EventType | str | Sequence[str] | None) -> list[str] | None:
    """Normalise one type or a sequence of types into a list of strings."""
    if event_type is None:
        return None
    if isinstance(event_type, str):
        return [str(event_type)]
    return [str(kind) for kind in event_type]


def events_query(
    *,
    session_id: int | None = None,
    event_type: EventType | str | Sequence[str] | None = None,
    feature_index: int | None = None,
    tool_name: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> Select[EventModel]:
    """SELECT events with every given filter in the WHERE clause (so a LIMIT comes after)."""
    query = select(EventModel)
    if session_id is not None:
        query = query.where(EventModel.session_id == session_id)
    types = type_filter(event_type)
    if types is not None:
        query = query.where(EventModel.type.in_(types))
    if feature_index is not None:
        query = query.where(EventModel.payload["feature_index"].as_integer() == feature_index)
    if tool_name is not None:
        query = query.where(EventModel.payload["tool_name"].as_string() == tool_name)
    if since is not None:
        query = query.where(EventModel.timestamp >= since)
    if until is not None:
        query = query.where(EventModel.timestamp <= until)
    if before_id is not None:
        query = query.where(EventModel.id < before_id)
    return query


_COUNTERS = {
    EventType.TOOL_CALL: "tool_calls_total",
    EventType.TOOL_RESULT: "tool_calls_successful",
    EventType.TOOL_ERROR: "tool_calls_failed",
    EventType.TOOL_BLOCKED: "tool_calls_blocked",
    EventType.FEATURE_STARTED: "features_attempted",
    EventType.FEATURE_COMPLETED: "features_completed",
    EventType.FEATURE_FAILED: "features_failed",
    EventType.ERROR: "errors_total",
    EventType.WARNING: "warnings_total",
    EventType.ESCALATION_TRIGGERED: "escalations",
}


def answered_by_a_person() -> Any:
    """human_response events where someone answered (a timeout or cancellation is not one)."""
    responded = EventModel.payload["responded"].as_boolean()
    return (EventModel.type == EventType.HUMAN_RESPONSE) & (
        responded.is_(None) | responded.is_(True)
    )


def _usage_columns() -> tuple[Any, Any, Any]:
    payload = EventModel.payload
    return (
        func.coalesce(func.sum(payload["input_tokens"].as_integer()), 0),
        func.coalesce(func.sum(payload["output_tokens"].as_integer()), 0),
        func.coalesce(func.sum(payload["estimated_cost_usd"].as_float()), 0.0),
    )


async def session_metrics(session: Any, session_id: int | None = None) -> dict[int, SessionMetrics]:
    """Per-session metrics from three grouped queries (sessions rows, type counts, usage)."""
    sessions_query = select(SessionModel.id, SessionModel.start_time, SessionModel.end_time)
    counts_query = select(
        EventModel.session_id, EventModel.type, func.count(), func.max(EventModel.timestamp)
    ).group_by(EventModel.session_id, EventModel.type)
    usage_query = (
        select(EventModel.session_id, *_usage_columns())
        .where(EventModel.type == EventType.USAGE_REPORT)
        .group_by(EventModel.session_id)
    )
    answers_query = (
        select(EventModel.session_id, func.count())
        .where(answered_by_a_person())
        .group_by(EventModel.session_id)
    )
    if session_id is not None:
        sessions_query = sessions_query.where(SessionModel.id == session_id)
        counts_query = counts_query.where(EventModel.session_id == session_id)
        usage_query = usage_query.where(EventModel.session_id == session_id)
        answers_query = answers_query.where(EventModel.session_id == session_id)
    result: dict[int, SessionMetrics] = {}
    starts: dict[int, datetime] = {}
    ends: dict[int, datetime | None] = {}
    for sid, start, end in (await session.execute(sessions_query)).all():
        result[sid] = SessionMetrics(session_id=sid, started_at=iso(start), ended_at=iso(end))
        starts[sid], ends[sid] = start, end
    last_event: dict[int, datetime] = {}
    for sid, kind, count, latest in (await session.execute(counts_query)).all():
        metrics = result.setdefault(sid, SessionMetrics(session_id=sid))
        counter = _COUNTERS.get(kind)
        if counter is not None:
            setattr(metrics, counter, int(count))
        if latest is not None and (sid not in last_event or latest > last_event[sid]):
            last_event[sid] = latest
    for sid, tokens_in, tokens_out, cost in (await session.execute(usage_query)).all():
        metrics = result.setdefault(sid, SessionMetrics(session_id=sid))
        metrics.total_input_tokens = int(tokens_in)
        metrics.total_output_tokens = int(tokens_out)
        metrics.estimated_cost_usd = float(cost)
    for sid, count in (await session.execute(answers_query)).all():
        result.setdefault(sid, SessionMetrics(session_id=sid)).human_interventions = int(count)
    for sid, metrics in result.items():
        start = starts.get(sid)
        end = ends.get(sid) or last_event.get(sid)
        if start is not None and end is not None:
            metrics.duration_seconds = max(0.0, (end - start).total_seconds())
    return result


async def run_metrics(session: Any, *, run_id: str, project_dir: str) -> RunMetrics:
    """Run totals and per-session metrics, all from SQL aggregates."""
    first, last = (
        await session.execute(
            select(func.min(EventModel.timestamp), func.max(EventModel.timestamp))
        )
    ).one()
    per_session = await session_metrics(session)
    with_events = await session.scalar(
        select(func.count(func.distinct(EventModel.session_id))).where(EventModel.session_id > 0)
    )
    completed = await session.scalar(
        select(func.count())
        .select_from(EventModel)
        .where(
            EventModel.type == EventType.SESSION_END,
            EventModel.payload["status"].as_string() == "completed",
        )
    )
    totals: defaultdict[str, int] = defaultdict(int)
    for metrics in per_session.values():
        for name in (
            "tool_calls_total",
            "tool_calls_failed",
            "tool_calls_blocked",
            "features_completed",
            "features_failed",
            "total_input_tokens",
            "total_output_tokens",
        ):
            totals[name] += getattr(metrics, name)
    return RunMetrics(
        run_id=run_id,
        project_dir=project_dir,
        first_event_at=iso(first),
        last_event_at=iso(last),
        sessions_total=int(with_events or 0),
        sessions_completed=int(completed or 0),
        total_tool_calls=totals["tool_calls_total"],
        total_tool_errors=totals["tool_calls_failed"],
        total_tool_blocked=totals["tool_calls_blocked"],
        total_features_completed=totals["features_completed"],
        total_features_failed=totals["features_failed"],
        total_input_tokens=totals["total_input_tokens"],
        total_output_tokens=totals["total_output_tokens"],
        total_estimated_cost_usd=round(
            sum(metrics.estimated_cost_usd for metrics in per_session.values()), 6
        ),
        session_metrics={sid: asdict(metrics) for sid, metrics in sorted(per_session.items())},
    )


async def list_sessions(
    session: AsyncSession, limit: int = 50, before_id: int | None = None
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
    rows = (await session.execute(query)).all()
    return [SessionInfo.from_row(row, count) for row, count in rows]


async def context_at_time(session: AsyncSession, timestamp: datetime) -> dict[str, Any]:
    """What the agent was doing at `timestamp`: its last event, recent calls and errors."""
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


async def events_export_chunks(session: AsyncSession, session_id: int | None = None) -> list[str]:
    """Events (all, or one session's) as the chunks of a JSON {event_count, events} document."""
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
    return chunks
