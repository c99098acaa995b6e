"""`MemoryManager`: hot, warm and cold memory in their tables, and the moves between them.

Each operation is one transaction that re-reads the rows it changes, so two processes updating
the same session's hot row never lose each other's writes and never trip the unique index.

API convention: ArcadiaForge's synchronous methods (`record_action`, `end_session`,
`get_full_context`, ...) do their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.memory import queries, rules
from arcadia_core.managers.memory.records import (
    ISSUE_HORIZON_SESSIONS,
    MAX_WARM_SESSIONS,
    ActiveError,
    AggregateStatistics,
    ArchivedSession,
    HotState,
    KnowledgeEntry,
    PendingDecision,
    ProvenPattern,
    SessionSummary,
    UnresolvedIssue,
)
from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)
from arcadia_core.sync import blocking


class MemoryManager:
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
            row = await queries.hot_row(session, self.session_id, now)
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
            row = await queries.find_hot_row(session, self.session_id)
        return HotState.from_row(row) if row is not None else HotState(session_id=self.session_id)

    get_hot_state = blocking(get_hot_state_async)

    async def record_action_async(self, action: str, result: str, tool: str | None = None) -> None:
        """Remember one action and its result (the last 20 are kept)."""
        now = self.clock()
        entry = {"action": action, "result": result, "tool": tool, "timestamp": now.isoformat()}
        async with self.db.transaction() as session:
            rules.append_action(await queries.hot_row(session, self.session_id, now), entry)

    record_action = blocking(record_action_async)

    async def add_to_hot_async(self, data: dict[str, Any]) -> None:
        """Remember an arbitrary non-empty record as a recent action."""
        if not data:
            return
        now = self.clock()
        entry = {"timestamp": now.isoformat(), **data}
        async with self.db.transaction() as session:
            rules.append_action(await queries.hot_row(session, self.session_id, now), entry)

    add_to_hot = blocking(add_to_hot_async)

    async def record_file_access_async(self, path: str) -> None:
        """Move `path` to the end of the recent files (the last 20 are kept)."""
        now = self.clock()
        async with self.db.transaction() as session:
            rules.touch_file(await queries.hot_row(session, self.session_id, now), path)

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
            row = await queries.hot_row(session, self.session_id, now)
            return rules.record_error(
                row, self.session_id, error_type, message, context, related_features, now
            )

    record_error = blocking(record_error_async)

    async def resolve_error_async(self, error_id: str, resolution: str) -> ActiveError:
        """Mark an active error resolved; at session end its resolution becomes a pattern."""
        async with self.db.transaction() as session:
            row = await queries.hot_row(session, self.session_id, self.clock())
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
            rules.add_decision(await queries.hot_row(session, self.session_id, now), decision)
        return decision

    record_decision = blocking(record_decision_async)

    async def resolve_decision_async(self, decision_id: str, choice: str) -> PendingDecision:
        """Mark a pending decision taken."""
        async with self.db.transaction() as session:
            row = await queries.hot_row(session, self.session_id, self.clock())
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
            row = await queries.hot_row(session, self.session_id, now)
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
            row = await queries.find_hot_row(session, self.session_id)
            state = HotState.from_row(row) if row is not None else HotState(self.session_id)
            summary = await queries.promote_hot(
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
        async with self.db.read() as session:
            return await queries.unresolved_issues(session, limit, high_priority_only)

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
        async with self.db.read() as session:
            return await queries.session_summaries(session, limit)

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
        async with self.db.transaction() as session:
            return await queries.add_knowledge(
                session,
                knowledge_type,
                title,
                description,
                list(context_keywords or []),
                list(source_sessions or [self.session_id]),
                self.clock(),
            )

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
        async with self.db.transaction() as session:
            return await queries.prune_tiers(
                session,
                self.session_id,
                self.clock(),
                stale_hot_after=stale_hot_after,
                issue_horizon=issue_horizon,
                keep_warm=self.max_warm_sessions,
            )

    prune = blocking(prune_async)

    # -- reading -----------------------------------------------------------------------------

    async def find_relevant_patterns_async(
        self, query: str, limit: int = 10
    ) -> list[ProvenPattern]:
        """Warm patterns for `query`, best first (relevance × confidence)."""
        async with self.db.read() as session:
            rows = await queries.search_patterns(session, query, limit)
            return [ProvenPattern.from_row(row) for row in rows]

    find_relevant_patterns = blocking(find_relevant_patterns_async)

    async def find_relevant_knowledge_async(
        self, query: str, limit: int = 10
    ) -> list[KnowledgeEntry]:
        """Cold knowledge for `query`, best first (relevance × confidence)."""
        async with self.db.read() as session:
            rows = await queries.search_knowledge(session, query, limit)
            return [KnowledgeEntry.from_row(row) for row in rows]

    find_relevant_knowledge = blocking(find_relevant_knowledge_async)

    async def find_solutions_async(self, query: str) -> list[dict[str, Any]]:
        """Matching patterns, then matching knowledge, as plain dicts."""
        solutions: list[dict[str, Any]] = [
            {
                "type": "pattern",
                "pattern_id": p.pattern_id,
                "problem": p.problem,
                "solution": p.solution,
                "confidence": p.confidence,
            }
            for p in await self.find_relevant_patterns_async(query)
        ]
        solutions += [
            {
                "type": "knowledge",
                "knowledge_id": k.knowledge_id,
                "title": k.title,
                "description": k.description,
                "confidence": k.confidence,
            }
            for k in await self.find_relevant_knowledge_async(query)
        ]
        return solutions

    find_solutions = blocking(find_solutions_async)

    async def get_archived_sessions_async(self, limit: int = 20) -> list[ArchivedSession]:
        """Cold session records, newest first."""
        async with self.db.read() as session:
            return await queries.archived_sessions(session, limit)

    get_archived_sessions = blocking(get_archived_sessions_async)

    async def _hot_state(self) -> HotState | None:
        async with self.db.read() as session:
            row = await queries.find_hot_row(session, self.session_id)
        return HotState.from_row(row) if row is not None else None

    async def _latest_warm(self) -> WarmMemoryModel | None:
        async with self.db.read() as session:
            return await queries.latest_warm(session)

    async def get_hot_context_async(self) -> str:
        """The working context as a prompt block."""
        return rules.hot_context_block(await self._hot_state())

    get_hot_context = blocking(get_hot_context_async)

    async def get_warm_context_async(self) -> str:
        """The last session's summary as a prompt block."""
        return rules.warm_context_block(await self._latest_warm())

    get_warm_context = blocking(get_warm_context_async)

    async def get_cold_context_async(self) -> str:
        """The three most verified knowledge entries as a prompt block."""
        async with self.db.read() as session:
            rows = await queries.most_verified_knowledge(session, 3)
        return rules.cold_context_block(rows)

    get_cold_context = blocking(get_cold_context_async)

    async def get_full_context_async(self) -> str:
        """Hot, warm and cold blocks separated by blank lines."""
        return "\n\n".join(
            [
                await self.get_hot_context_async(),
                await self.get_warm_context_async(),
                await self.get_cold_context_async(),
            ]
        )

    get_full_context = blocking(get_full_context_async)

    async def get_context_size_async(self) -> dict[str, int]:
        """How many items each tier holds for this session."""
        async with self.db.read() as session:
            knowledge = await queries.knowledge_count(session)
        state = await self._hot_state() or HotState(self.session_id)
        warm_row = await self._latest_warm()
        hot_size = (
            len(state.recent_actions)
            + len(state.recent_files)
            + len(state.active_errors)
            + len(state.pending_decisions)
        )
        warm_size = (
            len(warm_row.errors_encountered or []) + len(warm_row.patterns_discovered or [])
            if warm_row is not None
            else 0
        )
        return {
            "hot": hot_size,
            "warm": warm_size,
            "cold": knowledge,
            "total": hot_size + warm_size + knowledge,
        }

    get_context_size = blocking(get_context_size_async)

    async def get_statistics_async(self) -> AggregateStatistics:
        """Totals over archived sessions and knowledge (SQL aggregates)."""
        async with self.db.read() as session:
            return await queries.memory_statistics(session)

    get_statistics = blocking(get_statistics_async)

    async def get_summary_async(self) -> dict[str, Any]:
        """Counts per tier: the hot working set, the last warm summary, the cold archive."""
        state = await self._hot_state() or HotState(self.session_id)
        warm_row = await self._latest_warm()
        statistics = await self.get_statistics_async()
        return {
            "session_id": self.session_id,
            "hot": {
                "current_feature": state.current_feature,
                "current_task": state.current_task,
                "recent_actions": len(state.recent_actions),
                "recent_files": len(state.recent_files),
                "active_errors": len(state.unresolved_errors),
                "pending_decisions": rules.pending_count(state),
            },
            "warm": {
                "last_session": warm_row.session_id if warm_row else None,
                "features_completed": warm_row.features_completed if warm_row else 0,
                "features_regressed": warm_row.features_regressed if warm_row else 0,
                "ending_state": warm_row.ending_state if warm_row else None,
            },
            "cold": {
                "sessions": statistics.total_sessions,
                "knowledge_entries": statistics.knowledge_entries,
            },
        }

    get_summary = blocking(get_summary_async)
