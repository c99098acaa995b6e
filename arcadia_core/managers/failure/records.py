"""What failure analysis returns: failure kinds, severities, patterns, reports, signatures."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from arcadia_core.models import FailureReportModel


class FailureType(Enum):
    """What kind of failure a session shows."""

    CYCLIC_ERROR = "cyclic_error"
    BLOCKED_COMMAND = "blocked_command"
    TOOL_ERROR = "tool_error"
    TIMEOUT = "timeout"
    CRASH = "crash"
    REGRESSION = "regression"
    STUCK = "stuck"
    ESCALATION = "escalation"
    UNKNOWN = "unknown"


class Severity(IntEnum):
    """How bad a failure is, 1 to 4."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


def severity_name(value: int) -> str:
    """LOW..CRITICAL, or UNKNOWN for a value out of range."""
    try:
        return Severity(int(value)).name
    except ValueError:
        return "UNKNOWN"


@dataclass
class FailurePattern:
    """A recurring failure shape found in the events."""

    pattern_id: str
    pattern_type: str
    description: str
    occurrences: int = 1
    first_seen: str | None = None
    last_seen: str | None = None
    affected_sessions: list[int] = field(default_factory=list)
    affected_features: list[int] = field(default_factory=list)
    signature: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FailureReport:
    """The analysis of one session: what failed, why (probably) and what to try."""

    session_id: int
    generated_at: str
    failure_type: str
    severity: int
    last_successful_action: str = ""
    failing_action: str = ""
    error_messages: list[str] = field(default_factory=list)
    likely_cause: str = ""
    confidence: float = 0.0
    patterns_detected: list[dict[str, Any]] = field(default_factory=list)
    similar_past_failures: list[dict[str, Any]] = field(default_factory=list)
    suggested_fixes: list[str] = field(default_factory=list)
    relevant_kb_entries: list[str] = field(default_factory=list)
    failure_timeline: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    tool_failures: int = 0
    blocked_actions: int = 0
    report_id: int | None = None  # the failure_reports row id once saved

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FailureReport:
        """Rebuild a report from `to_dict` output (unknown keys ignored)."""
        known = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    @classmethod
    def from_row(cls, row: FailureReportModel) -> FailureReport:
        return cls(
            session_id=row.session_id,
            generated_at=row.generated_at.isoformat(),
            failure_type=row.failure_type,
            severity=int(row.severity),
            last_successful_action=row.last_successful_action or "",
            failing_action=row.failing_action or "",
            error_messages=list(row.error_messages or []),
            likely_cause=row.likely_cause or "",
            confidence=float(row.confidence or 0.0),
            patterns_detected=list(row.patterns_detected or []),
            similar_past_failures=list(row.similar_past_failures or []),
            suggested_fixes=list(row.suggested_fixes or []),
            failure_timeline=list(row.failure_timeline or []),
            error_count=int(row.error_count or 0),
            tool_failures=int(row.tool_failures or 0),
            blocked_actions=int(row.blocked_actions or 0),
            report_id=row.id,
        )

    def to_row(self, generated_at: datetime) -> FailureReportModel:
        return FailureReportModel(
            session_id=self.session_id,
            generated_at=generated_at,
            failure_type=self.failure_type,
            severity=int(self.severity),
            last_successful_action=self.last_successful_action,
            failing_action=self.failing_action,
            error_messages=list(self.error_messages),
            likely_cause=self.likely_cause,
            confidence=float(self.confidence),
            patterns_detected=list(self.patterns_detected),
            similar_past_failures=list(self.similar_past_failures),
            suggested_fixes=list(self.suggested_fixes),
            failure_timeline=list(self.failure_timeline),
            error_count=self.error_count,
            tool_failures=self.tool_failures,
            blocked_actions=self.blocked_actions,
        )


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """One line of the report list."""

    report_id: int
    session_id: int
    generated_at: datetime
    failure_type: str
    severity: int
    likely_cause: str
    confidence: float
    error_count: int

    @classmethod
    def from_row(cls, row: FailureReportModel) -> ReportSummary:
        return cls(
            report_id=row.id,
            session_id=row.session_id,
            generated_at=row.generated_at,
            failure_type=row.failure_type,
            severity=int(row.severity),
            likely_cause=row.likely_cause or "",
            confidence=float(row.confidence or 0.0),
            error_count=int(row.error_count or 0),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "session_id": self.session_id,
            "generated_at": self.generated_at.isoformat(),
            "failure_type": self.failure_type,
            "severity": self.severity,
            "likely_cause": self.likely_cause,
            "confidence": self.confidence,
            "error_count": self.error_count,
        }


@dataclass
class FailureSignature:
    """A fingerprint of a failure: error kinds, the first tools used, the features involved."""

    error_types: list[str] = field(default_factory=list)
    tool_sequence: list[str] = field(default_factory=list)
    features_involved: list[int] = field(default_factory=list)

    def compute_hash(self) -> str:
        """First 12 hex characters of the MD5 of a canonical JSON form."""
        canonical = json.dumps(
            {
                "errors": sorted(self.error_types),
                "tools": self.tool_sequence[:5],
                "features": sorted(self.features_involved),
            },
            sort_keys=True,
        )
        return hashlib.md5(canonical.encode()).hexdigest()[:12]


