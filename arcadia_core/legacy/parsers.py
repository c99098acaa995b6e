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
from arcadia_core.managers import AutonomyLevel, RiskLevel
from arcadia_core.managers.failure_analysis import Severity
from arcadia_core.vocabulary import (
    STORED_STATUSES,
    BuiltinRule,
    PointStatus,
    RespondedBy,
    status_of,
)

__all__ = [
    "BUILTIN_ESCALATION_RULE_IDS",
    "RecordError",
    "injection_status",
    "parse_autonomy_config",
    "parse_autonomy_decision",
    "parse_autonomy_metrics",
    "parse_escalation_log",
    "parse_escalation_rule",
    "parse_event",
    "parse_failure_report",
    "parse_injection_point",
    "parse_injection_response",
    "parse_intervention",
    "parse_intervention_pattern",
    "parse_risk_assessment",
    "parse_risk_pattern",
    "parse_session",
]

AUTONOMY_LEVELS = {level.name: level.value for level in AutonomyLevel}
RISK_LEVELS = {level.name: level.value for level in RiskLevel}
FAILURE_SEVERITIES = {level.name: level.value for level in Severity}
BUILTIN_ESCALATION_RULE_IDS = frozenset(rule.value for rule in BuiltinRule)
_POINT_ID = re.compile(r"^INJ-(\d+)-\d+$")


def _level(fields: Fields, name: str, scale: dict[str, int], default: Any = ...) -> Any:
    """A level given as its int or its enum name (`"EXECUTE_SAFE"`, `"HIGH"`)."""
    value = fields.record.get(name)
    if isinstance(value, str) and value.strip().upper() in scale:
        return scale[value.strip().upper()]
    top = max(scale.values())
    if default is ...:
        return fields.integer(name, low=1, high=top)
    return fields.integer(name, default=default, low=1, high=top)


def parse_autonomy_config(record: Any, *, updated_at: datetime) -> dict[str, Any]:
    """`.autonomy/config.json` (AutonomyConfig.to_dict) -> the `autonomy_config` row."""
    fields = Fields(record)
    action_levels: dict[str, int] = {}
    for tool, value in fields.mapping("action_levels").items():
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
        "confidence_threshold": fields.number("confidence_threshold", default=0.5, low=0, high=1),
        "error_demotion_count": fields.integer("error_demotion_count", default=3, low=1),
        "success_promotion_count": fields.integer("success_promotion_count", default=10, low=1),
        "auto_adjust": fields.flag("auto_adjust", default=True),
        "min_level": _level(fields, "min_level", AUTONOMY_LEVELS, 1),
        "max_level": _level(fields, "max_level", AUTONOMY_LEVELS, 4),
        "updated_at": fields.timestamp("updated_at", default=updated_at),
    }
    if row["min_level"] > row["max_level"]:
        raise RecordError(f"min_level {row['min_level']} is above max_level {row['max_level']}")
    return row


def parse_autonomy_metrics(record: Any, *, updated_at: datetime) -> dict[str, Any]:
    """`.autonomy/metrics.json` (PerformanceMetrics.to_dict) -> the `autonomy_metrics` row."""
    fields = Fields(record)
    outcomes = fields.items("recent_outcomes")
    for index, outcome in enumerate(outcomes):
        if not isinstance(outcome, bool):
            raise RecordError(f"field 'recent_outcomes'[{index}]: expected true or false")
    return {
        "id": 1,
        "consecutive_successes": fields.integer("consecutive_successes", default=0, low=0),
        "consecutive_errors": fields.integer("consecutive_errors", default=0, low=0),
        "total_actions": fields.integer("total_actions", default=0, low=0),
        "total_errors": fields.integer("total_errors", default=0, low=0),
        "recent_outcomes": list(outcomes),
        "level_changes": fields.objects("level_changes"),
        "updated_at": fields.timestamp("updated_at", default=updated_at),
    }


def parse_autonomy_decision(record: Any) -> dict[str, Any]:
    """A `.autonomy/decisions.jsonl` line (AutonomyDecision.to_dict) -> `autonomy_decisions`."""
    fields = Fields(record)
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.integer("session_id", default=0),
        "action": fields.text("action"),
        "tool": fields.text("tool"),
        "allowed": fields.flag("allowed"),
        "required_level": _level(fields, "required_level", AUTONOMY_LEVELS),
        "current_level": _level(fields, "current_level", AUTONOMY_LEVELS),
        "effective_level": _level(fields, "effective_level", AUTONOMY_LEVELS),
        "reason": fields.text("reason", default=""),
        "alternatives": fields.texts("alternatives"),
        "requires_approval": fields.flag("requires_approval", default=False),
        "requires_checkpoint": fields.flag("requires_checkpoint", default=False),
        "confidence": fields.opt_number("confidence", low=0, high=1),
    }


def parse_escalation_rule(
    record: Any, *, now: datetime, rule_id: str | None = None
) -> dict[str, Any]:
    """One rule of `.escalation/rules.json` (EscalationRule.to_dict) -> `escalation_rules`.

    `rule_id` is the key when the file is an object keyed by rule id.
    """
    fields = Fields(record)
    ident = fields.text("rule_id", default=rule_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'rule_id'")
    created = fields.timestamp("created_at", default=now)
    return {
        "rule_id": ident,
        "name": fields.text("name"),
        "description": fields.text("description", default=""),
        "condition_type": fields.text("condition_type"),
        "condition_params": fields.mapping("condition_params"),
        "severity": fields.integer("severity", default=3, low=1, high=5),
        "injection_type": fields.text("injection_type"),
        "message_template": fields.text("message_template"),
        "suggested_actions": fields.texts("suggested_actions"),
        "auto_pause": fields.flag("auto_pause", default=False),
        "timeout_seconds": fields.integer("timeout_seconds", default=300, low=0),
        "default_action": fields.opt_text("default_action"),
        "is_custom": fields.flag("is_custom", default=ident not in BUILTIN_ESCALATION_RULE_IDS),
        "is_enabled": fields.flag("is_enabled", default=True),
        "created_at": created,
        "updated_at": fields.timestamp("updated_at", default=created),
    }


def parse_escalation_log(record: Any) -> dict[str, Any]:
    """A `.escalation/escalations.jsonl` line -> `escalation_logs`."""
    fields = Fields(record)
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.integer("session_id", default=0),
        "rule_id": fields.text("rule_id"),
        "severity": fields.integer("severity", low=1, high=5),
        "message": fields.text("message", default=""),
        "context_summary": fields.mapping("context_summary", "context"),
    }


def parse_risk_pattern(
    record: Any, *, now: datetime, pattern_id: str | None = None
) -> dict[str, Any]:
    """One custom pattern of `.risk/patterns.json` (RiskPattern fields) -> `risk_patterns`."""
    fields = Fields(record)
    ident = fields.text("pattern_id", default=pattern_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'pattern_id'")
    input_pattern = fields.opt_text("input_pattern")
    if input_pattern is not None:
        try:
            re.compile(input_pattern)
        except re.error as error:
            raise RecordError(
                f"field 'input_pattern': invalid regular expression ({error})"
            ) from error
    return {
        "pattern_id": ident,
        "description": fields.text("description", default=""),
        "tool": fields.opt_text("tool"),
        "input_pattern": input_pattern,
        "input_field": fields.opt_text("input_field"),
        "risk_level": _level(fields, "risk_level", RISK_LEVELS),
        "is_reversible": fields.flag("is_reversible", default=True),
        "affects_source_of_truth": fields.flag("affects_source_of_truth", default=False),
        "has_external_side_effects": fields.flag("has_external_side_effects", default=False),
        "requires_approval": fields.flag("requires_approval", default=False),
        "requires_checkpoint": fields.flag("requires_checkpoint", default=False),
        "mitigation": fields.opt_text("mitigation"),
        "is_custom": fields.flag("is_custom", default=True),
        "is_enabled": fields.flag("is_enabled", default=True),
        "created_at": fields.timestamp("created_at", default=now),
    }


def parse_risk_assessment(record: Any) -> dict[str, Any]:
    """A `.risk/assessments.jsonl` line (RiskAssessment.to_dict) -> `risk_assessments`."""
    fields = Fields(record)
    level_field = "risk_level" if fields.has("risk_level") else "risk_level_name"
    return {
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.integer("session_id", default=0),
        "action": fields.text("action"),
        "tool": fields.text("tool"),
        "input_summary": fields.text("input_summary", default=""),
        "risk_level": _level(fields, level_field, RISK_LEVELS),
        "is_reversible": fields.flag("is_reversible"),
        "affects_source_of_truth": fields.flag("affects_source_of_truth"),
        "has_external_side_effects": fields.flag("has_external_side_effects"),
        "concerns": fields.texts("concerns"),
        "requires_approval": fields.flag("requires_approval", default=False),
        "requires_checkpoint": fields.flag("requires_checkpoint", default=False),
        "requires_review": fields.flag("requires_review", default=False),
        "suggested_mitigation": fields.opt_text("suggested_mitigation"),
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
        severity = fields.integer("severity", low=1, high=4)
    return {
        "session_id": fields.integer("session_id", default=session_hint),
        "generated_at": fields.timestamp("generated_at"),
        "failure_type": fields.text("failure_type"),
        "severity": severity,
        "last_successful_action": fields.text("last_successful_action", default=""),
        "failing_action": fields.text("failing_action", default=""),
        "error_messages": fields.texts("error_messages"),
        "likely_cause": fields.text("likely_cause", default=""),
        "confidence": fields.number("confidence", default=0.0, low=0, high=1),
        "patterns_detected": fields.objects("patterns_detected"),
        "similar_past_failures": fields.objects("similar_past_failures"),
        "suggested_fixes": fields.texts("suggested_fixes"),
        "failure_timeline": fields.objects("failure_timeline"),
        "error_count": fields.integer("error_count", default=0, low=0),
        "tool_failures": fields.integer("tool_failures", default=0, low=0),
        "blocked_actions": fields.integer("blocked_actions", default=0, low=0),
    }


def injection_status(responded_by: str, response: str | None, *, pending_dir: bool) -> str:
    """The status a legacy point had, from who answered it and where its file lay."""
    if responded_by == RespondedBy.PENDING and not pending_dir:
        raise RecordError("a completed point has no outcome (responded_by is 'pending')")
    return status_of(responded_by)


def parse_injection_point(
    record: Any, *, point_id: str | None = None, pending_dir: bool = False
) -> dict[str, Any]:
    """A `.human/pending|completed/<point_id>.json` (InjectionPoint.to_dict) -> a point row.

    `point_id` is the file's stem, used when the record lacks one. Pending files stay
    pending; completed ones keep their response, who answered and when.
    """
    fields = Fields(record)
    ident = fields.text("point_id", default=point_id)
    if ident is None or not ident.strip():
        raise RecordError("missing required field 'point_id'")
    match = _POINT_ID.match(ident)
    response = fields.opt_text("response")
    responded_by = fields.text("responded_by", default=RespondedBy.PENDING)
    status = fields.opt_text("status")
    if status is None:
        status = injection_status(responded_by, response, pending_dir=pending_dir)
    elif status not in STORED_STATUSES:
        raise RecordError(f"field 'status': unknown status {status!r}")
    if status == PointStatus.PENDING:
        response, responded_at, responded_by = None, None, RespondedBy.PENDING
    else:
        responded_at = fields.opt_timestamp("responded_at")
    return {
        "point_id": ident,
        "timestamp": fields.timestamp("timestamp"),
        "session_id": fields.integer("session_id", default=int(match.group(1)) if match else 0),
        "point_type": fields.text("point_type"),
        "context": fields.mapping("context"),
        "options": fields.texts("options"),
        "recommendation": fields.text("recommendation", default=""),
        "timeout_seconds": fields.integer("timeout_seconds", default=300, low=0),
        "default_on_timeout": fields.opt_text("default_on_timeout"),
        "response": response,
        "responded_at": responded_at,
        "responded_by": responded_by,
        "status": status,
        "escalation_rule_id": fields.opt_text("escalation_rule_id"),
        "message": fields.opt_text("message"),
        "severity": fields.integer("severity", default=3, low=1, high=5),
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
    ident = fields.text("point_id", default=point_id)
    if ident is None:
        raise RecordError("missing required field 'point_id'")
    responded_by = fields.text("responded_by", default=RespondedBy.HUMAN)
    if responded_by == RespondedBy.PENDING:
        responded_by = RespondedBy.HUMAN
    return {
        "point_id": ident,
        "response": fields.text("response"),
        "responded_by": responded_by,
        "responded_at": fields.timestamp("responded_at", "timestamp", default=fallback_time),
        "status": status_of(responded_by),
    }


def parse_intervention(record: Any) -> dict[str, Any]:
    """A `.learning/interventions.jsonl` line (Intervention.to_dict) -> `interventions`."""
    fields = Fields(record)
    return {
        "intervention_id": fields.text("intervention_id"),
        "session_id": fields.integer("session_id", default=0),
        "timestamp": fields.timestamp("timestamp"),
        "intervention_type": fields.text("intervention_type"),
        "context_signature": fields.required_mapping("context_signature"),
        "context_details": fields.mapping("context_details"),
        "original_action": fields.opt_text("original_action"),
        "original_rationale": fields.opt_text("original_rationale"),
        "human_action": fields.text("human_action", default=""),
        "human_rationale": fields.opt_text("human_rationale"),
        "outcome_tracked": fields.flag("outcome_tracked", default=False),
        "outcome_success": fields.opt_flag("outcome_success"),
        "outcome_notes": fields.opt_text("outcome_notes"),
    }


def parse_intervention_pattern(
    record: Any, *, now: datetime, pattern_id: str | None = None
) -> dict[str, Any]:
    """One pattern of `.learning/patterns.json` (InterventionPattern.to_dict)."""
    fields = Fields(record)
    ident = fields.text("pattern_id", default=pattern_id)
    if ident is None:
        raise RecordError("missing required field 'pattern_id'")
    return {
        "pattern_id": ident,
        "context_signature": fields.required_mapping("context_signature"),
        "times_matched": fields.integer("times_matched", default=0, low=0),
        "times_applied": fields.integer("times_applied", default=0, low=0),
        "success_count": fields.integer("success_count", default=0, low=0),
        "failure_count": fields.integer("failure_count", default=0, low=0),
        "recommended_action": fields.text("recommended_action", default=""),
        "rationale": fields.text("rationale", default=""),
        "auto_apply": fields.flag("auto_apply", default=False),
        "confidence": fields.number("confidence", default=0.0, low=0, high=1),
        "min_confidence_for_auto": fields.number(
            "min_confidence_for_auto", default=0.8, low=0, high=1
        ),
        "source_intervention_ids": fields.texts("source_intervention_ids"),
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
    ident = fields.integer("session_id", "id", low=0)
    end = fields.opt_timestamp("ended_at", "end_time")
    start = fields.timestamp("started_at", "start_time", default=end)
    if start is None:
        raise RecordError("missing required field 'started_at'")
    session_uuid = fields.text(
        "session_uuid",
        default=str(uuid.uuid5(_SESSION_NAMESPACE, f"{ident}:{start.isoformat()}")),
    )
    return {
        "id": ident,
        "session_uuid": session_uuid,
        "start_time": start,
        "end_time": end,
        "status": fields.text("status", default="completed" if end is not None else "unknown"),
        "total_cost": fields.number("total_cost", "estimated_cost_usd", default=0.0, low=0),
    }


def parse_event(record: Any) -> dict[str, Any]:
    """A `.events.jsonl` line (Event.to_dict) -> `events` (optional keys merged into payload)."""
    fields = Fields(record)
    payload = fields.mapping("data", "payload")
    for key in ("feature_index", "tool_name", "duration_ms"):
        if record.get(key) is not None:
            payload[key] = record[key]
    return {
        "session_id": fields.integer("session_id", default=0, low=0),
        "timestamp": fields.timestamp("timestamp"),
        "type": fields.text("event_type", "type"),
        "source": fields.text("source", default="agent"),
        "payload": payload,
    }
