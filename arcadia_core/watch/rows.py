"""Row-to-record conversion for the change feed, lenient with malformed stored values.

Stored values are read as raw text and decoded here: bad JSON is delivered as the raw string,
an unreadable timestamp becomes the time the feed saw the row, so one bad row cannot stop a feed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from arcadia_core.db.types import parse_timestamp
from arcadia_core.vocabulary import PointStatus
from arcadia_core.watch.records import (
    AutonomyChanged,
    EscalationLogged,
    EventLogged,
    FailureReported,
    InjectionCreated,
    InjectionResolved,
    RiskAssessed,
    SessionEnded,
    SessionStarted,
)

RowData = Mapping[Any, Any]
"""One result row, keyed by column name."""


def decode_json(value: Any) -> Any:
    """Stored JSON text decoded, or the text itself when it is not valid JSON."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _time(value: Any) -> datetime | None:
    try:
        return parse_timestamp(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any, default: str = "") -> str:
    return default if value is None else str(value)


def _bool(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true")


def _mapping(value: Any) -> dict[str, Any]:
    decoded = decode_json(value)
    if decoded is None:
        return {}
    if isinstance(decoded, dict):
        return decoded
    return {"value": decoded}


def _strings(value: Any) -> tuple[str, ...]:
    decoded = decode_json(value)
    if decoded is None:
        return ()
    if isinstance(decoded, list):
        return tuple(_text(item) for item in decoded)
    return (_text(decoded),)


def point_created(row: RowData, now: datetime, *, replayed: bool = False) -> InjectionCreated:
    """A point row as `InjectionCreated`."""
    default = row["default_on_timeout"]
    return InjectionCreated(
        row_id=_int(row["id"]),
        point_id=_text(row["point_id"]),
        timestamp=_time(row["timestamp"]) or now,
        session_id=_int(row["session_id"]),
        point_type=_text(row["point_type"]),
        severity=_int(row["severity"], 3),
        message=None if row["message"] is None else _text(row["message"]),
        context=_mapping(row["context"]),
        options=_strings(row["options"]),
        recommendation=_text(row["recommendation"]),
        timeout_seconds=_int(row["timeout_seconds"], 300),
        default_on_timeout=None if default is None else _text(default),
        escalation_rule_id=None
        if row["escalation_rule_id"] is None
        else _text(row["escalation_rule_id"]),
        status=_text(row["status"], PointStatus.PENDING),
        replayed=replayed,
    )


def point_resolved(row: RowData) -> InjectionResolved:
    """A point row as `InjectionResolved`."""
    return InjectionResolved(
        row_id=_int(row["id"]),
        point_id=_text(row["point_id"]),
        session_id=_int(row["session_id"]),
        status=_text(row["status"]),
        response=None if row["response"] is None else _text(row["response"]),
        responded_by=_text(row["responded_by"]),
        responded_at=_time(row["responded_at"]),
    )


def session_ended(row: RowData) -> SessionEnded:
    """A session row as `SessionEnded`."""
    return SessionEnded(
        session_id=_int(row["id"]), end_time=_time(row["end_time"]), status=_text(row["status"])
    )


def escalation_logged(row: RowData, now: datetime) -> EscalationLogged:
    """An escalation log row as `EscalationLogged`."""
    return EscalationLogged(
        row_id=_int(row["id"]),
        timestamp=_time(row["timestamp"]) or now,
        session_id=_int(row["session_id"]),
        rule_id=_text(row["rule_id"]),
        severity=_int(row["severity"], 3),
        message=_text(row["message"]),
        context_summary=_mapping(row["context_summary"]),
    )


def risk_assessed(row: RowData, now: datetime) -> RiskAssessed:
    """A risk assessment row as `RiskAssessed`."""
    return RiskAssessed(
        row_id=_int(row["id"]),
        timestamp=_time(row["timestamp"]) or now,
        session_id=_int(row["session_id"]),
        action=_text(row["action"]),
        tool=_text(row["tool"]),
        input_summary=_text(row["input_summary"]),
        risk_level=_int(row["risk_level"]),
        requires_approval=_bool(row["requires_approval"]),
        concerns=_strings(row["concerns"]),
    )


def failure_reported(row: RowData, now: datetime) -> FailureReported:
    """A failure report row as `FailureReported`."""
    return FailureReported(
        row_id=_int(row["id"]),
        generated_at=_time(row["generated_at"]) or now,
        session_id=_int(row["session_id"]),
        failure_type=_text(row["failure_type"]),
        severity=_int(row["severity"]),
        failing_action=_text(row["failing_action"]),
        likely_cause=_text(row["likely_cause"]),
    )


def event_logged(row: RowData, now: datetime) -> EventLogged:
    """An event row as `EventLogged`."""
    return EventLogged(
        row_id=_int(row["id"]),
        timestamp=_time(row["timestamp"]) or now,
        session_id=_int(row["session_id"]),
        event_type=_text(row["type"]),
        source=_text(row["source"]),
        payload=decode_json(row["payload"]),
    )


def autonomy_changed(
    part: Literal["config", "metrics"],
    values: dict[str, Any],
    previous: dict[str, Any] | None,
) -> AutonomyChanged:
    """A new autonomy snapshot as `AutonomyChanged`."""
    return AutonomyChanged(
        part=part, updated_at=_time(values.get("updated_at")), values=values, previous=previous
    )


def session_started(row: RowData, now: datetime) -> SessionStarted:
    """A session row as `SessionStarted`."""
    return SessionStarted(
        session_id=_int(row["id"]),
        start_time=_time(row["start_time"]) or now,
        status=_text(row["status"]),
    )


def is_pending(row: RowData) -> bool:
    """Whether a point row is still pending."""
    return _text(row["status"], PointStatus.PENDING) == PointStatus.PENDING
