"""Legacy record parsing: to_dict shapes in, complete rows out, precise errors for bad ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from arcadia_core.legacy import parsers as p
from arcadia_core.legacy import parsers_memory as pm
from arcadia_core.legacy.discover import discover, memory_table
from arcadia_core.legacy.fields import RecordError
from arcadia_core.legacy.fingerprint import fingerprint
from arcadia_core.legacy.jsonio import Fault, Item, iter_csv, iter_jsonl, json_items, read_json
from arcadia_core.models import AutonomyDecisionModel, InjectionPointModel
from tests.legacy_helpers import SAMPLE

NOW = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)

DECISION = {
    "action": "Write to app.py",
    "tool": "Write",
    "allowed": True,
    "required_level": 3,
    "current_level": 4,
    "effective_level": 4,
    "reason": "Action allowed",
    "alternatives": [],
    "requires_approval": False,
    "requires_checkpoint": False,
    "timestamp": "2024-01-05T10:00:01.123456+00:00",
    "confidence": 0.9,
}
POINT = {
    "point_id": "INJ-4-1",
    "timestamp": "2024-01-04T09:00:00+00:00",
    "session_id": 4,
    "point_type": "guidance",
    "context": {"feature": 12},
    "options": ["Skip feature", "Provide hints"],
    "recommendation": "Skip feature",
    "timeout_seconds": 300,
    "default_on_timeout": None,
    "response": "Provide hints",
    "responded_at": "2024-01-04T09:01:30+00:00",
    "responded_by": "human",
    "escalation_rule_id": None,
    "message": None,
    "severity": 3,
}


def columns(model: type) -> set[str]:
    return {column.name for column in model.__table__.columns if column.name != "id"}  # type: ignore[attr-defined]


def test_decision_maps_every_column_and_defaults_session() -> None:
    row = p.parse_autonomy_decision(DECISION)
    assert set(row) == columns(AutonomyDecisionModel)
    assert row["timestamp"] == datetime(2024, 1, 5, 10, 0, 1, 123456, tzinfo=UTC)
    assert row["session_id"] == 0 and row["allowed"] is True and row["confidence"] == 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05T12:00:02.5+02:00", datetime(2024, 1, 5, 10, 0, 2, 500000, tzinfo=UTC)),
        ("2024-01-05T10:00:03", datetime(2024, 1, 5, 10, 0, 3, tzinfo=UTC)),
        ("2024-01-05 10:00:03.000001", datetime(2024, 1, 5, 10, 0, 3, 1, tzinfo=UTC)),
        ("2024-01-05T10:00:05Z", datetime(2024, 1, 5, 10, 0, 5, tzinfo=UTC)),
    ],
)
def test_timestamps_with_and_without_offset(text: str, expected: datetime) -> None:
    assert p.parse_autonomy_decision({**DECISION, "timestamp": text})["timestamp"] == expected


def test_missing_optional_keys_and_extra_keys_are_fine() -> None:
    minimal = {
        k: DECISION[k]
        for k in (
            "action",
            "tool",
            "allowed",
            "required_level",
            "current_level",
            "effective_level",
            "timestamp",
        )
    }
    row = p.parse_autonomy_decision(
        {**minimal, "agent_version": "0.9", "required_level": "FULL_AUTO"}
    )
    assert row["alternatives"] == [] and row["reason"] == "" and row["confidence"] is None
    assert row["required_level"] == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"allowed": "maybe"}, "field 'allowed': expected true or false"),
        ({"required_level": 7}, "field 'required_level': 7 is out of range (1..5)"),
        ({"timestamp": "yesterday"}, "field 'timestamp': unrecognised timestamp"),
        ({"timestamp": None}, "missing required field 'timestamp'"),
        ({"alternatives": "Deny"}, "field 'alternatives': expected a list"),
        ({"tool": 3}, "field 'tool': expected a string, got a number"),
        ({"confidence": 1.5}, "field 'confidence': 1.5 is out of range"),
    ],
)
def test_bad_decision_fields_are_named(change: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError) as caught:
        p.parse_autonomy_decision({**DECISION, **change})
    assert message in caught.value.message


def test_a_record_must_be_an_object() -> None:
    with pytest.raises(RecordError, match="expected a JSON object, got a list"):
        p.parse_autonomy_decision([1, 2])


def test_config_defaults_and_bounds() -> None:
    row = p.parse_autonomy_config({}, updated_at=NOW)
    assert (row["level"], row["min_level"], row["max_level"], row["auto_adjust"]) == (3, 1, 4, True)
    assert row["updated_at"] == NOW and row["id"] == 1
    assert p.parse_autonomy_config({"action_levels": {"Bash": "FULL_AUTO"}}, updated_at=NOW)[
        "action_levels"
    ] == {"Bash": 5}
    with pytest.raises(RecordError, match="min_level 4 is above max_level 2"):
        p.parse_autonomy_config({"min_level": 4, "max_level": 2}, updated_at=NOW)
    with pytest.raises(RecordError, match="action_levels.Bash"):
        p.parse_autonomy_config({"action_levels": {"Bash": 9}}, updated_at=NOW)


def test_rule_custom_flag_follows_builtin_ids() -> None:
    rule = {
        "rule_id": "slow",
        "name": "Slow",
        "condition_type": "threshold",
        "injection_type": "review",
        "message_template": "x",
    }
    assert p.parse_escalation_rule(rule, now=NOW)["is_custom"] is True
    builtin = p.parse_escalation_rule({**rule, "rule_id": "low_confidence"}, now=NOW)
    assert builtin["is_custom"] is False and builtin["created_at"] == NOW
    assert builtin["condition_params"] == {} and builtin["severity"] == 3


def test_risk_pattern_regex_is_checked() -> None:
    with pytest.raises(RecordError, match="invalid regular expression"):
        p.parse_risk_pattern(
            {"pattern_id": "x", "risk_level": 3, "input_pattern": "rm (-rf"}, now=NOW
        )
    assert (
        p.parse_risk_pattern({"pattern_id": "x", "risk_level": "HIGH"}, now=NOW)["risk_level"] == 4
    )


def test_assessment_level_from_its_name() -> None:
    record = {
        "action": "Read a",
        "tool": "Read",
        "risk_level_name": "MINIMAL",
        "is_reversible": True,
        "affects_source_of_truth": False,
        "has_external_side_effects": False,
        "timestamp": "2024-01-05T10:01:05",
    }
    assert p.parse_risk_assessment(record)["risk_level"] == 1


def test_failure_report_session_from_file_name() -> None:
    row = p.parse_failure_report(
        {"generated_at": "2024-01-05T10:15:00Z", "failure_type": "stuck", "severity": "HIGH"},
        session_hint=7,
    )
    assert (row["session_id"], row["severity"], row["error_messages"]) == (7, 3, [])


def test_injection_point_statuses() -> None:
    completed = p.parse_injection_point(POINT)
    assert (completed["status"], completed["response"], completed["responded_by"]) == (
        "responded",
        "Provide hints",
        "human",
    )
    assert set(completed) == columns(InjectionPointModel)
    pending = p.parse_injection_point(
        {**POINT, "responded_by": "pending", "response": None}, pending_dir=True
    )
    assert pending["status"] == "pending" and pending["responded_at"] is None
    for responder, status in [
        ("timeout_default", "timeout"),
        ("cancelled", "cancelled"),
        ("pause_requested", "cancelled"),
        ("cli:ann", "responded"),
    ]:
        assert p.parse_injection_point({**POINT, "responded_by": responder})["status"] == status
    with pytest.raises(RecordError, match="no outcome"):
        p.parse_injection_point({**POINT, "responded_by": "pending"})
    without_id = {k: v for k, v in POINT.items() if k not in ("point_id", "session_id")}
    named = p.parse_injection_point(without_id, point_id="INJ-12-3")
    assert (named["point_id"], named["session_id"]) == ("INJ-12-3", 12)


def test_response_file_shapes() -> None:
    answer = p.parse_injection_response(
        {"response": "B", "timestamp": "2024-01-05T12:02:00+01:00"},
        point_id="INJ-5-2",
        fallback_time=NOW,
    )
    assert answer == {
        "point_id": "INJ-5-2",
        "response": "B",
        "responded_by": "human",
        "responded_at": datetime(2024, 1, 5, 11, 2, tzinfo=UTC),
        "status": "responded",
    }
    bare = p.parse_injection_response("yes", point_id="INJ-1-1", fallback_time=NOW)
    assert bare["response"] == "yes" and bare["responded_at"] == NOW


def test_session_uuid_is_stable_without_one() -> None:
    record = {
        "session_id": "3",
        "started_at": "2024-01-03T08:00:00+00:00",
        "estimated_cost_usd": "0.48",
    }
    first, second = p.parse_session(record), p.parse_session(dict(record))
    assert first == second and first["id"] == 3 and first["total_cost"] == 0.48
    assert first["status"] == "unknown"


def test_event_optional_keys_merge_into_payload() -> None:
    row = p.parse_event(
        {
            "event_id": "ab",
            "timestamp": "2024-01-05T10:00:01Z",
            "event_type": "tool_call",
            "session_id": 5,
            "data": {"x": 1},
            "tool_name": "Bash",
            "feature_index": 12,
        }
    )
    assert row["payload"] == {"x": 1, "tool_name": "Bash", "feature_index": 12}
    assert row["type"] == "tool_call" and row["source"] == "agent"


def test_memory_aliases() -> None:
    pattern = pm.parse_warm_memory_pattern(
        {
            "pattern_id": "P1",
            "problem": "import fails",
            "solution": "pin it",
            "sessions_used": [3, 4],
        },
        now=NOW,
    )
    assert (pattern["pattern"], pattern["context"], pattern["created_session"]) == (
        "pin it",
        "import fails",
        3,
    )
    warm = pm.parse_warm_memory(
        {"session_id": 1, "started_at": "2024-01-01T00:00:00Z", "ended_at": "2024-01-01T00:10:00Z"}
    )
    assert warm["duration_seconds"] == 600.0
    assert memory_table(Path("warm/patterns.json")) == "warm_memory_patterns"
    assert memory_table(Path("cold/session_9.json")) == "cold_memory"
    assert memory_table(Path("notes.json")) is None


def test_fingerprint_ignores_timestamp_spelling_and_key_order() -> None:
    cols = [c for c in columns(AutonomyDecisionModel)]
    a = p.parse_autonomy_decision(DECISION)
    b = p.parse_autonomy_decision(
        {**dict(reversed(list(DECISION.items()))), "timestamp": "2024-01-05T11:00:01.123456+01:00"}
    )
    assert fingerprint("t", cols, a) == fingerprint("t", cols, b)
    assert fingerprint("t", cols, a) != fingerprint("t", cols, {**a, "confidence": 0.8})
    local = a["timestamp"].astimezone(timezone(timedelta(hours=5)))
    assert fingerprint("t", cols, a) == fingerprint("t", cols, {**a, "timestamp": local})


def test_jsonl_faults(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"a": \n[1]\n{"b": "\xff"}\n{"c": 1')
    results = list(iter_jsonl(path))
    assert results[0] == Item(1, {"a": 1})
    assert isinstance(results[1], Fault) and results[1].line == 3
    assert results[1].reason.startswith("malformed JSON (column 7)")
    assert results[2] == Item(4, [1])
    assert results[3] == Fault(5, "invalid UTF-8 (byte 8 of the line)")
    assert isinstance(results[4], Fault) and results[4].line == 6
    assert results[4].reason.startswith("truncated last line")


def test_json_items_layouts_and_lines(tmp_path: Path) -> None:
    def items(document: object) -> list[tuple[int, object, str | None]] | None:
        text = json.dumps(document, indent=2)
        found = json_items(json.loads(text), text, "rule_id")
        return None if found is None else [(i.line, i.record, i.key) for i in found]

    assert items([{"rule_id": "a"}, {"rule_id": "b"}]) == [
        (2, {"rule_id": "a"}, None),
        (5, {"rule_id": "b"}, None),
    ]
    assert items({"version": 1, "rules": [{"rule_id": "a"}]}) == [(4, {"rule_id": "a"}, None)]
    assert items({"a": {"name": "x"}}) == [(2, {"name": "x"}, "a")]
    assert items({"rule_id": "solo"}) == [(1, {"rule_id": "solo"}, None)]
    assert items({"x": [1], "y": [2]}) is None
    assert items({}) == []


def test_read_json_and_csv_faults(tmp_path: Path) -> None:
    empty = tmp_path / "e.json"
    empty.write_text("  \n")
    assert read_json(empty) == Fault(1, "empty file")
    broken = tmp_path / "b.json"
    broken.write_text('{\n  "a": 1,\n}\n')
    fault = read_json(broken)
    assert isinstance(fault, Fault) and fault.line == 3
    table = tmp_path / "s.csv"
    table.write_text("session_id,started_at\n1,2024-01-01\n\n2\n")
    assert list(iter_csv(table)) == [
        Item(2, {"session_id": "1", "started_at": "2024-01-01"}),
        Fault(4, "row has 1 fields, the header has 2"),
    ]


def test_discover_finds_every_source_of_the_sample() -> None:
    found = discover(SAMPLE)
    kinds = {source.kind for source in found.sources}
    assert kinds == {
        "autonomy_config",
        "autonomy_metrics",
        "autonomy_decisions",
        "escalation_rules",
        "escalation_logs",
        "risk_patterns",
        "risk_assessments",
        "failure_report",
        "human_completed",
        "human_pending",
        "human_response",
        "human_history",
        "interventions",
        "intervention_patterns",
        "metrics_json",
        "metrics_csv",
        "events",
        "memory",
    }
    order = [source.kind for source in found.sources]
    assert (
        order.index("human_completed")
        < order.index("human_pending")
        < order.index("human_response")
    )
    assert order.index("metrics_json") < order.index("events")
    assert found.unrecognised == [".autonomy/notes.txt"]
