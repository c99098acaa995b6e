"""The events failure analysis reads: one session's, and recent errors of the others (bounded)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.events import EventType
from arcadia_core.managers.observability.queries import events_query, to_event
from arcadia_core.managers.observability.records import Event
from arcadia_core.models import EventModel

# Bounds on the cross-session scans, newest first, so analysis cost does not grow with history.
SIMILARITY_SCAN_LIMIT = 5000


PATTERN_SCAN_LIMIT = 20000


ERROR_TYPES = (EventType.ERROR, EventType.TOOL_ERROR)


async def session_events(session: AsyncSession, session_id: int) -> list[Event]:
    """A session's events in insertion order."""
    rows = await session.scalars(events_query(session_id=session_id).order_by(EventModel.id))
    return [to_event(row) for row in rows]


async def recent_error_events(
    session: AsyncSession, exclude_session: int | None, limit: int = SIMILARITY_SCAN_LIMIT
) -> list[Event]:
    """The newest error/tool_error events, optionally excluding one session."""
    query = events_query(event_type=[str(kind) for kind in ERROR_TYPES])
    if exclude_session is not None:
        query = query.where(EventModel.session_id != exclude_session)
    rows = await session.scalars(query.order_by(EventModel.id.desc()).limit(limit))
    return [to_event(row) for row in rows]
