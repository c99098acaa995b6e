"""Baseline: ArcadiaForge's schema (its 14 tables and the 11 of the migration plan).

A database ArcadiaForge created carries no version; this revision creates whichever of the
25 tables are missing and leaves existing tables (and tables we do not model) untouched.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

import arcadia_core.models  # noqa: F401
from arcadia_core.db.base import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    raise NotImplementedError("the baseline cannot be downgraded")
