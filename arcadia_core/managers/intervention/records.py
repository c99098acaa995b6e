"""What intervention learning returns: interventions, context signatures, patterns, matches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from arcadia_core.clock import iso, parse_iso
from arcadia_core.models import InterventionModel, InterventionPatternModel

SIGNATURE_FIELDS = (
    "tool",
    "action_type",
    "trigger_type",
    "error_pattern",
    "feature_category",
    "decision_type",
)
MIN_APPLICATIONS_FOR_AUTO = 3
# Stored as min_confidence_for_auto when a supervisor turns auto-apply off: no confidence
# (at most 1.0) reaches it, so later outcomes never switch the pattern back on by themselves.
AUTO_APPLY_DISABLED = 2.0


class InterventionType(Enum):
    """How a human stepped in."""

    CORRECTION = "correction"
    OVERRIDE = "override"
    GUIDANCE = "guidance"
    APPROVAL = "approval"
    REDIRECT = "redirect"
    ESCALATION_RESPONSE = "escalation_response"


@dataclass(frozen=True, slots=True)
class ContextSignature:
    """The situation an intervention happened in, reduced to six comparable fields."""

    tool: str | None = None
    action_type: str | None = None
    trigger_type: str | None = None
    error_pattern: str | None = None
    feature_category: str | None = None
    decision_type: str | None = None

    def compute_hash(self) -> str:
        """First 16 hex characters of SHA-256 over the six fields joined by "|"."""
        joined = "|".join(getattr(self, name) or "" for name in SIGNATURE_FIELDS)
        return hashlib.sha256(joined.encode()).hexdigest()[:16]

    @property
    def hash(self) -> str:
        return self.compute_hash()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in SIGNATURE_FIELDS}
        data["hash"] = self.compute_hash()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContextSignature:
        """Rebuild from `to_dict` output; the hash is recomputed, never trusted."""
        return cls(**{name: data.get(name) for name in SIGNATURE_FIELDS})

    def similarity_score(self, other: ContextSignature) -> float:
        """Share of the fields set on either side that agree (substring errors count half)."""
        counted = 0
        score = 0.0
        for name in SIGNATURE_FIELDS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if not mine and not theirs:
                continue
            counted += 1
            if mine == theirs:
                score += 1.0
            elif name == "error_pattern" and mine and theirs and (mine in theirs or theirs in mine):
                score += 0.5
        return score / counted if counted else 0.0


@dataclass
class Intervention:
    """One recorded human intervention."""

    intervention_id: str
    session_id: int
    timestamp: str
    intervention_type: InterventionType
    context_signature: ContextSignature
    context_details: dict[str, Any] = field(default_factory=dict)
    original_action: str | None = None
    original_rationale: str | None = None
    human_action: str = ""
    human_rationale: str | None = None
    outcome_tracked: bool = False
    outcome_success: bool | None = None
    outcome_notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "intervention_id": self.intervention_id,
            "session_id": self.session_id,
            "timestamp": self.timestamp,
            "intervention_type": self.intervention_type.value,
            "context_signature": self.context_signature.to_dict(),
            "context_details": dict(self.context_details),
            "original_action": self.original_action,
            "original_rationale": self.original_rationale,
            "human_action": self.human_action,
            "human_rationale": self.human_rationale,
            "outcome_tracked": self.outcome_tracked,
            "outcome_success": self.outcome_success,
            "outcome_notes": self.outcome_notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intervention:
        return cls(
            intervention_id=data["intervention_id"],
            session_id=int(data["session_id"]),
            timestamp=data["timestamp"],
            intervention_type=InterventionType(data["intervention_type"]),
            context_signature=ContextSignature.from_dict(data.get("context_signature") or {}),
            context_details=dict(data.get("context_details") or {}),
            original_action=data.get("original_action"),
            original_rationale=data.get("original_rationale"),
            human_action=data.get("human_action") or "",
            human_rationale=data.get("human_rationale"),
            outcome_tracked=bool(data.get("outcome_tracked", False)),
            outcome_success=data.get("outcome_success"),
            outcome_notes=data.get("outcome_notes"),
        )

    @classmethod
    def from_row(cls, row: InterventionModel) -> Intervention:
        try:
            kind = InterventionType(row.intervention_type)
        except ValueError:
            kind = InterventionType.GUIDANCE
        return cls(
            intervention_id=row.intervention_id,
            session_id=row.session_id,
            timestamp=row.timestamp.isoformat(),
            intervention_type=kind,
            context_signature=ContextSignature.from_dict(row.context_signature or {}),
            context_details=dict(row.context_details or {}),
            original_action=row.original_action,
            original_rationale=row.original_rationale,
            human_action=row.human_action or "",
            human_rationale=row.human_rationale,
            outcome_tracked=bool(row.outcome_tracked),
            outcome_success=row.outcome_success,
            outcome_notes=row.outcome_notes,
        )


@dataclass
class InterventionPattern:
    """What humans did, repeatedly, in one kind of situation, and how well it worked."""

    pattern_id: str
    context_signature: ContextSignature
    times_matched: int = 0
    times_applied: int = 0
    success_count: int = 0
    failure_count: int = 0
    recommended_action: str = ""
    rationale: str = ""
    auto_apply: bool = False
    confidence: float = 0.0
    min_confidence_for_auto: float = 0.8
    source_intervention_ids: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    last_matched: datetime | None = None

    def update_confidence(self) -> None:
        """Confidence = success share; auto-apply on at the threshold after 3+, off below 0.5."""
        total = self.success_count + self.failure_count
        self.confidence = self.success_count / total if total else 0.0
        if self.confidence >= self.min_confidence_for_auto and total >= MIN_APPLICATIONS_FOR_AUTO:
            self.auto_apply = True
        elif self.confidence < 0.5 or self.failure_count > self.success_count:
            self.auto_apply = False

    def record_match(self, now: datetime) -> None:
        self.times_matched += 1
        self.last_matched = now

    def record_application(self, success: bool) -> None:
        self.times_applied += 1
        if success:
            self.success_count += 1
        else:
            self.failure_count += 1
        self.update_confidence()

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern_id": self.pattern_id,
            "context_signature": self.context_signature.to_dict(),
            "times_matched": self.times_matched,
            "times_applied": self.times_applied,
            "success_count": self.success_count,
            "failure_count": self.failure_count,
            "recommended_action": self.recommended_action,
            "rationale": self.rationale,
            "auto_apply": self.auto_apply,
            "confidence": self.confidence,
            "min_confidence_for_auto": self.min_confidence_for_auto,
            "source_intervention_ids": list(self.source_intervention_ids),
            "created_at": iso(self.created_at) or "",
            "last_matched": iso(self.last_matched),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InterventionPattern:
        return cls(
            pattern_id=data["pattern_id"],
            context_signature=ContextSignature.from_dict(data.get("context_signature") or {}),
            times_matched=int(data.get("times_matched", 0)),
            times_applied=int(data.get("times_applied", 0)),
            success_count=int(data.get("success_count", 0)),
            failure_count=int(data.get("failure_count", 0)),
            recommended_action=data.get("recommended_action") or "",
            rationale=data.get("rationale") or "",
            auto_apply=bool(data.get("auto_apply", False)),
            confidence=float(data.get("confidence", 0.0)),
            min_confidence_for_auto=float(data.get("min_confidence_for_auto", 0.8)),
            source_intervention_ids=list(data.get("source_intervention_ids") or []),
            created_at=parse_iso(data.get("created_at")),
            last_matched=parse_iso(data.get("last_matched")),
        )

    @classmethod
    def from_row(cls, row: InterventionPatternModel) -> InterventionPattern:
        return cls(
            pattern_id=row.pattern_id,
            context_signature=ContextSignature.from_dict(row.context_signature or {}),
            times_matched=row.times_matched,
            times_applied=row.times_applied,
            success_count=row.success_count,
            failure_count=row.failure_count,
            recommended_action=row.recommended_action or "",
            rationale=row.rationale or "",
            auto_apply=bool(row.auto_apply),
            confidence=float(row.confidence or 0.0),
            min_confidence_for_auto=float(row.min_confidence_for_auto),
            source_intervention_ids=list(row.source_intervention_ids or []),
            created_at=row.created_at,
            last_matched=row.last_matched,
        )

    def write_to(self, row: InterventionPatternModel) -> None:
        """Copy the mutable counters and state onto its row."""
        row.times_matched = self.times_matched
        row.times_applied = self.times_applied
        row.success_count = self.success_count
        row.failure_count = self.failure_count
        row.recommended_action = self.recommended_action
        row.rationale = self.rationale
        row.auto_apply = self.auto_apply
        row.confidence = self.confidence
        row.min_confidence_for_auto = self.min_confidence_for_auto
        row.source_intervention_ids = list(self.source_intervention_ids)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A learned pattern that fits a situation, and whether to apply it without asking."""

    pattern: InterventionPattern
    similarity: float
    should_auto_apply: bool
    recommendation: str
    rationale: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern_id": self.pattern.pattern_id,
            "similarity": self.similarity,
            "should_auto_apply": self.should_auto_apply,
            "recommendation": self.recommendation,
            "rationale": self.rationale,
            "confidence": self.pattern.confidence,
            "times_applied": self.pattern.times_applied,
            "success_rate": self.pattern.confidence,
        }


