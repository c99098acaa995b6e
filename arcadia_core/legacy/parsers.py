"""Pure mapping of ArcadiaForge's legacy records (their `to_dict` shapes) to table rows.

Each `parse_*` takes one decoded JSON record and returns the complete column values of one
row (every column except the surrogate `id`), or raises `RecordError` naming the field.
Missing optional keys take the model defaults, unknown keys are ignored, timestamps may carry
an offset or not (none means UTC). Timestamps a legacy record never had (a rule's
`created_at`) come from the caller's `now`, so nothing here reads the clock.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from arcadia_core.legacy.fields import Fields, RecordError, to_int

__all__ = [
    "BUILTIN_ESCALATION_RULE_IDS",
    "RecordError",
    "injection_status",
    "parse_autonomy_config",
    "parse_autonomy_decision",
    "parse_autonomy_metrics",
    "parse_cold_memory",
    "parse_cold_memory_knowledge",
    "parse_escalation_log",
    "parse_escalation_rule",
    "parse_event",
    "parse_failure_report",
    "parse_hot_memory",
    "parse_injection_point",
    "parse_injection_response",
    "parse_intervention",
    "parse_intervention_pattern",
    "parse_risk_assessment",
    "parse_risk_pattern",
    "parse_session",
    "parse_warm_memory",
    "parse_warm_memory_issue",
    "parse_warm_memory_pattern",
]

AUTONOMY_LEVELS = {"OBSERVE": 1, "PLAN": 2, "EXECUTE_SAFE": 3, "EXECUTE_REVIEW": 4, "FULL_AUTO": 5}
RISK_LEVELS = {"MINIMAL": 1, "LOW": 2, "MODERATE": 3, "HIGH": 4, "CRITICAL": 5}
FAILURE_SEVERITIES = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
BUILTIN_ESCALATION_RULE_IDS = frozenset(
    {
        "low_confidence",
        "very_low_confidence",
        "feature_regression",
        "multiple_failures",
        "many_failures",
        "irreversible_action",
        "source_of_truth_change",
        "repeated_errors",
    }
)
INJECTION_STATUSES = frozenset({"pending", "responded", "timeout", "cancelled"})
# How ArcadiaForge's `responded_by` maps to our status when a record has no status field.
_STATUS_BY_RESPONDER = {
    "human": "responded",
    "escalation": "responded",
    "timeout_default": "timeout",
    "pause_requested": "timeout",
    "cancelled": "cancelled",
}
_POINT_ID = re.compile(r"^INJ-(\d+)-\d+$")


def _level(fields: Fields, name: str, scale: dict[str, int], default: Any = ...) -> Any:
    """A level given as its int or its enum name (`"EXECUTE_SAFE"`, `"HIGH"`)."""
    value = fields.record.get(name)
    if isinstance(value, str) and value.strip().upper() in scale:
        return scale[value.strip().upper()]
    top = max(scale.values())
    if default is ...:
        return fields.int(name, low=1, high=top)
    return fields.int(name, default=default, low=1, high=top)


def parse_autonomy_config(record: Any, *, updated_at: datetime) -> dict[str, Any]:
    """`.autonomy/config.json` (AutonomyConfig.to_dict) -> the `autonomy_config` row."""
    fields = Fields(record)
    action_levels: dict[str, int] = {}
    for tool, value in fields.dict("action_levels").items():
        if isinstance(value, str) and value.strip().upper() in AUTONOMY_LEVELS:
            action_levels[str(tool)] = AUTONOMY_LEVELS[value.strip().upper()]
            continue
        level = to_int(f"action_levels.{tool}", value)
        if not 1 <= level <= 5:
            raise RecordError(f"field 'action_levels.{tool}': {level} is out of range (1..5)")
        action_levels[str(tool)] = level
    row = {
        "id": 1,
        "level": _level(fields, "level", AUTONOMY_LEVELS, 3),
        "action_levels": action_levels,
        "confidence_threshold": fields.float("confidence_threshold", default=0.5, low=0, high=1),
        "error_demotion_count": fields.int("error_demotion_count", default=3, low=1),
        "success_promotion_count": fields.int("success_promotion_count", default=10, low=1),
        "auto_adjust": fields.bool("auto_adjust", default=True),
        "min_level": _level(fields, "min_level", AUTONOMY_LEVELS, 1),
        "max_level": _level(fields, "max_level", AUTONOMY_LEVELS, 4),
        "updated_at": fields.timestamp("updated_at", default=updated_at),
    }
    if row["min_level"] > row["max_level"]:
        raise RecordError(
            f"min_level {row['min_level']} is above max_level {row['max_level']}"
        )
    return row


def parse_autonomy_metrics(record: Any, *, updated_at: datetime) -> dict[str, Any]:
    """`.autonomy/metrics.json` (PerformanceMetrics.to_dict) -> the `autonomy_metrics` row."""
    fields = Fields(record)
    outcomes = fields.list("recent_outcomes")
    for index, outcome in enumerate(outcomes):
        if not isinstance(outcome, bool):
            raise RecordError(f"field 'recent_outcomes'[{index}]: expected true or false")
    return {
        "id": 1,
        "consecutive_successes": fields.int("consecutive_successes", default=0, low=0),
        "consecutive_errors": fields.int("consecutive_errors", default=0, low=0),
        "total_actions": fields.int("total_actions", default=0, low=0),
        "total_errors": fields.int("total_errors", default=0, low=0),
        "recent_outcomes": list(outcomes),
        "level_changes": fields.dict_list("level_changes"),
        "updated_at": fields.timestamp("updated_at", default=updated_at),
    }


def parse_autonomy_decision(record: Any) -> dict[str, Any]:
    """A `.autonomy/decisions.jsonl` line (AutonomyDecision.to_dict) -> `autonomy_decisions`."""
    fields = Fields(record)
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.int("session_id", default=0),
        "action": fields.str("action"),
        "tool": fields.str("tool"),
        "allowed": fields.bool("allowed"),
        "required_level": _level(fields, "required_level", AUTONOMY_LEVELS),
        "current_level": _level(fields, "current_level", AUTONOMY_LEVELS),
        "effective_level": _level(fields, "effective_level", AUTONOMY_LEVELS),
        "reason": fields.str("reason", default=""),
        "alternatives": fields.str_list("alternatives"),
        "requires_approval": fields.bool("requires_approval", default=False),
        "requires_checkpoint": fields.bool("requires_checkpoint", default=False),
        "confidence": fields.opt_float("confidence", low=0, high=1),
    }


def parse_escalation_rule(record: Any, *, now: datetime, rule_id: str | None = None) -> dict[str, Any]:
    """One rule of `.escalation/rules.json` (EscalationRule.to_dict) -> `escalation_rules`.

    `rule_id` is the key when the file is an object keyed by rule id.
    """
    fields = Fields(record)
    ident = fields.str("rule_id", default=rule_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'rule_id'")
    created = fields.timestamp("created_at", default=now)
    return {
        "rule_id": ident,
        "name": fields.str("name"),
        "description": fields.str("description", default=""),
        "condition_type": fields.str("condition_type"),
        "condition_params": fields.dict("condition_params"),
        "severity": fields.int("severity", default=3, low=1, high=5),
        "injection_type": fields.str("injection_type"),
        "message_template": fields.str("message_template"),
        "suggested_actions": fields.str_list("suggested_actions"),
        "auto_pause": fields.bool("auto_pause", default=False),
        "timeout_seconds": fields.int("timeout_seconds", default=300, low=0),
        "default_action": fields.opt_str("default_action"),
        "is_custom": fields.bool("is_custom", default=ident not in BUILTIN_ESCALATION_RULE_IDS),
        "is_enabled": fields.bool("is_enabled", default=True),
        "created_at": created,
        "updated_at": fields.timestamp("updated_at", default=created),
    }


def parse_escalation_log(record: Any) -> dict[str, Any]:
    """A `.escalation/escalations.jsonl` line -> `escalation_logs`."""
    fields = Fields(record)
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.int("session_id", default=0),
        "rule_id": fields.str("rule_id"),
        "severity": fields.int("severity", low=1, high=5),
        "message": fields.str("message", default=""),
        "context_summary": fields.dict("context_summary", "context"),
    }


def parse_risk_pattern(record: Any, *, now: datetime, pattern_id: str | None = None) -> dict[str, Any]:
    """One custom pattern of `.risk/patterns.json` (RiskPattern fields) -> `risk_patterns`."""
    fields = Fields(record)
    ident = fields.str("pattern_id", default=pattern_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'pattern_id'")
    input_pattern = fields.opt_str("input_pattern")
    if input_pattern is not None:
        try:
            re.compile(input_pattern)
        except re.error as error:
            raise RecordError(f"field 'input_pattern': invalid regular expression ({error})") from error
    return {
        "pattern_id": ident,
        "description": fields.str("description", default=""),
        "tool": fields.opt_str("tool"),
        "input_pattern": input_pattern,
        "input_field": fields.opt_str("input_field"),
        "risk_level": _level(fields, "risk_level", RISK_LEVELS),
        "is_reversible": fields.bool("is_reversible", default=True),
        "affects_source_of_truth": fields.bool("affects_source_of_truth", default=False),
        "has_external_side_effects": fields.bool("has_external_side_effects", default=False),
        "requires_approval": fields.bool("requires_approval", default=False),
        "requires_checkpoint": fields.bool("requires_checkpoint", default=False),
        "mitigation": fields.opt_str("mitigation"),
        "is_custom": fields.bool("is_custom", default=True),
        "is_enabled": fields.bool("is_enabled", default=True),
        "created_at": fields.timestamp("created_at", default=now),
    }


def parse_risk_assessment(record: Any) -> dict[str, Any]:
    """A `.risk/assessments.jsonl` line (RiskAssessment.to_dict) -> `risk_assessments`."""
    fields = Fields(record)
    level_field = "risk_level" if fields.has("risk_level") else "risk_level_name"
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.int("session_id", default=0),
        "action": fields.str("action"),
        "tool": fields.str("tool"),
        "input_summary": fields.str("input_summary", default=""),
        "risk_level": _level(fields, level_field, RISK_LEVELS),
        "is_reversible": fields.bool("is_reversible"),
        "affects_source_of_truth": fields.bool("affects_source_of_truth"),
        "has_external_side_effects": fields.bool("has_external_side_effects"),
        "concerns": fields.str_list("concerns"),
        "requires_approval": fields.bool("requires_approval", default=False),
        "requires_checkpoint": fields.bool("requires_checkpoint", default=False),
        "requires_review": fields.bool("requires_review", default=False),
        "suggested_mitigation": fields.opt_str("suggested_mitigation"),
    }


def parse_failure_report(record: Any, *, session_hint: int | None = None) -> dict[str, Any]:
    """A `.failure_reports/failure_report_*.json` (FailureReport.to_dict) -> `failure_reports`.

    `session_hint` comes from the file name (`failure_report_<session>_...`).
    """
    fields = Fields(record)
    severity_field = fields.record.get("severity")
    if isinstance(severity_field, str) and severity_field.strip().upper() in FAILURE_SEVERITIES:
        severity = FAILURE_SEVERITIES[severity_field.strip().upper()]
    else:
        severity = fields.int("severity", low=1, high=4)
    return {
        "session_id": fields.int("session_id", default=session_hint),
        "generated_at": fields.timestamp("generated_at"),
        "failure_type": fields.str("failure_type"),
        "severity": severity,
        "last_successful_action": fields.str("last_successful_action", default=""),
        "failing_action": fields.str("failing_action", default=""),
        "error_messages": fields.str_list("error_messages"),
        "likely_cause": fields.str("likely_cause", default=""),
        "confidence": fields.float("confidence", default=0.0, low=0, high=1),
        "patterns_detected": fields.dict_list("patterns_detected"),
        "similar_past_failures": fields.dict_list("similar_past_failures"),
        "suggested_fixes": fields.str_list("suggested_fixes"),
        "failure_timeline": fields.dict_list("failure_timeline"),
        "error_count": fields.int("error_count", default=0, low=0),
        "tool_failures": fields.int("tool_failures", default=0, low=0),
        "blocked_actions": fields.int("blocked_actions", default=0, low=0),
    }


def injection_status(responded_by: str, response: str | None, *, pending_dir: bool) -> str:
    """The status a legacy point had, from who answered it and where its file lay."""
    if responded_by == "pending":
        if pending_dir:
            return "pending"
        raise RecordError("a completed point has no outcome (responded_by is 'pending')")
    return _STATUS_BY_RESPONDER.get(responded_by, "responded")


def parse_injection_point(
    record: Any, *, point_id: str | None = None, pending_dir: bool = False
) -> dict[str, Any]:
    """A `.human/pending|completed/<point_id>.json` (InjectionPoint.to_dict) -> a point row.

    `point_id` is the file's stem, used when the record lacks one. Pending files stay
    pending; completed ones keep their response, who answered and when.
    """
    fields = Fields(record)
    ident = fields.str("point_id", default=point_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'point_id'")
    match = _POINT_ID.match(ident)
    response = fields.opt_str("response")
    responded_by = fields.str("responded_by", default="pending")
    status = fields.opt_str("status")
    if status is None:
        status = injection_status(responded_by, response, pending_dir=pending_dir)
    elif status not in INJECTION_STATUSES:
        raise RecordError(f"field 'status': unknown status {status!r}")
    if status == "pending":
        response, responded_at, responded_by = None, None, "pending"
    else:
        responded_at = fields.opt_timestamp("responded_at")
    return {
        "point_id": ident,
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.int("session_id", default=int(match.group(1)) if match else 0),
        "point_type": fields.str("point_type"),
        "context": fields.dict("context"),
        "options": fields.str_list("options"),
        "recommendation": fields.str("recommendation", default=""),
        "timeout_seconds": fields.int("timeout_seconds", default=300, low=0),
        "default_on_timeout": fields.opt_str("default_on_timeout"),
        "response": response,
        "responded_at": responded_at,
        "responded_by": responded_by,
        "status": status,
        "escalation_rule_id": fields.opt_str("escalation_rule_id"),
        "message": fields.opt_str("message"),
        "severity": fields.int("severity", default=3, low=1, high=5),
    }


def parse_injection_response(
    record: Any, *, point_id: str | None, fallback_time: datetime
) -> dict[str, Any]:
    """A `.human/responses/<point_id>.json` (InjectionResponse shape) -> the answer's columns.

    Returns point_id, response, responded_by, responded_at and the resulting status.
    """
    if isinstance(record, str):
        record = {"response": record}
    fields = Fields(record)
    ident = fields.str("point_id", default=point_id)
    if ident is None:
        raise RecordError("missing required field 'point_id'")
    responded_by = fields.str("responded_by", default="human")
    if responded_by == "pending":
        responded_by = "human"
    return {
        "point_id": ident,
        "response": fields.str("response"),
        "responded_by": responded_by,
        "responded_at": fields.timestamp("responded_at", "timestamp", default=fallback_time),
        "status": _STATUS_BY_RESPONDER.get(responded_by, "responded"),
    }


def parse_intervention(record: Any) -> dict[str, Any]:
    """A `.learning/interventions.jsonl` line (Intervention.to_dict) -> `interventions`."""
    fields = Fields(record)
    return {
        "intervention_id": fields.str("intervention_id"),
        "session_id": fields.int("session_id", default=0),
        "timestamp": fields.timestamp("timestamp"),
        "intervention_type": fields.str("intervention_type"),
        "context_signature": fields.required_dict("context_signature"),
        "context_details": fields.dict("context_details"),
        "original_action": fields.opt_str("original_action"),
        "original_rationale": fields.opt_str("original_rationale"),
        "human_action": fields.str("human_action", default=""),
        "human_rationale": fields.opt_str("human_rationale"),
        "outcome_tracked": fields.bool("outcome_tracked", default=False),
        "outcome_success": fields.opt_bool("outcome_success"),
        "outcome_notes": fields.opt_str("outcome_notes"),
    }


def parse_intervention_pattern(
    record: Any, *, now: datetime, pattern_id: str | None = None
) -> dict[str, Any]:
    """One pattern of `.learning/patterns.json` (InterventionPattern.to_dict)."""
    fields = Fields(record)
    ident = fields.str("pattern_id", default=pattern_id)
    if ident is None:
        raise RecordError("missing required field 'pattern_id'")
    return {
        "pattern_id": ident,
        "context_signature": fields.required_dict("context_signature"),
        "times_matched": fields.int("times_matched", default=0, low=0),
        "times_applied": fields.int("times_applied", default=0, low=0),
        "success_count": fields.int("success_count", default=0, low=0),
        "failure_count": fields.int("failure_count", default=0, low=0),
        "recommended_action": fields.str("recommended_action", default=""),
        "rationale": fields.str("rationale", default=""),
        "auto_apply": fields.bool("auto_apply", default=False),
        "confidence": fields.float("confidence", default=0.0, low=0, high=1),
        "min_confidence_for_auto": fields.float("min_confidence_for_auto", default=0.8, low=0, high=1),
        "source_intervention_ids": fields.str_list("source_intervention_ids"),
        "created_at": fields.timestamp("created_at", default=now),
        "last_matched": fields.opt_timestamp("last_matched"),
    }


_SESSION_NAMESPACE = uuid.UUID("6f0c6a3e-5d57-4b8e-9a35-2f3b7c1d8e90")


def parse_session(record: Any) -> dict[str, Any]:
    """A session of `.metrics/` (a sessions.csv row or a SessionMetrics) -> `sessions`.

    Without a `session_uuid` the row gets one derived from the session id and start, so
    re-reading the same file gives the same row.
    """
    fields = Fields(record)
    ident = fields.int("session_id", "id", low=0)
    end = fields.opt_timestamp("ended_at", "end_time")
    start = fields.timestamp("started_at", "start_time", default=end)
    if start is None:
        raise RecordError("missing required field 'started_at'")
    session_uuid = fields.str(
        "session_uuid",
        default=str(uuid.uuid5(_SESSION_NAMESPACE, f"{ident}:{start.isoformat()}")),
    )
    return {
        "id": ident,
        "session_uuid": session_uuid,
        "start_time": start,
        "end_time": end,
        "status": fields.str("status", default="completed" if end is not None else "unknown"),
        "total_cost": fields.float("total_cost", "estimated_cost_usd", default=0.0, low=0),
    }


def parse_event(record: Any) -> dict[str, Any]:
    """A `.events.jsonl` line (Event.to_dict) -> `events` (optional keys merged into payload)."""
    fields = Fields(record)
    payload = fields.dict("data", "payload")
    for key in ("feature_index", "tool_name", "duration_ms"):
        if record.get(key) is not None:
            payload[key] = record[key]
    return {
        "session_id": fields.int("session_id", default=0, low=0),
        "timestamp": fields.timestamp("timestamp"),
        "type": fields.str("event_type", "type"),
        "source": fields.str("source", default="agent"),
        "payload": payload,
    }


def parse_hot_memory(record: Any, *, now: datetime) -> dict[str, Any]:
    """A hot-memory snapshot (HotMemoryStub or a hot_memory row) -> `hot_memory`."""
    fields = Fields(record)
    return {
        "session_id": fields.int("session_id"),
        "started_at": fields.timestamp("started_at", default=now),
        "current_feature": fields.opt_int("current_feature"),
        "current_task": fields.str("current_task", default=""),
        "recent_actions": fields.list("recent_actions"),
        "recent_files": fields.str_list("recent_files"),
        "focus_keywords": fields.str_list("focus_keywords"),
        "active_errors": fields.list("active_errors"),
        "pending_decisions": fields.list("pending_decisions"),
        "current_hypotheses": fields.list("current_hypotheses"),
    }


def parse_warm_memory(record: Any) -> dict[str, Any]:
    """A session summary (SessionSummary or a warm_memory row) -> `warm_memory`."""
    fields = Fields(record)
    start = fields.timestamp("started_at")
    end = fields.timestamp("ended_at")
    return {
        "session_id": fields.int("session_id"),
        "started_at": start,
        "ended_at": end,
        "duration_seconds": fields.float(
            "duration_seconds", default=max(0.0, (end - start).total_seconds())
        ),
        "features_started": fields.int("features_started", default=0, low=0),
        "features_completed": fields.int("features_completed", default=0, low=0),
        "features_regressed": fields.int("features_regressed", default=0, low=0),
        "key_decisions": fields.list("key_decisions"),
        "errors_encountered": fields.list("errors_encountered"),
        "errors_resolved": fields.list("errors_resolved"),
        "last_feature_worked": fields.opt_int("last_feature_worked"),
        "last_checkpoint_id": fields.opt_str("last_checkpoint_id"),
        "ending_state": fields.str("ending_state", default="completed"),
        "patterns_discovered": fields.list("patterns_discovered"),
        "warnings_for_next": fields.list("warnings_for_next"),
        "tool_calls": fields.int("tool_calls", default=0, low=0),
        "escalations": fields.int("escalations", default=0, low=0),
        "human_interventions": fields.int("human_interventions", default=0, low=0),
    }


def parse_warm_memory_issue(record: Any, *, now: datetime) -> dict[str, Any]:
    """An unresolved issue (UnresolvedIssue or a row) -> `warm_memory_issues`."""
    fields = Fields(record)
    created_session = fields.int("created_session", "session_id", default=0)
    return {
        "issue_id": fields.str("issue_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "created_session": created_session,
        "issue_type": fields.str("issue_type", "type"),
        "description": fields.str("description"),
        "priority": fields.int("priority", default=3),
        "related_features": fields.int_list("related_features"),
        "related_files": fields.str_list("related_files"),
        "context": fields.dict("context"),
        "attempted_solutions": fields.list("attempted_solutions"),
        "last_seen_session": fields.int("last_seen_session", default=created_session),
        "times_encountered": fields.int("times_encountered", default=1, low=0),
    }


def parse_warm_memory_pattern(record: Any, *, now: datetime) -> dict[str, Any]:
    """A proven pattern (ProvenPattern: problem/solution, or a row) -> `warm_memory_patterns`."""
    fields = Fields(record)
    sessions = fields.int_list("source_sessions", "sessions_used")
    return {
        "pattern_id": fields.str("pattern_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "created_session": fields.int(
            "created_session", "session_id", default=sessions[0] if sessions else 0
        ),
        "pattern_type": fields.str("pattern_type", default="fix"),
        "pattern": fields.str("pattern", "solution"),
        "context": fields.str("context", "problem", default=""),
        "success_count": fields.int("success_count", default=1, low=0),
        "confidence": fields.float("confidence", default=0.5, low=0, high=1),
        "context_keywords": fields.str_list("context_keywords"),
        "source_sessions": sessions,
        "last_used_session": fields.opt_int("last_used_session"),
    }


def parse_cold_memory(record: Any) -> dict[str, Any]:
    """An archived session (ArchivedSession or a row) -> `cold_memory`."""
    fields = Fields(record)
    start = fields.timestamp("started_at")
    end = fields.timestamp("ended_at")
    return {
        "session_id": fields.int("session_id"),
        "started_at": start,
        "ended_at": end,
        "ending_state": fields.str("ending_state", default="completed"),
        "features_completed": fields.int("features_completed", default=0, low=0),
        "features_regressed": fields.int("features_regressed", default=0, low=0),
        "errors_count": fields.int("errors_count", default=0, low=0),
        "duration_seconds": fields.float(
            "duration_seconds", default=max(0.0, (end - start).total_seconds())
        ),
    }


def parse_cold_memory_knowledge(record: Any, *, now: datetime) -> dict[str, Any]:
    """A knowledge entry (KnowledgeEntry or a row) -> `cold_memory_knowledge`."""
    fields = Fields(record)
    return {
        "knowledge_id": fields.str("knowledge_id", "entry_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "knowledge_type": fields.str("knowledge_type", "type", default="best_practice"),
        "title": fields.str("title"),
        "description": fields.str("description", default=""),
        "context_keywords": fields.str_list("context_keywords"),
        "source_sessions": fields.int_list("source_sessions"),
        "times_verified": fields.int("times_verified", default=1, low=0),
        "confidence": fields.float("confidence", default=0.5, low=0, high=1),
        "last_used": fields.opt_timestamp("last_used"),
    }
