"""What the autonomy concept returns: levels, categories, configuration, metrics, decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from arcadia_core.clock import utc_now
from arcadia_core.errors import InvalidInput

MAX_HISTORY = 50
MAX_LEVEL_CHANGES = 1000


class AutonomyLevel(IntEnum):
    """How much the agent may do on its own, from read-only (1) to full autonomy (5)."""

    OBSERVE = 1
    PLAN = 2
    EXECUTE_SAFE = 3
    EXECUTE_REVIEW = 4
    FULL_AUTO = 5

    @classmethod
    def parse(cls, value: AutonomyLevel | int | str) -> AutonomyLevel:
        """A level from its number or name (`3`, `"execute_safe"`, `"EXECUTE-SAFE"`)."""
        if isinstance(value, AutonomyLevel):
            return value
        text = str(value).strip()
        try:
            number = int(text)
        except ValueError:
            name = text.upper().replace("-", "_").replace(" ", "_")
            if name in cls.__members__:
                return cls[name]
        else:
            if 1 <= number <= 5:
                return cls(number)
        names = ", ".join(f"{level.value} {level.name}" for level in cls)
        raise InvalidInput(f"unknown autonomy level {value!r} (levels: {names})")


class ActionCategory(Enum):
    """The kind of action a tool performs."""

    READ = "read"
    WRITE = "write"
    EXECUTE = "execute"
    FEATURE_MODIFY = "feature_modify"
    EXTERNAL = "external"
    DESTRUCTIVE = "destructive"


@dataclass
class AutonomyConfig:
    """The supervisor-tunable autonomy configuration (the single `autonomy_config` row)."""

    level: AutonomyLevel = AutonomyLevel.EXECUTE_SAFE
    action_levels: dict[str, AutonomyLevel] = field(default_factory=dict)
    confidence_threshold: float = 0.5
    error_demotion_count: int = 3
    success_promotion_count: int = 10
    auto_adjust: bool = True
    min_level: AutonomyLevel = AutonomyLevel.OBSERVE
    max_level: AutonomyLevel = AutonomyLevel.EXECUTE_REVIEW

    def validate(self) -> AutonomyConfig:
        """Return self if consistent; raise InvalidInput naming the first bad value."""
        for name in ("level", "min_level", "max_level"):
            setattr(self, name, AutonomyLevel.parse(getattr(self, name)))
        self.action_levels = {
            str(tool): AutonomyLevel.parse(level) for tool, level in self.action_levels.items()
        }
        if self.min_level > self.max_level:
            raise InvalidInput(
                f"min_level {self.min_level.name} is above max_level {self.max_level.name}"
            )
        if not self.min_level <= self.level <= self.max_level:
            raise InvalidInput(
                f"level {int(self.level)} {self.level.name} is outside the bounds "
                f"{int(self.min_level)}..{int(self.max_level)}"
            )
        if not 0.0 <= float(self.confidence_threshold) <= 1.0:
            raise InvalidInput(
                f"confidence_threshold must be between 0 and 1, not {self.confidence_threshold}"
            )
        for name in ("error_demotion_count", "success_promotion_count"):
            if int(getattr(self, name)) < 1:
                raise InvalidInput(f"{name} must be at least 1, not {getattr(self, name)}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """All eight settings, levels as ints."""
        return {
            "level": int(self.level),
            "action_levels": {tool: int(level) for tool, level in self.action_levels.items()},
            "confidence_threshold": self.confidence_threshold,
            "error_demotion_count": self.error_demotion_count,
            "success_promotion_count": self.success_promotion_count,
            "auto_adjust": self.auto_adjust,
            "min_level": int(self.min_level),
            "max_level": int(self.max_level),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AutonomyConfig:
        """Build from a dict; every key optional (ArcadiaForge defaults); bad levels raise."""
        return cls(
            level=AutonomyLevel.parse(data.get("level", 3)),
            action_levels={
                str(tool): AutonomyLevel.parse(level)
                for tool, level in (data.get("action_levels") or {}).items()
            },
            confidence_threshold=float(data.get("confidence_threshold", 0.5)),
            error_demotion_count=int(data.get("error_demotion_count", 3)),
            success_promotion_count=int(data.get("success_promotion_count", 10)),
            auto_adjust=bool(data.get("auto_adjust", True)),
            min_level=AutonomyLevel.parse(data.get("min_level", 1)),
            max_level=AutonomyLevel.parse(data.get("max_level", 4)),
        )


@dataclass
class PerformanceMetrics:
    """Success/error streaks and totals (stored as the single `autonomy_metrics` row)."""

    consecutive_successes: int = 0
    consecutive_errors: int = 0
    total_actions: int = 0
    total_errors: int = 0
    recent_outcomes: list[bool] = field(default_factory=list)
    max_history: int = MAX_HISTORY
    level_changes: list[dict[str, Any]] = field(default_factory=list)

    def record_success(self) -> None:
        """Count one successful action."""
        self.consecutive_successes += 1
        self.consecutive_errors = 0
        self.total_actions += 1
        self._remember(True)

    def record_error(self) -> None:
        """Count one failed action."""
        self.consecutive_errors += 1
        self.consecutive_successes = 0
        self.total_actions += 1
        self.total_errors += 1
        self._remember(False)

    def _remember(self, outcome: bool) -> None:
        self.recent_outcomes.append(outcome)
        del self.recent_outcomes[: max(0, len(self.recent_outcomes) - self.max_history)]

    def get_success_rate(self) -> float:
        """Fraction of successes among the recent outcomes (1.0 when there are none)."""
        if not self.recent_outcomes:
            return 1.0
        return sum(1 for outcome in self.recent_outcomes if outcome) / len(self.recent_outcomes)

    def record_level_change(
        self,
        from_level: int | None,
        to_level: int | None,
        reason: str,
        *,
        by: str = "agent",
        tool: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """Append a level change (a tool's override when `tool` is given; None = no override)."""
        entry: dict[str, Any] = {
            "timestamp": (timestamp or utc_now()).isoformat(),
            "from_level": None if from_level is None else int(from_level),
            "to_level": None if to_level is None else int(to_level),
            "reason": reason,
            "by": by,
        }
        if tool is not None:
            entry["tool"] = tool
        self.level_changes.append(entry)
        del self.level_changes[: max(0, len(self.level_changes) - MAX_LEVEL_CHANGES)]

    def record_settings_change(
        self,
        level: int,
        changes: dict[str, tuple[Any, Any]],
        *,
        by: str = "agent",
        timestamp: datetime | None = None,
    ) -> None:
        """Append a change of thresholds or bounds (`changes`: name -> (before, after))."""
        self.level_changes.append(
            {
                "timestamp": (timestamp or utc_now()).isoformat(),
                "from_level": int(level),
                "to_level": int(level),
                "reason": ", ".join(
                    f"{name} {old} -> {new}" for name, (old, new) in changes.items()
                ),
                "by": by,
                "settings": {name: [old, new] for name, (old, new) in changes.items()},
            }
        )
        del self.level_changes[: max(0, len(self.level_changes) - MAX_LEVEL_CHANGES)]

    def to_dict(self) -> dict[str, Any]:
        """The four counters and both lists."""
        return {
            "consecutive_successes": self.consecutive_successes,
            "consecutive_errors": self.consecutive_errors,
            "total_actions": self.total_actions,
            "total_errors": self.total_errors,
            "recent_outcomes": list(self.recent_outcomes),
            "level_changes": [dict(change) for change in self.level_changes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PerformanceMetrics:
        """Build from a dict; counters default to 0 and lists to []."""
        return cls(
            consecutive_successes=int(data.get("consecutive_successes") or 0),
            consecutive_errors=int(data.get("consecutive_errors") or 0),
            total_actions=int(data.get("total_actions") or 0),
            total_errors=int(data.get("total_errors") or 0),
            recent_outcomes=[bool(x) for x in data.get("recent_outcomes") or []],
            level_changes=[dict(x) for x in data.get("level_changes") or [] if isinstance(x, dict)],
        )


@dataclass
class AutonomyDecision:
    """The result of one permission check."""

    action: str
    tool: str
    allowed: bool
    required_level: AutonomyLevel
    current_level: AutonomyLevel
    effective_level: AutonomyLevel
    reason: str
    alternatives: list[str] = field(default_factory=list)
    requires_approval: bool = False
    requires_checkpoint: bool = False
    timestamp: str = field(default_factory=lambda: utc_now().isoformat())
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The 12 fields, levels as ints."""
        return {
            "action": self.action,
            "tool": self.tool,
            "allowed": self.allowed,
            "required_level": int(self.required_level),
            "current_level": int(self.current_level),
            "effective_level": int(self.effective_level),
            "reason": self.reason,
            "alternatives": list(self.alternatives),
            "requires_approval": self.requires_approval,
            "requires_checkpoint": self.requires_checkpoint,
            "timestamp": self.timestamp,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class OutcomeShift:
    """How the replayed decisions would have come out under a candidate configuration."""

    examined: int
    """Decisions replayed."""
    newly_allowed: int
    """Denied when recorded, allowed under the candidate."""
    newly_denied: int
    """Allowed when recorded, denied under the candidate."""

    @property
    def changed(self) -> int:
        """Decisions whose outcome would differ."""
        return self.newly_allowed + self.newly_denied
