"""FailureAnalyzer: a session's events in the database become the expected failure report."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.events import record_event
from arcadia_core.managers.failure.manager import (
    FailureAnalyzer,
    analyze_session_async,
    format_report,
    format_report_markdown,
)
from arcadia_core.managers.failure.records import (
    FailureReport,
    FailureSignature,
    FailureType,
    Severity,
)
from arcadia_core.managers.failure.rules import (
    KNOWN_PATTERNS,
    build_timeline,
    classify,
    detect_patterns,
    normalize_failure_message,
    scan,
    similarity_score,
    suggest_fixes,
)
from arcadia_core.managers.observability.records import Event
from arcadia_core.models import FailureReportModel
from tests.core.analysis_helpers import StepClock

Row = tuple[int, str, dict[str, Any]]


async def insert(db: Database, rows: list[Row], clock: StepClock) -> None:
    """Insert events the way the agent-side managers do: record_event in a transaction."""
    async with db.transaction() as session:
        for session_id, kind, data in rows:
            await record_event(
                session, session_id=session_id, event_type=kind, data=data, timestamp=clock()
            )


def events(rows: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    """In-memory events for the pure rules."""
    result = []
    for index, (kind, data) in enumerate(rows):
        payload = dict(data)
        result.append(
            Event(
                event_id=str(index),
                timestamp=f"2026-01-01T00:00:{index:02d}+00:00",
                event_type=kind,
                session_id=1,
                data=payload,
                feature_index=payload.pop("feature_index", None),
                tool_name=payload.pop("tool_name", None),
            )
        )
    return result


IMPORT_ERROR = "ModuleNotFoundError: No module named 'requests' (/srv/app/main.py line {})"


async def test_session_events_produce_the_expected_report(db: Database) -> None:
    clock = StepClock()
    await insert(db, [(1, "error", {"error_message": IMPORT_ERROR.format(12)})], clock)
    await insert(
        db,
        [
            (2, "session_start", {}),
            (2, "tool_call", {"tool_name": "Read", "tool_input": {}}),
            (2, "tool_result", {"tool_name": "Read", "success": True}),
            (2, "feature_started", {"feature_index": 3, "description": "login"}),
            (2, "error", {"error_message": IMPORT_ERROR.format(40)}),
            (2, "error", {"error_message": IMPORT_ERROR.format(40)}),
            (2, "error", {"error_message": IMPORT_ERROR.format(41)}),
            (2, "escalation_triggered", {"rule_id": "repeated_errors", "message": "same error 3x"}),
            (2, "human_response", {"point_id": "INJ-1", "response": "install requests"}),
            (2, "session_end", {"status": "error"}),
        ],
        clock,
    )
    analyzer = FailureAnalyzer(db, clock=StepClock())
    report = await analyzer.analyze_session_async(2)

    assert report.failure_type == "cyclic_error"
    assert report.severity == Severity.CRITICAL  # cyclic and the session then ended in error
    assert "repeated 3 times" in report.likely_cause and report.confidence == 0.9
    assert report.last_successful_action == "Tool Read"
    assert report.failing_action == IMPORT_ERROR.format(41)
    assert report.error_messages == [IMPORT_ERROR.format(n) for n in (40, 40, 41)]
    assert (report.error_count, report.tool_failures, report.blocked_actions) == (3, 0, 0)
    kinds = [pattern["pattern_type"] for pattern in report.patterns_detected]
    assert kinds == ["repeated_same_error", "import_error"]
    repeated = report.patterns_detected[0]
    assert repeated["occurrences"] == 2 and repeated["affected_sessions"] == [2]
    assert repeated["first_seen"] and repeated["last_seen"]
    assert [hit["session_id"] for hit in report.similar_past_failures] == [1]
    assert (
        report.suggested_fixes[0] == "The agent appears stuck in a loop: try a different approach"
    )
    assert set(KNOWN_PATTERNS["import_error"]["suggested_fixes"]) <= set(report.suggested_fixes)
    assert len(report.suggested_fixes) <= 10
    assert [entry["type"] for entry in report.failure_timeline] == [
        "error",
        "error",
        "error",
        "escalation_triggered",
        "human_response",
    ]
    assert report.failure_timeline[-1]["message"] == "install requests"

    stored = await analyzer.get_report_async(2)
    assert stored == report
    assert stored is not None and stored.report_id is not None
    assert FailureReport.from_dict(report.to_dict()) == report


async def test_escalation_is_classified_and_counted(db: Database) -> None:
    clock = StepClock()
    await insert(
        db,
        [
            (5, "tool_call", {"tool_name": "Bash"}),
            (5, "escalation_triggered", {"rule_id": "low_confidence", "message": "unsure"}),
            (5, "human_injection", {"point_id": "INJ-2", "message": "which db?"}),
            (5, "human_response", {"point_id": "INJ-2", "response": "sqlite"}),
        ],
        clock,
    )
    report = await FailureAnalyzer(db).analyze_session_async(5)
    assert report.failure_type == "escalation" and report.severity == Severity.MEDIUM
    assert (
        report.likely_cause == "Human intervention required (1 escalation(s), 1 human response(s))"
    )
    assert [entry["type"] for entry in report.failure_timeline] == [
        "escalation_triggered",
        "human_injection",
        "human_response",
    ]


async def test_session_without_events_is_reported_but_not_stored(db: Database) -> None:
    report = await FailureAnalyzer(db).analyze_session_async(9)
    assert (report.failure_type, report.severity, report.confidence) == ("unknown", 1, 0.0)
    assert "No events" in report.likely_cause
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(FailureReportModel)) == 0


async def test_session_zero_is_a_session_not_all_sessions(db: Database) -> None:
    clock = StepClock()
    await insert(
        db,
        [
            (0, "tool_blocked", {"tool_name": "Bash"}),
            (0, "tool_blocked", {"tool_name": "Bash"}),
            (1, "tool_blocked", {"tool_name": "Write"}),
        ],
        clock,
    )
    analyzer = FailureAnalyzer(db)
    patterns = await analyzer.detect_patterns_async(0)
    assert [(p.pattern_type, p.occurrences) for p in patterns] == [("security_blocked", 2)]
    everything = await analyzer.detect_patterns_async(None)
    assert everything[0].occurrences == 3 and everything[0].affected_sessions == [0, 1]
    report = await analyzer.analyze_session_async(0)
    assert report.blocked_actions == 2 and report.failure_type == "blocked_command"


CLASSIFICATION = [
    ([("tool_blocked", {"tool_name": "Bash"})], "blocked_command", Severity.MEDIUM, 0.95),
    (
        [("tool_error", {"error_message": "Command timeout after 60s"})],
        "timeout",
        Severity.MEDIUM,
        0.8,
    ),
    (
        [("tool_error", {"error_message": "Permission denied: /etc"})],
        "tool_error",
        Severity.HIGH,
        0.85,
    ),
    (
        [("tool_error", {"error_message": "No such file: a.py"})],
        "tool_error",
        Severity.MEDIUM,
        0.85,
    ),
    ([("tool_error", {"error_message": "exit 2"})], "tool_error", Severity.MEDIUM, 0.7),
    ([("escalation_triggered", {})], "escalation", Severity.MEDIUM, 0.95),
    ([("tool_call", {})] * 11, "stuck", Severity.MEDIUM, 0.6),
    ([("session_end", {"status": "error"})], "crash", Severity.HIGH, 0.7),
    (
        [("error", {"error_message": "a"}), ("error", {"error_message": "b"})],
        "tool_error",
        Severity.MEDIUM,
        0.5,
    ),
    ([("tool_result", {"success": True})], "unknown", Severity.LOW, 0.3),
    (
        [("feature_completed", {"feature_index": 2}), ("feature_failed", {"feature_index": 2})],
        "regression",
        Severity.HIGH,
        0.85,
    ),
    (
        [
            ("feature_completed", {"feature_index": 2}),
            ("feature_failed", {"feature_index": 2}),
            ("session_end", {"status": "error"}),
        ],
        "regression",
        Severity.CRITICAL,
        0.85,
    ),
]


@pytest.mark.parametrize(("rows", "kind", "severity", "confidence"), CLASSIFICATION)
def test_classification_rules(
    rows: list[tuple[str, dict[str, Any]]], kind: str, severity: Severity, confidence: float
) -> None:
    failure_type, found_severity, _cause, found_confidence = classify(scan(events(rows)))
    assert (failure_type.value, found_severity, found_confidence) == (kind, severity, confidence)


def test_tool_error_messages_reach_the_report_and_known_fixes() -> None:
    found = events(
        [("tool_error", {"tool_name": "Bash", "error_message": "Permission denied: /etc/x"})]
    )
    facts = scan(found)
    assert facts.error_messages == ["Permission denied: /etc/x"]
    assert facts.failing_action == "Tool Bash: Permission denied: /etc/x"
    patterns = detect_patterns(found)
    assert [p.pattern_type for p in patterns] == ["permission_denied"]
    fixes = suggest_fixes(FailureType.TOOL_ERROR, patterns, facts.error_messages)
    assert fixes == KNOWN_PATTERNS["permission_denied"]["suggested_fixes"]


def test_every_known_pattern_can_be_detected() -> None:
    rows: list[tuple[str, dict[str, Any]]] = [
        ("error", {"error_message": "same"}),
        ("error", {"error_message": "same"}),
        ("tool_blocked", {"tool_name": "Bash"}),
        ("tool_blocked", {"tool_name": "Bash"}),
        ("tool_error", {"error_message": "No such file or directory"}),
        ("tool_error", {"error_message": "ImportError: cannot import x"}),
        ("tool_error", {"error_message": "AssertionError: 1 != 2"}),
        ("tool_error", {"error_message": "request timed out"}),
        ("tool_error", {"error_message": "EACCES: permission denied"}),
        ("tool_error", {"error_message": "bash: rg: command not found"}),
        ("feature_completed", {"feature_index": 1}),
        ("feature_failed", {"feature_index": 1}),
    ]
    detected = {pattern.pattern_type for pattern in detect_patterns(events(rows))}
    assert detected == set(KNOWN_PATTERNS)


def test_timeline_keeps_failure_events_with_tool_feature_and_message() -> None:
    found = events(
        [
            ("tool_call", {"tool_name": "Bash"}),
            ("tool_error", {"tool_name": "Bash", "error_message": "x" * 150}),
            ("feature_failed", {"feature_index": 4}),
        ]
    )
    timeline = build_timeline(found)
    assert timeline[0] == {
        "timestamp": found[1].timestamp,
        "type": "tool_error",
        "tool": "Bash",
        "message": "x" * 100,
    }
    assert timeline[1] == {"timestamp": found[2].timestamp, "type": "feature_failed", "feature": 4}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Failed at /home/u/app.py line 12", "failed at <path> line <num>"),
        ("Error in C:\\Users\\u\\x.py", "error in <path>"),
        ("id 12345678-1234-1234-1234-123456789012 missing", "id <uuid> missing"),
        ("GET https://api.example.com/v1/x failed", "get <url> failed"),
        ("read and/or write failed", "read and/or write failed"),
        ("segfault at 0x7ffe12", "segfault at <hex>"),
        ("see src/pkg/mod.py for details", "see <path> for details"),
    ],
)
def test_normalisation(message: str, expected: str) -> None:
    assert normalize_failure_message(message) == expected


def test_similarity_and_signature() -> None:
    assert similarity_score("file not found", "directory not found") == 0.5
    assert similarity_score("", "x") == 0.0
    signature = FailureSignature(["ImportError"], ["Bash", "Read"], [3, 1])
    assert len(signature.compute_hash()) == 12
    assert (
        signature.compute_hash()
        == FailureSignature(["ImportError"], ["Bash", "Read"], [1, 3]).compute_hash()
    )


async def test_find_similar_failures_excludes_a_session_and_applies_the_threshold(
    db: Database,
) -> None:
    clock = StepClock()
    await insert(
        db,
        [
            (1, "error", {"error_message": "Connection refused on port 5432"}),
            (
                2,
                "tool_error",
                {"error_message": "Connection refused on port 6379", "tool_name": "Bash"},
            ),
            (3, "error", {"error_message": "Something else entirely"}),
        ],
        clock,
    )
    analyzer = FailureAnalyzer(db)
    hits = await analyzer.find_similar_failures_async("connection refused on port 1")
    assert [hit["session_id"] for hit in hits] == [2, 1]  # newest first
    assert hits[0]["tool"] == "Bash"
    assert [
        h["session_id"]
        for h in await analyzer.find_similar_failures_async(
            "Connection refused on port 1", exclude_session=2
        )
    ] == [1]


async def test_reports_list_page_and_format(db: Database) -> None:
    clock = StepClock()
    await insert(
        db,
        [
            (1, "error", {"error_message": "boom | pipe"}),
            (2, "tool_blocked", {"tool_name": "Bash"}),
        ],
        clock,
    )
    analyzer = FailureAnalyzer(db, clock=StepClock())
    first = await analyzer.analyze_session_async(1)
    await analyzer.analyze_session_async(2)
    latest = await analyzer.analyze_session_async(1)
    assert (await analyzer.get_report_async(1)) == latest
    assert await analyzer.get_report_async(7) is None
    assert (
        await analyzer.get_report_by_id_async(first.report_id or 0)
    ).report_id == first.report_id
    with pytest.raises(NotFound):
        await analyzer.get_report_by_id_async(999)

    summaries = await analyzer.list_reports_async(limit=2)
    assert [s.session_id for s in summaries] == [1, 2]
    older = await analyzer.list_reports_async(limit=2, before_id=summaries[-1].report_id)
    assert [s.report_id for s in older] == [first.report_id]
    assert len(await analyzer.list_reports_async(session_id=1)) == 2
    assert len(await analyzer.list_reports_async(failure_type=FailureType.BLOCKED_COMMAND)) == 1
    assert (await analyzer.get_all_reports_async())[0]["failure_type"] == "tool_error"

    text = format_report(latest)
    assert "FAILURE REPORT - Session #1" in text and "Severity:    MEDIUM" in text
    markdown = format_report_markdown(latest)
    assert markdown.startswith("# Failure report: session 1")
    assert "boom \\| pipe" in markdown


async def test_blocking_forms_and_module_helper(db: Database) -> None:
    await insert(db, [(4, "error", {"error_message": "x"})], StepClock())
    analyzer = FailureAnalyzer(db)
    report = analyzer.analyze_session(4)  # blocking form inside the running loop
    assert report.report_id is not None
    assert (await analyze_session_async(db, 4)).report_id != report.report_id
    assert len(analyzer.list_reports()) == 2


def test_message_keywords_add_fixes_and_the_list_is_capped() -> None:
    fixes = suggest_fixes(
        FailureType.UNKNOWN, [], ["ImportError: x", "SyntaxError", "Connection reset"]
    )
    assert fixes == [
        "Check that the module is installed and the import path is right",
        "Look for syntax errors in the recently edited files",
        "Check network access and that the service is running",
    ]
    many = detect_patterns(
        events([("tool_error", {"error_message": "timeout permission denied not installed"})] * 3)
    )
    assert len(suggest_fixes(FailureType.TIMEOUT, many, [])) == 10
