"""`MemoryManager`: hot, warm and cold memory in their tables, and the moves between them.

Each operation is one transaction that re-reads the rows it changes, so two processes updating
the same session's hot row never lose each other's writes and never trip the unique index.

API convention: ArcadiaForge's synchronous methods (`record_action`, `end_session`,
`get_full_context`, ...) do their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.memory import queries, rules
from arcadia_core.managers.memory.context import MemoryContextMixin
from arcadia_core.managers.memory.records import (
    ISSUE_HORIZON_SESSIONS,
    KNOWLEDGE_TYPES,
    MAX_WARM_SESSIONS,
    ActiveError,
    HotState,
    KnowledgeEntry,
    PendingDecision,
    ProvenPattern,
    SessionSummary,
    UnresolvedIssue,
)
from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    HotMemoryModel,
    SessionModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)
from arcadia_core.sync import blocking


class MemoryManager(MemoryContextMixin):
    """The three memory tiers of one agent session."""

    def __init__(
        self,
        db: Database,
        session_id: int,
        project_dir: Path | str | None = None,
        *,
        clock: Clock = utc_now,
        max_warm_sessions: int = MAX_WARM_SESSIONS,
    ) -> None:
        self.db = db
        self.session_id = session_id
        self.project_dir = Path(project_dir) if project_dir is not None else None
        self.clock = clock
        self.max_warm_sessions = max_warm_sessions

    def update_session_id(self, session_id: int) -> None:
        """Work on another session's memory from now on."""
        self.session_id = session_id

    # -- hot tier ----------------------------------------------------------------------------

    async def start_session_async(self, resume_from: int | None = None) -> dict[str, Any]:
        """Start with an empty working context (its clock starts now)."""
        now = self.clock()
        async with self.db.transaction() as session:
            row = await rules.hot_row(session, self.session_id, now)
            rules.reset(row, now)
        return {
            "session_id": self.session_id,
            "started_at": now.isoformat(),
            "resuming_from": resume_from,
        }

    start_session = blocking(start_session_async)

    async def get_hot_state_async(self) -> HotState:
        """The current working context (empty when nothing was recorded)."""
        async with self.db.read() as session:
            row = await rules.find_hot_row(session, self.session_id)
        return HotState.from_row(row) if row is not None else HotState(session_id=self.session_id)

    get_hot_state = blocking(get_hot_state_async)

    async def record_action_async(self, action: str, result: str, tool: str | None = None) -> None:
        """Remember one action and its result (the last 20 are kept)."""
        now = self.clock()
        entry = {"action": action, "result": result, "tool": tool, "timestamp": now.isoformat()}
        async with self.db.transaction() as session:
            rules.append_action(await rules.hot_row(session, self.session_id, now), entry)

    record_action = blocking(record_action_async)

    async def add_to_hot_async(self, data: dict[str, Any]) -> None:
        """Remember an arbitrary non-empty record as a recent action."""
        if not data:
            return
        now = self.clock()
        entry = {"timestamp": now.isoformat(), **data}
        async with self.db.transaction() as session:
            rules.append_action(await rules.hot_row(session, self.session_id, now), entry)

    add_to_hot = blocking(add_to_hot_async)

    async def record_file_access_async(self, path: str) -> None:
        """Move `path` to the end of the recent files (the last 20 are kept)."""
        now = self.clock()
        async with self.db.transaction() as session:
            rules.touch_file(await rules.hot_row(session, self.session_id, now), path)

    record_file_access = blocking(record_file_access_async)

    async def record_error_async(
        self,
        error_type: str,
        message: str,
        context: dict[str, Any] | None = None,
        related_features: list[int] | None = None,
    ) -> ActiveError:
        """Record an error; a repeat of an unresolved one increments its count."""
        now = self.clock()
        async with self.db.transaction() as session:
            row = await rules.hot_row(session, self.session_id, now)
            return rules.record_error(
                row, self.session_id, error_type, message, context, related_features, now
            )

    record_error = blocking(record_error_async)

    async def resolve_error_async(self, error_id: str, resolution: str) -> ActiveError:
        """Mark an active error resolved; at session end its resolution becomes a pattern."""
        async with self.db.transaction() as session:
            row = await rules.hot_row(session, self.session_id, self.clock())
            resolved = rules.resolve_error(row, error_id, resolution)
        if resolved is None:
            raise NotFound(f"no active error {error_id} in session {self.session_id}")
        return resolved

    resolve_error = blocking(resolve_error_async)

    async def record_decision_async(
        self,
        decision_type: str,
        context: str,
        options: list[str],
        recommendation: str | None = None,
        confidence: float = 0.5,
        blocking_feature: int | None = None,
    ) -> PendingDecision:
        """Remember a decision still to be taken."""
        now = self.clock()
        decision = PendingDecision(
            decision_id=f"PD-{self.session_id}-{uuid.uuid4().hex[:8]}",
            decision_type=decision_type,
            context=context,
            options=list(options),
            recommendation=recommendation,
            confidence=confidence,
            blocking_feature=blocking_feature,
            timestamp=now.isoformat(),
        )
        async with self.db.transaction() as session:
            rules.add_decision(await rules.hot_row(session, self.session_id, now), decision)
        return decision

    record_decision = blocking(record_decision_async)

    async def resolve_decision_async(self, decision_id: str, choice: str) -> PendingDecision:
        """Mark a pending decision taken."""
        async with self.db.transaction() as session:
            row = await rules.hot_row(session, self.session_id, self.clock())
            resolved = rules.resolve_decision(row, decision_id, choice)
        if resolved is None:
            raise NotFound(f"no pending decision {decision_id} in session {self.session_id}")
        return resolved

    resolve_decision = blocking(resolve_decision_async)

    async def set_focus_async(
        self, feature: int | None = None, task: str = "", keywords: list[str] | None = None
    ) -> None:
        """Set the feature, task and keywords the session is focused on."""
        now = self.clock()
        async with self.db.transaction() as session:
            row = await rules.hot_row(session, self.session_id, now)
            row.current_feature = feature
            row.current_task = task
            row.focus_keywords = list(keywords or [])

    set_focus = blocking(set_focus_async)

    # -- hot -> warm -------------------------------------------------------------------------

    async def end_session_async(
        self,
        ending_state: str = "completed",
        features_started: int = 0,
        features_completed: int = 0,
        features_regressed: int = 0,
        key_decisions: list[dict[str, Any]] | None = None,
        patterns_discovered: list[str] | None = None,
        warnings_for_next: list[str] | None = None,
        tool_calls: int = 0,
        escalations: int = 0,
        human_interventions: int = 0,
        last_checkpoint_id: str | None = None,
    ) -> SessionSummary:
        """Summarise the session into warm memory, then clear its hot row and archive old ones."""
        now = self.clock()
        async with self.db.transaction() as session:
            row = await rules.find_hot_row(session, self.session_id)
            state = HotState.from_row(row) if row is not None else HotState(self.session_id)
            summary = await self._promote_hot(
                session,
                state,
                now,
                ending_state=ending_state,
                features_started=features_started,
                features_completed=features_completed,
                features_regressed=features_regressed,
                key_decisions=list(key_decisions or []),
                patterns_discovered=list(patterns_discovered or []),
                warnings_for_next=list(warnings_for_next or []),
                tool_calls=tool_calls,
                escalations=escalations,
                human_interventions=human_interventions,
                last_checkpoint_id=last_checkpoint_id,
            )
            await queries.archive_old_sessions(session, self.max_warm_sessions)
        return summary

    end_session = blocking(end_session_async)

    async def _promote_hot(
        self, session: Any, state: HotState, now: datetime, **counts: Any
    ) -> SessionSummary:
        started = datetime.fromisoformat(state.started_at) if state.started_at else now
        resolved = [error for error in state.active_errors if error.get("resolved")]
        summary = SessionSummary(
            session_id=state.session_id,
            started_at=started.isoformat(),
            ended_at=now.isoformat(),
            duration_seconds=max(0.0, (now - started).total_seconds()),
            errors_encountered=list(state.active_errors),
            errors_resolved=resolved,
            last_feature_worked=state.current_feature,
            **counts,
        )
        await queries.upsert_summary(session, summary)
        for error in state.unresolved_errors:
            await queries.carry_issue(session, state.session_id, error)
        for error in resolved:
            if error.get("resolution"):
                problem = f"{error['error_type']}: {error['message']}"
                await queries.learn(
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
                        == f"ISSUE-{rules.error_key(error['error_type'], error['message'])}"
                    )
                )
        await session.execute(
            delete(HotMemoryModel).where(HotMemoryModel.session_id == state.session_id)
        )
        return summary

    # -- warm tier ---------------------------------------------------------------------------

    async def learn_pattern_async(
        self,
        problem: str,
        solution: str,
        pattern_type: str = "fix",
        context_keywords: list[str] | None = None,
    ) -> ProvenPattern:
        """Remember a solution that worked (an identical one gains a success instead)."""
        async with self.db.transaction() as session:
            row = await queries.learn(
                session,
                self.session_id,
                problem,
                solution,
                pattern_type,
                list(context_keywords or []),
                self.clock(),
            )
            await session.flush()
            return ProvenPattern.from_row(row)

    learn_pattern = blocking(learn_pattern_async)

    async def record_pattern_success_async(self, pattern_id: str) -> ProvenPattern:
        """Count a success of a warm pattern (promoted to cold knowledge when proven)."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(WarmMemoryPatternModel).where(
                    WarmMemoryPatternModel.pattern_id == pattern_id
                )
            )
            if row is None:
                raise NotFound(f"no memory pattern {pattern_id}")
            await queries.record_success(session, row, self.session_id, self.clock())
            return ProvenPattern.from_row(row)

    record_pattern_success = blocking(record_pattern_success_async)

    async def get_unresolved_issues_async(
        self, limit: int = 20, high_priority_only: bool = False
    ) -> list[UnresolvedIssue]:
        """Open issues, most urgent (priority, then most frequent) first."""
        query = select(WarmMemoryIssueModel).order_by(
            WarmMemoryIssueModel.priority, WarmMemoryIssueModel.times_encountered.desc()
        )
        if high_priority_only:
            query = query.where(WarmMemoryIssueModel.priority <= 2)
        async with self.db.read() as session:
            return [UnresolvedIssue.from_row(r) for r in await session.scalars(query.limit(limit))]

    get_unresolved_issues = blocking(get_unresolved_issues_async)

    async def resolve_issue_async(self, issue_id: str, solution: str | None = None) -> None:
        """Close an issue; a solution is remembered as a proven pattern."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(WarmMemoryIssueModel).where(WarmMemoryIssueModel.issue_id == issue_id)
            )
            if row is None:
                raise NotFound(f"no open issue {issue_id}")
            if solution:
                problem = f"{row.issue_type}: {row.description}"
                await queries.learn(
                    session,
                    self.session_id,
                    problem,
                    solution,
                    "fix",
                    [row.issue_type],
                    self.clock(),
                )
            await session.delete(row)

    resolve_issue = blocking(resolve_issue_async)

    async def get_session_summaries_async(
        self, limit: int = MAX_WARM_SESSIONS
    ) -> list[SessionSummary]:
        """Warm session summaries, newest first."""
        query = select(WarmMemoryModel).order_by(
            WarmMemoryModel.ended_at.desc(), WarmMemoryModel.session_id.desc()
        )
        async with self.db.read() as session:
            return [SessionSummary.from_row(r) for r in await session.scalars(query.limit(limit))]

    get_session_summaries = blocking(get_session_summaries_async)

    # -- cold tier ---------------------------------------------------------------------------

    async def add_knowledge_async(
        self,
        knowledge_type: str,
        title: str,
        description: str,
        context_keywords: list[str] | None = None,
        source_sessions: list[int] | None = None,
    ) -> KnowledgeEntry:
        """Add long-term knowledge (`K-<n>`; unknown types become best_practice)."""
        kind = knowledge_type if knowledge_type in KNOWLEDGE_TYPES else "best_practice"
        async with self.db.transaction() as session:
            row = ColdMemoryKnowledgeModel(
                knowledge_id=f"pending-{uuid.uuid4()}",
                created_at=self.clock(),
                knowledge_type=kind,
                title=title[:255],
                description=description,
                context_keywords=list(context_keywords or []),
                source_sessions=list(source_sessions or [self.session_id]),
            )
            session.add(row)
            await session.flush()
            row.knowledge_id = f"K-{row.id}"
            return KnowledgeEntry.from_row(row)

    add_knowledge = blocking(add_knowledge_async)

    async def verify_knowledge_async(self, knowledge_id: str) -> KnowledgeEntry:
        """Confirm knowledge again: +1 verification, +0.1 confidence (at most 1.0)."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(ColdMemoryKnowledgeModel).where(
                    ColdMemoryKnowledgeModel.knowledge_id == knowledge_id
                )
            )
            if row is None:
                raise NotFound(f"no knowledge entry {knowledge_id}")
            row.times_verified += 1
            row.confidence = min(1.0, float(row.confidence) + 0.1)
            row.last_used = self.clock()
            return KnowledgeEntry.from_row(row)

    verify_knowledge = blocking(verify_knowledge_async)

    # -- maintenance -------------------------------------------------------------------------

    async def prune_async(
        self,
        stale_hot_after: timedelta = timedelta(hours=24),
        issue_horizon: int = ISSUE_HORIZON_SESSIONS,
    ) -> dict[str, int]:
        """Promote abandoned hot rows, archive old warm summaries, drop long-unseen issues."""
        now = self.clock()
        async with self.db.transaction() as session:
            ended = select(SessionModel.id).where(SessionModel.end_time.is_not(None))
            stale = list(
                await session.scalars(
                    select(HotMemoryModel).where(
                        HotMemoryModel.session_id != self.session_id,
                        (HotMemoryModel.session_id.in_(ended))
                        | (HotMemoryModel.started_at < now - stale_hot_after),
                    )
                )
            )
            for row in stale:
                await self._promote_hot(
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
            archived = await queries.archive_old_sessions(session, self.max_warm_sessions)
            newest = await session.scalar(select(func.max(WarmMemoryIssueModel.last_seen_session)))
            dropped = await queries.prune_issues(
                session, max(self.session_id, newest or 0), issue_horizon
            )
        return {
            "hot_promoted": len(stale),
            "warm_archived": len(archived),
            "issues_dropped": dropped,
        }

    prune = blocking(prune_async)
