"""Hot tier queries: the `hot_memory` row of a running session."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.managers.memory.records import (
    MAX_ACTIVE_ERRORS,
    MAX_PENDING_DECISIONS,
    MAX_RECENT_ACTIONS,
    MAX_RECENT_FILES,
    ActiveError,
    PendingDecision,
)
from arcadia_core.models import HotMemoryModel

EMPTY_LISTS = (
    "recent_actions",
    "recent_files",
    "focus_keywords",
    "active_errors",
    "pending_decisions",
    "current_hypotheses",
)


async def hot_row(session: AsyncSession, session_id: int, now: datetime) -> HotMemoryModel:
    """The session's hot row, inserted if missing (race-free: the unique index decides)."""
    await session.execute(
        sqlite_insert(HotMemoryModel)
        .values(
            session_id=session_id, started_at=now, current_task="", **{k: [] for k in EMPTY_LISTS}
        )
        .on_conflict_do_nothing(index_elements=["session_id"])
    )
    row = await session.scalar(
        select(HotMemoryModel)
        .where(HotMemoryModel.session_id == session_id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def find_hot_row(session: AsyncSession, session_id: int) -> HotMemoryModel | None:
    """The session's hot row, or None."""
    return await session.scalar(
        select(HotMemoryModel).where(HotMemoryModel.session_id == session_id)
    )


def reset(row: HotMemoryModel, now: datetime) -> None:
    """Empty the working context and restart its clock."""
    row.started_at = now
    row.current_feature = None
    row.current_task = ""
    for name in EMPTY_LISTS:
        setattr(row, name, [])


def append_action(row: HotMemoryModel, entry: dict[str, Any]) -> None:
    row.recent_actions = [*(row.recent_actions or []), entry][-MAX_RECENT_ACTIONS:]


def touch_file(row: HotMemoryModel, path: str) -> None:
    files = [name for name in row.recent_files or [] if name != path]
    row.recent_files = [*files, path][-MAX_RECENT_FILES:]


def error_key(error_type: str, message: str) -> str:
    """A stable 8-hex key for an error kind and text."""
    return hashlib.md5(f"{error_type}:{message}".encode()).hexdigest()[:8]


def record_error(
    row: HotMemoryModel,
    session_id: int,
    error_type: str,
    message: str,
    context: dict[str, Any] | None,
    related_features: list[int] | None,
    now: datetime,
) -> ActiveError:
    """Count a repeat of an unresolved error, or add it; returns the error as stored."""
    message = message[:500]
    errors = [dict(error) for error in row.active_errors or []]
    for error in errors:
        if (
            not error.get("resolved")
            and error["error_type"] == error_type
            and error["message"] == message
        ):
            error["last_seen"] = now.isoformat()
            error["occurrence_count"] = int(error.get("occurrence_count", 1)) + 1
            error["context"] = {**error.get("context", {}), **(context or {})}
            error["related_features"] = sorted(
                set(error.get("related_features", [])) | set(related_features or [])
            )
            row.active_errors = errors
            return ActiveError.from_dict(error)
    new = ActiveError(
        error_id=f"ERR-{session_id}-{uuid.uuid4().hex[:8]}",
        error_type=error_type,
        message=message,
        first_seen=now.isoformat(),
        last_seen=now.isoformat(),
        context=dict(context or {}),
        related_features=sorted(set(related_features or [])),
    )
    row.active_errors = [*errors, new.to_dict()][-MAX_ACTIVE_ERRORS:]
    return new


def resolve_error(row: HotMemoryModel, error_id: str, resolution: str) -> ActiveError | None:
    """Mark an error resolved with how; None when the id is unknown."""
    errors = [dict(error) for error in row.active_errors or []]
    for error in errors:
        if error.get("error_id") == error_id:
            error["resolved"] = True
            error["resolution"] = resolution
            row.active_errors = errors
            return ActiveError.from_dict(error)
    return None


def add_decision(row: HotMemoryModel, decision: PendingDecision) -> None:
    row.pending_decisions = [*(row.pending_decisions or []), decision.to_dict()][
        -MAX_PENDING_DECISIONS:
    ]


def resolve_decision(row: HotMemoryModel, decision_id: str, choice: str) -> PendingDecision | None:
    """Mark a pending decision taken; None when the id is unknown."""
    decisions = [dict(decision) for decision in row.pending_decisions or []]
    for decision in decisions:
        if decision.get("decision_id") == decision_id:
            decision["resolved"] = True
            decision["choice"] = choice
            row.pending_decisions = decisions
            return PendingDecision.from_dict(decision)
    return None
