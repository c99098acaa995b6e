"""Managers: one class per concern, each operation one short transaction on a `Database`."""

from __future__ import annotations

# Agent-side managers: autonomy, escalation, human interface (injection points).
from arcadia_core.managers.autonomy import ActionCategory as ActionCategory
from arcadia_core.managers.autonomy import AutonomyConfig as AutonomyConfig
from arcadia_core.managers.autonomy import AutonomyDecision as AutonomyDecision
from arcadia_core.managers.autonomy import AutonomyLevel as AutonomyLevel
from arcadia_core.managers.autonomy import AutonomyManager as AutonomyManager
from arcadia_core.managers.autonomy import PerformanceMetrics as PerformanceMetrics
from arcadia_core.managers.escalation import EscalationContext as EscalationContext
from arcadia_core.managers.escalation import EscalationEngine as EscalationEngine
from arcadia_core.managers.escalation import EscalationResult as EscalationResult
from arcadia_core.managers.escalation import EscalationRule as EscalationRule
from arcadia_core.managers.human_interface import HumanInterface as HumanInterface
from arcadia_core.managers.human_interface import InjectionConflict as InjectionConflict
from arcadia_core.managers.human_interface import InjectionPoint as InjectionPoint
from arcadia_core.managers.human_interface import InjectionResponse as InjectionResponse
from arcadia_core.managers.human_interface import InjectionType as InjectionType

# Analysis managers: sessions/events, risk, failure analysis, learning, metrics, memory.
from arcadia_core.managers.observability import Event as Event
from arcadia_core.managers.observability import Observability as Observability
from arcadia_core.managers.risk import RiskAssessment as RiskAssessment
from arcadia_core.managers.risk import RiskClassifier as RiskClassifier
from arcadia_core.managers.risk import RiskLevel as RiskLevel
from arcadia_core.managers.risk import RiskPattern as RiskPattern
from arcadia_core.managers.risk import assess_bash_risk as assess_bash_risk
from arcadia_core.managers.failure_analysis import FailureAnalyzer as FailureAnalyzer
from arcadia_core.managers.failure_analysis import FailureReport as FailureReport
from arcadia_core.managers.failure_analysis import FailureType as FailureType
from arcadia_core.managers.intervention_learning import ContextSignature as ContextSignature
from arcadia_core.managers.intervention_learning import InterventionLearner as InterventionLearner
from arcadia_core.managers.intervention_learning import InterventionType as InterventionType
from arcadia_core.managers.metrics import MetricsCollector as MetricsCollector
from arcadia_core.managers.memory import MemoryManager as MemoryManager
