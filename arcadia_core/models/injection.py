"""Human injection points: requests for human input and their responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now
from arcadia_core.vocabulary import PointStatus, RespondedBy


class InjectionPointModel(Base):
    """A request for human input (pending / responded / timeout / cancelled)."""

    __tablename__ = "injection_points"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    point_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    timestamp: Mapped[datetime] = created_now()
    session_id: Mapped[int] = mapped_column(index=True)
    point_type: Mapped[str] = mapped_column(String(50))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[list[str]] = mapped_column(default=list)
    recommendation: Mapped[str] = mapped_column(Text)
    timeout_seconds: Mapped[int] = mapped_column(default=300)
    default_on_timeout: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by: Mapped[str] = mapped_column(String(50), default=RespondedBy.PENDING.value)
    status: Mapped[str] = mapped_column(String(20), default=PointStatus.PENDING.value, index=True)
    escalation_rule_id: Mapped[str | None] = mapped_column(String(50))
    message: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[int] = mapped_column(default=3)
