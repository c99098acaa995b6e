"""Replaying recorded autonomy decisions under a candidate configuration."""

from __future__ import annotations

import dataclasses

from arcadia_core.db import Database
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyLevel, OutcomeShift
from arcadia_core.managers.autonomy.rules import (
    outcome_shift,
    replayed_allowed,
    replayed_required_level,
)
from tests.clocks import ManualClock

L = AutonomyLevel


def decision(tool: str, required: int, allowed: bool, confidence: float | None = None) -> dict:
    return {"tool": tool, "required_level": required, "allowed": allowed, "confidence": confidence}


def test_the_same_configuration_changes_nothing() -> None:
    config = AutonomyConfig(level=L.EXECUTE_SAFE)
    recorded = [decision("Read", 1, True), decision("feature_mark", 4, False)]
    assert outcome_shift(recorded, config, config) == OutcomeShift(2, 0, 0)


def test_lowering_the_level_denies_what_needed_it() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE)
    candidate = dataclasses.replace(current, level=L.PLAN)
    recorded = [decision("Read", 1, True), decision("Write", 3, True), decision("Bash", 3, True)]
    shift = outcome_shift(recorded, current, candidate)
    assert (shift.examined, shift.newly_allowed, shift.newly_denied, shift.changed) == (3, 0, 2, 2)


def test_raising_the_level_allows_what_was_denied() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE)
    candidate = dataclasses.replace(current, level=L.EXECUTE_REVIEW, max_level=L.FULL_AUTO)
    recorded = [decision("feature_mark", 4, False), decision("Bash", 5, False)]
    assert outcome_shift(recorded, current, candidate) == OutcomeShift(2, 1, 0)


def test_low_confidence_is_replayed_with_the_candidate_threshold() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE, confidence_threshold=0.5)
    stricter = dataclasses.replace(current, confidence_threshold=0.8)
    recorded = [decision("Write", 3, True, confidence=0.7)]
    assert outcome_shift(recorded, current, stricter) == OutcomeShift(1, 0, 1)


def test_a_new_override_sets_the_required_level_of_its_tool_only() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE)
    candidate = dataclasses.replace(current, action_levels={"Bash": L.EXECUTE_REVIEW})
    bash, write = decision("Bash", 3, True), decision("Write", 3, True)
    assert replayed_required_level(bash, current, candidate) == L.EXECUTE_REVIEW
    assert replayed_required_level(write, current, candidate) == L.EXECUTE_SAFE
    assert outcome_shift([bash, write], current, candidate) == OutcomeShift(2, 0, 1)


def test_an_mcp_tool_follows_the_override_of_its_base_name() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE)
    candidate = dataclasses.replace(current, action_levels={"WebFetch": L.OBSERVE})
    recorded = decision("mcp__web__WebFetch", 4, False)
    assert replayed_allowed(recorded, current, candidate)


def test_a_removed_override_falls_back_to_the_tool_category() -> None:
    current = AutonomyConfig(level=L.EXECUTE_SAFE, action_levels={"Write": L.FULL_AUTO})
    candidate = dataclasses.replace(current, action_levels={})
    recorded = decision("Write", 5, False)  # denied because of the override
    assert replayed_required_level(recorded, current, candidate) == L.EXECUTE_SAFE
    assert outcome_shift([recorded], current, candidate) == OutcomeShift(1, 1, 0)


async def test_decisions_recorded_by_the_manager_replay_to_their_outcome(db: Database) -> None:
    manager = AutonomyManager(db, session_id=3, clock=ManualClock())
    for tool, confidence in (("Read", None), ("Write", 0.9), ("feature_mark", None), ("Bash", 0.2)):
        await manager.check_action_async(tool, {}, confidence)
    config = await manager.get_config_async()
    history = await manager.get_decision_history_async(limit=10)
    assert [replayed_allowed(row, config, config) for row in history] == [
        row["allowed"] for row in history
    ]
    lower = dataclasses.replace(config, level=L.OBSERVE)
    assert outcome_shift(history, config, lower) == OutcomeShift(4, 0, 1)


async def test_a_threshold_change_is_recorded_with_who_made_it(db: Database) -> None:
    manager = AutonomyManager(db, clock=ManualClock())
    await manager.configure_async(by="tui:alice", confidence_threshold=0.7, max_level=5)
    await manager.configure_async(by="tui:alice", confidence_threshold=0.7)  # no change
    [entry] = (await manager.get_metrics_async()).level_changes
    assert entry["by"] == "tui:alice" and entry["from_level"] == entry["to_level"] == 3
    assert entry["settings"] == {"max_level": [4, 5], "confidence_threshold": [0.5, 0.7]}
    assert entry["reason"] == "max_level 4 -> 5, confidence_threshold 0.5 -> 0.7"
