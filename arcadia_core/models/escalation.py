"""Escalation tables: rules and the log of triggered escalations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now


class EscalationRuleModel(Base):
    """An escalation rule (condition, severity, message, behaviour)."""

    __tablename__ = "escalation_rules"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    condition_type: Mapped[str] = mapped_column(String(50))
    condition_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    severity: Mapped[int] = mapped_column(default=3)
    injection_type: Mapped[str] = mapped_column(String(50))
    message_template: Mapped[str] = mapped_column(Text)
    suggested_actions: Mapped[list[str]] = mapped_column(default=list)
    auto_pause: Mapped[bool] = mapped_column(default=False)
    timeout_seconds: Mapped[int] = mapped_column(default=300)
    default_action: Mapped[str | None] = mapped_column(String(100))
    is_custom: Mapped[bool] = mapped_column(default=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_now()
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class EscalationLogModel(Base):
    """One triggered escalation."""

    __tablename__ = "escalation_logs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    timestamp: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    session_id: Mapped[int] = mapped_column(index=True)
    rule_id: Mapped[str] = mapped_column(String(50), index=True)
    severity: Mapped[int]
    message: Mapped[str] = mapped_column(Text)
    context_summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
