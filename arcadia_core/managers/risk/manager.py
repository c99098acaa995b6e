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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, cast, delete, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.observability.queries import QueryT
from arcadia_core.managers.risk.bash import assess_bash_risk
from arcadia_core.managers.risk.records import AssessmentRecord, RiskAssessment, summarize_action
from arcadia_core.managers.risk.rules import (
    BUILTIN_PATTERN_IDS,
    DEFAULT_RISK_PATTERNS,
    DEFAULT_TOOL_RISKS,
    RiskLevel,
    RiskPattern,
    match_pattern,
    validate_pattern,
)
from arcadia_core.models import RiskAssessmentModel, RiskPatternModel
from arcadia_core.sync import blocking

__all__ = [
    "DEFAULT_RISK_PATTERNS",
    "DEFAULT_TOOL_RISKS",
    "AssessmentRecord",
    "PatternInfo",
    "RiskAssessment",
    "RiskClassifier",
    "RiskLevel",
    "RiskPattern",
    "assess_bash_risk",
    "format_assessment",
]

REVERSIBLE_TOOLS = frozenset(
    {"Read", "Glob", "Grep", "WebFetch", "puppeteer_screenshot", "feature_list", "feature_focus"}
    | {"Write", "Edit", "MultiEdit"}  # file edits in a version-controlled tree can be undone
)
SOURCE_OF_TRUTH_TOOLS = frozenset({"feature_mark", "feature_skip", "feature_add"})
EXTERNAL_TOOLS = frozenset({"Bash", "WebFetch", "puppeteer_navigate"})

CustomRule = Callable[[dict[str, Any]], RiskAssessment]


@dataclass(frozen=True, slots=True)
class PatternInfo:
    """A pattern as the supervisor sees it: where it comes from and whether it is on."""

    pattern: RiskPattern
    is_builtin: bool
    is_custom: bool
    is_enabled: bool


@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    """Filters over `risk_assessments`, all applied in SQL."""

    session_id: int | None = None
    tool: str | None = None
    risk_level: int | None = None
    min_level: int | None = None
    requires_approval: bool | None = None
    requires_checkpoint: bool | None = None
    requires_review: bool | None = None
    search: str | None = None

    def apply(self, query: QueryT) -> QueryT:
        model = RiskAssessmentModel
        for column, value in (
            (model.session_id, self.session_id),
            (model.tool, self.tool),
            (model.risk_level, self.risk_level),
            (model.requires_approval, self.requires_approval),
            (model.requires_checkpoint, self.requires_checkpoint),
            (model.requires_review, self.requires_review),
        ):
            if value is not None:
                query = query.where(column == value)
        if self.min_level is not None:
            query = query.where(model.risk_level >= int(self.min_level))
        if self.search:
            term = self.search.strip()
            query = query.where(
                model.action.contains(term, autoescape=True)
                | model.input_summary.contains(term, autoescape=True)
                | model.tool.contains(term, autoescape=True)
                | func.coalesce(model.suggested_mitigation, "").contains(term, autoescape=True)
                | func.json(model.concerns).contains(term, autoescape=True)
            )
        return query


def count_true(column: Any) -> Any:
    """SUM over a boolean column as an integer (a plain SUM would be typed, and read, as bool)."""
    return func.coalesce(func.sum(cast(column, Integer)), 0)


def _pattern_from_row(row: RiskPatternModel) -> RiskPattern:
    return RiskPattern(
        pattern_id=row.pattern_id,
        description=row.description,
        risk_level=RiskLevel(min(5, max(1, int(row.risk_level)))),
        tool=row.tool,
        input_pattern=row.input_pattern,
        input_field=row.input_field,
        is_reversible=row.is_reversible,
        affects_source_of_truth=row.affects_source_of_truth,
        has_external_side_effects=row.has_external_side_effects,
        requires_approval=row.requires_approval,
        requires_checkpoint=row.requires_checkpoint,
        mitigation=row.mitigation,
    )


async def list_pattern_infos(session: AsyncSession) -> list[PatternInfo]:
    """Every pattern in evaluation order: built-ins (or their overrides), then custom ones."""
    rows = {
        row.pattern_id: row
        for row in await session.scalars(select(RiskPatternModel).order_by(RiskPatternModel.id))
    }
    infos: list[PatternInfo] = []
    for builtin in DEFAULT_RISK_PATTERNS:
        row = rows.pop(builtin.pattern_id, None)
        if row is None:
            infos.append(PatternInfo(builtin, True, False, True))
        elif row.is_custom:
            infos.append(PatternInfo(_pattern_from_row(row), True, True, row.is_enabled))
        else:
            infos.append(PatternInfo(builtin, True, False, row.is_enabled))
    for row in rows.values():
        infos.append(PatternInfo(_pattern_from_row(row), False, True, row.is_enabled))
    return infos


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
            row = _assessment_row(assessment, self.session_id, now)
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
                builtin = _builtin(pattern_id)
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


def _builtin(pattern_id: str) -> RiskPattern:
    for pattern in DEFAULT_RISK_PATTERNS:
        if pattern.pattern_id == pattern_id:
            return pattern
    raise NotFound(f"no risk pattern {pattern_id!r}")


def classify(
    tool: str, action_input: dict[str, Any], patterns: list[RiskPattern], now: datetime
) -> RiskAssessment:
    """The aggregate of every matching pattern, or the tool's default assessment."""
    matched: list[tuple[RiskPattern, str]] = []
    for pattern in patterns:
        concern = match_pattern(pattern, tool, action_input)
        if concern is not None:
            matched.append((pattern, concern))
    action, summary = summarize_action(tool, action_input)
    if matched:
        level = max(pattern.risk_level for pattern, _ in matched)
        return RiskAssessment(
            action=action,
            tool=tool,
            input_summary=summary,
            risk_level=RiskLevel(level),
            is_reversible=all(pattern.is_reversible for pattern, _ in matched),
            affects_source_of_truth=any(p.affects_source_of_truth for p, _ in matched),
            has_external_side_effects=any(p.has_external_side_effects for p, _ in matched),
            concerns=[concern for _, concern in matched],
            requires_approval=any(pattern.requires_approval for pattern, _ in matched),
            requires_checkpoint=any(pattern.requires_checkpoint for pattern, _ in matched),
            requires_review=level >= RiskLevel.HIGH,
            suggested_mitigation=next((p.mitigation for p, _ in matched if p.mitigation), None),
            timestamp=now.isoformat(),
        )
    level = DEFAULT_TOOL_RISKS.get(tool, RiskLevel.MODERATE)
    return RiskAssessment(
        action=action,
        tool=tool,
        input_summary=summary,
        risk_level=level,
        is_reversible=tool in REVERSIBLE_TOOLS,
        affects_source_of_truth=tool in SOURCE_OF_TRUTH_TOOLS,
        has_external_side_effects=tool in EXTERNAL_TOOLS,
        requires_approval=level >= RiskLevel.HIGH,
        requires_checkpoint=level >= RiskLevel.MODERATE,
        requires_review=level >= RiskLevel.HIGH,
        timestamp=now.isoformat(),
    )


def _assessment_row(
    assessment: RiskAssessment, session_id: int, now: datetime
) -> RiskAssessmentModel:
    return RiskAssessmentModel(
        timestamp=now,
        session_id=session_id,
        action=assessment.action[:255],
        tool=assessment.tool[:50],
        input_summary=assessment.input_summary,
        risk_level=int(assessment.risk_level),
        is_reversible=assessment.is_reversible,
        affects_source_of_truth=assessment.affects_source_of_truth,
        has_external_side_effects=assessment.has_external_side_effects,
        concerns=list(assessment.concerns),
        requires_approval=assessment.requires_approval,
        requires_checkpoint=assessment.requires_checkpoint,
        requires_review=assessment.requires_review,
        suggested_mitigation=assessment.suggested_mitigation,
    )


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
