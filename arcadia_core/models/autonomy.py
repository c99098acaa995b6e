"""Autonomy tables: configuration, performance metrics and permission decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base
from arcadia_core.db.types import RealFloat


class AutonomyConfigModel(Base):
    """Autonomy configuration (single row, id 1)."""

    __tablename__ = "autonomy_config"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    level: Mapped[int] = mapped_column(default=3)
    action_levels: Mapped[dict[str, int]] = mapped_column(default=dict)
    confidence_threshold: Mapped[float] = mapped_column(RealFloat(), default=0.5)
    error_demotion_count: Mapped[int] = mapped_column(default=3)
    success_promotion_count: Mapped[int] = mapped_column(default=10)
    auto_adjust: Mapped[bool] = mapped_column(default=True)
    min_level: Mapped[int] = mapped_column(default=1)
    max_level: Mapped[int] = mapped_column(default=4)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class AutonomyMetricsModel(Base):
    """Autonomy performance counters (single row, id 1)."""

    __tablename__ = "autonomy_metrics"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    consecutive_successes: Mapped[int] = mapped_column(default=0)
    consecutive_errors: Mapped[int] = mapped_column(default=0)
    total_actions: Mapped[int] = mapped_column(default=0)
    total_errors: Mapped[int] = mapped_column(default=0)
    recent_outcomes: Mapped[list[bool]] = mapped_column(default=list)
    level_changes: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class AutonomyDecisionModel(Base):
    """One autonomy permission check and its result."""

    __tablename__ = "autonomy_decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    timestamp: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    session_id: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(255))
    tool: Mapped[str] = mapped_column(String(50), index=True)
    allowed: Mapped[bool] = mapped_column(index=True)
    required_level: Mapped[int]
    current_level: Mapped[int]
    effective_level: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[list[str]] = mapped_column(default=list)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    requires_checkpoint: Mapped[bool] = mapped_column(default=False)
    confidence: Mapped[float | None] = mapped_column(RealFloat())
