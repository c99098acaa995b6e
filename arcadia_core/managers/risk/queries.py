"""What else was recorded about the action a risk assessment describes.

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

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.risk.records import AssessmentRecord
from arcadia_core.models import AutonomyDecisionModel, InjectionPointModel, RiskAssessmentModel

LINK_WINDOW = timedelta(minutes=2)
"""How long after an assessment its decision or question may be recorded."""
MAX_DISTINCT = 200
"""Most values a filter choice lists."""


@dataclass(frozen=True, slots=True)
class LinkedDecision:
    """The autonomy check of the assessed action."""

    decision_id: int
    timestamp: datetime
    allowed: bool
    required_level: int
    current_level: int
    effective_level: int
    reason: str
    alternatives: tuple[str, ...]
    confidence: float | None


@dataclass(frozen=True, slots=True)
class LinkedPoint:
    """The question the agent asked about the assessed action."""

    point_id: str
    timestamp: datetime
    point_type: str
    severity: int
    status: str
    message: str | None
    response: str | None
    responded_by: str


@dataclass(frozen=True, slots=True)
class AssessmentLinks:
    """An assessment with its autonomy decision and question, when there are any."""

    assessment: AssessmentRecord
    decision: LinkedDecision | None
    point: LinkedPoint | None


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
