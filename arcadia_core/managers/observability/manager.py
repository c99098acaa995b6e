"""Sessions and the event stream: `Observability` writes and reads `sessions` and `events`.

Every `log_*` call inserts its event in its own short transaction and returns only once it is
committed: nothing is scheduled and forgotten, nothing is dropped outside an event loop, and
errors reach the caller. Session ids are the `sessions` table's own ids (plus a UUID), so two
processes never hand out the same one.

API convention: ArcadiaForge's synchronous methods (`log_event`, `start_session`,
`get_session_events`, ...) do their work in an `*_async` method; the plain name is the blocking
twin. Its async-only methods (`get_events`, `get_run_metrics`) stay async and have a blocking
`*_sync` twin.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.db.types import json_storable
from arcadia_core.display import clip
from arcadia_core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from arcadia_core.events import EventType, record_event
from arcadia_core.managers.observability.queries import (
    EXPORT_CHUNK,
    context_at_time,
    events_export_chunks,
    events_query,
    list_sessions,
    run_metrics,
    session_metrics,
    to_event,
)
from arcadia_core.managers.observability.records import (
    Event,
    RunMetrics,
    SessionInfo,
    SessionMetrics,
)
from arcadia_core.managers.observability.rules import timeline_entry
from arcadia_core.models import EventModel, SessionModel
from arcadia_core.output import write_atomic
from arcadia_core.sync import blocking

TOOL_INPUT_LIMIT = 1000


class Observability:
    """Structured event logging and session bookkeeping for one agent process."""

    def __init__(
        self,
        db: Database,
        project_dir: Path | str | None = None,
        *,
        session_id: int | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.project_dir = Path(project_dir) if project_dir is not None else db.project_dir
        self.clock = clock
        self.current_session_id = session_id
        self.run_id = db.run_id(self.project_dir)

    # -- sessions ----------------------------------------------------------------------------

    async def start_session_async(self, session_id: int | None = None) -> int:
        """Open a session and return its id (a new `sessions` row unless `session_id` is given).

        An explicit id adopts a row that is still running (e.g. created by another manager's
        event) or creates it; reusing an ended session's id is a Conflict.
        """
        now = self.clock()
        async with self.db.transaction() as session:
            if session_id is None:
                row = SessionModel(start_time=now, status="running", total_cost=0.0)
                session.add(row)
                await session.flush()
                session_id = row.id
            else:
                existing = await session.get(SessionModel, session_id)
                if existing is None:
                    session.add(
                        SessionModel(
                            id=session_id, start_time=now, status="running", total_cost=0.0
                        )
                    )
                    await session.flush()
                elif existing.status != "running":
                    raise Conflict(f"session {session_id} already ended ({existing.status})")
            await record_event(
                session,
                session_id=session_id,
                event_type=EventType.SESSION_START,
                data={"session_id": session_id, "started_at": now.isoformat()},
                timestamp=now,
            )
        self.current_session_id = session_id
        return session_id

    start_session = blocking(start_session_async)

    async def end_session_async(
        self,
        session_id: int | None = None,
        status: str = "completed",
        reason: str = "",
        features_completed: int | None = None,
    ) -> float:
        """Close a session with `status`, log session_end, and return its duration in seconds."""
        target = session_id if session_id is not None else self.current_session_id
        if target is None:
            raise InvalidInput("no session to end: none was started and none was given")
        now = self.clock()
        async with self.db.transaction() as session:
            row = await session.get(SessionModel, target)
            if row is None:
                raise NotFound(f"session {target} does not exist")
            if row.end_time is not None:
                raise InvalidTransition(f"session {target} already ended ({row.status})")
            duration = max(0.0, (now - row.start_time).total_seconds())
            row.status = status
            row.end_time = now
            await record_event(
                session,
                session_id=target,
                event_type=EventType.SESSION_END,
                data={
                    "session_id": target,
                    "status": status,
                    "reason": reason,
                    "duration_seconds": duration,
                    "features_completed": features_completed,
                    "duration_ms": int(duration * 1000),
                },
                timestamp=now,
            )
        if target == self.current_session_id:
            self.current_session_id = None
        return duration

    end_session = blocking(end_session_async)

    async def add_session_cost_async(self, cost_usd: float, session_id: int | None = None) -> None:
        """Add to a session's `total_cost` (one atomic UPDATE, safe across processes)."""
        target = self._session(session_id)
        async with self.db.transaction() as session:
            result = await session.execute(
                update(SessionModel)
                .where(SessionModel.id == target)
                .values(total_cost=SessionModel.total_cost + cost_usd)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"session {target} does not exist")

    add_session_cost = blocking(add_session_cost_async)

    def _session(self, session_id: int | None) -> int:
        if session_id is not None:
            return session_id
        return self.current_session_id if self.current_session_id is not None else 0

    # -- logging -----------------------------------------------------------------------------

    async def log_event_async(
        self,
        event_type: EventType | str,
        data: dict[str, Any] | None = None,
        session_id: int | None = None,
        feature_index: int | None = None,
        tool_name: str | None = None,
        duration_ms: int | None = None,
    ) -> str:
        """Insert one event (committed before returning) and return its id as a string."""
        payload = dict(data or {})
        for key, value in (
            ("feature_index", feature_index),
            ("tool_name", tool_name),
            ("duration_ms", duration_ms),
        ):
            if value is not None:
                payload[key] = value
        try:
            kind = EventType(event_type)
        except ValueError:
            raise InvalidInput(f"unknown event type {event_type!r}") from None
        async with self.db.transaction() as session:
            row = await record_event(
                session,
                session_id=self._session(session_id),
                event_type=kind,
                data=payload,
                timestamp=self.clock(),
            )
        return str(row.id)

    log_event = blocking(log_event_async)

    async def log_tool_call_async(
        self, tool_name: str, tool_input: Any, feature_index: int | None = None
    ) -> str:
        """Log a tool call; inputs over 1000 characters of JSON are replaced by a preview."""
        tool_input = json_storable(tool_input)
        encoded = json.dumps(tool_input, default=str)
        if len(encoded) > TOOL_INPUT_LIMIT:
            tool_input = {"_truncated": True, "_preview": encoded[:500]}
        return await self.log_event_async(
            EventType.TOOL_CALL,
            {"tool_input": tool_input},
            feature_index=feature_index,
            tool_name=tool_name,
        )

    log_tool_call = blocking(log_tool_call_async)

    async def log_tool_result_async(
        self,
        tool_name: str,
        success: bool,
        is_error: bool = False,
        is_blocked: bool = False,
        error_message: str = "",
        duration_ms: int | None = None,
    ) -> str:
        """Log a tool outcome as tool_blocked, tool_error or tool_result."""
        event_type = (
            EventType.TOOL_BLOCKED
            if is_blocked
            else EventType.TOOL_ERROR
            if is_error
            else EventType.TOOL_RESULT
        )
        data = {
            "success": success,
            "is_error": is_error,
            "is_blocked": is_blocked,
            "error_message": clip(error_message or "", 500),
        }
        return await self.log_event_async(
            event_type, data, tool_name=tool_name, duration_ms=duration_ms
        )

    log_tool_result = blocking(log_tool_result_async)

    async def log_feature_event_async(
        self,
        event_type: EventType | str,
        feature_index: int,
        description: str = "",
        details: dict[str, Any] | None = None,
    ) -> str:
        """Log a feature_started/completed/failed/skipped event."""
        data = {"description": clip(description or "", 200), **(details or {})}
        return await self.log_event_async(event_type, data, feature_index=feature_index)

    log_feature_event = blocking(log_feature_event_async)

    async def log_error_async(
        self,
        error_message: str,
        error_type: str = "unknown",
        stack_trace: str = "",
        context: dict[str, Any] | None = None,
    ) -> str:
        """Log an error event."""
        data = {
            "error_message": clip(error_message or "", 1000),
            "error_type": error_type,
            "stack_trace": clip(stack_trace or "", 2000),
            "context": context or {},
        }
        return await self.log_event_async(EventType.ERROR, data)

    log_error = blocking(log_error_async)

    async def log_warning_async(self, message: str, context: dict[str, Any] | None = None) -> str:
        """Log a warning event."""
        data = {"message": clip(message or "", 1000), "context": context or {}}
        return await self.log_event_async(EventType.WARNING, data)

    log_warning = blocking(log_warning_async)

    async def log_decision_async(
        self,
        decision_type: str,
        choice: str,
        alternatives: list[str] | None = None,
        rationale: str = "",
        confidence: float = 1.0,
        feature_index: int | None = None,
    ) -> str:
        """Log a decision event."""
        data = {
            "decision_type": decision_type,
            "choice": choice,
            "alternatives": alternatives or [],
            "rationale": clip(rationale or "", 500),
            "confidence": confidence,
        }
        return await self.log_event_async(EventType.DECISION, data, feature_index=feature_index)

    log_decision = blocking(log_decision_async)

    async def log_git_commit_async(
        self, commit_hash: str, message: str, files_changed: int = 0
    ) -> str:
        """Log a git_commit event."""
        data = {
            "commit_hash": commit_hash,
            "message": clip(message or "", 200),
            "files_changed": files_changed,
        }
        return await self.log_event_async(EventType.GIT_COMMIT, data)

    log_git_commit = blocking(log_git_commit_async)

    async def log_usage_async(
        self, input_tokens: int, output_tokens: int, estimated_cost_usd: float = 0.0
    ) -> str:
        """Log a usage_report event (token counts and cost, summed by the metrics)."""
        data = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "estimated_cost_usd": estimated_cost_usd,
        }
        return await self.log_event_async(EventType.USAGE_REPORT, data)

    log_usage = blocking(log_usage_async)

    async def log_escalation_async(
        self, rule_id: str, severity: str, message: str, context: dict[str, Any] | None = None
    ) -> str:
        """Log an escalation_triggered event (counted in the escalation rate)."""
        data: dict[str, Any] = {
            "rule_id": rule_id,
            "severity": severity,
            "message": clip(message or "", 1000),
            "context": context or {},
        }
        return await self.log_event_async(EventType.ESCALATION_TRIGGERED, data)

    log_escalation = blocking(log_escalation_async)

    async def log_human_injection_async(self, point_id: str, message: str) -> str:
        """Log a human_injection event (the agent asked a person)."""
        data = {"point_id": point_id, "message": clip(message or "", 1000)}
        return await self.log_event_async(EventType.HUMAN_INJECTION, data)

    log_human_injection = blocking(log_human_injection_async)

    async def log_human_response_async(
        self, point_id: str, response: str, responded_by: str = ""
    ) -> str:
        """Log a human_response event (counted in the intervention rate)."""
        data = {
            "point_id": point_id,
            "response": clip(response or "", 1000),
            "responded_by": responded_by,
        }
        return await self.log_event_async(EventType.HUMAN_RESPONSE, data)

    log_human_response = blocking(log_human_response_async)

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
        async with self.db.read() as session:
            return await list_sessions(session, limit, before_id)

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
        timeline = [timeline_entry(event) for event in events]
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
            return await context_at_time(session, timestamp)

    get_context_at_time = blocking(get_context_at_time_async)

    async def export_events_async(self, path: Path | str, session_id: int | None = None) -> Path:
        """Write events (all, or one session's) as JSON {event_count, events} to `path`."""
        async with self.db.read() as session:
            chunks = await events_export_chunks(session, session_id)
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
