"""What observability returns: events, session and run metrics, sessions with event counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from arcadia_core.models import SessionModel

# Keys `log_event` merges into the stored payload; reading splits them out again.
MERGED_KEYS = ("feature_index", "tool_name", "duration_ms")


@dataclass(frozen=True, slots=True)
class Event:
    """One event as ArcadiaForge's observability module shaped it."""

    event_id: str
    timestamp: str
    event_type: str
    session_id: int
    data: dict[str, Any] = field(default_factory=dict)
    feature_index: int | None = None
    tool_name: str | None = None
    duration_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSONL form: optional keys only when set."""
        result: dict[str, Any] = {
            "event_id": self.event_id,
            "timestamp": self.timestamp,
            "event_type": self.event_type,
            "session_id": self.session_id,
            "data": dict(self.data),
        }
        for key in MERGED_KEYS:
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """Rebuild an event from `to_dict` output."""
        return cls(
            event_id=str(data["event_id"]),
            timestamp=data["timestamp"],
            event_type=data["event_type"],
            session_id=int(data["session_id"]),
            data=dict(data.get("data") or {}),
            feature_index=data.get("feature_index"),
            tool_name=data.get("tool_name"),
            duration_ms=data.get("duration_ms"),
        )


@dataclass(slots=True)
class SessionMetrics:
    """Per-session counts, duration and usage."""

    session_id: int
    started_at: str | None = None
    ended_at: str | None = None
    duration_seconds: float = 0.0
    tool_calls_total: int = 0
    tool_calls_successful: int = 0
    tool_calls_failed: int = 0
    tool_calls_blocked: int = 0
    features_attempted: int = 0
    features_completed: int = 0
    features_failed: int = 0
    errors_total: int = 0
    warnings_total: int = 0
    escalations: int = 0
    human_interventions: int = 0
    total_input_tokens: int = 0
    total_output_tokens: int = 0
    estimated_cost_usd: float = 0.0


@dataclass(slots=True)
class RunMetrics:
    """Totals over the whole run (every session of the project)."""

    run_id: str
    project_dir: str
    first_event_at: str | None = None
    last_event_at: str | None = None
    sessions_total: int = 0
    sessions_completed: int = 0
    total_tool_calls: int = 0
    total_tool_errors: int = 0
    total_tool_blocked: int = 0
    total_features_completed: int = 0
    total_features_failed: int = 0
    total_input_tokens: int = 0
    total_output_tokens: int = 0
    total_estimated_cost_usd: float = 0.0
    session_metrics: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One `sessions` row with its event count."""

    session_id: int
    session_uuid: str
    start_time: datetime
    end_time: datetime | None
    status: str
    total_cost: float
    event_count: int

    @classmethod
    def from_row(cls, row: SessionModel, event_count: int) -> SessionInfo:
        return cls(
            session_id=row.id,
            session_uuid=row.session_uuid,
            start_time=row.start_time,
            end_time=row.end_time,
            status=row.status,
            total_cost=float(row.total_cost or 0.0),
            event_count=int(event_count or 0),
        )
