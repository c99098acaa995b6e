"""Memory queries: the hot row, warm and cold tiers, the promotions between tiers, search.

hot → warm: `end_session` turns the hot row into a `warm_memory` summary (errors included),
carries unresolved errors into `warm_memory_issues`, learns a pattern from each resolved error
with a resolution, and deletes the hot row. warm → cold: summaries beyond the newest
`MAX_WARM_SESSIONS` are archived into `cold_memory` and leave the warm tier; a warm pattern
that succeeded `PROMOTE_SUCCESS_COUNT` times becomes `cold_memory_knowledge`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, delete, func, or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.managers.memory.records import (
    KNOWLEDGE_TYPES,
    PROMOTE_SUCCESS_COUNT,
    AggregateStatistics,
    ArchivedSession,
    HotState,
    KnowledgeEntry,
    SessionSummary,
    UnresolvedIssue,
)
from arcadia_core.managers.memory.rules import (
    EMPTY_LISTS,
    error_key,
    pattern_confidence,
    relevance_score,
    search_words,
)
from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    ColdMemoryModel,
    HotMemoryModel,
    SessionModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)

SEARCH_CANDIDATES = 500


async def upsert_summary(session: AsyncSession, summary: SessionSummary) -> None:
    """Store a session summary (a second end of the same session replaces the first)."""
    row = await session.scalar(
        select(WarmMemoryModel).where(WarmMemoryModel.session_id == summary.session_id)
    )
    if row is None:
        row = WarmMemoryModel(session_id=summary.session_id)
        session.add(row)
    for name in summary.__class__.__dataclass_fields__:
        setattr(row, name, getattr(summary, name))


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


def _prefilter(query: Select[Any], columns: list[Any], words: list[str]) -> Select[Any]:
    conditions = [column.contains(word, autoescape=True) for column in columns for word in words]
    return query.where(or_(*conditions)).limit(SEARCH_CANDIDATES)


async def search_patterns(
    session: AsyncSession, query: str, limit: int
) -> list[WarmMemoryPatternModel]:
    """Warm patterns ranked by relevance × confidence (candidates prefiltered in SQL)."""
    words = search_words(query)
    if not words:
        return []
    model = WarmMemoryPatternModel
    columns = [model.pattern, model.context, func.json(model.context_keywords)]
    rows = list(await session.scalars(_prefilter(select(model), columns, words)))
    scored = [
        (
            relevance_score(
                f"{r.pattern} {r.context}", list(r.context_keywords or []), query, (2, 1, 1.5)
            )
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
    words = search_words(query)
    if not words:
        return []
    model = ColdMemoryKnowledgeModel
    columns = [model.title, model.description, func.json(model.context_keywords)]
    rows = list(await session.scalars(_prefilter(select(model), columns, words)))
    scored = [
        (
            relevance_score(
                f"{r.title} {r.description}", list(r.context_keywords or []), query, (3, 1, 2)
            )
            * r.confidence,
            r,
        )
        for r in rows
    ]
    scored = [item for item in scored if item[0] > 0]
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [row for _, row in scored[:limit]]


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


async def promote_hot(
    session: AsyncSession, state: HotState, now: datetime, **counts: Any
) -> SessionSummary:
    """End the hot tier: its summary goes warm, open errors become issues, fixes are learned."""
    started = state.started_at or now
    resolved = [error for error in state.active_errors if error.get("resolved")]
    summary = SessionSummary(
        session_id=state.session_id,
        started_at=started,
        ended_at=now,
        duration_seconds=max(0.0, (now - started).total_seconds()),
        errors_encountered=list(state.active_errors),
        errors_resolved=resolved,
        last_feature_worked=state.current_feature,
        **counts,
    )
    await upsert_summary(session, summary)
    for error in state.unresolved_errors:
        await carry_issue(session, state.session_id, error)
    for error in resolved:
        if error.get("resolution"):
            problem = f"{error['error_type']}: {error['message']}"
            await learn(
                session,
                state.session_id,
                problem,
                error["resolution"],
                "fix",
                [error["error_type"]],
                now,
            )
            await session.execute(
                delete(WarmMemoryIssueModel).where(
                    WarmMemoryIssueModel.issue_id
                    == f"ISSUE-{error_key(error['error_type'], error['message'])}"
                )
            )
    await session.execute(
        delete(HotMemoryModel).where(HotMemoryModel.session_id == state.session_id)
    )
    return summary


async def archived_sessions(session: AsyncSession, limit: int = 20) -> list[ArchivedSession]:
    """Cold session records, newest first."""
    query = select(ColdMemoryModel).order_by(ColdMemoryModel.ended_at.desc()).limit(limit)
    return [ArchivedSession.from_row(row) for row in await session.scalars(query)]


async def latest_warm(session: AsyncSession) -> WarmMemoryModel | None:
    """The newest session summary of the warm tier."""
    return await session.scalar(
        select(WarmMemoryModel)
        .order_by(WarmMemoryModel.ended_at.desc(), WarmMemoryModel.session_id.desc())
        .limit(1)
    )


async def most_verified_knowledge(
    session: AsyncSession, limit: int = 3
) -> list[ColdMemoryKnowledgeModel]:
    """The cold knowledge entries verified most often."""
    query = (
        select(ColdMemoryKnowledgeModel)
        .order_by(ColdMemoryKnowledgeModel.times_verified.desc(), ColdMemoryKnowledgeModel.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def knowledge_count(session: AsyncSession) -> int:
    """How many cold knowledge entries there are."""
    count = await session.scalar(select(func.count()).select_from(ColdMemoryKnowledgeModel))
    return int(count or 0)


async def memory_statistics(session: AsyncSession) -> AggregateStatistics:
    """Totals over archived sessions and knowledge (SQL aggregates)."""
    model = ColdMemoryModel
    total, successful, failed, features, errors, average = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((model.ending_state == "completed", 1), else_=0)), 0),
                func.coalesce(
                    func.sum(case((model.ending_state.in_(["failed", "error"]), 1), else_=0)), 0
                ),
                func.coalesce(func.sum(model.features_completed), 0),
                func.coalesce(func.sum(model.errors_count), 0),
                func.coalesce(func.avg(model.duration_seconds), 0.0),
            ).select_from(model)
        )
    ).one()
    return AggregateStatistics(
        total_sessions=int(total),
        successful_sessions=int(successful),
        failed_sessions=int(failed),
        total_features_completed=int(features),
        total_errors=int(errors),
        avg_session_duration_seconds=float(average),
        knowledge_entries=await knowledge_count(session),
    )


async def prune_tiers(
    session: AsyncSession,
    current_session: int,
    now: datetime,
    *,
    stale_hot_after: timedelta,
    issue_horizon: int,
    keep_warm: int,
) -> dict[str, int]:
    """Promote abandoned hot rows, archive old warm summaries, drop long-unseen issues."""
    ended = select(SessionModel.id).where(SessionModel.end_time.is_not(None))
    stale = list(
        await session.scalars(
            select(HotMemoryModel).where(
                HotMemoryModel.session_id != current_session,
                (HotMemoryModel.session_id.in_(ended))
                | (HotMemoryModel.started_at < now - stale_hot_after),
            )
        )
    )
    for row in stale:
        await promote_hot(
            session,
            HotState.from_row(row),
            now,
            ending_state="interrupted",
            features_started=0,
            features_completed=0,
            features_regressed=0,
            key_decisions=[],
            patterns_discovered=[],
            warnings_for_next=[],
            tool_calls=0,
            escalations=0,
            human_interventions=0,
            last_checkpoint_id=None,
        )
    archived = await archive_old_sessions(session, keep_warm)
    newest = await session.scalar(select(func.max(WarmMemoryIssueModel.last_seen_session)))
    dropped = await prune_issues(session, max(current_session, newest or 0), issue_horizon)
    return {
        "hot_promoted": len(stale),
        "warm_archived": len(archived),
        "issues_dropped": dropped,
    }


async def unresolved_issues(
    session: AsyncSession, limit: int = 20, high_priority_only: bool = False
) -> list[UnresolvedIssue]:
    """Open issues, most urgent (priority, then most frequent) first."""
    query = select(WarmMemoryIssueModel).order_by(
        WarmMemoryIssueModel.priority, WarmMemoryIssueModel.times_encountered.desc()
    )
    if high_priority_only:
        query = query.where(WarmMemoryIssueModel.priority <= 2)
    return [UnresolvedIssue.from_row(r) for r in await session.scalars(query.limit(limit))]


async def session_summaries(session: AsyncSession, limit: int) -> list[SessionSummary]:
    """Warm session summaries, newest first."""
    query = select(WarmMemoryModel).order_by(
        WarmMemoryModel.ended_at.desc(), WarmMemoryModel.session_id.desc()
    )
    return [SessionSummary.from_row(r) for r in await session.scalars(query.limit(limit))]


async def add_knowledge(
    session: AsyncSession,
    knowledge_type: str,
    title: str,
    description: str,
    context_keywords: list[str],
    source_sessions: list[int],
    now: datetime,
) -> KnowledgeEntry:
    """Insert long-term knowledge (`K-<n>`; unknown types become best_practice)."""
    kind = knowledge_type if knowledge_type in KNOWLEDGE_TYPES else "best_practice"
    row = ColdMemoryKnowledgeModel(
        knowledge_id=f"pending-{uuid.uuid4()}",
        created_at=now,
        knowledge_type=kind,
        title=title[:255],
        description=description,
        context_keywords=context_keywords,
        source_sessions=source_sessions,
    )
    session.add(row)
    await session.flush()
    row.knowledge_id = f"K-{row.id}"
    return KnowledgeEntry.from_row(row)
