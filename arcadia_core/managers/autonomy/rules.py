"""The pure autonomy rules: required and effective levels, streak adjustments, decisions.

Everything here is free of I/O: `AutonomyManager` reads the stored configuration and metrics,
applies these functions, and writes the result back in the same transaction.

The what-if functions at the end replay recorded decisions (as `get_decision_history` returns
them) under a candidate configuration, so a supervisor can see, before saving a change, how
many recent checks would have gone the other way. A decision's required level is the recorded
one, except for a tool whose per-tool override the candidate sets (the override's level) or
removes (the tool category's level: a checker's level is not recorded, so the category stands
in for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from arcadia_core.display import safe_str
from arcadia_core.managers.autonomy.records import (
    ActionCategory,
    AutonomyConfig,
    AutonomyDecision,
    AutonomyLevel,
    OutcomeShift,
    PerformanceMetrics,
)

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


def tool_override(config: AutonomyConfig, tool: str) -> AutonomyLevel | None:
    """The per-tool level `config` sets for `tool` (full name first, then its MCP base name)."""
    for name in (tool, base_tool_name(tool)):
        if name in config.action_levels:
            return AutonomyLevel.parse(config.action_levels[name])
    return None


def replayed_required_level(
    decision: Mapping[str, Any], current: AutonomyConfig, candidate: AutonomyConfig
) -> AutonomyLevel:
    """The level the decision's tool would require under `candidate` (see the module doc)."""
    tool = str(decision.get("tool") or "")
    override = tool_override(candidate, tool)
    if override is not None:
        return override
    if tool_override(current, tool) is not None:
        return CATEGORY_REQUIRED_LEVELS.get(tool_category(tool), AutonomyLevel.EXECUTE_SAFE)
    return clamp_level(int(decision.get("required_level") or AutonomyLevel.EXECUTE_SAFE))


def replayed_allowed(
    decision: Mapping[str, Any], current: AutonomyConfig, candidate: AutonomyConfig
) -> bool:
    """Whether the recorded check would have been allowed under `candidate`."""
    confidence = decision.get("confidence")
    effective = effective_level(candidate, None if confidence is None else float(confidence))
    return effective >= replayed_required_level(decision, current, candidate)


def outcome_shift(
    decisions: Iterable[Mapping[str, Any]], current: AutonomyConfig, candidate: AutonomyConfig
) -> OutcomeShift:
    """Replay `decisions` under `candidate` and count the outcomes that change.

    `current` is the configuration now stored: it tells which recorded requirements came from
    a per-tool override the candidate removes.
    """
    examined = newly_allowed = newly_denied = 0
    for decision in decisions:
        examined += 1
        before = bool(decision.get("allowed"))
        after = replayed_allowed(decision, current, candidate)
        if after and not before:
            newly_allowed += 1
        elif before and not after:
            newly_denied += 1
    return OutcomeShift(examined, newly_allowed, newly_denied)
