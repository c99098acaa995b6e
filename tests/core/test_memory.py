"""MemoryManager: hot/warm/cold tiers in their tables and the promotions between them."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.memory.manager import MemoryManager
from arcadia_core.managers.memory.records import MAX_RECENT_ACTIONS, MAX_RECENT_FILES
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.models import (
    ColdMemoryKnowledgeModel,
    ColdMemoryModel,
    HotMemoryModel,
    WarmMemoryModel,
)
from tests.core.analysis_helpers import StepClock


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def memory(db: Database, clock: StepClock) -> MemoryManager:
    return MemoryManager(db, session_id=1, clock=clock)


async def count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_hot_tier_records_the_working_context(memory: MemoryManager) -> None:
    await memory.start_session_async()
    for index in range(MAX_RECENT_ACTIONS + 5):
        await memory.record_action_async(f"step {index}", "ok", tool="Bash")
    for name in ["a.py", "b.py", "a.py"] + [f"f{n}.py" for n in range(MAX_RECENT_FILES)]:
        await memory.record_file_access_async(name)
    await memory.set_focus_async(feature=4, task="login form", keywords=["auth", "form"])
    await memory.add_to_hot_async({"note": "remember"})
    await memory.add_to_hot_async({})
    state = await memory.get_hot_state_async()
    assert len(state.recent_actions) == MAX_RECENT_ACTIONS
    assert state.recent_actions[-1]["note"] == "remember"
    assert state.recent_actions[0]["action"] == "step 6"
    assert len(state.recent_files) == MAX_RECENT_FILES and "a.py" not in state.recent_files[:1]
    assert (state.current_feature, state.current_task, state.focus_keywords) == (
        4,
        "login form",
        ("auth", "form"),
    )
    text = await memory.get_hot_context_async()
    assert "Current feature: 4" in text and "auth, form" in text


async def test_errors_deduplicate_and_resolve(memory: MemoryManager) -> None:
    first = await memory.record_error_async("ImportError", "no module x", {"file": "a"}, [2])
    again = await memory.record_error_async("ImportError", "no module x", {"line": 3}, [1])
    assert again.error_id == first.error_id and again.occurrence_count == 2
    assert again.context == {"file": "a", "line": 3} and again.related_features == [1, 2]
    other = await memory.record_error_async("TypeError", "bad arg")
    resolved = await memory.resolve_error_async(other.error_id, "cast to int")
    assert resolved.resolved and resolved.resolution == "cast to int"
    with pytest.raises(NotFound):
        await memory.resolve_error_async("ERR-nope", "x")
    decision = await memory.record_decision_async(
        "approach", "which db", ["sqlite", "pg"], "sqlite", 0.4
    )
    taken = await memory.resolve_decision_async(decision.decision_id, "sqlite")
    assert taken.resolved and taken.choice == "sqlite"
    summary = await memory.get_summary_async()
    assert summary["hot"]["active_errors"] == 1 and summary["hot"]["pending_decisions"] == 0


async def test_concurrent_hot_updates_lose_nothing(project_dir: Path, db: Database) -> None:
    other_db = await Database.open(project_dir)
    try:
        agents = [MemoryManager(db, session_id=7), MemoryManager(other_db, session_id=7)]
        await asyncio.gather(*(agents[i % 2].record_action_async(f"a{i}", "ok") for i in range(12)))
        state = await agents[0].get_hot_state_async()
        assert sorted(a["action"] for a in state.recent_actions) == sorted(
            f"a{i}" for i in range(12)
        )
        assert await count(db, HotMemoryModel) == 1
    finally:
        await other_db.close()


async def test_end_session_promotes_hot_to_warm_and_clears_hot(
    db: Database, memory: MemoryManager
) -> None:
    await memory.start_session_async()  # t=0
    await memory.set_focus_async(feature=3)
    error = await memory.record_error_async("ImportError", "no module requests")
    await memory.record_error_async("ImportError", "no module requests")
    await memory.record_error_async("ImportError", "no module requests")
    fixed = await memory.record_error_async("TypeError", "bad arg")
    await memory.resolve_error_async(fixed.error_id, "cast to int")
    summary = await memory.end_session_async(
        ending_state="error",
        features_completed=1,
        warnings_for_next=["requests missing"],
        tool_calls=9,
    )
    assert summary.duration_seconds == pytest.approx(7.0)  # start t=0 .. end t=7, not process age
    assert summary.last_feature_worked == 3
    assert [e["error_id"] for e in summary.errors_encountered] == [error.error_id, fixed.error_id]
    assert [e["resolution"] for e in summary.errors_resolved] == ["cast to int"]
    assert await count(db, HotMemoryModel) == 0  # hot cleared
    issues = await memory.get_unresolved_issues_async()
    assert [(i.issue_type, i.description, i.priority) for i in issues] == [
        ("ImportError", "no module requests", 2)
    ]
    patterns = await memory.find_relevant_patterns_async("TypeError bad arg")
    assert [(p.problem, p.solution) for p in patterns] == [("TypeError: bad arg", "cast to int")]
    assert (await memory.get_session_summaries_async())[0] == summary
    context = await memory.get_warm_context_async()
    assert "Last session: #1 (error)" in context and "Warning: requests missing" in context

    again = await memory.end_session_async(ending_state="completed")  # replaces, does not fail
    assert again.ending_state == "completed" and await count(db, WarmMemoryModel) == 1


async def test_recurring_issue_is_counted_and_resolved_into_a_pattern(
    db: Database, clock: StepClock
) -> None:
    for session_id in (1, 2):
        memory = MemoryManager(db, session_id=session_id, clock=clock)
        await memory.record_error_async("Timeout", "tests hang")
        await memory.end_session_async()
    issue = (await memory.get_unresolved_issues_async())[0]
    assert issue.times_encountered == 2 and issue.last_seen_session == 2
    await memory.resolve_issue_async(issue.issue_id, "add --timeout 60")
    assert await memory.get_unresolved_issues_async() == []
    assert (await memory.find_solutions_async("tests hang"))[0]["solution"] == "add --timeout 60"
    with pytest.raises(NotFound):
        await memory.resolve_issue_async(issue.issue_id)


async def test_warm_summaries_beyond_the_limit_are_archived_to_cold(
    db: Database, clock: StepClock
) -> None:
    for session_id in range(1, 9):
        memory = MemoryManager(db, session_id=session_id, clock=clock, max_warm_sessions=5)
        await memory.start_session_async()
        await memory.record_error_async("E", f"error {session_id}")
        await memory.end_session_async(
            ending_state="completed" if session_id % 2 else "failed", features_completed=2
        )
    warm = await memory.get_session_summaries_async(limit=10)
    assert [s.session_id for s in warm] == [8, 7, 6, 5, 4]
    archived = await memory.get_archived_sessions_async()
    assert [a.session_id for a in archived] == [3, 2, 1]
    assert archived[0].errors_count == 1 and archived[0].features_completed == 2
    assert archived[0].duration_seconds == pytest.approx(2.0)
    stats = await memory.get_statistics_async()
    assert (stats.total_sessions, stats.successful_sessions, stats.failed_sessions) == (3, 2, 1)
    assert stats.total_features_completed == 6 and stats.total_errors == 3
    assert (await memory.get_summary_async())["cold"]["sessions"] == 3


async def test_proven_pattern_becomes_knowledge(db: Database, memory: MemoryManager) -> None:
    pattern = await memory.learn_pattern_async(
        "flaky login test", "wait for the form", context_keywords=["login"]
    )
    assert pattern.pattern_id.startswith("PAT-1-") and pattern.confidence == 0.5
    same = await memory.learn_pattern_async("flaky login test", "wait for the form")
    assert same.pattern_id == pattern.pattern_id and same.success_count == 2
    assert await count(db, ColdMemoryKnowledgeModel) == 0
    proven = await memory.record_pattern_success_async(pattern.pattern_id)
    assert proven.success_count == 3 and proven.confidence == pytest.approx(0.8)
    knowledge = await memory.find_relevant_knowledge_async("login")
    assert [k.knowledge_id for k in knowledge] == [f"K-{pattern.pattern_id}"]
    assert knowledge[0].times_verified == 3 and knowledge[0].description == "wait for the form"
    await memory.record_pattern_success_async(pattern.pattern_id)
    assert await count(db, ColdMemoryKnowledgeModel) == 1  # refreshed, not duplicated
    with pytest.raises(NotFound):
        await memory.record_pattern_success_async("PAT-none")


async def test_knowledge_ids_verification_search_and_cold_context(memory: MemoryManager) -> None:
    first = await memory.add_knowledge_async(
        "fix", "Port in use", "kill the old server", ["port", "server"]
    )
    second = await memory.add_knowledge_async("nonsense", "Use uv", "uv is faster than pip")
    assert (first.knowledge_id, second.knowledge_id, second.knowledge_type) == (
        "K-1",
        "K-2",
        "best_practice",
    )
    verified = await memory.verify_knowledge_async("K-1")
    assert verified.times_verified == 2 and verified.confidence == pytest.approx(0.6)
    for _ in range(6):
        verified = await memory.verify_knowledge_async("K-1")
    assert verified.confidence == 1.0
    with pytest.raises(NotFound):
        await memory.verify_knowledge_async("K-9")
    assert [k.knowledge_id for k in await memory.find_relevant_knowledge_async("server port")] == [
        "K-1"
    ]
    assert await memory.find_relevant_knowledge_async("   ") == []
    assert await memory.find_relevant_knowledge_async("50%_") == []
    cold = await memory.get_cold_context_async()
    assert cold.splitlines()[1] == "[K-1] fix: Port in use"


async def test_empty_memory_contexts(memory: MemoryManager) -> None:
    full = await memory.get_full_context_async()
    assert "No active context." in full and "No previous session context." in full
    assert "No historical data available." in full
    assert await memory.get_context_size_async() == {"hot": 0, "warm": 0, "cold": 0, "total": 0}


async def test_prune_promotes_abandoned_hot_rows_and_drops_old_issues(
    db: Database, clock: StepClock
) -> None:
    obs = Observability(db, clock=clock)
    crashed = await obs.start_session_async(70)
    old = MemoryManager(db, session_id=crashed, clock=clock)
    await old.record_error_async("Crash", "segfault")
    await obs.end_session_async(crashed, status="error")  # the process died without end_session
    stale = MemoryManager(db, session_id=50, clock=clock)
    await stale.record_action_async("x", "y")
    await MemoryManager(db, session_id=80, clock=clock).record_action_async("live", "ok")
    issue_keeper = MemoryManager(db, session_id=3, clock=clock)
    await issue_keeper.record_error_async("Old", "ancient problem")
    await issue_keeper.end_session_async()
    clock.now += timedelta(hours=30)

    current = MemoryManager(db, session_id=80, clock=clock)
    result = await current.prune_async(issue_horizon=20)
    assert result == {"hot_promoted": 2, "warm_archived": 0, "issues_dropped": 1}
    summaries = {s.session_id: s for s in await current.get_session_summaries_async(limit=10)}
    assert summaries[crashed].ending_state == "interrupted"
    assert summaries[crashed].errors_encountered[0]["message"] == "segfault"
    assert [i.description for i in await current.get_unresolved_issues_async()] == ["segfault"]
    assert (await current.get_hot_state_async()).recent_actions[0]["action"] == "live"
    assert await count(db, ColdMemoryModel) == 0


def test_blocking_forms_outside_a_loop(project_dir: Path) -> None:
    from arcadia_core.sync import run_blocking

    db = run_blocking(Database.open(project_dir))
    try:
        memory = MemoryManager(db, session_id=1)
        memory.record_action("a", "b")
        memory.learn_pattern("p", "s")
        assert memory.get_hot_state().recent_actions[0]["action"] == "a"
        assert memory.end_session().session_id == 1
        assert memory.get_statistics().total_sessions == 0
    finally:
        run_blocking(db.close())
