"""Agent sessions: an external agent's session id mapped to an Arcadia session, and its state.

Idempotent: a database created at head by the baseline's create_all already has the table.
A database ArcadiaForge created gains the table and nothing else changes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "agent_sessions"


def upgrade() -> None:
    if TABLE in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("agent_kind", sa.String(30), nullable=False),
        sa.Column("agent_session_id", sa.String(255), nullable=False),
        sa.Column("cwd", sa.Text(), nullable=True),
        sa.Column("transcript_path", sa.Text(), nullable=True),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("state_detail", sa.Text(), nullable=True),
        sa.Column("state_changed_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("tool_calls", sa.Integer(), nullable=False),
        sa.Column("tool_failures", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.UniqueConstraint("agent_kind", "agent_session_id"),
    )
    op.create_index("ix_agent_sessions_session_id", TABLE, ["session_id"], unique=True)
    op.create_index("ix_agent_sessions_state", TABLE, ["state"])


def downgrade() -> None:
    op.drop_table(TABLE)
