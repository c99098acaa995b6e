"""Autonomy levels, action categories and the pure rules that decide what the agent may do.

Everything here is free of I/O: `AutonomyManager` reads the stored configuration and metrics,
applies these functions, and writes the result back in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from arcadia_core.clock import utc_now
from arcadia_core.display import safe_str
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


DEFAULT_ACTION_CATEGORIES: dict[str, ActionCategory] = {
    "Read": ActionCategory.READ,
    "Glob": ActionCategory.READ,
    "Grep": ActionCategory.READ,
    "Write": ActionCategory.WRITE,
    "Edit": ActionCategory.WRITE,
    "Bash": ActionCategory.EXECUTE,
    "feature_mark": ActionCategory.FEATURE_MODIFY,
    "feature_skip": ActionCategory.FEATURE_MODIFY,
    "feature_add": ActionCategory.FEATURE_MODIFY,
    "puppeteer_navigate": ActionCategory.EXTERNAL,
    "puppeteer_screenshot": ActionCategory.READ,
    "WebFetch": ActionCategory.EXTERNAL,
}

CATEGORY_REQUIRED_LEVELS: dict[ActionCategory, AutonomyLevel] = {
    ActionCategory.READ: AutonomyLevel.OBSERVE,
    ActionCategory.WRITE: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.EXECUTE: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.FEATURE_MODIFY: AutonomyLevel.EXECUTE_REVIEW,
    ActionCategory.EXTERNAL: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.DESTRUCTIVE: AutonomyLevel.FULL_AUTO,
}


def base_tool_name(tool: str) -> str:
    """`mcp__server__tool` -> `tool`; any other name unchanged."""
    if tool.startswith("mcp__"):
        parts = tool.split("__")
        if len(parts) >= 3 and parts[-1]:
            return parts[-1]
    return tool


def tool_category(tool: str) -> ActionCategory:
    """The category of a tool (MCP names by their last part); unknown tools count as EXECUTE."""
    category = DEFAULT_ACTION_CATEGORIES.get(tool)
    if category is None:
        category = DEFAULT_ACTION_CATEGORIES.get(base_tool_name(tool), ActionCategory.EXECUTE)
    return category


def clamp_level(level: int, low: int = 1, high: int = 5) -> AutonomyLevel:
    """`level` moved into [low, high] and into 1..5; never raises."""
    low, high = max(1, min(5, low)), max(1, min(5, high))
    return AutonomyLevel(max(low, min(high, max(1, min(5, int(level))))))


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


SETTING_NAMES = (
    "min_level",
    "max_level",
    "confidence_threshold",
    "error_demotion_count",
    "success_promotion_count",
    "auto_adjust",
)
"""The settings besides the level and the per-tool overrides."""


def changed_settings(before: AutonomyConfig, after: AutonomyConfig) -> dict[str, tuple[Any, Any]]:
    """The settings (of `SETTING_NAMES`) that differ, as name -> (before, after)."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in SETTING_NAMES:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            if isinstance(old, AutonomyLevel):
                old, new = int(old), int(new)
            changes[name] = (old, new)
    return changes


def effective_level(config: AutonomyConfig, confidence: float | None = None) -> AutonomyLevel:
    """The one definition of the level a check is evaluated at.

    The configured level, lowered by 1 when `confidence` is below the threshold (by 2 when
    it is below 0.3), but not below `min_level` and never above the configured level. Error
    streaks act through `record_outcome`, which lowers the configured level itself, so they
    are not subtracted a second time here.
    """
    base = clamp_level(config.level)
    reduction = 0
    if confidence is not None and confidence < config.confidence_threshold:
        reduction = 2 if confidence < 0.3 else 1
    floor = min(int(config.min_level), int(base))
    return clamp_level(int(base) - reduction, floor, int(base))


def adjusted_level(
    config: AutonomyConfig, metrics: PerformanceMetrics
) -> tuple[AutonomyLevel, str] | None:
    """The level after the outcome just counted in `metrics`, with the reason; None if no threshold.

    A streak demotes (or promotes) once each time it reaches another multiple of its
    threshold, so one streak of N errors demotes once and the next N errors demote again.
    The result stays within [min_level, max_level] and never raises; a level already outside
    the bounds is only moved toward them.
    """
    level = clamp_level(config.level)
    errors, successes = metrics.consecutive_errors, metrics.consecutive_successes
    if errors and errors % config.error_demotion_count == 0:
        target = level - 1 if level > config.min_level else level
        return clamp_level(target), f"Demoted due to {errors} consecutive errors"
    if successes and successes % config.success_promotion_count == 0:
        target = level + 1 if level < config.max_level else level
        return clamp_level(target), f"Promoted due to {successes} consecutive successes"
    return None


def required_level(
    config: AutonomyConfig, tool: str, checker_level: AutonomyLevel | None
) -> AutonomyLevel:
    """Per-tool override (full name, then MCP base name), else a checker's, else the category's."""
    for name in (tool, base_tool_name(tool)):
        if name in config.action_levels:
            return AutonomyLevel.parse(config.action_levels[name])
    if checker_level is not None:
        return AutonomyLevel.parse(checker_level)
    return CATEGORY_REQUIRED_LEVELS.get(tool_category(tool), AutonomyLevel.EXECUTE_SAFE)


def summarize_action(tool: str, action_input: dict[str, Any]) -> str:
    """A short human summary of the action (`Write to x.py`, `Run: npm test...`)."""
    name = base_tool_name(tool)
    file_path = action_input.get("file_path")
    basename = safe_str(file_path).replace("\\", "/").rsplit("/", 1)[-1] if file_path else None
    if name == "Write" and basename:
        return f"Write to {basename}"
    if name == "Edit" and basename:
        return f"Edit {basename}"
    if name == "Bash" and action_input.get("command"):
        return f"Run: {safe_str(action_input['command'])[:50]}..."
    if name == "feature_mark" and action_input.get("index") is not None:
        return f"Mark feature #{action_input['index']} as passing"
    if name == "Read" and basename:
        return f"Read {basename}"
    return f"{tool} operation"[:255]


def alternatives_for(tool: str, required: AutonomyLevel) -> list[str]:
    """What the agent could do instead of a denied action."""
    alternatives: list[str] = []
    if required == AutonomyLevel.FULL_AUTO:
        alternatives += [
            "Request human approval for this action",
            "Create a checkpoint before proceeding",
        ]
    elif required >= AutonomyLevel.EXECUTE_REVIEW:
        alternatives += [
            "Queue action for human review",
            f"Temporarily elevate to level {required.name}",
        ]
    name = base_tool_name(tool)
    if name == "Write":
        alternatives.append("Use Read to review current state first")
    elif name == "Bash":
        alternatives += [
            "Use a safer alternative command",
            "Request approval for command execution",
        ]
    return alternatives


def decide(
    config: AutonomyConfig,
    tool: str,
    action_input: dict[str, Any],
    confidence: float | None,
    checker_level: AutonomyLevel | None,
    timestamp: datetime,
) -> AutonomyDecision:
    """The permission decision for one action under `config`."""
    required = required_level(config, tool, checker_level)
    effective = effective_level(config, confidence)
    allowed = effective >= required
    if allowed:
        reason = (
            f"Action allowed: {tool} requires level {required.name} "
            f"(current effective: {effective.name})"
        )
    else:
        reason = (
            f"Action denied: {tool} requires level {required.name} "
            f"but effective level is {effective.name}"
        )
    return AutonomyDecision(
        action=summarize_action(tool, action_input),
        tool=tool,
        allowed=allowed,
        required_level=required,
        current_level=clamp_level(config.level),
        effective_level=effective,
        reason=reason,
        alternatives=[] if allowed else alternatives_for(tool, required),
        requires_approval=not allowed,
        requires_checkpoint=not allowed and required >= AutonomyLevel.EXECUTE_REVIEW,
        timestamp=timestamp.isoformat(),
        confidence=confidence,
    )
