"""Memory-tier types and limits: hot state, session summaries, issues, patterns, knowledge."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    ColdMemoryModel,
    HotMemoryModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)

MAX_RECENT_ACTIONS = 20
MAX_RECENT_FILES = 20
MAX_ACTIVE_ERRORS = 50
MAX_PENDING_DECISIONS = 50
MAX_WARM_SESSIONS = 5  # newer session summaries stay warm; older ones are archived to cold
PROMOTE_SUCCESS_COUNT = 3  # a warm pattern proven this often becomes cold knowledge
ISSUE_HORIZON_SESSIONS = 20  # an issue not seen for this many sessions is pruned
HIGH_CONFIDENCE = 0.7
KNOWLEDGE_TYPES = ("fix", "pattern", "warning", "best_practice")


@dataclass(frozen=True, slots=True)
class HotState:
    """The working context of one running session (the hot tier)."""

    session_id: int
    started_at: datetime | None = None
    current_feature: int | None = None
    current_task: str = ""
    recent_actions: tuple[dict[str, Any], ...] = ()
    recent_files: tuple[str, ...] = ()
    focus_keywords: tuple[str, ...] = ()
    active_errors: tuple[dict[str, Any], ...] = ()
    pending_decisions: tuple[dict[str, Any], ...] = ()
    current_hypotheses: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: HotMemoryModel) -> HotState:
        return cls(
            session_id=row.session_id,
            started_at=row.started_at,
            current_feature=row.current_feature,
            current_task=row.current_task or "",
            recent_actions=tuple(row.recent_actions or ()),
            recent_files=tuple(row.recent_files or ()),
            focus_keywords=tuple(row.focus_keywords or ()),
            active_errors=tuple(row.active_errors or ()),
            pending_decisions=tuple(row.pending_decisions or ()),
            current_hypotheses=tuple(row.current_hypotheses or ()),
        )

    @property
    def unresolved_errors(self) -> list[dict[str, Any]]:
        return [error for error in self.active_errors if not error.get("resolved")]


@dataclass(frozen=True, slots=True)
class ActiveError:
    """An error seen in the current session (deduplicated by type and message)."""

    error_id: str
    error_type: str
    message: str
    first_seen: str
    last_seen: str
    occurrence_count: int = 1
    context: dict[str, Any] = field(default_factory=dict)
    related_features: list[int] = field(default_factory=list)
    resolved: bool = False
    resolution: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActiveError:
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PendingDecision:
    """A decision the agent has not taken yet."""

    decision_id: str
    decision_type: str
    context: str
    options: list[str]
    recommendation: str | None = None
    confidence: float = 0.5
    blocking_feature: int | None = None
    timestamp: str = ""
    resolved: bool = False
    choice: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PendingDecision:
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What one ended session did (the warm tier)."""

    session_id: int
    started_at: datetime
    ended_at: datetime
    duration_seconds: float
    ending_state: str
    features_started: int = 0
    features_completed: int = 0
    features_regressed: int = 0
    key_decisions: list[dict[str, Any]] = field(default_factory=list)
    errors_encountered: list[dict[str, Any]] = field(default_factory=list)
    errors_resolved: list[dict[str, Any]] = field(default_factory=list)
    last_feature_worked: int | None = None
    last_checkpoint_id: str | None = None
    patterns_discovered: list[str] = field(default_factory=list)
    warnings_for_next: list[str] = field(default_factory=list)
    tool_calls: int = 0
    escalations: int = 0
    human_interventions: int = 0

    @classmethod
    def from_row(cls, row: WarmMemoryModel) -> SessionSummary:
        return cls(
            session_id=row.session_id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            duration_seconds=float(row.duration_seconds or 0.0),
            ending_state=row.ending_state,
            features_started=row.features_started,
            features_completed=row.features_completed,
            features_regressed=row.features_regressed,
            key_decisions=list(row.key_decisions or []),
            errors_encountered=list(row.errors_encountered or []),
            errors_resolved=list(row.errors_resolved or []),
            last_feature_worked=row.last_feature_worked,
            last_checkpoint_id=row.last_checkpoint_id,
            patterns_discovered=list(row.patterns_discovered or []),
            warnings_for_next=list(row.warnings_for_next or []),
            tool_calls=row.tool_calls,
            escalations=row.escalations,
            human_interventions=row.human_interventions,
        )


@dataclass(frozen=True, slots=True)
class UnresolvedIssue:
    """A problem carried from session to session until it is resolved."""

    issue_id: str
    issue_type: str
    description: str
    priority: int
    created_session: int
    last_seen_session: int
    times_encountered: int
    related_features: list[int] = field(default_factory=list)
    related_files: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    attempted_solutions: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: WarmMemoryIssueModel) -> UnresolvedIssue:
        return cls(
            issue_id=row.issue_id,
            issue_type=row.issue_type,
            description=row.description,
            priority=row.priority,
            created_session=row.created_session,
            last_seen_session=row.last_seen_session,
            times_encountered=row.times_encountered,
            related_features=list(row.related_features or []),
            related_files=list(row.related_files or []),
            context=dict(row.context or {}),
            attempted_solutions=list(row.attempted_solutions or []),
        )


@dataclass(frozen=True, slots=True)
class ProvenPattern:
    """A problem and the solution that worked for it (warm tier)."""

    pattern_id: str
    pattern_type: str
    problem: str
    solution: str
    confidence: float = 0.5
    success_count: int = 1
    context_keywords: list[str] = field(default_factory=list)
    sessions_used: list[int] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: WarmMemoryPatternModel) -> ProvenPattern:
        return cls(
            pattern_id=row.pattern_id,
            pattern_type=row.pattern_type,
            problem=row.context,
            solution=row.pattern,
            confidence=float(row.confidence or 0.0),
            success_count=row.success_count,
            context_keywords=list(row.context_keywords or []),
            sessions_used=list(row.source_sessions or []),
        )


@dataclass(frozen=True, slots=True)
class ArchivedSession:
    """The lasting record of an old session (cold tier)."""

    session_id: int
    started_at: datetime
    ended_at: datetime
    ending_state: str
    features_completed: int
    features_regressed: int
    errors_count: int
    duration_seconds: float

    @classmethod
    def from_row(cls, row: ColdMemoryModel) -> ArchivedSession:
        return cls(
            session_id=row.session_id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            ending_state=row.ending_state,
            features_completed=row.features_completed,
            features_regressed=row.features_regressed,
            errors_count=row.errors_count,
            duration_seconds=float(row.duration_seconds or 0.0),
        )


@dataclass(frozen=True, slots=True)
class KnowledgeEntry:
    """Proven long-term knowledge (cold tier)."""

    knowledge_id: str
    knowledge_type: str
    title: str
    description: str
    context_keywords: list[str] = field(default_factory=list)
    source_sessions: list[int] = field(default_factory=list)
    times_verified: int = 1
    confidence: float = 0.5
    last_used: datetime | None = None

    @classmethod
    def from_row(cls, row: ColdMemoryKnowledgeModel) -> KnowledgeEntry:
        return cls(
            knowledge_id=row.knowledge_id,
            knowledge_type=row.knowledge_type,
            title=row.title,
            description=row.description,
            context_keywords=list(row.context_keywords or []),
            source_sessions=list(row.source_sessions or []),
            times_verified=row.times_verified,
            confidence=float(row.confidence or 0.0),
            last_used=row.last_used,
        )


@dataclass(frozen=True, slots=True)
class AggregateStatistics:
    """Totals over the cold tier."""

    total_sessions: int = 0
    successful_sessions: int = 0
    failed_sessions: int = 0
    total_features_completed: int = 0
    total_errors: int = 0
    avg_session_duration_seconds: float = 0.0
    knowledge_entries: int = 0
