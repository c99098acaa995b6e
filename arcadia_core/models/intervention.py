"""Intervention-learning tables: recorded human interventions and learned patterns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now
from arcadia_core.db.types import RealFloat


class InterventionModel(Base):
    """One human intervention, with its context signature and outcome."""

    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    intervention_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    session_id: Mapped[int] = mapped_column(index=True)
    timestamp: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    intervention_type: Mapped[str] = mapped_column(String(50), index=True)
    context_signature: Mapped[dict[str, Any]]
    context_details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    original_action: Mapped[str | None] = mapped_column(Text)
    original_rationale: Mapped[str | None] = mapped_column(Text)
    human_action: Mapped[str] = mapped_column(Text, default="")
    human_rationale: Mapped[str | None] = mapped_column(Text)
    outcome_tracked: Mapped[bool] = mapped_column(default=False)
    outcome_success: Mapped[bool | None]
    outcome_notes: Mapped[str | None] = mapped_column(Text)


class InterventionPatternModel(Base):
    """A pattern learned from interventions sharing a context signature."""

    __tablename__ = "intervention_patterns"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    pattern_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    context_signature: Mapped[dict[str, Any]]
    times_matched: Mapped[int] = mapped_column(default=0)
    times_applied: Mapped[int] = mapped_column(default=0)
    success_count: Mapped[int] = mapped_column(default=0)
    failure_count: Mapped[int] = mapped_column(default=0)
    recommended_action: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    auto_apply: Mapped[bool] = mapped_column(default=False)
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.0)
    min_confidence_for_auto: Mapped[float] = mapped_column(RealFloat(), default=0.8)
    source_intervention_ids: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = created_now()
    last_matched: Mapped[datetime | None]
