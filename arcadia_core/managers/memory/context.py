"""Reading memory: search, context blocks for prompts, sizes, summaries and statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from arcadia_core.managers.memory import queries, rules
from arcadia_core.managers.memory.records import (
    AggregateStatistics,
    ArchivedSession,
    HotState,
    KnowledgeEntry,
    ProvenPattern,
)
from arcadia_core.models import ColdMemoryKnowledgeModel, ColdMemoryModel, WarmMemoryModel
from arcadia_core.sync import blocking

if TYPE_CHECKING:
    from arcadia_core.db import Database


class MemoryContextMixin:
    """Read-only memory operations of `MemoryManager`."""

    db: Database
    session_id: int

    async def find_relevant_patterns_async(
        self, query: str, limit: int = 10
    ) -> list[ProvenPattern]:
        """Warm patterns for `query`, best first (relevance × confidence)."""
        async with self.db.read() as session:
            return [
                ProvenPattern.from_row(r)
                for r in await queries.search_patterns(session, query, limit)
            ]

    find_relevant_patterns = blocking(find_relevant_patterns_async)

    async def find_relevant_knowledge_async(
        self, query: str, limit: int = 10
    ) -> list[KnowledgeEntry]:
        """Cold knowledge for `query`, best first (relevance × confidence)."""
        async with self.db.read() as session:
            return [
                KnowledgeEntry.from_row(r)
                for r in await queries.search_knowledge(session, query, limit)
            ]

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
        query = select(ColdMemoryModel).order_by(ColdMemoryModel.ended_at.desc()).limit(limit)
        async with self.db.read() as session:
            return [ArchivedSession.from_row(row) for row in await session.scalars(query)]

    get_archived_sessions = blocking(get_archived_sessions_async)

    async def get_hot_context_async(self) -> str:
        """The working context as a prompt block."""
        async with self.db.read() as session:
            row = await rules.find_hot_row(session, self.session_id)
        if row is None:
            return "HOT MEMORY\nNo active context."
        state = HotState.from_row(row)
        keywords = ", ".join(state.focus_keywords[:8]) or "-"
        feature = state.current_feature if state.current_feature is not None else "-"
        pending = sum(1 for decision in state.pending_decisions if not decision.get("resolved"))
        return "\n".join(
            [
                "HOT MEMORY",
                f"Current feature: {feature}",
                f"Current task: {state.current_task or '-'}",
                f"Focus: {keywords}",
                f"Recent actions: {len(state.recent_actions)}  "
                f"Active errors: {len(state.unresolved_errors)}  "
                f"Pending decisions: {pending}",
            ]
        )

    get_hot_context = blocking(get_hot_context_async)

    async def _latest_warm(self) -> WarmMemoryModel | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(WarmMemoryModel)
                .order_by(WarmMemoryModel.ended_at.desc(), WarmMemoryModel.session_id.desc())
                .limit(1)
            )

    async def get_warm_context_async(self) -> str:
        """The last session's summary as a prompt block."""
        row = await self._latest_warm()
        if row is None:
            return "WARM MEMORY\nNo previous session context."
        lines = [
            "WARM MEMORY",
            f"Last session: #{row.session_id} ({row.ending_state})",
            f"Features completed: {row.features_completed}  regressed: {row.features_regressed}",
        ]
        lines += [f"Warning: {warning}" for warning in (row.warnings_for_next or [])[:3]]
        lines += [f"Pattern: {pattern}" for pattern in (row.patterns_discovered or [])[:3]]
        return "\n".join(lines)

    get_warm_context = blocking(get_warm_context_async)

    async def get_cold_context_async(self) -> str:
        """The three most verified knowledge entries as a prompt block."""
        query = (
            select(ColdMemoryKnowledgeModel)
            .order_by(ColdMemoryKnowledgeModel.times_verified.desc(), ColdMemoryKnowledgeModel.id)
            .limit(3)
        )
        async with self.db.read() as session:
            rows = list(await session.scalars(query))
        if not rows:
            return "COLD MEMORY\nNo historical data available."
        return "\n".join(
            ["COLD MEMORY"] + [f"[{r.knowledge_id}] {r.knowledge_type}: {r.title}" for r in rows]
        )

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
            row = await rules.find_hot_row(session, self.session_id)
            knowledge = await session.scalar(
                select(func.count()).select_from(ColdMemoryKnowledgeModel)
            )
        state = HotState.from_row(row) if row is not None else HotState(self.session_id)
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
        cold_size = int(knowledge or 0)
        return {
            "hot": hot_size,
            "warm": warm_size,
            "cold": cold_size,
            "total": hot_size + warm_size + cold_size,
        }

    get_context_size = blocking(get_context_size_async)

    async def get_statistics_async(self) -> AggregateStatistics:
        """Totals over archived sessions and knowledge (SQL aggregates)."""
        model = ColdMemoryModel
        async with self.db.read() as session:
            total, successful, failed, features, errors, average = (
                await session.execute(
                    select(
                        func.count(),
                        func.coalesce(
                            func.sum(case((model.ending_state == "completed", 1), else_=0)), 0
                        ),
                        func.coalesce(
                            func.sum(
                                case((model.ending_state.in_(["failed", "error"]), 1), else_=0)
                            ),
                            0,
                        ),
                        func.coalesce(func.sum(model.features_completed), 0),
                        func.coalesce(func.sum(model.errors_count), 0),
                        func.coalesce(func.avg(model.duration_seconds), 0.0),
                    ).select_from(model)
                )
            ).one()
            knowledge = await session.scalar(
                select(func.count()).select_from(ColdMemoryKnowledgeModel)
            )
        return AggregateStatistics(
            total_sessions=int(total),
            successful_sessions=int(successful),
            failed_sessions=int(failed),
            total_features_completed=int(features),
            total_errors=int(errors),
            avg_session_duration_seconds=float(average),
            knowledge_entries=int(knowledge or 0),
        )

    get_statistics = blocking(get_statistics_async)

    async def get_summary_async(self) -> dict[str, Any]:
        """Counts per tier: the hot working set, the last warm summary, the cold archive."""
        async with self.db.read() as session:
            row = await rules.find_hot_row(session, self.session_id)
        state = HotState.from_row(row) if row is not None else HotState(self.session_id)
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
                "pending_decisions": sum(
                    1 for d in state.pending_decisions if not d.get("resolved")
                ),
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
