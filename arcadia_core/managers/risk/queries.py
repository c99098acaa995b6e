"""Risk reads and writes: patterns merged with the built-ins, assessment filters and rows, and
what else was recorded about the action an assessment describes.

An agent assesses a tool call's risk, then checks it against its autonomy level, and may ask
the supervisor about it: three rows in three tables with no shared key. They are linked by
what they have in common: the session, the tool, and a time at or shortly after the
assessment (the autonomy decision), plus the assessed input for a question whose context
names it (`tool` and `input` keys, as an agent built on `arcadia_core` writes them). Every
query is bounded by the session index and a time window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.risk.records import (
    AssessmentLinks,
    AssessmentRecord,
    LinkedDecision,
    LinkedPoint,
    PatternInfo,
    RiskAssessment,
    RiskLevel,
    RiskPattern,
)
from arcadia_core.managers.risk.rules import DEFAULT_RISK_PATTERNS
from arcadia_core.managers.sql import QueryT
from arcadia_core.models import (
    AutonomyDecisionModel,
    InjectionPointModel,
    RiskAssessmentModel,
    RiskPatternModel,
)

LINK_WINDOW = timedelta(minutes=2)
"""How long after an assessment its decision or question may be recorded."""
MAX_DISTINCT = 200
"""Most values a filter choice lists."""


async def decision_for(session: AsyncSession, record: AssessmentRecord) -> LinkedDecision | None:
    """The first decision on the same tool in the same session within the window after it."""
    model = AutonomyDecisionModel
    row = await session.scalar(
        select(model)
        .where(
            model.session_id == record.session_id,
            model.tool == record.tool,
            model.timestamp >= record.timestamp,
            model.timestamp <= record.timestamp + LINK_WINDOW,
        )
        .order_by(model.timestamp, model.id)
        .limit(1)
    )
    if row is None:
        return None
    return LinkedDecision(
        decision_id=row.id,
        timestamp=row.timestamp,
        allowed=bool(row.allowed),
        required_level=int(row.required_level),
        current_level=int(row.current_level),
        effective_level=int(row.effective_level),
        reason=row.reason,
        alternatives=tuple(str(item) for item in row.alternatives or ()),
        confidence=row.confidence,
    )


async def point_for(session: AsyncSession, record: AssessmentRecord) -> LinkedPoint | None:
    """The first question in the same session within the window whose context names the
    assessed tool and input."""
    model = InjectionPointModel
    row = await session.scalar(
        select(model)
        .where(
            model.session_id == record.session_id,
            model.timestamp >= record.timestamp,
            model.timestamp <= record.timestamp + LINK_WINDOW,
            model.context["tool"].as_string() == record.tool,
            model.context["input"].as_string() == record.input_summary,
        )
        .order_by(model.id)
        .limit(1)
    )
    if row is None:
        return None
    return LinkedPoint(
        point_id=row.point_id,
        timestamp=row.timestamp,
        point_type=row.point_type,
        severity=int(row.severity),
        status=row.status,
        message=row.message,
        response=row.response,
        responded_by=row.responded_by,
    )


async def assessment_links(db: Database, assessment_id: int) -> AssessmentLinks:
    """One assessment with what was recorded about the same action (NotFound when missing)."""
    async with db.read() as session:
        row = await session.get(RiskAssessmentModel, assessment_id)
        if row is None:
            raise NotFound(f"no risk assessment {assessment_id}")
        record = AssessmentRecord.from_row(row)
        return AssessmentLinks(
            record, await decision_for(session, record), await point_for(session, record)
        )


async def assessed_tools(db: Database, limit: int = MAX_DISTINCT) -> list[str]:
    """The tools that have assessments, by name (read from the tool index)."""
    column = RiskAssessmentModel.tool
    async with db.read() as session:
        return list(await session.scalars(select(column).distinct().order_by(column).limit(limit)))


async def assessed_sessions(db: Database, limit: int = MAX_DISTINCT) -> list[int]:
    """The sessions that have assessments, newest first (read from the session index)."""
    column = RiskAssessmentModel.session_id
    async with db.read() as session:
        query = select(column).distinct().order_by(column.desc()).limit(limit)
        return [int(value) for value in await session.scalars(query)]


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


def pattern_from_row(row: RiskPatternModel) -> RiskPattern:
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
            infos.append(PatternInfo(pattern_from_row(row), True, True, row.is_enabled))
        else:
            infos.append(PatternInfo(builtin, True, False, row.is_enabled))
    for row in rows.values():
        infos.append(PatternInfo(pattern_from_row(row), False, True, row.is_enabled))
    return infos


def assessment_row(
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
