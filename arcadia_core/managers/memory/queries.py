"""Warm and cold tier queries, and the promotions between tiers.

hot → warm: `end_session` turns the hot row into a `warm_memory` summary (errors included),
carries unresolved errors into `warm_memory_issues`, learns a pattern from each resolved error
with a resolution, and deletes the hot row. warm → cold: summaries beyond the newest
`MAX_WARM_SESSIONS` are archived into `cold_memory` and leave the warm tier; a warm pattern
that succeeded `PROMOTE_SUCCESS_COUNT` times becomes `cold_memory_knowledge`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.managers.memory.records import (
    KNOWLEDGE_TYPES,
    PROMOTE_SUCCESS_COUNT,
    SessionSummary,
)
from arcadia_core.managers.memory.rules import error_key
from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    ColdMemoryModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)

SEARCH_CANDIDATES = 500


def pattern_confidence(success_count: int) -> float:
    """0.5 plus 0.1 per success, at most 1.0."""
    return min(1.0, 0.5 + 0.1 * success_count)


async def upsert_summary(session: AsyncSession, summary: SessionSummary) -> None:
    """Store a session summary (a second end of the same session replaces the first)."""
    row = await session.scalar(
        select(WarmMemoryModel).where(WarmMemoryModel.session_id == summary.session_id)
    )
    if row is None:
        row = WarmMemoryModel(session_id=summary.session_id)
        session.add(row)
    for name in summary.__class__.__dataclass_fields__:
        if name in ("started_at", "ended_at"):
            continue
        setattr(row, name, getattr(summary, name))
    row.started_at = datetime.fromisoformat(summary.started_at)
    row.ended_at = datetime.fromisoformat(summary.ended_at)


async def carry_issue(
    session: AsyncSession, session_id: int, error: dict[str, Any]
) -> WarmMemoryIssueModel:
    """Record an unresolved error as a warm issue, or count it again on the existing one."""
    issue_id = f"ISSUE-{error_key(error['error_type'], error['message'])}"
    row = await session.scalar(
        select(WarmMemoryIssueModel).where(WarmMemoryIssueModel.issue_id == issue_id)
    )
    count = int(error.get("occurrence_count", 1))
    if row is None:
        row = WarmMemoryIssueModel(
            issue_id=issue_id,
            created_session=session_id,
            issue_type=error["error_type"],
            description=error["message"],
            priority=2 if count >= 3 else 3,
            related_features=list(error.get("related_features", [])),
            context=dict(error.get("context", {})),
            last_seen_session=session_id,
            times_encountered=1,
        )
        session.add(row)
    else:
        row.times_encountered += 1
        row.last_seen_session = max(row.last_seen_session, session_id)
        row.related_features = sorted(
            set(row.related_features or []) | set(error.get("related_features", []))
        )
        row.context = {**(row.context or {}), **error.get("context", {})}
        row.priority = min(row.priority, 2 if row.times_encountered >= 3 else row.priority)
    return row


async def learn(
    session: AsyncSession,
    session_id: int,
    problem: str,
    solution: str,
    pattern_type: str,
    keywords: list[str],
    now: datetime,
) -> WarmMemoryPatternModel:
    """A new proven pattern, or one more success of an identical existing one."""
    row = await session.scalar(
        select(WarmMemoryPatternModel).where(
            WarmMemoryPatternModel.context == problem, WarmMemoryPatternModel.pattern == solution
        )
    )
    if row is not None:
        await record_success(session, row, session_id, now)
        return row
    row = WarmMemoryPatternModel(
        pattern_id=f"PAT-{session_id}-{uuid.uuid4().hex[:8]}",
        created_at=now,
        created_session=session_id,
        pattern_type=pattern_type,
        pattern=solution,
        context=problem,
        success_count=1,
        confidence=0.5,
        context_keywords=list(keywords),
        source_sessions=[session_id],
        last_used_session=session_id,
    )
    session.add(row)
    return row


async def record_success(
    session: AsyncSession, row: WarmMemoryPatternModel, session_id: int, now: datetime
) -> None:
    """One more success; at the promotion count the pattern becomes cold knowledge."""
    row.success_count += 1
    row.confidence = pattern_confidence(row.success_count)
    row.last_used_session = session_id
    row.source_sessions = sorted(set(row.source_sessions or []) | {session_id})
    if row.success_count >= PROMOTE_SUCCESS_COUNT:
        await promote_pattern(session, row, now)


async def promote_pattern(
    session: AsyncSession, row: WarmMemoryPatternModel, now: datetime
) -> None:
    """Create or refresh the cold knowledge entry of a proven warm pattern."""
    knowledge_id = f"K-{row.pattern_id}"[:50]
    entry = await session.scalar(
        select(ColdMemoryKnowledgeModel).where(
            ColdMemoryKnowledgeModel.knowledge_id == knowledge_id
        )
    )
    if entry is None:
        entry = ColdMemoryKnowledgeModel(
            knowledge_id=knowledge_id,
            created_at=now,
            knowledge_type=row.pattern_type if row.pattern_type in KNOWLEDGE_TYPES else "pattern",
            title=row.context[:255],
            description=row.pattern,
        )
        session.add(entry)
    entry.context_keywords = list(row.context_keywords or [])
    entry.source_sessions = list(row.source_sessions or [])
    entry.times_verified = row.success_count
    entry.confidence = row.confidence
    entry.last_used = now


async def archive_old_sessions(session: AsyncSession, keep: int) -> list[int]:
    """Move warm summaries beyond the newest `keep` into cold_memory; return their sessions."""
    old = list(
        await session.scalars(
            select(WarmMemoryModel)
            .order_by(WarmMemoryModel.ended_at.desc(), WarmMemoryModel.session_id.desc())
            .offset(keep)
        )
    )
    for row in old:
        archived = await session.scalar(
            select(ColdMemoryModel).where(ColdMemoryModel.session_id == row.session_id)
        )
        if archived is None:
            archived = ColdMemoryModel(session_id=row.session_id)
            session.add(archived)
        archived.started_at = row.started_at
        archived.ended_at = row.ended_at
        archived.ending_state = row.ending_state
        archived.features_completed = row.features_completed
        archived.features_regressed = row.features_regressed
        archived.errors_count = len(row.errors_encountered or [])
        archived.duration_seconds = row.duration_seconds
        await session.delete(row)
    return [row.session_id for row in old]


async def prune_issues(session: AsyncSession, current_session: int, horizon: int) -> int:
    """Drop issues not seen in the last `horizon` sessions; return how many."""
    result = await session.execute(
        delete(WarmMemoryIssueModel).where(
            WarmMemoryIssueModel.last_seen_session < current_session - horizon
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _words(query: str) -> list[str]:
    return [word for word in query.lower().split() if word]


def _prefilter(query: Select[Any], columns: list[Any], words: list[str]) -> Select[Any]:
    conditions = [column.contains(word, autoescape=True) for column in columns for word in words]
    return query.where(or_(*conditions)).limit(SEARCH_CANDIDATES)


def _score(
    text: str, keywords: list[str], query: str, weights: tuple[float, float, float]
) -> float:
    whole, per_word, per_keyword = weights
    lowered = text.lower()
    words = _words(query)
    score = whole if query.lower().strip() and query.lower().strip() in lowered else 0.0
    score += per_word * sum(1 for word in words if word in lowered)
    lowered_keywords = {keyword.lower() for keyword in keywords}
    score += per_keyword * sum(1 for word in words if word in lowered_keywords)
    return score


async def search_patterns(
    session: AsyncSession, query: str, limit: int
) -> list[WarmMemoryPatternModel]:
    """Warm patterns ranked by relevance × confidence (candidates prefiltered in SQL)."""
    words = _words(query)
    if not words:
        return []
    model = WarmMemoryPatternModel
    columns = [model.pattern, model.context, func.json(model.context_keywords)]
    rows = list(await session.scalars(_prefilter(select(model), columns, words)))
    scored = [
        (
            _score(f"{r.pattern} {r.context}", list(r.context_keywords or []), query, (2, 1, 1.5))
            * r.confidence,
            r,
        )
        for r in rows
    ]
    scored = [item for item in scored if item[0] > 0]
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [row for _, row in scored[:limit]]


async def search_knowledge(
    session: AsyncSession, query: str, limit: int
) -> list[ColdMemoryKnowledgeModel]:
    """Cold knowledge ranked by relevance × confidence (candidates prefiltered in SQL)."""
    words = _words(query)
    if not words:
        return []
    model = ColdMemoryKnowledgeModel
    columns = [model.title, model.description, func.json(model.context_keywords)]
    rows = list(await session.scalars(_prefilter(select(model), columns, words)))
    scored = [
        (
            _score(f"{r.title} {r.description}", list(r.context_keywords or []), query, (3, 1, 2))
            * r.confidence,
            r,
        )
        for r in rows
    ]
    scored = [item for item in scored if item[0] > 0]
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [row for _, row in scored[:limit]]
