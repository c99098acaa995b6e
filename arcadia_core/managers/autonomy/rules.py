"""What a candidate autonomy configuration would have decided: recorded decisions replayed.

Pure functions over `autonomy_decisions` rows (as `get_decision_history` returns them), so a
supervisor can see, before saving a change, how many recent checks would have gone the other
way. A decision's required level is the recorded one, except for a tool whose per-tool
override the candidate sets (the override's level) or removes (the tool category's level:
a checker's level is not recorded, so the category stands in for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arcadia_core.managers.autonomy.records import (
    CATEGORY_REQUIRED_LEVELS,
    AutonomyConfig,
    AutonomyLevel,
    base_tool_name,
    clamp_level,
    effective_level,
    tool_category,
)


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
