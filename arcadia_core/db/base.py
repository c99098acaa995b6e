"""Declarative base for every Arcadia table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, MetaData, func
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from arcadia_core.db.types import UTCDateTime

# Index names stay SQLAlchemy's defaults (`ix_<table>_<column>`), which is what ArcadiaForge's
# own project.db uses, so the two schemas stay interchangeable.
metadata = MetaData()


class Base(AsyncAttrs, DeclarativeBase):
    """Base of all models: aware UTC datetimes and JSON dicts/lists map automatically."""

    metadata = metadata
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
        list[bool]: JSON(),
        list[dict[str, Any]]: JSON(),
        dict[str, int]: JSON(),
    }


def created_now() -> Mapped[datetime]:
    """A NOT NULL timestamp defaulting to CURRENT_TIMESTAMP on the server."""
    return mapped_column(server_default=func.now())
