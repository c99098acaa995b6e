"""Agent sessions: an external agent's own session (Claude Code, Codex, ...) and its state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now


class AgentSessionModel(Base):
    """Which Arcadia session an agent's own session id maps to, and what it is doing now.

    Arcadia's table (revision 0003); ArcadiaForge has none. `state` is `running`,
    `waiting_for_terminal` (the agent waits for a person at its own terminal: an idle or
    permission prompt) or `ended`.
    """

    __tablename__ = "agent_sessions"
    __table_args__ = (UniqueConstraint("agent_kind", "agent_session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), unique=True, index=True)
    agent_kind: Mapped[str] = mapped_column(String(30))
    agent_session_id: Mapped[str] = mapped_column(String(255))
    cwd: Mapped[str | None] = mapped_column(Text)
    transcript_path: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(30), default="running", index=True)
    state_detail: Mapped[str | None] = mapped_column(Text)
    state_changed_at: Mapped[datetime] = created_now()
    started_at: Mapped[datetime] = created_now()
    last_seen_at: Mapped[datetime] = created_now()
    tool_calls: Mapped[int] = mapped_column(default=0)
    tool_failures: Mapped[int] = mapped_column(default=0)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
