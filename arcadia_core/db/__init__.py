"""Database layer: models' base, the `Database` handle and schema versioning."""

from __future__ import annotations

from arcadia_core.db.base import Base, metadata
from arcadia_core.db.engine import Database, database_path

__all__ = ["Base", "Database", "database_path", "metadata"]
