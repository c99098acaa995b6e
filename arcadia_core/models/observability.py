"""Observability tables: agent sessions and their event stream."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now
from arcadia_core.db.types import RealFloat


def _new_uuid() -> str:
    return str(uuid.uuid4())


class SessionModel(Base):
    """One execution session of the agent."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_uuid: Mapped[str] = mapped_column(String(36), default=_new_uuid)
    start_time: Mapped[datetime] = created_now()
    end_time: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    # ArcadiaForge declares this INTEGER (a bug); costs are fractional, so ours is FLOAT.
    total_cost: Mapped[float] = mapped_column(RealFloat(), default=0.0)


class EventModel(Base):
    """One event (tool use, result, log, error) within a session."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # The three indexes are Arcadia's (revision 0002): every event query filters on them.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    timestamp: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    type: Mapped[str] = mapped_column(String(50), index=True)
    source: Mapped[str] = mapped_column(String(50), default="system")
    payload: Mapped[dict[str, Any]]
