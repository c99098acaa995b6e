"""Agent sessions: an agent's own session id found again as one Arcadia `sessions` row.

Every hook process of one Claude Code session (and every callback of one SDK client) maps
to the same row of `agent_sessions`, created on first sight together with its `sessions`
row. Writers take SQLite's write lock up front (BEGIN IMMEDIATE), so two processes seeing a
new session at once create it once; the unique key catches the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.events import EventType, record_event
from arcadia_core.gate.types import AgentRef
from arcadia_core.models import AgentSessionModel, SessionModel

RUNNING = "running"
WAITING_FOR_TERMINAL = "waiting_for_terminal"
ENDED = "ended"
STATES = (RUNNING, WAITING_FOR_TERMINAL, ENDED)


@dataclass(frozen=True, slots=True)
class AgentSessionRow:
    """One agent session as the Sessions view shows it."""

    session_id: int
    agent_kind: str
    agent_session_id: str
    cwd: str | None
    state: str
    state_detail: str | None
    state_changed_at: datetime
    started_at: datetime
    last_seen_at: datetime
    tool_calls: int
    tool_failures: int
    consecutive_failures: int
    session_status: str | None = None

    @classmethod
    def from_model(cls, row: AgentSessionModel, status: str | None = None) -> AgentSessionRow:
        return cls(
            session_id=row.session_id,
            agent_kind=row.agent_kind,
            agent_session_id=row.agent_session_id,
            cwd=row.cwd,
            state=row.state,
            state_detail=row.state_detail,
            state_changed_at=row.state_changed_at,
            started_at=row.started_at,
            last_seen_at=row.last_seen_at,
            tool_calls=row.tool_calls,
            tool_failures=row.tool_failures,
            consecutive_failures=row.consecutive_failures,
            session_status=status,
        )


def _cut(text: str | None, limit: int) -> str | None:
    return None if text is None else str(text)[:limit]


async def find_agent_session(session: AsyncSession, ref: AgentRef) -> AgentSessionModel | None:
    """The stored agent session for `ref`, or None."""
    return await session.scalar(
        select(AgentSessionModel).where(
            AgentSessionModel.agent_kind == ref.agent,
            AgentSessionModel.agent_session_id == ref.agent_session_id[:255],
        )
    )


async def touch_agent_session(
    session: AsyncSession,
    ref: AgentRef,
    now: datetime,
    *,
    state: str | None = RUNNING,
    detail: str | None = None,
) -> AgentSessionModel:
    """The agent session for `ref`, created (with its `sessions` row) on first sight.

    `state` (when given) becomes the session's state; an ended session that the agent
    resumes (`claude --resume`) is reopened: same Arcadia session, `running` again.
    """
    row = await find_agent_session(session, ref)
    if row is None:
        parent = SessionModel(start_time=now, status="running", total_cost=0.0)
        session.add(parent)
        await session.flush()
        row = AgentSessionModel(
            session_id=parent.id,
            agent_kind=ref.agent[:30],
            agent_session_id=ref.agent_session_id[:255],
            cwd=ref.cwd,
            transcript_path=ref.transcript_path,
            state=state or RUNNING,
            state_detail=_cut(detail, 1000),
            state_changed_at=now,
            started_at=now,
            last_seen_at=now,
            tool_calls=0,
            tool_failures=0,
            consecutive_failures=0,
        )
        session.add(row)
        await session.flush()
        await record_event(
            session,
            session_id=parent.id,
            event_type=EventType.SESSION_START,
            data={
                "session_id": parent.id,
                "started_at": now.isoformat(),
                "agent": ref.agent,
                "agent_session_id": ref.agent_session_id,
                "cwd": ref.cwd,
            },
            timestamp=now,
        )
        return row
    row.last_seen_at = now
    if ref.cwd and not row.cwd:
        row.cwd = ref.cwd
    if row.state == ENDED and state == RUNNING:
        ended = await session.get(SessionModel, row.session_id)
        if ended is not None:
            ended.status, ended.end_time = "running", None
        await record_event(
            session,
            session_id=row.session_id,
            event_type=EventType.SESSION_RESUME,
            data={"agent": ref.agent, "agent_session_id": ref.agent_session_id},
            timestamp=now,
        )
    if state is not None and (row.state != state or detail is not None):
        row.state, row.state_detail, row.state_changed_at = state, _cut(detail, 1000), now
    return row


async def list_agent_sessions(
    session: AsyncSession, *, limit: int = 100, state: str | None = None
) -> list[AgentSessionRow]:
    """The newest agent sessions (by last activity), with their `sessions.status`."""
    query = (
        select(AgentSessionModel, SessionModel.status)
        .join(SessionModel, SessionModel.id == AgentSessionModel.session_id)
        .order_by(AgentSessionModel.last_seen_at.desc(), AgentSessionModel.id.desc())
        .limit(limit)
    )
    if state is not None:
        query = query.where(AgentSessionModel.state == state)
    rows = (await session.execute(query)).all()
    return [AgentSessionRow.from_model(row, status) for row, status in rows]


async def agent_session_for(session: AsyncSession, session_id: int) -> AgentSessionRow | None:
    """The agent session behind an Arcadia session id, or None (a native agent's session)."""
    row = await session.scalar(
        select(AgentSessionModel).where(AgentSessionModel.session_id == session_id)
    )
    return None if row is None else AgentSessionRow.from_model(row)


def event_data(**values: Any) -> dict[str, Any]:
    """Event payload without None values."""
    return {key: value for key, value in values.items() if value is not None}
