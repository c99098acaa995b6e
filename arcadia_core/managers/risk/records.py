"""What the risk concept returns: levels, patterns, assessments (new and stored), links."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from arcadia_core.clock import utc_now
from arcadia_core.models import RiskAssessmentModel


class RiskLevel(IntEnum):
    """How risky an action is, from 1 (reads) to 5 (destructive and irreversible)."""

    MINIMAL = 1
    LOW = 2
    MODERATE = 3
    HIGH = 4
    CRITICAL = 5


@dataclass(frozen=True, slots=True)
class RiskPattern:
    """A rule: tool (None = any) plus an optional regex on one input field, and its flags."""

    pattern_id: str
    description: str
    risk_level: RiskLevel
    tool: str | None = None
    input_pattern: str | None = None
    input_field: str | None = None
    is_reversible: bool = True
    affects_source_of_truth: bool = False
    has_external_side_effects: bool = False
    requires_approval: bool = False
    requires_checkpoint: bool = False
    mitigation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """All twelve fields, the level as an int."""
        data = asdict(self)
        data["risk_level"] = int(self.risk_level)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RiskPattern:
        """Rebuild a pattern from `to_dict` output (unknown keys ignored)."""
        return cls(
            pattern_id=str(data["pattern_id"]),
            description=str(data.get("description") or ""),
            risk_level=RiskLevel(int(data["risk_level"])),
            tool=data.get("tool"),
            input_pattern=data.get("input_pattern"),
            input_field=data.get("input_field"),
            is_reversible=bool(data.get("is_reversible", True)),
            affects_source_of_truth=bool(data.get("affects_source_of_truth", False)),
            has_external_side_effects=bool(data.get("has_external_side_effects", False)),
            requires_approval=bool(data.get("requires_approval", False)),
            requires_checkpoint=bool(data.get("requires_checkpoint", False)),
            mitigation=data.get("mitigation"),
        )


@dataclass
class RiskAssessment:
    """ArcadiaForge's assessment of one proposed action."""

    action: str
    tool: str
    input_summary: str
    risk_level: RiskLevel
    is_reversible: bool
    affects_source_of_truth: bool
    has_external_side_effects: bool
    concerns: list[str] = field(default_factory=list)
    estimated_time_seconds: float | None = None
    estimated_token_cost: int | None = None
    requires_approval: bool = False
    requires_checkpoint: bool = False
    requires_review: bool = False
    suggested_mitigation: str | None = None
    timestamp: str = field(default_factory=lambda: utc_now().isoformat())
    assessment_id: int | None = None  # the risk_assessments row id once logged

    def to_dict(self) -> dict[str, Any]:
        """ArcadiaForge's JSONL form (level as int plus its name)."""
        data: dict[str, Any] = {
            "action": self.action,
            "tool": self.tool,
            "input_summary": self.input_summary,
            "risk_level": int(self.risk_level),
            "risk_level_name": RiskLevel(int(self.risk_level)).name,
            "is_reversible": self.is_reversible,
            "affects_source_of_truth": self.affects_source_of_truth,
            "has_external_side_effects": self.has_external_side_effects,
            "concerns": list(self.concerns),
            "estimated_time_seconds": self.estimated_time_seconds,
            "estimated_token_cost": self.estimated_token_cost,
            "requires_approval": self.requires_approval,
            "requires_checkpoint": self.requires_checkpoint,
            "requires_review": self.requires_review,
            "suggested_mitigation": self.suggested_mitigation,
            "timestamp": self.timestamp,
        }
        if self.assessment_id is not None:
            data["assessment_id"] = self.assessment_id
        return data


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """One logged assessment read back from `risk_assessments`."""

    assessment_id: int
    session_id: int
    timestamp: datetime
    action: str
    tool: str
    input_summary: str
    risk_level: int
    is_reversible: bool
    affects_source_of_truth: bool
    has_external_side_effects: bool
    concerns: tuple[str, ...]
    requires_approval: bool
    requires_checkpoint: bool
    requires_review: bool
    suggested_mitigation: str | None

    @property
    def risk_level_name(self) -> str:
        level = min(5, max(1, int(self.risk_level)))
        return RiskLevel(level).name

    @classmethod
    def from_row(cls, row: RiskAssessmentModel) -> AssessmentRecord:
        return cls(
            assessment_id=row.id,
            session_id=row.session_id,
            timestamp=row.timestamp,
            action=row.action,
            tool=row.tool,
            input_summary=row.input_summary,
            risk_level=int(row.risk_level),
            is_reversible=bool(row.is_reversible),
            affects_source_of_truth=bool(row.affects_source_of_truth),
            has_external_side_effects=bool(row.has_external_side_effects),
            concerns=tuple(str(concern) for concern in row.concerns or ()),
            requires_approval=bool(row.requires_approval),
            requires_checkpoint=bool(row.requires_checkpoint),
            requires_review=bool(row.requires_review),
            suggested_mitigation=row.suggested_mitigation,
        )

    def to_dict(self) -> dict[str, Any]:
        """The history-record form: the assessment's keys plus id and session."""
        return {
            "id": self.assessment_id,
            "session_id": self.session_id,
            "timestamp": self.timestamp.isoformat(),
            "action": self.action,
            "tool": self.tool,
            "input_summary": self.input_summary,
            "risk_level": self.risk_level,
            "risk_level_name": self.risk_level_name,
            "is_reversible": self.is_reversible,
            "affects_source_of_truth": self.affects_source_of_truth,
            "has_external_side_effects": self.has_external_side_effects,
            "concerns": list(self.concerns),
            "requires_approval": self.requires_approval,
            "requires_checkpoint": self.requires_checkpoint,
            "requires_review": self.requires_review,
            "suggested_mitigation": self.suggested_mitigation,
        }


@dataclass(frozen=True, slots=True)
class PatternInfo:
    """A pattern as the supervisor sees it: where it comes from and whether it is on."""

    pattern: RiskPattern
    is_builtin: bool
    is_custom: bool
    is_enabled: bool


@dataclass(frozen=True, slots=True)
class LinkedDecision:
    """The autonomy check of the assessed action."""

    decision_id: int
    timestamp: datetime
    allowed: bool
    required_level: int
    current_level: int
    effective_level: int
    reason: str
    alternatives: tuple[str, ...]
    confidence: float | None


@dataclass(frozen=True, slots=True)
class LinkedPoint:
    """The question the agent asked about the assessed action."""

    point_id: str
    timestamp: datetime
    point_type: str
    severity: int
    status: str
    message: str | None
    response: str | None
    responded_by: str


@dataclass(frozen=True, slots=True)
class AssessmentLinks:
    """An assessment with its autonomy decision and question, when there are any."""

    assessment: AssessmentRecord
    decision: LinkedDecision | None
    point: LinkedPoint | None
