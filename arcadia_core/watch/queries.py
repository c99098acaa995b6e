"""The statements the change feed runs: all by primary key or index, none scanning a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, Text, bindparam, select, type_coerce
from sqlalchemy.sql import ColumnElement

from arcadia_core.models import (
    AutonomyConfigModel,
    AutonomyMetricsModel,
    EscalationLogModel,
    EventModel,
    FailureReportModel,
    InjectionPointModel,
    RiskAssessmentModel,
    SessionModel,
)
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

POINTS: Table = InjectionPointModel.__table__  # type: ignore[assignment]
ESCALATIONS: Table = EscalationLogModel.__table__  # type: ignore[assignment]
RISKS: Table = RiskAssessmentModel.__table__  # type: ignore[assignment]
FAILURES: Table = FailureReportModel.__table__  # type: ignore[assignment]
EVENTS: Table = EventModel.__table__  # type: ignore[assignment]
SESSIONS: Table = SessionModel.__table__  # type: ignore[assignment]
AUTONOMY_CONFIG: Table = AutonomyConfigModel.__table__  # type: ignore[assignment]
AUTONOMY_METRICS: Table = AutonomyMetricsModel.__table__  # type: ignore[assignment]

# Which tables each kind of record needs.
TABLES_FOR_KIND: dict[str, tuple[Table, ...]] = {
    InjectionCreated.kind: (POINTS,),
    InjectionResolved.kind: (POINTS,),
    EscalationLogged.kind: (ESCALATIONS,),
    AutonomyChanged.kind: (AUTONOMY_CONFIG, AUTONOMY_METRICS),
    RiskAssessed.kind: (RISKS,),
    FailureReported.kind: (FAILURES,),
    EventLogged.kind: (EVENTS,),
    SessionStarted.kind: (SESSIONS,),
    SessionEnded.kind: (SESSIONS,),
}
TABLE_NAMES_FOR_KIND = {
    kind: frozenset(table.name for table in tables) for kind, tables in TABLES_FOR_KIND.items()
}
APPEND_TABLES = (POINTS, ESCALATIONS, RISKS, FAILURES, EVENTS, SESSIONS)


def _raw(column: ColumnElement[Any]) -> ColumnElement[Any]:
    # JSON and timestamps are decoded leniently here, so one malformed row cannot stop the feed.
    return type_coerce(column, Text()).label(column.name)


def _columns(table: Table, names: Sequence[str]) -> list[ColumnElement[Any]]:
    return [_raw(table.c[name]) for name in names]


_POINT_COLUMNS = (
    "id",
    "point_id",
    "timestamp",
    "session_id",
    "point_type",
    "context",
    "options",
    "recommendation",
    "timeout_seconds",
    "default_on_timeout",
    "response",
    "responded_at",
    "responded_by",
    "status",
    "escalation_rule_id",
    "message",
    "severity",
)
_RESOLUTION_COLUMNS = (
    "id",
    "point_id",
    "session_id",
    "status",
    "response",
    "responded_by",
    "responded_at",
)
COLUMNS: dict[str, tuple[str, ...]] = {  # what the feed reads of each append-only table
    POINTS.name: _POINT_COLUMNS,
    ESCALATIONS.name: (
        "id",
        "timestamp",
        "session_id",
        "rule_id",
        "severity",
        "message",
        "context_summary",
    ),
    RISKS.name: (
        "id",
        "timestamp",
        "session_id",
        "action",
        "tool",
        "input_summary",
        "risk_level",
        "requires_approval",
        "concerns",
    ),
    FAILURES.name: (
        "id",
        "generated_at",
        "session_id",
        "failure_type",
        "severity",
        "failing_action",
        "likely_cause",
    ),
    EVENTS.name: ("id", "session_id", "timestamp", "type", "source", "payload"),
    SESSIONS.name: ("id", "start_time", "end_time", "status"),
}


def _rows_after(table: Table) -> Any:
    return (
        select(*_columns(table, COLUMNS[table.name]))
        .where(table.c.id > bindparam("cursor"))
        .order_by(table.c.id)
        .limit(bindparam("limit"))
    )


AFTER = {table.name: _rows_after(table) for table in APPEND_TABLES}
MAX_ID = {
    table.name: select(table.c.id).order_by(table.c.id.desc()).limit(1) for table in APPEND_TABLES
}
PENDING_POINTS = (
    select(*_columns(POINTS, _POINT_COLUMNS))
    .where(POINTS.c.status == PointStatus.PENDING)
    .order_by(POINTS.c.id)
)
POINTS_BY_ID = select(*_columns(POINTS, _RESOLUTION_COLUMNS)).where(
    POINTS.c.id.in_(bindparam("ids", expanding=True))
)
OPEN_SESSIONS = (
    select(*_columns(SESSIONS, COLUMNS[SESSIONS.name]))
    .where(SESSIONS.c.end_time.is_(None))
    .order_by(SESSIONS.c.id.desc())
    .limit(100)
)
SESSIONS_BY_ID = select(*_columns(SESSIONS, COLUMNS[SESSIONS.name])).where(
    SESSIONS.c.id.in_(bindparam("ids", expanding=True))
)
SINGLE_ROW = {
    table.name: select(*_columns(table, [c.name for c in table.columns])).where(table.c.id == 1)
    for table in (AUTONOMY_CONFIG, AUTONOMY_METRICS)
}

# Starting points for views built on the feed: the newest rows at or before a feed cursor.
RECENT_ESCALATIONS = (
    select(*_columns(ESCALATIONS, COLUMNS[ESCALATIONS.name]))
    .where(ESCALATIONS.c.id <= bindparam("up_to"))
    .order_by(ESCALATIONS.c.id.desc())
    .limit(bindparam("limit"))
)
LATEST_SESSION = (
    select(*_columns(SESSIONS, COLUMNS[SESSIONS.name])).order_by(SESSIONS.c.id.desc()).limit(1)
)
