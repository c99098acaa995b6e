"""AutonomyManager: how much the agent may do alone, tuned live by the supervisor.

The configuration and the performance metrics live in the single-row tables `autonomy_config`
and `autonomy_metrics`; every operation re-reads them in its own transaction, so a level set by
the TUI or `arcadia autonomy set` in another process applies at the agent's next
`check_action`. Every check is recorded in `autonomy_decisions`.

Which configuration wins: the `config` given to the constructor (and the `level` /
`auto_adjust` of the factories) seeds the stored configuration when the project has none yet;
once one is stored it wins, so the supervisor's choice survives an agent restart. Call
`apply_config_async` to overwrite it on purpose.

Every level change (automatic, `set_level`, `set_tool_level`, `configure`) is appended to
`level_changes` in the metrics row as `{timestamp, from_level, to_level, reason, by}`, plus
`tool` for a per-tool override (a None level there means "no override"). A `configure` that
changes thresholds or bounds appends one more entry, with the level unchanged and `settings`
mapping each changed name to `[before, after]`.

Method forms: ArcadiaForge's plain methods (`check_action`, `record_outcome`, `set_level`,
`get_effective_level`, `get_status`, `get_decision_history`, `reset_metrics`,
`request_elevation`) are blocking twins of the `_async` methods that do the work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.autonomy.queries import (
    ROW_ID,
    config_from_row,
    decision_history,
    metrics_from_row,
    stored_rows,
    write_config,
    write_metrics,
)
from arcadia_core.managers.autonomy.records import (
    AutonomyConfig,
    AutonomyDecision,
    AutonomyLevel,
    PerformanceMetrics,
)
from arcadia_core.managers.autonomy.rules import (
    adjusted_level,
    base_tool_name,
    changed_settings,
    clamp_level,
    decide,
    effective_level,
)
from arcadia_core.models import AutonomyConfigModel, AutonomyDecisionModel, AutonomyMetricsModel
from arcadia_core.sync import blocking

ActionChecker = Callable[[dict[str, Any]], AutonomyLevel | int]


class AutonomyManager:
    """Permission checks, automatic promotion/demotion and supervisor level changes."""

    def __init__(
        self,
        db: Database,
        config: AutonomyConfig | None = None,
        session_id: int = 0,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.session_id = session_id
        self.clock = clock
        self._initial_config = (config or AutonomyConfig()).validate()
        self._action_checkers: dict[str, ActionChecker] = {}

    def update_session_id(self, session_id: int) -> None:
        """Record later decisions under `session_id`."""
        self.session_id = session_id

    def register_action_checker(self, tool: str, checker: ActionChecker) -> None:
        """Decide a tool's required level from its input (used when it has no per-tool override)."""
        self._action_checkers[tool] = checker

    # -- storage -----------------------------------------------------------------------------

    async def _rows(
        self, session: AsyncSession
    ) -> tuple[AutonomyConfigModel, AutonomyMetricsModel]:
        return await stored_rows(session, self._initial_config, self.clock())

    async def _snapshot(self) -> tuple[AutonomyConfig, PerformanceMetrics]:
        async with self.db.read() as session:
            config_row = await session.get(AutonomyConfigModel, ROW_ID)
            metrics_row = await session.get(AutonomyMetricsModel, ROW_ID)
            config = (
                config_from_row(config_row)
                if config_row is not None
                else AutonomyConfig.from_dict(self._initial_config.to_dict())
            )
            metrics = metrics_from_row(metrics_row) if metrics_row else PerformanceMetrics()
        return config, metrics

    async def init_async(self) -> AutonomyManager:
        """Store the initial configuration if the project has none yet; return self."""
        async with self.db.transaction() as session:
            await self._rows(session)
        return self

    async def get_config_async(self) -> AutonomyConfig:
        """The configuration now in force."""
        return (await self._snapshot())[0]

    async def get_metrics_async(self) -> PerformanceMetrics:
        """The performance metrics now stored (including `level_changes`)."""
        return (await self._snapshot())[1]

    # -- checks ------------------------------------------------------------------------------

    async def get_effective_level_async(self, confidence: float | None = None) -> AutonomyLevel:
        """The level a check with this confidence is evaluated at (see `effective_level`)."""
        return effective_level(await self.get_config_async(), confidence)

    async def check_action_async(
        self,
        tool: str,
        action_input: dict[str, Any] | None = None,
        confidence: float | None = None,
    ) -> AutonomyDecision:
        """Decide whether `tool` may run now, and record the decision."""
        action_input = dict(action_input or {})
        checker = self._action_checkers.get(tool) or self._action_checkers.get(base_tool_name(tool))
        checker_level = None if checker is None else AutonomyLevel.parse(checker(action_input))
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, _ = await self._rows(session)
            decision = decide(
                config_from_row(config_row), tool, action_input, confidence, checker_level, now
            )
            session.add(
                AutonomyDecisionModel(
                    timestamp=now,
                    session_id=self.session_id,
                    action=decision.action[:255],
                    tool=tool[:50],
                    allowed=decision.allowed,
                    required_level=int(decision.required_level),
                    current_level=int(decision.current_level),
                    effective_level=int(decision.effective_level),
                    reason=decision.reason,
                    alternatives=list(decision.alternatives),
                    requires_approval=decision.requires_approval,
                    requires_checkpoint=decision.requires_checkpoint,
                    confidence=confidence,
                )
            )
        return decision

    async def record_outcome_async(self, success: bool) -> AutonomyLevel | None:
        """Count an action's outcome; promote or demote once per streak when `auto_adjust` is on.

        Returns the level after the adjustment when a streak reached its threshold (unchanged
        at the bounds), None otherwise.
        """
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, metrics_row = await self._rows(session)
            config, metrics = config_from_row(config_row), metrics_from_row(metrics_row)
            if success:
                metrics.record_success()
            else:
                metrics.record_error()
            result: AutonomyLevel | None = None
            adjustment = adjusted_level(config, metrics) if config.auto_adjust else None
            if adjustment is not None:
                result, reason = adjustment
                if result != config.level:
                    metrics.record_level_change(
                        config.level, result, reason, by="auto", timestamp=now
                    )
                    config_row.level = int(result)
                    config_row.updated_at = now
            write_metrics(metrics_row, metrics, now)
        return result

    # -- supervisor changes ------------------------------------------------------------------

    async def set_level_async(
        self, level: AutonomyLevel | int | str, reason: str = "manual", *, by: str = "agent"
    ) -> AutonomyLevel:
        """Set the configured level (1-5, within the bounds) and record who did it."""
        target = AutonomyLevel.parse(level)
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, metrics_row = await self._rows(session)
            config = config_from_row(config_row)
            if not config.min_level <= target <= config.max_level:
                raise InvalidInput(
                    f"level {int(target)} {target.name} is outside the bounds "
                    f"{int(config.min_level)} {config.min_level.name} .. "
                    f"{int(config.max_level)} {config.max_level.name}; change the bounds first"
                )
            if target != config.level:
                metrics = metrics_from_row(metrics_row)
                metrics.record_level_change(config.level, target, reason, by=by, timestamp=now)
                write_metrics(metrics_row, metrics, now)
                config_row.level = int(target)
                config_row.updated_at = now
        return target

    async def set_tool_level_async(
        self,
        tool: str,
        level: AutonomyLevel | int | str | None,
        *,
        by: str = "agent",
        reason: str = "manual",
    ) -> AutonomyLevel | None:
        """Set (or with None remove) the level a tool requires, and record who did it."""
        tool = tool.strip()
        if not tool:
            raise InvalidInput("name the tool whose level to set")
        target = None if level is None else AutonomyLevel.parse(level)
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, metrics_row = await self._rows(session)
            config = config_from_row(config_row)
            before = config.action_levels.get(tool)
            if before != target:
                if target is None:
                    config.action_levels.pop(tool, None)
                else:
                    config.action_levels[tool] = target
                write_config(config_row, config, now)
                metrics = metrics_from_row(metrics_row)
                metrics.record_level_change(before, target, reason, by=by, tool=tool, timestamp=now)
                write_metrics(metrics_row, metrics, now)
        return target

    async def configure_async(
        self,
        *,
        by: str = "agent",
        min_level: AutonomyLevel | int | str | None = None,
        max_level: AutonomyLevel | int | str | None = None,
        confidence_threshold: float | None = None,
        error_demotion_count: int | None = None,
        success_promotion_count: int | None = None,
        auto_adjust: bool | None = None,
    ) -> AutonomyConfig:
        """Change the given settings; a level outside new bounds is moved inside them."""
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, metrics_row = await self._rows(session)
            config = config_from_row(config_row)
            before = config_from_row(config_row)
            if min_level is not None:
                config.min_level = AutonomyLevel.parse(min_level)
            if max_level is not None:
                config.max_level = AutonomyLevel.parse(max_level)
            if confidence_threshold is not None:
                config.confidence_threshold = float(confidence_threshold)
            if error_demotion_count is not None:
                config.error_demotion_count = int(error_demotion_count)
            if success_promotion_count is not None:
                config.success_promotion_count = int(success_promotion_count)
            if auto_adjust is not None:
                config.auto_adjust = bool(auto_adjust)
            if config.min_level > config.max_level:
                config.validate()  # raises, naming both bounds
            config.level = clamp_level(config.level, config.min_level, config.max_level)
            config.validate()
            reason = f"moved inside the bounds {int(config.min_level)}..{int(config.max_level)}"
            await self._store(session, config_row, metrics_row, config, by, reason, now)
            changes = changed_settings(before, config)
            if changes:
                metrics = metrics_from_row(metrics_row)
                metrics.record_settings_change(config.level, changes, by=by, timestamp=now)
                write_metrics(metrics_row, metrics, now)
        return config

    async def apply_config_async(
        self, config: AutonomyConfig, *, by: str = "agent", reason: str = "configuration applied"
    ) -> AutonomyConfig:
        """Overwrite the stored configuration with `config` (validated; level kept in bounds)."""
        config = AutonomyConfig.from_dict(config.validate().to_dict())
        now = self.clock()
        async with self.db.transaction() as session:
            config_row, metrics_row = await self._rows(session)
            await self._store(session, config_row, metrics_row, config, by, reason, now)
        return config

    async def _store(
        self,
        session: AsyncSession,
        config_row: AutonomyConfigModel,
        metrics_row: AutonomyMetricsModel,
        config: AutonomyConfig,
        by: str,
        reason: str,
        now: datetime,
    ) -> None:
        before = clamp_level(config_row.level)
        config.level = clamp_level(config.level, config.min_level, config.max_level)
        write_config(config_row, config, now)
        if config.level != before:
            metrics = metrics_from_row(metrics_row)
            metrics.record_level_change(before, config.level, reason, by=by, timestamp=now)
            write_metrics(metrics_row, metrics, now)

    async def reset_metrics_async(self) -> None:
        """Zero the counters and recent outcomes (the level-change history is kept)."""
        now = self.clock()
        async with self.db.transaction() as session:
            _, metrics_row = await self._rows(session)
            kept = metrics_from_row(metrics_row).level_changes
            write_metrics(metrics_row, PerformanceMetrics(level_changes=kept), now)

    # -- reading -----------------------------------------------------------------------------

    async def request_elevation_async(
        self, target_level: AutonomyLevel | int | str, reason: str, duration_actions: int = 1
    ) -> dict[str, Any]:
        """A request for a temporary higher level, for a person to approve (nothing is changed)."""
        config = await self.get_config_async()
        return {
            "request_type": "autonomy_elevation",
            "current_level": config.level.name,
            "target_level": AutonomyLevel.parse(target_level).name,
            "reason": reason,
            "duration_actions": duration_actions,
            "timestamp": self.clock().isoformat(),
            "requires_approval": True,
        }

    async def get_status_async(self) -> dict[str, Any]:
        """Configured and effective level, performance, thresholds, bounds and tool overrides."""
        config, metrics = await self._snapshot()
        return {
            "configured_level": config.level.name,
            "effective_level": effective_level(config).name,
            "auto_adjust": config.auto_adjust,
            "performance": {
                "consecutive_successes": metrics.consecutive_successes,
                "consecutive_errors": metrics.consecutive_errors,
                "success_rate": metrics.get_success_rate(),
                "total_actions": metrics.total_actions,
                "total_errors": metrics.total_errors,
            },
            "thresholds": {
                "confidence": config.confidence_threshold,
                "error_demotion": config.error_demotion_count,
                "success_promotion": config.success_promotion_count,
            },
            "bounds": {"min_level": config.min_level.name, "max_level": config.max_level.name},
            "action_levels": {tool: level.name for tool, level in config.action_levels.items()},
            "level_changes": metrics.level_changes[-20:],
        }

    async def get_decision_history_async(
        self,
        limit: int = 50,
        tool: str | None = None,
        allowed_only: bool | None = None,
        session_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """The newest `limit` decisions (filtered), returned oldest first.

        `allowed_only=True` keeps allowed decisions, `False` keeps denied ones, None keeps all.
        """
        async with self.db.read() as session:
            return await decision_history(session, limit, tool, allowed_only, session_id)

    @property
    def config(self) -> AutonomyConfig:
        """The configuration now stored (a fresh read)."""
        return self.get_config()

    @property
    def metrics(self) -> PerformanceMetrics:
        """The metrics now stored (a fresh read)."""
        return self.get_metrics()

    @property
    def current_level(self) -> AutonomyLevel:
        """The configured level now stored (a fresh read)."""
        return self.get_config().level

    @property
    def effective_level(self) -> AutonomyLevel:
        """The effective level without a confidence (same as `get_effective_level()`)."""
        return self.get_effective_level()

    init = blocking(init_async)
    get_config = blocking(get_config_async)
    get_metrics = blocking(get_metrics_async)
    get_effective_level = blocking(get_effective_level_async)
    check_action = blocking(check_action_async)
    record_outcome = blocking(record_outcome_async)
    set_level = blocking(set_level_async)
    set_tool_level = blocking(set_tool_level_async)
    configure = blocking(configure_async)
    apply_config = blocking(apply_config_async)
    reset_metrics = blocking(reset_metrics_async)
    request_elevation = blocking(request_elevation_async)
    get_status = blocking(get_status_async)
    get_decision_history = blocking(get_decision_history_async)


def create_autonomy_manager(
    db: Database,
    level: AutonomyLevel = AutonomyLevel.EXECUTE_SAFE,
    auto_adjust: bool = True,
    session_id: int = 0,
) -> AutonomyManager:
    """A manager whose `level`/`auto_adjust` seed a project that has no stored configuration."""
    level = AutonomyLevel.parse(level)
    config = AutonomyConfig(
        level=level,
        auto_adjust=auto_adjust,
        min_level=min(AutonomyLevel.OBSERVE, level),
        max_level=max(AutonomyLevel.EXECUTE_REVIEW, level),
    )
    return AutonomyManager(db, config, session_id)


async def create_autonomy_manager_async(
    db: Database,
    level: AutonomyLevel = AutonomyLevel.EXECUTE_SAFE,
    auto_adjust: bool = True,
    session_id: int = 0,
) -> AutonomyManager:
    """Like `create_autonomy_manager`, and store the seed right away if nothing is stored."""
    return await create_autonomy_manager(db, level, auto_adjust, session_id).init_async()
