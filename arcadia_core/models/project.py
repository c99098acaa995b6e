"""Project-state tables: features, artifacts, checkpoints, decisions, hypotheses, progress."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arcadia_core.db.base import Base, created_now
from arcadia_core.db.types import RealFloat


def _new_uuid() -> str:
    return str(uuid.uuid4())


class FeatureModel(Base):
    """A feature requirement and its pass / audit / salience state."""

    __tablename__ = "features"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    index: Mapped[int] = mapped_column("index", unique=True)
    category: Mapped[str] = mapped_column(String(50), default="functional")
    description: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[str]]
    passes: Mapped[bool] = mapped_column(default=False)
    verification_skipped: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]
    audit_status: Mapped[str | None] = mapped_column(String(20))
    audit_notes: Mapped[list[str]] = mapped_column(default=list)
    audit_reviewer: Mapped[str | None] = mapped_column(String(50))
    audit_time: Mapped[datetime | None]
    priority: Mapped[int] = mapped_column(default=3)
    failure_count: Mapped[int] = mapped_column(default=0)
    last_worked: Mapped[str | None] = mapped_column(String(50))
    blocked_by: Mapped[list[int]] = mapped_column(default=list)
    blocks: Mapped[list[int]] = mapped_column(default=list)
    feature_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ArtifactModel(Base):
    """A file or asset produced during a session (screenshot, patch, log)."""

    __tablename__ = "artifacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_new_uuid)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    feature_index: Mapped[int | None] = mapped_column(ForeignKey("features.index"))
    type: Mapped[str] = mapped_column(String(50))
    path: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    metadata_json: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = created_now()


class CheckpointModel(Base):
    """A semantic checkpoint of git, feature and file state."""

    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    checkpoint_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    timestamp: Mapped[datetime] = created_now()
    trigger: Mapped[str] = mapped_column(String(50))
    session_id: Mapped[int]
    git_commit: Mapped[str] = mapped_column(String(100))
    git_branch: Mapped[str] = mapped_column(String(100))
    git_clean: Mapped[bool] = mapped_column(default=False)
    feature_status: Mapped[dict[str, Any]]
    features_passing: Mapped[int] = mapped_column(default=0)
    features_total: Mapped[int] = mapped_column(default=0)
    files_hash: Mapped[str] = mapped_column(String(100))
    last_successful_feature: Mapped[int | None]
    pending_work: Mapped[list[str]] = mapped_column(default=list)
    checkpoint_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    human_note: Mapped[str | None] = mapped_column(Text)


class DecisionModel(Base):
    """A logged agent decision with rationale and later outcome."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    timestamp: Mapped[datetime] = created_now()
    session_id: Mapped[int] = mapped_column(index=True)
    decision_type: Mapped[str] = mapped_column(String(50))
    context: Mapped[str] = mapped_column(Text)
    choice: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[list[str]] = mapped_column(default=list)
    rationale: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.5)  # INTEGER in AF (bug)
    inputs_consulted: Mapped[list[str]] = mapped_column(default=list)
    outcome: Mapped[str | None] = mapped_column(Text)
    outcome_success: Mapped[bool | None]
    outcome_timestamp: Mapped[datetime | None]
    related_features: Mapped[list[int]] = mapped_column(default=list)
    git_commit: Mapped[str | None] = mapped_column(String(100))
    checkpoint_id: Mapped[str | None] = mapped_column(String(50))
    decision_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)


class HypothesisModel(Base):
    """A hypothesis tracked across sessions with evidence and resolution."""

    __tablename__ = "hypotheses"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    hypothesis_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    created_at: Mapped[datetime] = created_now()
    created_session: Mapped[int] = mapped_column(index=True)
    hypothesis_type: Mapped[str] = mapped_column(String(50))
    observation: Mapped[str] = mapped_column(Text)
    hypothesis: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(RealFloat(), default=0.5)  # INTEGER in AF (bug)
    status: Mapped[str] = mapped_column(String(20), default="open")
    context_keywords: Mapped[list[str]] = mapped_column(default=list)
    related_features: Mapped[list[int]] = mapped_column(default=list)
    related_errors: Mapped[list[str]] = mapped_column(default=list)
    related_files: Mapped[list[str]] = mapped_column(default=list)
    evidence_for: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    evidence_against: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    resolved_at: Mapped[datetime | None]
    resolved_session: Mapped[int | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    superseded_by: Mapped[str | None] = mapped_column(String(50))
    last_reviewed: Mapped[datetime | None]
    review_count: Mapped[int] = mapped_column(default=0)
    sessions_seen: Mapped[list[int]] = mapped_column(default=list)


class ProgressEntryModel(Base):
    """A progress log entry written at the end of a coding session."""

    __tablename__ = "progress_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(index=True)
    timestamp: Mapped[datetime] = created_now()
    accomplished: Mapped[list[str]] = mapped_column(default=list)
    tests_completed: Mapped[list[int]] = mapped_column(default=list)
    tests_status: Mapped[str] = mapped_column(String(50), default="unknown")
    issues_found: Mapped[list[str]] = mapped_column(default=list)
    issues_fixed: Mapped[list[str]] = mapped_column(default=list)
    next_steps: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)
