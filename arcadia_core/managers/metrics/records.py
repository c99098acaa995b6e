"""What metrics return: budgets, time and quality metrics, per-tool and per-feature figures."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class BudgetConfig:
    """Spending limit and token prices (env: ARCADIA_MAX_BUDGET, _INPUT_COST, _OUTPUT_COST)."""

    max_budget_usd: float = 10.0
    warning_threshold: float = 0.8
    currency: str = "USD"
    input_cost_per_1k: float = 0.003
    output_cost_per_1k: float = 0.015

    @classmethod
    def from_env(cls) -> BudgetConfig:
        env = os.environ
        return cls(
            max_budget_usd=float(env.get("ARCADIA_MAX_BUDGET", "10.0")),
            input_cost_per_1k=float(env.get("ARCADIA_INPUT_COST", "0.003")),
            output_cost_per_1k=float(env.get("ARCADIA_OUTPUT_COST", "0.015")),
        )


@dataclass(slots=True)
class TimeMetrics:
    """How long the run and its sessions took, and when sessions started."""

    total_run_duration_seconds: float = 0.0
    total_active_time_seconds: float = 0.0
    avg_session_duration_seconds: float = 0.0
    longest_session_seconds: float = 0.0
    shortest_session_seconds: float = 0.0
    sessions_by_hour: dict[int, int] = field(default_factory=dict)
    sessions_by_day: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class QualityMetrics:
    """Success, error and escalation rates, decision confidence and cost."""

    feature_success_rate: float = 0.0
    tool_success_rate: float = 0.0
    error_rate: float = 0.0
    blocked_rate: float = 0.0
    session_completion_rate: float = 0.0
    escalation_rate: float = 0.0
    intervention_rate: float = 0.0
    total_decisions: int = 0
    avg_confidence: float = 0.0
    low_confidence_decisions: int = 0
    estimated_cost_usd: float = 0.0


@dataclass(slots=True)
class ComprehensiveMetrics:
    """Every metric of the run (or of one session)."""

    run_id: str
    project_dir: str
    computed_at: str
    sessions_total: int = 0
    sessions_completed: int = 0
    features_completed: int = 0
    features_failed: int = 0
    time_metrics: TimeMetrics = field(default_factory=TimeMetrics)
    quality_metrics: QualityMetrics = field(default_factory=QualityMetrics)
    tool_metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    feature_metrics: dict[int, dict[str, Any]] = field(default_factory=dict)
    session_metrics: dict[int, dict[str, Any]] = field(default_factory=dict)
    escalations: int = 0
    human_interventions: int = 0
    total_input_tokens: int = 0
    total_output_tokens: int = 0


@dataclass(slots=True)
class ToolMetrics:
    """Calls, outcomes and durations of one tool."""

    tool_name: str
    total_calls: int = 0
    successful_calls: int = 0
    failed_calls: int = 0
    blocked_calls: int = 0
    total_duration_ms: int = 0
    avg_duration_ms: float = 0.0
    max_duration_ms: int = 0
    min_duration_ms: int = 0
    error_rate: float = 0.0
    common_errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FeatureMetrics:
    """Attempts, outcomes and time spent on one feature."""

    feature_index: int
    description: str = ""
    attempts: int = 0
    successful_attempts: int = 0
    failed_attempts: int = 0
    first_attempted: str | None = None
    last_attempted: str | None = None
    total_time_seconds: float = 0.0
    avg_attempt_seconds: float = 0.0
    is_passing: bool = False
    completed_in_session: int | None = None
