"""Alembic environment: always run on a connection handed in by `arcadia_core.db.schema`."""

from __future__ import annotations

from alembic import context

import arcadia_core.models  # noqa: F401  (registers every table on the metadata)
from arcadia_core.db.base import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Arcadia migrations run through arcadia_core.db.schema, not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
