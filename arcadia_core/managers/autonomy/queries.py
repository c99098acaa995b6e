"""Reading and writing the autonomy rows: the single config and metrics rows, the decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyLevel, PerformanceMetrics
from arcadia_core.managers.autonomy.rules import clamp_level
from arcadia_core.models import AutonomyConfigModel, AutonomyDecisionModel, AutonomyMetricsModel

ROW_ID = 1


def config_from_row(row: AutonomyConfigModel) -> AutonomyConfig:
    """The stored configuration, with out-of-range values clamped rather than refused."""
    action_levels: dict[str, AutonomyLevel] = {}
    for tool, level in (row.action_levels or {}).items():
        try:
            action_levels[str(tool)] = clamp_level(int(level))
        except (TypeError, ValueError):
            continue
    min_level = clamp_level(row.min_level if row.min_level is not None else 1)
    max_level = clamp_level(row.max_level if row.max_level is not None else 4)
    return AutonomyConfig(
        level=clamp_level(row.level if row.level is not None else 3),
        action_levels=action_levels,
        confidence_threshold=float(row.confidence_threshold or 0.0),
        error_demotion_count=max(1, row.error_demotion_count or 3),
        success_promotion_count=max(1, row.success_promotion_count or 10),
        auto_adjust=bool(row.auto_adjust),
        min_level=min(min_level, max_level),
        max_level=max_level,
    )


def metrics_from_row(row: AutonomyMetricsModel) -> PerformanceMetrics:
    """The stored metrics."""
    return PerformanceMetrics.from_dict(
        {
            "consecutive_successes": row.consecutive_successes,
            "consecutive_errors": row.consecutive_errors,
            "total_actions": row.total_actions,
            "total_errors": row.total_errors,
            "recent_outcomes": row.recent_outcomes,
            "level_changes": row.level_changes,
        }
    )


def write_config(row: AutonomyConfigModel, config: AutonomyConfig, now: datetime) -> None:
    row.level = int(config.level)
    row.action_levels = {tool: int(level) for tool, level in config.action_levels.items()}
    row.confidence_threshold = float(config.confidence_threshold)
    row.error_demotion_count = int(config.error_demotion_count)
    row.success_promotion_count = int(config.success_promotion_count)
    row.auto_adjust = bool(config.auto_adjust)
    row.min_level = int(config.min_level)
    row.max_level = int(config.max_level)
    row.updated_at = now


def write_metrics(row: AutonomyMetricsModel, metrics: PerformanceMetrics, now: datetime) -> None:
    data = metrics.to_dict()
    for name, value in data.items():
        setattr(row, name, value)
    row.updated_at = now


def decision_dict(row: AutonomyDecisionModel) -> dict[str, Any]:
    return {
        "id": row.id,
        "session_id": row.session_id,
        "action": row.action,
        "tool": row.tool,
        "allowed": row.allowed,
        "required_level": row.required_level,
        "current_level": row.current_level,
        "effective_level": row.effective_level,
        "reason": row.reason,
        "alternatives": list(row.alternatives or []),
        "requires_approval": row.requires_approval,
        "requires_checkpoint": row.requires_checkpoint,
        "timestamp": row.timestamp.isoformat(),
        "confidence": row.confidence,
    }


async def stored_rows(
    session: AsyncSession, initial: AutonomyConfig, now: datetime
) -> tuple[AutonomyConfigModel, AutonomyMetricsModel]:
    """The two single rows, created (the config from `initial`) when missing."""
    config_row = await session.get(AutonomyConfigModel, ROW_ID, populate_existing=True)
    if config_row is None:
        config_row = AutonomyConfigModel(id=ROW_ID)
        write_config(config_row, initial, now)
        session.add(config_row)
    metrics_row = await session.get(AutonomyMetricsModel, ROW_ID, populate_existing=True)
    if metrics_row is None:
        metrics_row = AutonomyMetricsModel(id=ROW_ID)
        write_metrics(metrics_row, PerformanceMetrics(), now)
        session.add(metrics_row)
    await session.flush()
    return config_row, metrics_row


async def decision_history(
    session: AsyncSession,
    limit: int = 50,
    tool: str | None = None,
    allowed_only: bool | None = None,
    session_id: int | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` decisions (filtered), oldest first."""
    table = AutonomyDecisionModel
    query = select(table).order_by(table.id.desc()).limit(limit)
    if tool is not None:
        query = query.where(table.tool == tool)
    if allowed_only is not None:
        query = query.where(table.allowed == allowed_only)
    if session_id is not None:
        query = query.where(table.session_id == session_id)
    rows = list(await session.scalars(query))
    return [decision_dict(row) for row in reversed(rows)]
