"""Risk: classifying the agent's actions (ArcadiaForge's `risk` module).

records: RiskLevel, RiskPattern, RiskAssessment, AssessmentRecord, PatternInfo, links;
rules: the built-in patterns, bounded regex matching, classify, action summaries;
bash: assess_bash_risk for one shell command;
queries: patterns, assessment filters and rows, linked decisions and points;
manager: RiskClassifier.
"""

from __future__ import annotations

from arcadia_core.managers.risk.bash import assess_bash_risk
from arcadia_core.managers.risk.manager import CustomRule, RiskClassifier, format_assessment
from arcadia_core.managers.risk.queries import AssessmentFilter, list_pattern_infos
from arcadia_core.managers.risk.records import (
    AssessmentRecord,
    PatternInfo,
    RiskAssessment,
    RiskLevel,
    RiskPattern,
)
from arcadia_core.managers.risk.rules import (
    BUILTIN_PATTERN_IDS,
    DEFAULT_RISK_PATTERNS,
    DEFAULT_TOOL_RISKS,
    EXTERNAL_TOOLS,
    REVERSIBLE_TOOLS,
    SOURCE_OF_TRUTH_TOOLS,
    classify,
    match_pattern,
    summarize_action,
    validate_pattern,
)
from arcadia_core.managers.sql import QueryT, count_true

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
