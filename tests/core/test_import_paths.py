"""Every name ArcadiaForge-ported code imports from the old module paths still imports there."""

from __future__ import annotations

import importlib

import pytest

PUBLIC_NAMES: dict[str, tuple[str, ...]] = {
    "arcadia_core.managers": (
        "ActionCategory", "AutonomyConfig", "AutonomyDecision", "AutonomyLevel", "AutonomyManager",
        "ContextSignature", "EscalationContext", "EscalationEngine", "EscalationResult",
        "EscalationRule", "Event", "FailureAnalyzer", "FailureReport", "FailureType",
        "HumanInterface", "InjectionConflict", "InjectionPoint", "InjectionResponse",
        "InjectionType", "InterventionLearner", "InterventionType", "MemoryManager",
        "MetricsCollector", "Observability", "PerformanceMetrics", "RiskAssessment",
        "RiskClassifier", "RiskLevel", "RiskPattern", "assess_bash_risk",
    ),
    "arcadia_core.managers.autonomy": (
        "ActionCategory", "ActionChecker", "AutonomyConfig", "AutonomyDecision", "AutonomyLevel",
        "AutonomyManager", "CATEGORY_REQUIRED_LEVELS", "DEFAULT_ACTION_CATEGORIES",
        "PerformanceMetrics", "ROW_ID", "adjusted_level", "base_tool_name", "changed_settings",
        "clamp_level", "config_from_row", "create_autonomy_manager",
        "create_autonomy_manager_async", "decide", "effective_level", "metrics_from_row",
        "tool_category",
    ),
    "arcadia_core.managers.escalation": (
        "BUILTIN_RULE_IDS", "CONDITION_TYPES", "ConditionFunction", "EscalationContext",
        "EscalationEngine", "EscalationResult", "EscalationRule", "HumanInterface",
        "InjectionPoint", "InjectionResponse", "InjectionType", "RuleProblem", "StoredRule",
        "builtin_rules", "check_rule", "context_summary", "create_escalation_engine",
        "create_escalation_engine_async", "evaluate_condition", "format_message", "json_safe",
        "rule_from_row", "rule_severity", "should_escalate", "sort_rules", "stored_rules",
    ),
    "arcadia_core.managers.risk": (
        "AssessmentFilter", "AssessmentRecord", "BUILTIN_PATTERN_IDS", "CustomRule",
        "DEFAULT_RISK_PATTERNS", "DEFAULT_TOOL_RISKS", "EXTERNAL_TOOLS", "PatternInfo", "QueryT",
        "REVERSIBLE_TOOLS", "RiskAssessment", "RiskClassifier", "RiskLevel", "RiskPattern",
        "SOURCE_OF_TRUTH_TOOLS", "assess_bash_risk", "classify", "count_true", "format_assessment",
        "list_pattern_infos", "match_pattern", "summarize_action", "validate_pattern",
    ),
    "arcadia_core.managers.failure_analysis": (
        "ERROR_TYPES", "Event", "FailureAnalyzer", "FailurePattern", "FailureReport",
        "FailureSignature", "FailureType", "KNOWN_PATTERNS", "PATTERN_SCAN_LIMIT", "ReportSummary",
        "SIMILARITY_SCAN_LIMIT", "Severity", "analyze_session", "analyze_session_async",
        "build_timeline", "classify", "detect_patterns", "events_query", "format_report",
        "format_report_markdown", "normalize_error", "recent_error_events", "scan",
        "session_events", "severity_name", "similar_hits", "similarity_score", "suggest_fixes",
        "to_event",
    ),
    "arcadia_core.managers.intervention_learning": (
        "AUTO_APPLY_DISABLED", "AUTO_APPLY_MIN_SIMILARITY", "ContextSignature", "Intervention",
        "InterventionLearner", "InterventionPattern", "InterventionType", "MatchResult",
        "normalize_error",
    ),
    "arcadia_core.managers.metrics": (
        "BudgetConfig", "ComprehensiveMetrics", "FeatureMetrics", "MetricsCollector",
        "QualityMetrics", "SessionMetrics", "TimeMetrics", "ToolMetrics", "WEEKDAYS",
        "decision_stats", "event_range", "feature_metrics", "format_dashboard",
        "format_metrics_markdown", "human_interventions", "session_counts", "session_metrics",
        "tool_metrics", "type_counts", "usage_totals",
    ),
    "arcadia_core.managers.observability": (
        "Event", "EventType", "Observability", "RunMetrics", "SessionInfo", "SessionMetrics",
        "TOOL_INPUT_LIMIT", "format_event_summary", "format_metrics_summary",
    ),
    "arcadia_core.managers.memory": (
        "ActiveError", "AggregateStatistics", "ArchivedSession", "HotMemoryStub", "HotState",
        "KnowledgeEntry", "MAX_ACTIVE_ERRORS", "MAX_PENDING_DECISIONS", "MAX_RECENT_ACTIONS",
        "MAX_RECENT_FILES", "MAX_WARM_SESSIONS", "MemoryManager", "PROMOTE_SUCCESS_COUNT",
        "PendingDecision", "ProvenPattern", "SessionSummary", "UnresolvedIssue",
    ),
    "arcadia_core.managers.human_interface": (
        "HumanInterface", "InjectionConflict", "InjectionPoint", "InjectionResponse",
        "InjectionType", "create_human_interface", "create_human_interface_async",
        "request_human_input_sync",
    ),
}
"""Module path -> the names importable from it before the managers became concept packages."""


@pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
def test_old_paths_still_export_their_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [name for name in PUBLIC_NAMES[module_name] if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
def test_old_paths_list_their_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    if module_name == "arcadia_core.managers" or module_name.endswith("human_interface"):
        pytest.skip("re-exports with `as` aliases, or not a concept package")
    assert set(PUBLIC_NAMES[module_name]) <= set(module.__all__)


def test_old_and_new_homes_are_the_same_objects() -> None:
    from arcadia_core.managers import RiskLevel
    from arcadia_core.managers.failure.manager import FailureAnalyzer
    from arcadia_core.managers.failure_analysis import FailureAnalyzer as OldFailureAnalyzer
    from arcadia_core.managers.risk import RiskLevel as PackageRiskLevel
    from arcadia_core.managers.risk.records import RiskLevel as NewRiskLevel

    assert RiskLevel is PackageRiskLevel is NewRiskLevel
    assert OldFailureAnalyzer is FailureAnalyzer
