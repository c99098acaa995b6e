"""A deterministic Live-view scene (fixed times), for tests, snapshots and README screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from arcadia_core.clock import fixed_clock
from arcadia_core.db import Database
from arcadia_core.managers.injection import HumanInterface
from arcadia_core.models import EscalationLogModel, SessionModel

SAMPLE_NOW = datetime(2026, 3, 2, 14, 30, 0, tzinfo=UTC)
"""The moment the sample scene is looked at."""
SAMPLE_SESSION = 7


@dataclass(frozen=True, slots=True)
class SamplePoint:
    """One injection point of the scene."""

    age_seconds: int
    point_type: str
    severity: int
    message: str
    options: tuple[str, ...]
    recommendation: str
    context: dict[str, Any]
    timeout_seconds: int = 300
    default_on_timeout: str | None = None
    escalation_rule_id: str | None = None


SAMPLE_POINTS: tuple[SamplePoint, ...] = (
    SamplePoint(
        age_seconds=95,
        point_type="approval",
        severity=5,
        message="Agent wants to perform irreversible action: git push --force origin main",
        options=("Approve", "Deny", "Request checkpoint first"),
        recommendation="Deny",
        context={
            "action": "git push --force origin main",
            "is_irreversible": True,
            "branch": "main",
            "commits_rewritten": 3,
            "remote": {"name": "origin", "url": "git@example.com:acme/shop.git"},
        },
        timeout_seconds=600,
        default_on_timeout="Deny",
        escalation_rule_id="irreversible_action",
    ),
    SamplePoint(
        age_seconds=240,
        point_type="guidance",
        severity=4,
        message="Agent has failed 4 times on feature #12",
        options=("Skip feature", "Provide hints", "Take over manually"),
        recommendation="Skip feature",
        context={
            "feature_index": 12,
            "consecutive_failures": 4,
            "last_error": "AssertionError: expected 200, got 500",
            "test": "tests/test_api.py::test_login",
            "attempts": [
                {"at": "14:24:10", "error": "ImportError"},
                {"at": "14:25:42", "error": "AssertionError"},
            ],
        },
        timeout_seconds=600,
        default_on_timeout="Skip feature",
        escalation_rule_id="multiple_failures",
    ),
    SamplePoint(
        age_seconds=40,
        point_type="decision",
        severity=3,
        message="Agent confidence is 42% for: database choice",
        options=("Approve agent choice", "Select alternative", "Provide guidance"),
        recommendation="Approve agent choice",
        context={
            "confidence": 0.42,
            "decision_type": "database choice",
            "chosen": "SQLite",
            "alternatives": ["PostgreSQL", "DuckDB"],
        },
        timeout_seconds=300,
        default_on_timeout="Approve agent choice",
        escalation_rule_id="low_confidence",
    ),
    SamplePoint(
        age_seconds=720,
        point_type="review",
        severity=2,
        message="Review the generated migration before it runs",
        options=("Looks good", "Needs changes"),
        recommendation="Looks good",
        context={"file": "migrations/0007_add_index.py", "lines_changed": 42},
    ),
    SamplePoint(
        age_seconds=20,
        point_type="redirect",
        severity=1,
        message="Next: feature #13 (export orders to CSV). Change the plan?",
        options=(),
        recommendation="Continue as planned",
        context={"next_feature": 13, "remaining_features": 9},
        timeout_seconds=900,
        default_on_timeout="Continue as planned",
    ),
)

SAMPLE_ESCALATIONS: tuple[tuple[int, str, int, str, dict[str, Any]], ...] = (
    (
        900,
        "repeated_errors",
        3,
        "Error occurring repeatedly (4 times): ModuleNotFoundError: No module named 'stripe'",
        {"error_count": 4, "error_message": "ModuleNotFoundError: No module named 'stripe'"},
    ),
    (
        600,
        "source_of_truth_change",
        3,
        "Agent wants to modify source of truth: feature_list.json",
        {"action": "edit feature_list.json", "affects_source_of_truth": True},
    ),
    (
        400,
        "low_confidence",
        2,
        "Agent confidence is 48% for: test strategy",
        {"confidence": 0.48, "decision_type": "test strategy"},
    ),
    (
        240,
        "multiple_failures",
        4,
        "Agent has failed 4 times on feature #12",
        {"consecutive_failures": 4, "feature_index": 12},
    ),
    (
        95,
        "irreversible_action",
        5,
        "Agent wants to perform irreversible action: git push --force origin main",
        {"action": "git push --force origin main", "is_irreversible": True},
    ),
    (
        40,
        "low_confidence",
        3,
        "Agent confidence is 42% for: database choice",
        {"confidence": 0.42, "decision_type": "database choice"},
    ),
)


async def write_sample_session(db: Database, now: datetime = SAMPLE_NOW) -> None:
    """The running agent session the scene belongs to."""
    async with db.transaction() as session:
        session.add(
            SessionModel(
                id=SAMPLE_SESSION, start_time=now - timedelta(minutes=25), status="running"
            )
        )


async def write_sample_points(
    db: Database, points: tuple[SamplePoint, ...] = SAMPLE_POINTS, now: datetime = SAMPLE_NOW
) -> list[str]:
    """Insert the points (oldest first, as an agent would have) and return their ids."""
    ids: list[str] = []
    for point in sorted(points, key=lambda item: -item.age_seconds):
        interface = HumanInterface(
            db,
            SAMPLE_SESSION,
            clock=fixed_clock(now - timedelta(seconds=point.age_seconds)),
            user="sample",
        )
        created = await interface.create_point_async(
            point.point_type,
            point.context,
            list(point.options),
            point.recommendation,
            timeout_seconds=point.timeout_seconds,
            default_on_timeout=point.default_on_timeout,
            message=point.message,
            severity=point.severity,
            escalation_rule_id=point.escalation_rule_id,
        )
        ids.append(created.point_id)
    return ids


async def write_sample_escalations(db: Database, now: datetime = SAMPLE_NOW) -> None:
    """Insert the escalation log of the scene."""
    async with db.transaction() as session:
        for age, rule_id, severity, message, context in SAMPLE_ESCALATIONS:
            session.add(
                EscalationLogModel(
                    timestamp=now - timedelta(seconds=age),
                    session_id=SAMPLE_SESSION,
                    rule_id=rule_id,
                    severity=severity,
                    message=message,
                    context_summary=context,
                )
            )


async def write_sample(db: Database, now: datetime = SAMPLE_NOW) -> list[str]:
    """The whole scene: session, escalations and pending points; returns the point ids."""
    await write_sample_session(db, now)
    await write_sample_escalations(db, now)
    return await write_sample_points(db, now=now)


BUSY_EXTRA_POINTS: tuple[SamplePoint, ...] = (
    SamplePoint(
        age_seconds=30,
        point_type="approval",
        severity=5,
        message="Agent wants to perform irreversible action: DROP TABLE orders_archive",
        options=("Approve", "Deny", "Request checkpoint first"),
        recommendation="Request checkpoint first",
        context={"action": "DROP TABLE orders_archive", "is_irreversible": True, "rows": 18211},
        timeout_seconds=600,
        default_on_timeout="Deny",
        escalation_rule_id="irreversible_action",
    ),
    SamplePoint(
        age_seconds=150,
        point_type="approval",
        severity=4,
        message="Install a new dependency: stripe==9.4.0",
        options=("Approve", "Deny"),
        recommendation="Approve",
        context={"command": "pip install stripe==9.4.0", "risk_level": 4},
        timeout_seconds=300,
        default_on_timeout="Deny",
    ),
    SamplePoint(
        age_seconds=10,
        point_type="decision",
        severity=3,
        message="Two test layouts fit; which one?",
        options=("tests/ next to the package", "tests/ inside the package"),
        recommendation="tests/ next to the package",
        context={"confidence": 0.47},
        timeout_seconds=120,
        default_on_timeout="tests/ next to the package",
        escalation_rule_id="low_confidence",
    ),
)
"""More points, for a busier queue (several per severity)."""
