"""Managers: one class per concern, each operation one short transaction on a `Database`."""

from __future__ import annotations

from arcadia_core.managers.autonomy.manager import AutonomyManager as AutonomyManager

# Agent-side managers: autonomy, escalation, human interface (injection points).
from arcadia_core.managers.autonomy.records import ActionCategory as ActionCategory
from arcadia_core.managers.autonomy.records import AutonomyConfig as AutonomyConfig
from arcadia_core.managers.autonomy.records import AutonomyDecision as AutonomyDecision
from arcadia_core.managers.autonomy.records import AutonomyLevel as AutonomyLevel
from arcadia_core.managers.autonomy.records import PerformanceMetrics as PerformanceMetrics
from arcadia_core.managers.escalation.manager import EscalationEngine as EscalationEngine
from arcadia_core.managers.escalation.records import EscalationContext as EscalationContext
from arcadia_core.managers.escalation.records import EscalationResult as EscalationResult
from arcadia_core.managers.escalation.records import EscalationRule as EscalationRule
from arcadia_core.managers.failure.manager import FailureAnalyzer as FailureAnalyzer
from arcadia_core.managers.failure.records import FailureReport as FailureReport
from arcadia_core.managers.failure.records import FailureType as FailureType
from arcadia_core.managers.injection import HumanInterface as HumanInterface
from arcadia_core.managers.injection import InjectionConflict as InjectionConflict
from arcadia_core.managers.injection import InjectionPoint as InjectionPoint
from arcadia_core.managers.injection import InjectionResponse as InjectionResponse
from arcadia_core.managers.injection import InjectionType as InjectionType
from arcadia_core.managers.intervention.manager import InterventionLearner as InterventionLearner
from arcadia_core.managers.intervention.records import ContextSignature as ContextSignature
from arcadia_core.managers.intervention.records import InterventionType as InterventionType
from arcadia_core.managers.memory.manager import MemoryManager as MemoryManager
from arcadia_core.managers.metrics.manager import MetricsCollector as MetricsCollector
from arcadia_core.managers.observability.manager import Observability as Observability

# Analysis managers: sessions/events, risk, failure analysis, learning, metrics, memory.
from arcadia_core.managers.observability.records import Event as Event
from arcadia_core.managers.risk.bash import assess_bash_risk as assess_bash_risk
from arcadia_core.managers.risk.manager import RiskClassifier as RiskClassifier
from arcadia_core.managers.risk.records import RiskAssessment as RiskAssessment
from arcadia_core.managers.risk.records import RiskLevel as RiskLevel
from arcadia_core.managers.risk.records import RiskPattern as RiskPattern
