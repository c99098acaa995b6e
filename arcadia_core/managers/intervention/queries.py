"""Intervention-learning reads: a learned pattern's row by id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.errors import NotFound
from arcadia_core.models import InterventionPatternModel


async def pattern_row(session: AsyncSession, pattern_id: str) -> InterventionPatternModel:
    row = await session.scalar(
        select(InterventionPatternModel).where(InterventionPatternModel.pattern_id == pattern_id)
    )
    if row is None:
        raise NotFound(f"no intervention pattern {pattern_id!r}")
    return row
