"""Learning from human interventions: `interventions` and `intervention_patterns`.

Each recorded intervention updates (or creates) the learned pattern whose context signature is
most similar, in the same transaction. Fixed from ArcadiaForge: ids come from inserted rows
(`INT-0001`; a pattern is `PAT-` plus its first intervention's number), so they never collide
across processes or after a reset; matching is a pure read (recording a match or an
application is an explicit call); `record_outcome` is idempotent (a repeated outcome counts
once, a changed one moves the count); a human action that contradicts a pattern's
recommendation counts against it; `reset_learning` deletes the learned patterns and keeps every
intervention; a supervisor's `set_auto_apply` sticks.

API convention: ArcadiaForge's synchronous methods (`record_intervention`, `record_outcome`,
`get_interventions`, ...) do their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.intervention.queries import pattern_row
from arcadia_core.managers.intervention.records import (
    AUTO_APPLY_DISABLED,
    ContextSignature,
    Intervention,
    InterventionPattern,
    InterventionType,
    MatchResult,
)
from arcadia_core.managers.intervention.rules import normalize_error_pattern
from arcadia_core.managers.sql import count_true
from arcadia_core.models import InterventionModel, InterventionPatternModel
from arcadia_core.sync import blocking

AUTO_APPLY_MIN_SIMILARITY = 0.9


class InterventionLearner:
    """Record interventions, learn patterns from them and recommend what a human would do."""

    def __init__(
        self,
        db: Database,
        project_dir: Path | str | None = None,
        *,
        clock: Clock = utc_now,
        similarity_threshold: float = 0.7,
        auto_apply_threshold: float = 0.8,
    ) -> None:
        self.db = db
        self.project_dir = Path(project_dir) if project_dir is not None else None
        self.clock = clock
        self.similarity_threshold = similarity_threshold
        self.auto_apply_threshold = auto_apply_threshold

    @staticmethod
    def create_context_signature(
        tool: str | None = None,
        action_type: str | None = None,
        trigger_type: str | None = None,
        error_message: str | None = None,
        feature_category: str | None = None,
        decision_type: str | None = None,
    ) -> ContextSignature:
        """A signature for a situation; the error message is normalised into a pattern."""
        return ContextSignature(
            tool=tool,
            action_type=action_type,
            trigger_type=trigger_type,
            error_pattern=normalize_error_pattern(error_message) if error_message else None,
            feature_category=feature_category,
            decision_type=decision_type,
        )

    _normalize_error = staticmethod(normalize_error_pattern)

    # -- recording ---------------------------------------------------------------------------

    async def record_intervention_async(
        self,
        session_id: int,
        intervention_type: InterventionType | str,
        context_signature: ContextSignature,
        human_action: str,
        context_details: dict[str, Any] | None = None,
        original_action: str | None = None,
        original_rationale: str | None = None,
        human_rationale: str | None = None,
    ) -> Intervention:
        """Store an intervention and fold it into the best-matching (or a new) pattern."""
        try:
            kind = InterventionType(intervention_type)
        except ValueError:
            raise InvalidInput(f"unknown intervention type {intervention_type!r}") from None
        now = self.clock()
        async with self.db.transaction() as session:
            row = InterventionModel(
                intervention_id=f"pending-{uuid.uuid4()}",
                session_id=session_id,
                timestamp=now,
                intervention_type=kind.value,
                context_signature=context_signature.to_dict(),
                context_details=dict(context_details or {}),
                original_action=original_action,
                original_rationale=original_rationale,
                human_action=human_action,
                human_rationale=human_rationale,
            )
            session.add(row)
            await session.flush()
            row.intervention_id = f"INT-{row.id:04d}"
            await self._learn(session, row, context_signature, now)
            await session.flush()
            return Intervention.from_row(row)

    record_intervention = blocking(record_intervention_async)

    async def _learn(
        self,
        session: AsyncSession,
        intervention: InterventionModel,
        signature: ContextSignature,
        now: Any,
    ) -> None:
        best: tuple[float, InterventionPatternModel] | None = None
        for candidate in await session.scalars(
            select(InterventionPatternModel).order_by(InterventionPatternModel.id)
        ):
            score = signature.similarity_score(
                ContextSignature.from_dict(candidate.context_signature or {})
            )
            if score >= self.similarity_threshold and (best is None or score > best[0]):
                best = (score, candidate)
        if best is None:
            # Named after the intervention that created it: interventions are never deleted,
            # so a pattern id is never reused, even after `reset_learning`.
            row = InterventionPatternModel(
                pattern_id=f"PAT-{intervention.id:04d}",
                context_signature=signature.to_dict(),
                times_matched=1,
                recommended_action=intervention.human_action,
                rationale=intervention.human_rationale or "",
                min_confidence_for_auto=self.auto_apply_threshold,
                source_intervention_ids=[intervention.intervention_id],
                created_at=now,
                last_matched=now,
            )
            session.add(row)
            return
        row = best[1]
        pattern = InterventionPattern.from_row(row)
        pattern.source_intervention_ids.append(intervention.intervention_id)
        pattern.record_match(now)
        if pattern.recommended_action == intervention.human_action:
            pattern.record_application(success=True)
        else:
            pattern.failure_count += 1  # the human did something else: evidence against it
            pattern.update_confidence()
        pattern.write_to(row)
        row.last_matched = now

    async def record_outcome_async(
        self, intervention_id: str, success: bool, notes: str | None = None
    ) -> bool:
        """Record whether an intervention worked (False if it does not exist); idempotent."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(InterventionModel).where(
                    InterventionModel.intervention_id == intervention_id
                )
            )
            if row is None:
                return False
            previous = row.outcome_success if row.outcome_tracked else None
            row.outcome_tracked = True
            row.outcome_success = success
            row.outcome_notes = notes
            if previous == success:
                return True
            sources = func.json(InterventionPatternModel.source_intervention_ids)
            candidates = await session.scalars(
                select(InterventionPatternModel).where(
                    sources.contains(f'"{intervention_id}"', autoescape=True)
                )
            )
            for pattern_row in candidates:
                if intervention_id not in (pattern_row.source_intervention_ids or []):
                    continue
                pattern = InterventionPattern.from_row(pattern_row)
                if previous is None:
                    pattern.record_application(success)
                else:  # the outcome changed: move one count across
                    if previous:
                        pattern.success_count = max(0, pattern.success_count - 1)
                        pattern.failure_count += 1
                    else:
                        pattern.failure_count = max(0, pattern.failure_count - 1)
                        pattern.success_count += 1
                    pattern.update_confidence()
                pattern.write_to(pattern_row)
        return True

    record_outcome = blocking(record_outcome_async)

    async def record_pattern_match_async(self, pattern_id: str) -> InterventionPattern:
        """Count that a pattern was consulted for a live situation."""
        async with self.db.transaction() as session:
            row = await pattern_row(session, pattern_id)
            pattern = InterventionPattern.from_row(row)
            now = self.clock()
            pattern.record_match(now)
            pattern.write_to(row)
            row.last_matched = now
            return pattern

    record_pattern_match = blocking(record_pattern_match_async)

    async def record_pattern_application_async(
        self, pattern_id: str, success: bool
    ) -> InterventionPattern:
        """Count one application of a pattern (e.g. auto-applied) and its result."""
        async with self.db.transaction() as session:
            row = await pattern_row(session, pattern_id)
            pattern = InterventionPattern.from_row(row)
            pattern.record_application(success)
            pattern.write_to(row)
            return pattern

    record_pattern_application = blocking(record_pattern_application_async)

    async def set_auto_apply_async(self, pattern_id: str, enabled: bool) -> InterventionPattern:
        """A supervisor's switch: off stays off; on still needs the confidence threshold."""
        async with self.db.transaction() as session:
            row = await pattern_row(session, pattern_id)
            row.auto_apply = enabled
            if enabled:
                if row.min_confidence_for_auto > 1.0:
                    row.min_confidence_for_auto = self.auto_apply_threshold
            else:
                row.min_confidence_for_auto = AUTO_APPLY_DISABLED
            return InterventionPattern.from_row(row)

    set_auto_apply = blocking(set_auto_apply_async)

    # -- matching ----------------------------------------------------------------------------

    async def find_matching_patterns_async(
        self, signature: ContextSignature, min_similarity: float | None = None
    ) -> list[MatchResult]:
        """Patterns at least `min_similarity` (default 0.7) similar, best first; a pure read."""
        threshold = self.similarity_threshold if min_similarity is None else min_similarity
        async with self.db.read() as session:
            rows = list(await session.scalars(select(InterventionPatternModel)))
        results = []
        for row in rows:
            pattern = InterventionPattern.from_row(row)
            similarity = signature.similarity_score(pattern.context_signature)
            if similarity < threshold:
                continue
            auto = (
                pattern.auto_apply
                and pattern.confidence
                >= max(self.auto_apply_threshold, pattern.min_confidence_for_auto)
                and similarity >= AUTO_APPLY_MIN_SIMILARITY
            )
            results.append(
                MatchResult(
                    pattern, similarity, auto, pattern.recommended_action, pattern.rationale
                )
            )
        results.sort(key=lambda match: match.similarity, reverse=True)
        return results

    find_matching_patterns = blocking(find_matching_patterns_async)

    async def get_recommendation_async(self, signature: ContextSignature) -> MatchResult | None:
        """The most similar matching pattern, if any."""
        matches = await self.find_matching_patterns_async(signature)
        return matches[0] if matches else None

    get_recommendation = blocking(get_recommendation_async)

    async def should_auto_apply_async(self, signature: ContextSignature) -> MatchResult | None:
        """The first match trusted enough to apply without asking, if any."""
        for match in await self.find_matching_patterns_async(signature):
            if match.should_auto_apply:
                return match
        return None

    should_auto_apply = blocking(should_auto_apply_async)

    # -- reading -----------------------------------------------------------------------------

    async def get_interventions_async(
        self,
        session_id: int | None = None,
        intervention_type: InterventionType | str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Intervention]:
        """Interventions newest first, optionally filtered (keyset paging on the row id)."""
        query = select(InterventionModel)
        if session_id is not None:
            query = query.where(InterventionModel.session_id == session_id)
        if intervention_type is not None:
            query = query.where(
                InterventionModel.intervention_type == InterventionType(intervention_type).value
            )
        if before_id is not None:
            query = query.where(InterventionModel.id < before_id)
        query = query.order_by(InterventionModel.id.desc()).limit(limit)
        async with self.db.read() as session:
            return [Intervention.from_row(row) for row in await session.scalars(query)]

    get_interventions = blocking(get_interventions_async)

    async def get_intervention_async(self, intervention_id: str) -> Intervention:
        """One intervention by id (NotFound when missing)."""
        async with self.db.read() as session:
            row = await session.scalar(
                select(InterventionModel).where(
                    InterventionModel.intervention_id == intervention_id
                )
            )
            if row is None:
                raise NotFound(f"no intervention {intervention_id!r}")
            return Intervention.from_row(row)

    get_intervention = blocking(get_intervention_async)

    async def get_patterns_async(
        self, auto_apply_only: bool = False, min_confidence: float | None = None
    ) -> list[InterventionPattern]:
        """Learned patterns in creation order, optionally only auto-apply or confident ones."""
        query = select(InterventionPatternModel).order_by(InterventionPatternModel.id)
        if auto_apply_only:
            query = query.where(InterventionPatternModel.auto_apply.is_(True))
        if min_confidence is not None:
            query = query.where(InterventionPatternModel.confidence >= min_confidence)
        async with self.db.read() as session:
            return [InterventionPattern.from_row(row) for row in await session.scalars(query)]

    get_patterns = blocking(get_patterns_async)

    async def get_pattern_async(self, pattern_id: str) -> InterventionPattern:
        """One learned pattern by id (NotFound when missing)."""
        async with self.db.read() as session:
            return InterventionPattern.from_row(await pattern_row(session, pattern_id))

    get_pattern = blocking(get_pattern_async)

    async def get_learning_stats_async(self) -> dict[str, Any]:
        """Totals over all interventions and patterns, computed with SQL aggregates."""
        model, patterns = InterventionModel, InterventionPatternModel
        async with self.db.read() as session:
            total, tracked, successful = (
                await session.execute(
                    select(
                        func.count(),
                        count_true(model.outcome_tracked),
                        count_true(model.outcome_tracked & model.outcome_success.is_(True)),
                    ).select_from(model)
                )
            ).one()
            by_type = dict(
                (
                    await session.execute(
                        select(model.intervention_type, func.count()).group_by(
                            model.intervention_type
                        )
                    )
                ).all()
            )
            pattern_total, auto, average = (
                await session.execute(
                    select(
                        func.count(),
                        count_true(patterns.auto_apply),
                        func.coalesce(func.avg(patterns.confidence), 0.0),
                    ).select_from(patterns)
                )
            ).one()
        return {
            "total_interventions": int(total),
            "by_type": {kind: int(count) for kind, count in by_type.items()},
            "outcomes_tracked": int(tracked),
            "successful_outcomes": int(successful),
            "outcome_success_rate": successful / tracked if tracked else 0.0,
            "total_patterns": int(pattern_total),
            "auto_apply_patterns": int(auto),
            "avg_pattern_confidence": float(average),
        }

    get_learning_stats = blocking(get_learning_stats_async)

    async def reset_learning_async(self) -> int:
        """Forget every learned pattern (returns how many); interventions are kept as history."""
        async with self.db.transaction() as session:
            result = await session.execute(delete(InterventionPatternModel))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    reset_learning = blocking(reset_learning_async)

    @staticmethod
    def format_pattern(pattern: InterventionPattern) -> str:
        """A multi-line description of a learned pattern."""
        signature = pattern.context_signature
        lines = [
            f"Pattern {pattern.pattern_id}",
            f"  Recommendation: {pattern.recommended_action}",
            f"  Rationale: {pattern.rationale or '(none)'}",
            f"  Confidence: {pattern.confidence:.0%}",
            f"  Times applied: {pattern.times_applied}",
            f"  Success rate: {pattern.confidence:.0%}",
            f"  Auto-apply: {'Yes' if pattern.auto_apply else 'No'}",
        ]
        if signature.tool:
            lines.append(f"  Tool: {signature.tool}")
        if signature.trigger_type:
            lines.append(f"  Trigger: {signature.trigger_type}")
        if signature.error_pattern:
            lines.append(f"  Error: {signature.error_pattern}")
        return "\n".join(lines)
