"""SQL aggregates behind `MetricsCollector`: per-tool, per-feature, decision and scope queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.events import EventType
from arcadia_core.managers.metrics.records import FeatureMetrics, ToolMetrics
from arcadia_core.managers.observability.queries import answered_by_a_person
from arcadia_core.managers.sql import QueryT
from arcadia_core.models import EventModel


def scoped(query: QueryT, session_id: int | None) -> QueryT:
    """Restrict an events query to one session when `session_id` is given."""
    return query if session_id is None else query.where(EventModel.session_id == session_id)


def _tool() -> Any:
    return EventModel.payload["tool_name"].as_string()


def _feature() -> Any:
    return EventModel.payload["feature_index"].as_integer()


async def type_counts(session: AsyncSession, session_id: int | None) -> dict[str, int]:
    """Event count per type."""
    query = scoped(select(EventModel.type, func.count()).group_by(EventModel.type), session_id)
    return {kind: int(count) for kind, count in (await session.execute(query)).all()}


async def human_interventions(session: AsyncSession, session_id: int | None) -> int:
    """human_response events where a person actually answered (timeouts do not count)."""
    query = select(func.count()).where(answered_by_a_person())
    return int(await session.scalar(scoped(query, session_id)) or 0)


async def event_range(
    session: AsyncSession, session_id: int | None
) -> tuple[datetime | None, datetime | None]:
    """First and last event timestamps."""
    query = scoped(
        select(func.min(EventModel.timestamp), func.max(EventModel.timestamp)), session_id
    )
    first, last = (await session.execute(query)).one()
    return first, last


async def session_counts(session: AsyncSession, session_id: int | None) -> tuple[int, int]:
    """(sessions with events, sessions that ended "completed")."""
    total = await session.scalar(
        scoped(
            select(func.count(func.distinct(EventModel.session_id))).where(
                EventModel.session_id > 0
            ),
            session_id,
        )
    )
    completed = await session.scalar(
        scoped(
            select(func.count()).where(
                EventModel.type == EventType.SESSION_END,
                EventModel.payload["status"].as_string() == "completed",
            ),
            session_id,
        )
    )
    return int(total or 0), int(completed or 0)


async def decision_stats(session: AsyncSession, session_id: int | None) -> tuple[int, float, int]:
    """(decisions, average confidence (missing = 1.0), decisions below 0.5)."""
    confidence = func.coalesce(EventModel.payload["confidence"].as_float(), 1.0)
    query = select(
        func.count(),
        func.coalesce(func.avg(confidence), 0.0),
        func.coalesce(func.sum(case((confidence < 0.5, 1), else_=0)), 0),
    ).where(EventModel.type == EventType.DECISION)
    total, average, low = (await session.execute(scoped(query, session_id))).one()
    return int(total), float(average), int(low)


async def usage_totals(session: AsyncSession, session_id: int | None) -> tuple[int, int, float]:
    """Summed input tokens, output tokens and estimated cost of usage_report events."""
    payload = EventModel.payload
    query = select(
        func.coalesce(func.sum(payload["input_tokens"].as_integer()), 0),
        func.coalesce(func.sum(payload["output_tokens"].as_integer()), 0),
        func.coalesce(func.sum(payload["estimated_cost_usd"].as_float()), 0.0),
    ).where(EventModel.type == EventType.USAGE_REPORT)
    tokens_in, tokens_out, cost = (await session.execute(scoped(query, session_id))).one()
    return int(tokens_in), int(tokens_out), float(cost)


_TOOL_TYPES = [
    EventType.TOOL_CALL,
    EventType.TOOL_RESULT,
    EventType.TOOL_ERROR,
    EventType.TOOL_BLOCKED,
]


async def tool_metrics(session: AsyncSession, session_id: int | None) -> dict[str, ToolMetrics]:
    """Per-tool counts and result durations (positive ones), plus up to 5 distinct errors."""
    tool = _tool()
    duration = EventModel.payload["duration_ms"].as_integer()
    positive = case((duration > 0, duration))
    query = scoped(
        select(
            tool,
            EventModel.type,
            func.count(),
            func.coalesce(func.sum(positive), 0),
            func.coalesce(func.max(positive), 0),
            func.coalesce(func.min(positive), 0),
        )
        .where(EventModel.type.in_(_TOOL_TYPES), tool.is_not(None))
        .group_by(tool, EventModel.type),
        session_id,
    )
    result: dict[str, ToolMetrics] = {}
    for name, kind, count, total, longest, shortest in (await session.execute(query)).all():
        metrics = result.setdefault(name, ToolMetrics(tool_name=name))
        if kind == EventType.TOOL_CALL:
            metrics.total_calls = int(count)
        elif kind == EventType.TOOL_RESULT:
            metrics.successful_calls = int(count)
            metrics.total_duration_ms = int(total)
            metrics.max_duration_ms = int(longest)
            metrics.min_duration_ms = int(shortest)
        elif kind == EventType.TOOL_ERROR:
            metrics.failed_calls = int(count)
        else:
            metrics.blocked_calls = int(count)
    message = func.substr(EventModel.payload["error_message"].as_string(), 1, 50)
    distinct = scoped(
        select(tool.label("tool"), message.label("message"), func.min(EventModel.id).label("first"))
        .where(EventModel.type == EventType.TOOL_ERROR, tool.is_not(None), message != "")
        .group_by(tool, message),
        session_id,
    ).subquery()
    ranked = select(
        distinct.c.tool,
        distinct.c.message,
        func.row_number()
        .over(partition_by=distinct.c.tool, order_by=distinct.c.first)
        .label("rank"),
    ).subquery()
    errors = select(ranked.c.tool, ranked.c.message).where(ranked.c.rank <= 5)
    for name, text in (await session.execute(errors.order_by(ranked.c.tool, ranked.c.rank))).all():
        if name in result:
            result[name].common_errors.append(text)
    for metrics in result.values():
        if metrics.successful_calls:
            metrics.avg_duration_ms = metrics.total_duration_ms / metrics.successful_calls
        if metrics.total_calls:
            metrics.error_rate = (
                metrics.failed_calls + metrics.blocked_calls
            ) / metrics.total_calls
    return result


_FEATURE_TYPES = [EventType.FEATURE_STARTED, EventType.FEATURE_COMPLETED, EventType.FEATURE_FAILED]


async def feature_metrics(
    session: AsyncSession, session_id: int | None
) -> dict[int, FeatureMetrics]:
    """Per-feature attempts, outcomes, time from each start to its completion, passing state."""
    feature = _feature()
    counts = scoped(
        select(
            feature,
            EventModel.type,
            func.count(),
            func.min(EventModel.timestamp),
            func.max(EventModel.timestamp),
            func.max(EventModel.id),
        )
        .where(EventModel.type.in_(_FEATURE_TYPES), feature.is_not(None))
        .group_by(feature, EventModel.type),
        session_id,
    )
    result: dict[int, FeatureMetrics] = {}
    last_completed: dict[int, int] = {}
    last_failed: dict[int, int] = {}
    for index, kind, count, first, last, newest in (await session.execute(counts)).all():
        metrics = result.setdefault(index, FeatureMetrics(feature_index=index))
        if kind == EventType.FEATURE_STARTED:
            metrics.attempts = int(count)
            metrics.first_attempted = first.isoformat() if first else None
            metrics.last_attempted = last.isoformat() if last else None
        elif kind == EventType.FEATURE_COMPLETED:
            metrics.successful_attempts = int(count)
            last_completed[index] = newest
        else:
            metrics.failed_attempts = int(count)
            last_failed[index] = newest
    # SQLite returns the other columns of the row holding MAX(id): the latest start/completion.
    described = scoped(
        select(feature, EventModel.payload["description"].as_string(), func.max(EventModel.id))
        .where(EventModel.type == EventType.FEATURE_STARTED, feature.is_not(None))
        .group_by(feature),
        session_id,
    )
    for index, description, _ in (await session.execute(described)).all():
        result[index].description = (description or "")[:100]
    completed_in = scoped(
        select(feature, EventModel.session_id, func.max(EventModel.id))
        .where(EventModel.type == EventType.FEATURE_COMPLETED, feature.is_not(None))
        .group_by(feature),
        session_id,
    )
    for index, completed_session, _ in (await session.execute(completed_in)).all():
        result[index].completed_in_session = completed_session
    steps = scoped(
        select(
            feature.label("feature"),
            EventModel.type.label("kind"),
            EventModel.timestamp.label("at"),
            func.lag(EventModel.type)
            .over(partition_by=feature, order_by=EventModel.id)
            .label("prev_kind"),
            func.lag(EventModel.timestamp)
            .over(partition_by=feature, order_by=EventModel.id)
            .label("prev_at"),
        ).where(
            EventModel.type.in_([EventType.FEATURE_STARTED, EventType.FEATURE_COMPLETED]),
            feature.is_not(None),
        ),
        session_id,
    ).subquery()
    seconds = (func.julianday(steps.c.at) - func.julianday(steps.c.prev_at)) * 86400.0
    durations = (
        select(steps.c.feature, func.sum(seconds))
        .where(
            steps.c.kind == EventType.FEATURE_COMPLETED,
            steps.c.prev_kind == EventType.FEATURE_STARTED,
        )
        .group_by(steps.c.feature)
    )
    for index, total in (await session.execute(durations)).all():
        result[index].total_time_seconds = round(float(total or 0.0), 3)
    for index, metrics in result.items():
        metrics.is_passing = last_completed.get(index, -1) > last_failed.get(index, -1)
        if metrics.attempts:
            metrics.avg_attempt_seconds = metrics.total_time_seconds / metrics.attempts
    return result
