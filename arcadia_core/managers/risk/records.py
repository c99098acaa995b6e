"""Risk assessment result types and the action/input summaries stored with them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from arcadia_core.clock import utc_now
from arcadia_core.display import safe_str
from arcadia_core.managers.risk.rules import RiskLevel
from arcadia_core.models import RiskAssessmentModel


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


def _cut(value: object, limit: int) -> str:
    text = safe_str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def summarize_action(tool: str, action_input: dict[str, Any]) -> tuple[str, str]:
    """ArcadiaForge's one-line action description and `key=value` input summary."""
    path = safe_str(action_input.get("file_path") or "")
    name = os.path.basename(path.replace("\\", "/")) if path else "file"
    if tool == "Write":
        action = f"Write to {name}"
    elif tool == "Edit":
        action = f"Edit {name}"
    elif tool == "Read":
        action = f"Read {name}"
    elif tool == "Bash":
        action = "Run: " + _cut(action_input.get("command", ""), 50)
    else:
        action = f"{tool} operation"
    if not action_input:
        return action, "(no input)"
    pairs = list(action_input.items())[:3]
    return action, ", ".join(f"{key}={_cut(value, 50)}" for key, value in pairs)
