"""Memory-tier tables: hot (current session), warm (recent sessions), cold (archive)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now
from arcadia_core.db.types import RealFloat


class HotMemoryModel(Base):
    """Working state of the current session (one row per session)."""

    __tablename__ = "hot_memory"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(unique=True, index=True)
    started_at: Mapped[datetime] = created_now()
    current_feature: Mapped[int | None]
    current_task: Mapped[str] = mapped_column(Text, default="")
    recent_actions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    recent_files: Mapped[list[str]] = mapped_column(default=list)
    focus_keywords: Mapped[list[str]] = mapped_column(default=list)
    active_errors: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    pending_decisions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    current_hypotheses: Mapped[list[str]] = mapped_column(default=list)


class WarmMemoryModel(Base):
    """Summary of one ended session (warm tier)."""

    __tablename__ = "warm_memory"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(unique=True, index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    # INTEGER in ArcadiaForge (bug); FLOAT here.
    duration_seconds: Mapped[float] = mapped_column(RealFloat(), default=0.0)
    features_started: Mapped[int] = mapped_column(default=0)
    features_completed: Mapped[int] = mapped_column(default=0)
    features_regressed: Mapped[int] = mapped_column(default=0)
    key_decisions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    errors_encountered: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    errors_resolved: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    last_feature_worked: Mapped[int | None]
    last_checkpoint_id: Mapped[str | None] = mapped_column(String(50))
    ending_state: Mapped[str] = mapped_column(String(20), default="completed")
    patterns_discovered: Mapped[list[str]] = mapped_column(default=list)
    warnings_for_next: Mapped[list[str]] = mapped_column(default=list)
    tool_calls: Mapped[int] = mapped_column(default=0)
    escalations: Mapped[int] = mapped_column(default=0)
    human_interventions: Mapped[int] = mapped_column(default=0)


class WarmMemoryIssueModel(Base):
    """An unresolved issue carried between sessions."""

    __tablename__ = "warm_memory_issues"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    issue_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    created_at: Mapped[datetime] = created_now()
    created_session: Mapped[int]
    issue_type: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(default=3)
    related_features: Mapped[list[int]] = mapped_column(default=list)
    related_files: Mapped[list[str]] = mapped_column(default=list)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempted_solutions: Mapped[list[str]] = mapped_column(default=list)
    last_seen_session: Mapped[int]
    times_encountered: Mapped[int] = mapped_column(default=1)


class WarmMemoryPatternModel(Base):
    """A problem/solution pattern proven in recent sessions."""

    __tablename__ = "warm_memory_patterns"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    pattern_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    created_at: Mapped[datetime] = created_now()
    created_session: Mapped[int]
    pattern_type: Mapped[str] = mapped_column(String(50))
    pattern: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text)
    success_count: Mapped[int] = mapped_column(default=1)
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.5)  # INTEGER in AF (bug)
    context_keywords: Mapped[list[str]] = mapped_column(default=list)
    source_sessions: Mapped[list[int]] = mapped_column(default=list)
    last_used_session: Mapped[int | None]


class ColdMemoryModel(Base):
    """Archived per-session statistics (cold tier)."""

    __tablename__ = "cold_memory"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(unique=True, index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    ending_state: Mapped[str] = mapped_column(String(20))
    features_completed: Mapped[int] = mapped_column(default=0)
    features_regressed: Mapped[int] = mapped_column(default=0)
    errors_count: Mapped[int] = mapped_column(default=0)
    # INTEGER in ArcadiaForge (bug); FLOAT here.
    duration_seconds: Mapped[float] = mapped_column(RealFloat(), default=0.0)


class ColdMemoryKnowledgeModel(Base):
    """Proven long-term knowledge (fix, pattern, warning, best practice)."""

    __tablename__ = "cold_memory_knowledge"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    knowledge_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    created_at: Mapped[datetime] = created_now()
    knowledge_type: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    context_keywords: Mapped[list[str]] = mapped_column(default=list)
    source_sessions: Mapped[list[int]] = mapped_column(default=list)
    times_verified: Mapped[int] = mapped_column(default=1)
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.5)  # INTEGER in AF (bug)
    last_used: Mapped[datetime | None]
