"""Typed SQLAlchemy models for every Arcadia table (importing this registers all 26)."""

from __future__ import annotations

from arcadia_core.models.agents import AgentSessionModel
from arcadia_core.models.autonomy import (
    AutonomyConfigModel,
    AutonomyDecisionModel,
    AutonomyMetricsModel,
)
from arcadia_core.models.escalation import EscalationLogModel, EscalationRuleModel
from arcadia_core.models.failure import FailureReportModel
from arcadia_core.models.injection import InjectionPointModel
from arcadia_core.models.intervention import InterventionModel, InterventionPatternModel
from arcadia_core.models.memory import (
    ColdMemoryKnowledgeModel,
    ColdMemoryModel,
    HotMemoryModel,
    WarmMemoryIssueModel,
    WarmMemoryModel,
    WarmMemoryPatternModel,
)
from arcadia_core.models.observability import EventModel, SessionModel
from arcadia_core.models.project import (
    ArtifactModel,
    CheckpointModel,
    DecisionModel,
    FeatureModel,
    HypothesisModel,
    ProgressEntryModel,
)
from arcadia_core.models.risk import RiskAssessmentModel, RiskPatternModel

__all__ = [
    "AgentSessionModel",
    "ArtifactModel",
    "AutonomyConfigModel",
    "AutonomyDecisionModel",
    "AutonomyMetricsModel",
    "CheckpointModel",
    "ColdMemoryKnowledgeModel",
    "ColdMemoryModel",
    "DecisionModel",
    "EscalationLogModel",
    "EscalationRuleModel",
    "EventModel",
    "FailureReportModel",
    "FeatureModel",
    "HotMemoryModel",
    "HypothesisModel",
    "InjectionPointModel",
    "InterventionModel",
    "InterventionPatternModel",
    "ProgressEntryModel",
    "RiskAssessmentModel",
    "RiskPatternModel",
    "SessionModel",
    "WarmMemoryIssueModel",
    "WarmMemoryModel",
    "WarmMemoryPatternModel",
]
