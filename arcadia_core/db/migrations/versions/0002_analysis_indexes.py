"""Indexes for the analysis queries: events by session/type/time, reports and interventions by time.

ArcadiaForge's schema has none of these, so every per-session event read and every metrics
aggregate scanned the whole events table. Idempotent: an index that already exists (a database
created at head by the baseline's create_all) is left alone.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_events_session_id", "events", ["session_id"]),
    ("ix_events_type", "events", ["type"]),
    ("ix_events_timestamp", "events", ["timestamp"]),
    ("ix_failure_reports_generated_at", "failure_reports", ["generated_at"]),
    ("ix_interventions_timestamp", "interventions", ["timestamp"]),
    ("ix_interventions_intervention_type", "interventions", ["intervention_type"]),
]


def _existing_indexes(table: str) -> set[str]:
    inspector = sa.inspect(op.get_bind())
    return {index["name"] for index in inspector.get_indexes(table) if index["name"]}


def upgrade() -> None:
    for name, table, columns in INDEXES:
        if name not in _existing_indexes(table):
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        if name in _existing_indexes(table):
            op.drop_index(name, table_name=table)
