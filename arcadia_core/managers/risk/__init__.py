"""TODO."""

from __future__ import annotations

from arcadia_core.managers.observability.queries import QueryT
from arcadia_core.managers.risk.bash import assess_bash_risk
from arcadia_core.managers.risk.manager import (
    EXTERNAL_TOOLS,
    REVERSIBLE_TOOLS,
    SOURCE_OF_TRUTH_TOOLS,
    AssessmentFilter,
    CustomRule,
    PatternInfo,
    RiskClassifier,
    classify,
    count_true,
    format_assessment,
    list_pattern_infos,
)
from arcadia_core.managers.risk.records import AssessmentRecord, RiskAssessment, summarize_action
from arcadia_core.managers.risk.rules import (
    BUILTIN_PATTERN_IDS,
    DEFAULT_RISK_PATTERNS,
    DEFAULT_TOOL_RISKS,
    RiskLevel,
    RiskPattern,
    match_pattern,
    validate_pattern,
)

__all__ = [
    "AssessmentFilter",
    "AssessmentRecord",
    "BUILTIN_PATTERN_IDS",
    "CustomRule",
    "DEFAULT_RISK_PATTERNS",
    "DEFAULT_TOOL_RISKS",
    "EXTERNAL_TOOLS",
    "PatternInfo",
    "QueryT",
    "REVERSIBLE_TOOLS",
    "RiskAssessment",
    "RiskClassifier",
    "RiskLevel",
    "RiskPattern",
    "SOURCE_OF_TRUTH_TOOLS",
    "assess_bash_risk",
    "classify",
    "count_true",
    "format_assessment",
    "list_pattern_infos",
    "match_pattern",
    "summarize_action",
    "validate_pattern",
]
