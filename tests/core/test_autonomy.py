"""AutonomyManager: permission checks, clamped promotion/demotion, live level changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.autonomy.manager import (
    AutonomyManager,
    create_autonomy_manager,
    create_autonomy_manager_async,
)
from arcadia_core.managers.autonomy.records import (
    ActionCategory,
    AutonomyConfig,
    AutonomyLevel,
    PerformanceMetrics,
)
from arcadia_core.managers.autonomy.rules import effective_level, tool_category
from arcadia_core.models import AutonomyConfigModel, AutonomyDecisionModel
from tests.clocks import ManualClock

L = AutonomyLevel


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def manager(db: Database, clock: ManualClock) -> AutonomyManager:
    return AutonomyManager(db, session_id=5, clock=clock)


async def decision_count(db: Database) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(AutonomyDecisionModel)) or 0


async def test_first_check_stores_defaults_and_records_the_decision(
    manager: AutonomyManager, db: Database, clock: ManualClock
) -> None:
    decision = await manager.check_action_async("Read", {"file_path": "/a/b/notes.md"})
    assert decision.allowed and decision.action == "Read notes.md"
    assert decision.reason == (
        "Action allowed: Read requires level OBSERVE (current effective: EXECUTE_SAFE)"
    )
    async with db.read() as session:
        config = await session.get(AutonomyConfigModel, 1)
        row = await session.scalar(select(AutonomyDecisionModel))
    assert config is not None and (config.level, config.min_level, config.max_level) == (3, 1, 4)
    assert row is not None
    assert (row.session_id, row.tool, row.allowed, row.timestamp) == (5, "Read", True, clock.now)
    assert (row.required_level, row.current_level, row.effective_level) == (1, 3, 3)


@pytest.mark.parametrize(
    ("tool", "category"),
    [
        ("Read", ActionCategory.READ),
        ("Edit", ActionCategory.WRITE),
        ("Bash", ActionCategory.EXECUTE),
        ("WebFetch", ActionCategory.EXTERNAL),
        ("mcp__features__feature_mark", ActionCategory.FEATURE_MODIFY),
        ("mcp__puppeteer__puppeteer_screenshot", ActionCategory.READ),
        ("mcp__x__unknown", ActionCategory.EXECUTE),
        ("mcp__", ActionCategory.EXECUTE),
        ("SomethingNew", ActionCategory.EXECUTE),
    ],
)
def test_tool_categories(tool: str, category: ActionCategory) -> None:
    assert tool_category(tool) is category


async def test_denied_actions_carry_alternatives_and_flags(manager: AutonomyManager) -> None:
    await manager.set_level_async(L.PLAN, by="test")
    write = await manager.check_action_async("Write", {"file_path": "src/app.py"})
    assert not write.allowed and write.requires_approval and not write.requires_checkpoint
    assert write.action == "Write to app.py"
    assert write.alternatives == ["Use Read to review current state first"]
    assert (
        write.reason
        == "Action denied: Write requires level EXECUTE_SAFE but effective level is PLAN"
    )
    bash = await manager.check_action_async("Bash", {"command": "x" * 80})
    assert bash.action == "Run: " + "x" * 50 + "..."
    assert bash.alternatives == [
        "Use a safer alternative command",
        "Request approval for command execution",
    ]
    await manager.set_level_async(L.EXECUTE_SAFE, by="test")
    mark = await manager.check_action_async("mcp__features__feature_mark", {"index": 4})
    assert mark.action == "Mark feature #4 as passing"
    assert not mark.allowed and mark.requires_checkpoint
    assert mark.required_level == L.EXECUTE_REVIEW
    assert mark.alternatives == [
        "Queue action for human review",
        "Temporarily elevate to level EXECUTE_REVIEW",
    ]
    await manager.set_tool_level_async("rm_tree", L.FULL_AUTO, by="test")
    destructive = await manager.check_action_async("rm_tree")
    assert destructive.action == "rm_tree operation"
    assert destructive.alternatives[:2] == [
        "Request human approval for this action",
        "Create a checkpoint before proceeding",
    ]


async def test_required_level_priority(manager: AutonomyManager) -> None:
    manager.register_action_checker("Bash", lambda data: 5 if "rm" in data["command"] else 1)
    assert (await manager.check_action_async("Bash", {"command": "rm -rf /"})).required_level == 5
    assert (await manager.check_action_async("Bash", {"command": "ls"})).required_level == 1
    await manager.set_tool_level_async("Bash", L.PLAN, by="test")
    assert (await manager.check_action_async("Bash", {"command": "rm -rf /"})).required_level == 2
    await manager.set_tool_level_async("feature_mark", L.OBSERVE, by="test")
    assert (await manager.check_action_async("mcp__features__feature_mark")).allowed


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(None, 5), (0.5, 5), (0.49, 4), (0.3, 4), (0.29, 3), (0.0, 3)],
)
def test_confidence_lowers_the_effective_level(confidence: float | None, expected: int) -> None:
    config = AutonomyConfig(level=L.FULL_AUTO, max_level=L.FULL_AUTO)
    assert effective_level(config, confidence) == expected


def test_effective_level_never_rises_and_respects_the_floor() -> None:
    below_floor = AutonomyConfig(level=L.OBSERVE, min_level=L.PLAN, max_level=L.FULL_AUTO)
    assert effective_level(below_floor, 0.1) == L.OBSERVE
    floored = AutonomyConfig(level=L.EXECUTE_SAFE, min_level=L.EXECUTE_SAFE)
    assert effective_level(floored, 0.0) == L.EXECUTE_SAFE


async def test_one_demotion_per_error_streak_clamped_at_the_floor(
    manager: AutonomyManager,
) -> None:
    results = [await manager.record_outcome_async(False) for _ in range(9)]
    assert results == [None, None, L.PLAN, None, None, L.OBSERVE, None, None, L.OBSERVE]
    assert (await manager.get_config_async()).level == L.OBSERVE
    metrics = await manager.get_metrics_async()
    assert (metrics.consecutive_errors, metrics.total_errors) == (9, 9)
    assert [(c["from_level"], c["to_level"], c["by"]) for c in metrics.level_changes] == [
        (3, 2, "auto"),
        (2, 1, "auto"),
    ]
    assert metrics.level_changes[0]["reason"] == "Demoted due to 3 consecutive errors"


async def test_no_double_demotion_in_checks(manager: AutonomyManager) -> None:
    for _ in range(3):
        await manager.record_outcome_async(False)
    decision = await manager.check_action_async("Write")
    assert (decision.current_level, decision.effective_level) == (L.PLAN, L.PLAN)
    assert manager.effective_level == await manager.get_effective_level_async() == L.PLAN


async def test_promotion_stops_at_the_ceiling_without_raising(manager: AutonomyManager) -> None:
    results = [await manager.record_outcome_async(True) for _ in range(20)]
    assert results[9] == L.EXECUTE_REVIEW and results[19] == L.EXECUTE_REVIEW
    assert [r for r in results if r is not None] == [L.EXECUTE_REVIEW, L.EXECUTE_REVIEW]
    assert (await manager.get_config_async()).level == L.EXECUTE_REVIEW
    status = await manager.get_status_async()
    assert status["performance"]["consecutive_successes"] == 20
    assert status["performance"]["success_rate"] == 1.0


async def test_stored_extremes_from_arcadiaforge_never_raise(
    db: Database, manager: AutonomyManager
) -> None:
    async with db.transaction() as session:
        session.add(
            AutonomyConfigModel(
                id=1,
                level=5,
                min_level=1,
                max_level=4,
                success_promotion_count=1,
                error_demotion_count=1,
            )
        )
    assert await manager.record_outcome_async(True) == L.FULL_AUTO
    async with db.transaction() as session:
        row = await session.get(AutonomyConfigModel, 1)
        assert row is not None
        row.level, row.min_level = 1, 2
    assert await manager.record_outcome_async(False) == L.OBSERVE
    assert (await manager.check_action_async("Read", confidence=0.0)).effective_level == L.OBSERVE


async def test_auto_adjust_off_keeps_the_level(db: Database, clock: ManualClock) -> None:
    manager = AutonomyManager(db, AutonomyConfig(auto_adjust=False), clock=clock)
    assert [await manager.record_outcome_async(False) for _ in range(6)] == [None] * 6
    assert (await manager.get_config_async()).level == L.EXECUTE_SAFE


async def test_set_level_validates_and_records_who(manager: AutonomyManager) -> None:
    for bad in (0, 6, "bogus"):
        with pytest.raises(InvalidInput):
            await manager.set_level_async(bad, by="cli:bob")
    with pytest.raises(InvalidInput, match="outside the bounds"):
        await manager.set_level_async(L.FULL_AUTO, by="cli:bob")
    assert await manager.set_level_async("plan", "too many mistakes", by="tui:alice") == L.PLAN
    assert await manager.set_level_async("2", by="tui:alice") == L.PLAN  # unchanged: no entry
    [change] = (await manager.get_metrics_async()).level_changes
    assert (change["from_level"], change["to_level"], change["by"], change["reason"]) == (
        3,
        2,
        "tui:alice",
        "too many mistakes",
    )


async def test_tool_overrides_are_set_removed_and_recorded(manager: AutonomyManager) -> None:
    await manager.set_tool_level_async("Bash", "EXECUTE-REVIEW", by="cli:bob")
    assert (await manager.get_status_async())["action_levels"] == {"Bash": "EXECUTE_REVIEW"}
    assert await manager.set_tool_level_async("Bash", None, by="cli:bob") is None
    assert (await manager.get_config_async()).action_levels == {}
    changes = (await manager.get_metrics_async()).level_changes
    assert [(c["tool"], c["from_level"], c["to_level"]) for c in changes] == [
        ("Bash", None, 4),
        ("Bash", 4, None),
    ]
    with pytest.raises(InvalidInput):
        await manager.set_tool_level_async(" ", 3, by="x")
    with pytest.raises(InvalidInput):
        await manager.set_tool_level_async("Bash", 9, by="x")


async def test_configure_moves_the_level_inside_new_bounds(manager: AutonomyManager) -> None:
    config = await manager.configure_async(by="cli:bob", min_level=4, max_level=5)
    assert (config.level, config.min_level, config.max_level) == (L.EXECUTE_REVIEW, 4, 5)
    assert await manager.set_level_async(L.FULL_AUTO, by="cli:bob") == L.FULL_AUTO
    with pytest.raises(InvalidInput, match="min_level"):
        await manager.configure_async(by="x", min_level=5, max_level=2)
    with pytest.raises(InvalidInput):
        await manager.configure_async(by="x", confidence_threshold=1.5)
    with pytest.raises(InvalidInput):
        await manager.configure_async(by="x", error_demotion_count=0)
    changes = (await manager.get_metrics_async()).level_changes
    assert changes[0]["reason"] == "moved inside the bounds 4..5"


async def test_stored_configuration_wins_over_a_later_seed(db: Database) -> None:
    first = AutonomyManager(db, AutonomyConfig(level=L.PLAN, confidence_threshold=0.7))
    await first.init_async()
    second = AutonomyManager(db, AutonomyConfig(level=L.EXECUTE_REVIEW))
    config = await second.get_config_async()
    assert (config.level, config.confidence_threshold) == (L.PLAN, 0.7)
    applied = await second.apply_config_async(AutonomyConfig(level=L.EXECUTE_REVIEW), by="agent")
    assert applied.level == (await first.get_config_async()).level == L.EXECUTE_REVIEW
    with pytest.raises(InvalidInput):
        AutonomyManager(db, AutonomyConfig(level=L.FULL_AUTO))


async def test_factory_arguments_seed_an_empty_project(db: Database) -> None:
    manager = await create_autonomy_manager_async(db, L.FULL_AUTO, auto_adjust=False)
    config = await manager.get_config_async()
    assert (config.level, config.auto_adjust, config.max_level) == (L.FULL_AUTO, False, 5)
    assert create_autonomy_manager(db, L.OBSERVE).get_config().level == L.FULL_AUTO


async def test_decision_history_filters_and_order(
    manager: AutonomyManager, clock: ManualClock
) -> None:
    await manager.set_level_async(L.PLAN, by="t")
    for tool in ["Read", "Write", "Read", "Bash"]:
        await manager.check_action_async(tool)
    history = await manager.get_decision_history_async()
    assert [entry["tool"] for entry in history] == ["Read", "Write", "Read", "Bash"]
    assert history[0]["timestamp"] == clock.now.isoformat() and history[0]["session_id"] == 5
    denied = await manager.get_decision_history_async(allowed_only=False)
    assert [entry["tool"] for entry in denied] == ["Write", "Bash"]
    assert [e["tool"] for e in await manager.get_decision_history_async(limit=2)] == [
        "Read",
        "Bash",
    ]
    assert len(await manager.get_decision_history_async(tool="Read", allowed_only=True)) == 2
    assert await manager.get_decision_history_async(session_id=99) == []


async def test_status_elevation_reset_and_blocking_forms(manager: AutonomyManager) -> None:
    await manager.record_outcome_async(False)
    await manager.set_level_async(L.PLAN, by="t")
    status = manager.get_status()
    assert status["configured_level"] == status["effective_level"] == "PLAN"
    assert status["bounds"] == {"min_level": "OBSERVE", "max_level": "EXECUTE_REVIEW"}
    assert status["thresholds"] == {"confidence": 0.5, "error_demotion": 3, "success_promotion": 10}
    assert status["performance"]["success_rate"] == 0.0
    request = manager.request_elevation(L.EXECUTE_REVIEW, "needs to mark features", 2)
    assert (request["current_level"], request["target_level"], request["requires_approval"]) == (
        "PLAN",
        "EXECUTE_REVIEW",
        True,
    )
    manager.reset_metrics()
    metrics = manager.metrics
    assert (metrics.total_actions, metrics.recent_outcomes) == (0, [])
    assert len(metrics.level_changes) == 1
    assert manager.current_level == L.PLAN and manager.config.level == L.PLAN
    assert manager.check_action("Read").allowed
    assert manager.record_outcome(True) is None


def test_metrics_and_config_dicts_round_trip() -> None:
    metrics = PerformanceMetrics(max_history=3)
    for outcome in [True, False, True, True]:
        (metrics.record_success if outcome else metrics.record_error)()
    assert metrics.recent_outcomes == [False, True, True]
    assert PerformanceMetrics.from_dict(metrics.to_dict()).to_dict() == metrics.to_dict()
    config = AutonomyConfig(level=L.PLAN, action_levels={"Bash": L.FULL_AUTO})
    assert AutonomyConfig.from_dict(config.to_dict()) == config
    with pytest.raises(InvalidInput):
        AutonomyConfig.from_dict({"level": 7})


async def test_a_level_set_through_another_handle_applies_at_the_next_check(
    manager: AutonomyManager, project_dir: Path
) -> None:
    assert (await manager.check_action_async("Write")).allowed
    async with await Database.open(project_dir) as other:
        await AutonomyManager(other).set_level_async(L.OBSERVE, by="tui:alice")
    assert not (await manager.check_action_async("Write")).allowed


async def test_a_running_agent_process_honours_a_level_changed_elsewhere(
    db: Database, project_dir: Path
) -> None:
    agent = subprocess.Popen(
        [sys.executable, "-m", "tests.agent_process", "autonomy", str(project_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert agent.stdin is not None and agent.stdout is not None
    try:
        agent.stdin.write("Write\n")
        agent.stdin.flush()
        first = json.loads(agent.stdout.readline())
        await AutonomyManager(db).set_level_async(L.PLAN, "supervisor", by="tui:alice")
        agent.stdin.write("Write\n")
        agent.stdin.flush()
        second = json.loads(agent.stdout.readline())
        await AutonomyManager(db).set_tool_level_async("Write", L.OBSERVE, by="tui:alice")
        agent.stdin.write("Write\n\n")
        agent.stdin.flush()
        third = json.loads(agent.stdout.readline())
    finally:
        agent.stdin.close()
        agent.wait(timeout=30)
    assert (first["allowed"], first["effective_level"]) == (True, 3)
    assert (second["allowed"], second["effective_level"]) == (False, 2)
    assert (third["allowed"], third["required_level"]) == (True, 1)
    assert await decision_count(db) == 3
