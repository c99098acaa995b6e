"""Risk classification of agent actions, logged to `risk_assessments`.

Patterns: the 13 built-ins live in code (`DEFAULT_RISK_PATTERNS`) and are not stored. A
`risk_patterns` row with `is_custom` True is a custom pattern; if its id is a built-in's, it
replaces that built-in in place. A row with `is_custom` False is only a switch for the built-in
of the same id (its `is_enabled` is honoured, its definition always comes from code). Patterns
are re-read on every assessment, so a supervisor's change applies to the agent's next call.

API convention: ArcadiaForge's synchronous methods (`assess`, `add_pattern`,
`get_assessment_history`, ...) do their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, true

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.risk.queries import AssessmentFilter, assessment_row, list_pattern_infos
from arcadia_core.managers.risk.records import (
    AssessmentRecord,
    PatternInfo,
    RiskAssessment,
    RiskLevel,
    RiskPattern,
)
from arcadia_core.managers.risk.rules import (
    BUILTIN_PATTERN_IDS,
    builtin_pattern,
    classify,
    validate_pattern,
)
from arcadia_core.managers.sql import count_true
from arcadia_core.models import RiskAssessmentModel, RiskPatternModel
from arcadia_core.sync import blocking

CustomRule = Callable[[dict[str, Any]], RiskAssessment]


class RiskClassifier:
    """Assess tool calls against the risk patterns and log every assessment."""

    def __init__(
        self,
        db: Database,
        project_dir: Path | str | None = None,
        session_id: int = 0,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.project_dir = Path(project_dir) if project_dir is not None else None
        self.session_id = session_id
        self.clock = clock
        self.custom_rules: dict[str, CustomRule] = {}

    def update_session_id(self, session_id: int) -> None:
        """Log later assessments under `session_id`."""
        self.session_id = session_id

    def register_rule(self, tool: str, rule: CustomRule) -> None:
        """Assess `tool` with `rule(input)` instead of the patterns (this process only)."""
        self.custom_rules[tool] = rule

    # -- assessing ---------------------------------------------------------------------------

    async def assess_async(
        self, tool: str, action_input: dict[str, Any] | None = None
    ) -> RiskAssessment:
        """Assess one tool call, log it to `risk_assessments` and return the assessment."""
        action_input = dict(action_input or {})
        now = self.clock()
        async with self.db.transaction() as session:
            rule = self.custom_rules.get(tool)
            if rule is not None:
                assessment = rule(action_input)
            else:
                patterns = [
                    info.pattern for info in await list_pattern_infos(session) if info.is_enabled
                ]
                assessment = classify(tool, action_input, patterns, now)
            row = assessment_row(assessment, self.session_id, now)
            session.add(row)
            await session.flush()
            assessment.assessment_id = row.id
        return assessment

    assess = blocking(assess_async)

    # -- patterns ----------------------------------------------------------------------------

    async def add_pattern_async(self, pattern: RiskPattern) -> None:
        """Store a custom pattern (validated); an existing id, built-in or custom, is replaced."""
        validate_pattern(pattern)
        values = pattern.to_dict()
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(RiskPatternModel).where(RiskPatternModel.pattern_id == pattern.pattern_id)
            )
            if row is None:
                row = RiskPatternModel(created_at=self.clock(), **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            row.is_custom = True
            row.is_enabled = True

    add_pattern = blocking(add_pattern_async)

    async def set_pattern_enabled_async(self, pattern_id: str, enabled: bool) -> None:
        """Turn a built-in or custom pattern on or off (persisted)."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(RiskPatternModel).where(RiskPatternModel.pattern_id == pattern_id)
            )
            if row is None:
                builtin = builtin_pattern(pattern_id)
                row = RiskPatternModel(created_at=self.clock(), **builtin.to_dict())
                row.is_custom = False
                session.add(row)
            row.is_enabled = enabled

    set_pattern_enabled = blocking(set_pattern_enabled_async)

    async def disable_pattern_async(self, pattern_id: str) -> None:
        """Stop applying a pattern without deleting it."""
        await self.set_pattern_enabled_async(pattern_id, False)

    disable_pattern = blocking(disable_pattern_async)

    async def enable_pattern_async(self, pattern_id: str) -> None:
        """Apply a disabled pattern again."""
        await self.set_pattern_enabled_async(pattern_id, True)

    enable_pattern = blocking(enable_pattern_async)

    async def remove_pattern_async(self, pattern_id: str) -> None:
        """Delete a custom pattern (a removed override restores the built-in)."""
        async with self.db.transaction() as session:
            result = await session.execute(
                delete(RiskPatternModel).where(
                    RiskPatternModel.pattern_id == pattern_id, RiskPatternModel.is_custom.is_(True)
                )
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                if pattern_id in BUILTIN_PATTERN_IDS:
                    raise InvalidInput(
                        f"{pattern_id} is a built-in pattern; disable it instead of removing it"
                    )
                raise NotFound(f"no custom risk pattern {pattern_id!r}")

    remove_pattern = blocking(remove_pattern_async)

    async def list_patterns_async(self) -> list[PatternInfo]:
        """Every pattern (enabled or not) in evaluation order, with its origin."""
        async with self.db.read() as session:
            return await list_pattern_infos(session)

    list_patterns = blocking(list_patterns_async)

    async def get_patterns_async(self) -> list[RiskPattern]:
        """The enabled patterns, in evaluation order."""
        return [info.pattern for info in await self.list_patterns_async() if info.is_enabled]

    get_patterns = blocking(get_patterns_async)

    # -- history and summaries ---------------------------------------------------------------

    async def list_assessments_async(
        self,
        filters: AssessmentFilter | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        before_id: int | None = None,
    ) -> list[AssessmentRecord]:
        """One page of assessments, newest first (keyset with `before_id`, or `offset`)."""
        query = (filters or AssessmentFilter()).apply(select(RiskAssessmentModel))
        if before_id is not None:
            query = query.where(RiskAssessmentModel.id < before_id)
        query = query.order_by(RiskAssessmentModel.id.desc()).limit(limit).offset(offset)
        async with self.db.read() as session:
            return [AssessmentRecord.from_row(row) for row in await session.scalars(query)]

    list_assessments = blocking(list_assessments_async)

    async def count_assessments_async(self, filters: AssessmentFilter | None = None) -> int:
        """How many assessments match `filters`."""
        query = (filters or AssessmentFilter()).apply(
            select(func.count()).select_from(RiskAssessmentModel)
        )
        async with self.db.read() as session:
            return int(await session.scalar(query) or 0)

    count_assessments = blocking(count_assessments_async)

    async def get_assessment_async(self, assessment_id: int) -> AssessmentRecord:
        """One assessment by id (NotFound when missing)."""
        async with self.db.read() as session:
            row = await session.get(RiskAssessmentModel, assessment_id)
            if row is None:
                raise NotFound(f"no risk assessment {assessment_id}")
            return AssessmentRecord.from_row(row)

    get_assessment = blocking(get_assessment_async)

    async def get_assessment_history_async(
        self,
        limit: int = 50,
        min_level: RiskLevel | int | None = None,
        tool: str | None = None,
        session_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """The latest `limit` matching assessments as dicts, in chronological order."""
        filters = AssessmentFilter(
            session_id=session_id,
            tool=tool,
            min_level=int(min_level) if min_level is not None else None,
        )
        records = await self.list_assessments_async(filters, limit=limit)
        return [record.to_dict() for record in reversed(records)]

    get_assessment_history = blocking(get_assessment_history_async)

    async def get_high_risk_summary_async(self, session_id: int | None = None) -> dict[str, Any]:
        """Aggregates over assessments at HIGH or above: counts by tool, flags, concerns."""
        filters = AssessmentFilter(session_id=session_id, min_level=int(RiskLevel.HIGH))
        model = RiskAssessmentModel
        async with self.db.read() as session:
            total, approvals, checkpoints = (
                await session.execute(
                    filters.apply(
                        select(
                            func.count(),
                            count_true(model.requires_approval),
                            count_true(model.requires_checkpoint),
                        ).select_from(model)
                    )
                )
            ).one()
            by_tool = (
                await session.execute(
                    filters.apply(select(model.tool, func.count()).group_by(model.tool))
                )
            ).all()
            concern = func.json_each(model.concerns).table_valued("value")
            concerns = await session.scalars(
                filters.apply(select(concern.c.value).select_from(model).join(concern, true()))
                .group_by(concern.c.value)
                .order_by(func.min(model.id))
                .limit(10)
            )
            concern_list = list(concerns)
        return {
            "total_high_risk": int(total),
            "by_tool": {name: int(count) for name, count in by_tool},
            "approvals_required": int(approvals),
            "checkpoints_required": int(checkpoints),
            "concerns": concern_list,
        }

    get_high_risk_summary = blocking(get_high_risk_summary_async)

    async def get_stats_async(self, session_id: int | None = None) -> dict[str, Any]:
        """Assessment counts (total, per level, approvals, checkpoints, reviews) via SQL."""
        filters = AssessmentFilter(session_id=session_id)
        model = RiskAssessmentModel
        async with self.db.read() as session:
            total, approvals, checkpoints, reviews = (
                await session.execute(
                    filters.apply(
                        select(
                            func.count(),
                            count_true(model.requires_approval),
                            count_true(model.requires_checkpoint),
                            count_true(model.requires_review),
                        ).select_from(model)
                    )
                )
            ).one()
            level_rows = await session.execute(
                filters.apply(select(model.risk_level, func.count()).group_by(model.risk_level))
            )
            levels: dict[int, int] = {int(level): int(count) for level, count in level_rows.all()}
        return {
            "total_assessments": int(total),
            "by_level": {level.name: int(levels.get(int(level), 0)) for level in RiskLevel},
            "approvals_required": int(approvals),
            "checkpoints_required": int(checkpoints),
            "reviews_required": int(reviews),
        }

    get_stats = blocking(get_stats_async)

    @staticmethod
    def format_assessment(assessment: RiskAssessment) -> str:
        """A multi-line human description of one assessment."""
        return format_assessment(assessment)


def format_assessment(assessment: RiskAssessment | AssessmentRecord) -> str:
    """Title, level, reversibility, side effects, concerns, gates and the suggestion."""
    level = RiskLevel(int(assessment.risk_level))
    lines = [
        f"Risk Assessment: {assessment.action}",
        f"  Tool: {assessment.tool}",
        f"  Risk Level: {level.name} ({int(level)}/5)",
        f"  Reversible: {'Yes' if assessment.is_reversible else 'NO'}",
    ]
    if assessment.affects_source_of_truth:
        lines.append("  Affects source of truth: YES")
    if assessment.has_external_side_effects:
        lines.append("  External side effects: YES")
    if assessment.concerns:
        lines.append("  Concerns:")
        lines.extend(f"    - {concern}" for concern in assessment.concerns)
    if assessment.requires_approval:
        lines.append("  ** REQUIRES APPROVAL **")
    if assessment.requires_checkpoint:
        lines.append("  ** REQUIRES CHECKPOINT **")
    if assessment.suggested_mitigation:
        lines.append(f"  Suggestion: {assessment.suggested_mitigation}")
    return "\n".join(lines)
