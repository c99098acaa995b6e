"""Failure analysis table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base
from arcadia_core.db.types import RealFloat


class FailureReportModel(Base):
    """A failure analysis report for one session."""

    __tablename__ = "failure_reports"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(index=True)
    generated_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    failure_type: Mapped[str] = mapped_column(String(50), index=True)
    severity: Mapped[int]
    last_successful_action: Mapped[str] = mapped_column(Text, default="")
    failing_action: Mapped[str] = mapped_column(Text, default="")
    error_messages: Mapped[list[str]] = mapped_column(default=list)
    likely_cause: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.0)
    patterns_detected: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    similar_past_failures: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    suggested_fixes: Mapped[list[str]] = mapped_column(default=list)
    failure_timeline: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    error_count: Mapped[int] = mapped_column(default=0)
    tool_failures: Mapped[int] = mapped_column(default=0)
    blocked_actions: Mapped[int] = mapped_column(default=0)
