"""Risk tables: classification patterns and the assessment log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now


class RiskPatternModel(Base):
    """A risk classification pattern (tool + input regex -> risk level)."""

    __tablename__ = "risk_patterns"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    pattern_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    description: Mapped[str] = mapped_column(Text)
    tool: Mapped[str | None] = mapped_column(String(50))
    input_pattern: Mapped[str | None] = mapped_column(String(255))
    input_field: Mapped[str | None] = mapped_column(String(50))
    risk_level: Mapped[int]
    is_reversible: Mapped[bool] = mapped_column(default=True)
    affects_source_of_truth: Mapped[bool] = mapped_column(default=False)
    has_external_side_effects: Mapped[bool] = mapped_column(default=False)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requires_checkpoint: Mapped[bool] = mapped_column(default=False)
    mitigation: Mapped[str | None] = mapped_column(Text)
    is_custom: Mapped[bool] = mapped_column(default=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_now()


class RiskAssessmentModel(Base):
    """One risk assessment of a proposed action."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    timestamp: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    session_id: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(255))
    tool: Mapped[str] = mapped_column(String(50), index=True)
    input_summary: Mapped[str] = mapped_column(Text)
    risk_level: Mapped[int] = mapped_column(index=True)
    is_reversible: Mapped[bool]
    affects_source_of_truth: Mapped[bool]
    has_external_side_effects: Mapped[bool]
    concerns: Mapped[list[str]] = mapped_column(default=list)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requires_checkpoint: Mapped[bool] = mapped_column(default=False)
    requires_review: Mapped[bool] = mapped_column(default=False)
    suggested_mitigation: Mapped[str | None] = mapped_column(Text)
