"""Event types and the one query that records an event, shared by every manager.

Managers that must leave a trace in the event stream (escalations, injection points, answers)
call `record_event` inside their own transaction, so the event commits with the change.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import utc_now
from arcadia_core.models import EventModel, SessionModel


class EventType(StrEnum):
    """The 24 event types of ArcadiaForge's observability module."""

    SESSION_START = "session_start"
    SESSION_END = "session_end"
    SESSION_PAUSE = "session_pause"
    SESSION_RESUME = "session_resume"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    TOOL_BLOCKED = "tool_blocked"
    TOOL_ERROR = "tool_error"
    DECISION = "decision"
    FEATURE_STARTED = "feature_started"
    FEATURE_COMPLETED = "feature_completed"
    FEATURE_FAILED = "feature_failed"
    FEATURE_SKIPPED = "feature_skipped"
    CHECKPOINT_CREATED = "checkpoint_created"
    CHECKPOINT_RESTORED = "checkpoint_restored"
    ROLLBACK = "rollback"
    ESCALATION_TRIGGERED = "escalation_triggered"
    HUMAN_INJECTION = "human_injection"
    HUMAN_RESPONSE = "human_response"
    ERROR = "error"
    WARNING = "warning"
    GIT_COMMIT = "git_commit"
    GIT_STATUS_CHANGE = "git_status_change"
    USAGE_REPORT = "usage_report"


async def ensure_session_row(session: AsyncSession, session_id: int, now: datetime) -> None:
    """Make sure `sessions` has a row with this id (events reference it by foreign key)."""
    exists = await session.scalar(select(SessionModel.id).where(SessionModel.id == session_id))
    if exists is None:
        await session.execute(
            sqlite_insert(SessionModel)
            .values(
                id=session_id,
                start_time=now,
                status="running",
                total_cost=0.0,
                session_uuid=str(uuid.uuid4()),
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )


async def record_event(
    session: AsyncSession,
    *,
    session_id: int,
    event_type: EventType | str,
    data: dict[str, Any] | None = None,
    source: str = "agent",
    timestamp: datetime | None = None,
) -> EventModel:
    """Insert one event row (creating its session row if needed) and return it."""
    moment = timestamp or utc_now()
    await ensure_session_row(session, session_id, moment)
    event = EventModel(
        session_id=session_id,
        timestamp=moment,
        type=str(event_type),
        source=source,
        payload=dict(data or {}),
    )
    session.add(event)
    await session.flush()
    return event
