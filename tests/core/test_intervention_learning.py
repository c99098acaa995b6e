"""InterventionLearner: signatures, learned patterns, confidence, auto-apply, outcomes, reset."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.intervention.manager import InterventionLearner
from arcadia_core.managers.intervention.records import (
    ContextSignature,
    Intervention,
    InterventionPattern,
    InterventionType,
)
from arcadia_core.models import InterventionModel
from tests.core.analysis_helpers import StepClock

SIG = ContextSignature(tool="Bash", trigger_type="error", error_pattern="module not found")


@pytest.fixture
def learner(db: Database) -> InterventionLearner:
    return InterventionLearner(db, clock=StepClock())


def test_signature_hash_similarity_and_round_trip() -> None:
    assert len(SIG.hash) == 16 and SIG.hash == SIG.compute_hash()
    forged = {**SIG.to_dict(), "hash": "0000000000000000"}
    assert ContextSignature.from_dict(forged).to_dict()["hash"] == SIG.hash
    assert (
        ContextSignature(tool="Bash").similarity_score(
            ContextSignature(tool="Bash", trigger_type="x")
        )
        == 0.5
    )
    partial = ContextSignature(tool="Bash", error_pattern="module not found: x")
    assert (
        partial.similarity_score(ContextSignature(tool="Bash", error_pattern="module not found"))
        == 0.75
    )
    assert ContextSignature().similarity_score(ContextSignature()) == 0.0


def test_error_normalisation() -> None:
    signature = InterventionLearner.create_context_signature(
        tool="Bash", error_message="File \"/src/app.py\", line 12: name 'foo' at 0x7f3a"
    )
    assert signature.error_pattern == "file \"<var>\", line <n>: name '<var>' at <addr>"
    assert InterventionLearner._normalize_error("Error in /a/b.py:3:7") == "error in <path>:<n>:<n>"
    assert len(InterventionLearner._normalize_error("x" * 300)) == 100


async def test_same_situation_same_answer_builds_confidence_and_auto_apply(
    learner: InterventionLearner,
) -> None:
    progression = []
    for _ in range(5):
        await learner.record_intervention_async(1, InterventionType.GUIDANCE, SIG, "pip install it")
        pattern = (await learner.get_patterns_async())[0]
        progression.append((pattern.success_count, pattern.confidence, pattern.auto_apply))
    assert progression == [
        (0, 0.0, False),
        (1, 1.0, False),
        (2, 1.0, False),
        (3, 1.0, True),
        (4, 1.0, True),
    ]
    assert pattern.pattern_id == "PAT-0001" and pattern.times_matched == 5
    assert pattern.source_intervention_ids == [f"INT-{n:04d}" for n in range(1, 6)]
    match = await learner.should_auto_apply_async(SIG)
    assert match is not None and match.recommendation == "pip install it"
    assert match.to_dict()["success_rate"] == 1.0


async def test_contradicting_answer_counts_against_the_pattern(
    learner: InterventionLearner,
) -> None:
    for _ in range(4):
        await learner.record_intervention_async(1, "guidance", SIG, "pip install it")
    await learner.record_intervention_async(1, "correction", SIG, "use the vendored copy")
    pattern = (await learner.get_patterns_async())[0]
    assert (pattern.success_count, pattern.failure_count) == (3, 1)
    assert pattern.confidence == 0.75 and pattern.auto_apply is True  # hysteresis band keeps it
    for _ in range(2):
        await learner.record_intervention_async(1, "correction", SIG, "use the vendored copy")
    pattern = (await learner.get_patterns_async())[0]
    assert pattern.confidence == 0.5 and pattern.auto_apply is True  # still in the band
    await learner.record_intervention_async(1, "correction", SIG, "use the vendored copy")
    pattern = (await learner.get_patterns_async())[0]
    assert pattern.confidence == pytest.approx(3 / 7) and pattern.auto_apply is False
    assert await learner.should_auto_apply_async(SIG) is None


async def test_ids_are_unique_across_processes(project_dir: Path) -> None:
    first_db, second_db = await Database.open(project_dir), await Database.open(project_dir)
    try:
        first, second = InterventionLearner(first_db), InterventionLearner(second_db)
        ids = []
        for index in range(3):
            ids.append(
                (await first.record_intervention_async(1, "guidance", SIG, "a")).intervention_id
            )
            other = ContextSignature(tool=f"Tool{index}")
            ids.append(
                (await second.record_intervention_async(2, "override", other, "b")).intervention_id
            )
        assert ids == [f"INT-{n:04d}" for n in range(1, 7)]
        patterns = await first.get_patterns_async()
        assert [p.pattern_id for p in patterns] == ["PAT-0001", "PAT-0002", "PAT-0004", "PAT-0006"]
    finally:
        await first_db.close()
        await second_db.close()


async def test_matching_is_a_pure_read(learner: InterventionLearner) -> None:
    await learner.record_intervention_async(1, "guidance", SIG, "retry")
    await learner.record_intervention_async(1, "guidance", ContextSignature(tool="Write"), "skip")
    before = await learner.get_patterns_async()
    matches = await learner.find_matching_patterns_async(SIG)
    assert [m.pattern.pattern_id for m in matches] == ["PAT-0001"] and matches[0].similarity == 1.0
    assert await learner.get_patterns_async() == before
    everything = await learner.find_matching_patterns_async(SIG, min_similarity=0)
    assert len(everything) == 2  # 0 is a threshold, not "use the default"
    recommendation = await learner.get_recommendation_async(SIG)
    assert recommendation is not None and recommendation.should_auto_apply is False
    assert await learner.get_recommendation_async(ContextSignature(tool="Grep")) is None
    matched = await learner.record_pattern_match_async("PAT-0001")
    assert matched.times_matched == 2 and matched.last_matched is not None


async def test_auto_apply_needs_high_similarity(learner: InterventionLearner) -> None:
    for _ in range(4):
        await learner.record_intervention_async(1, "guidance", SIG, "retry")
    near = ContextSignature(tool="Bash", trigger_type="error", error_pattern="module not found: x")
    match = await learner.get_recommendation_async(near)
    assert match is not None and match.similarity == pytest.approx(5 / 6)
    assert match.should_auto_apply is False and await learner.should_auto_apply_async(near) is None


async def test_record_outcome_is_idempotent_and_corrects_a_changed_outcome(
    db: Database, learner: InterventionLearner
) -> None:
    first = await learner.record_intervention_async(1, "guidance", SIG, "retry")
    for _ in range(3):
        assert await learner.record_outcome_async(first.intervention_id, True, "worked")
    pattern = await learner.get_pattern_async("PAT-0001")
    assert (pattern.times_applied, pattern.success_count, pattern.failure_count) == (1, 1, 0)
    assert await learner.record_outcome_async(first.intervention_id, False, "broke later")
    pattern = await learner.get_pattern_async("PAT-0001")
    assert (pattern.times_applied, pattern.success_count, pattern.failure_count) == (1, 0, 1)
    stored = await learner.get_intervention_async(first.intervention_id)
    assert (stored.outcome_tracked, stored.outcome_success, stored.outcome_notes) == (
        True,
        False,
        "broke later",
    )
    assert await learner.record_outcome_async("INT-9999", True) is False
    assert learner.record_outcome("INT-9999", True) is False  # the blocking form does not lie


async def test_supervisor_switch_sticks(learner: InterventionLearner) -> None:
    for _ in range(4):
        await learner.record_intervention_async(1, "guidance", SIG, "retry")
    off = await learner.set_auto_apply_async("PAT-0001", False)
    assert off.auto_apply is False
    for _ in range(3):
        await learner.record_intervention_async(1, "guidance", SIG, "retry")
    assert (await learner.get_pattern_async("PAT-0001")).auto_apply is False
    assert await learner.should_auto_apply_async(SIG) is None
    on = learner.set_auto_apply("PAT-0001", True)
    assert on.auto_apply is True and on.min_confidence_for_auto == 0.8
    assert await learner.should_auto_apply_async(SIG) is not None
    with pytest.raises(NotFound):
        await learner.set_auto_apply_async("PAT-9999", True)


async def test_application_of_an_auto_applied_pattern(learner: InterventionLearner) -> None:
    await learner.record_intervention_async(1, "guidance", SIG, "retry")
    pattern = await learner.record_pattern_application_async("PAT-0001", False)
    assert (pattern.times_applied, pattern.failure_count, pattern.confidence) == (1, 1, 0.0)


async def test_history_filters_and_stats(learner: InterventionLearner) -> None:
    await learner.record_intervention_async(
        1,
        "guidance",
        SIG,
        "retry",
        context_details={"n": 1},
        original_action="give up",
        human_rationale="flaky",
    )
    await learner.record_intervention_async(2, "override", ContextSignature(tool="Write"), "skip")
    await learner.record_intervention_async(2, "override", ContextSignature(tool="Write"), "skip")
    await learner.record_outcome_async("INT-0001", True)
    await learner.record_outcome_async("INT-0002", False)
    newest = await learner.get_interventions_async(limit=2)
    assert [i.intervention_id for i in newest] == ["INT-0003", "INT-0002"]
    assert [i.intervention_id for i in await learner.get_interventions_async(session_id=1)] == [
        "INT-0001"
    ]
    assert (
        len(await learner.get_interventions_async(intervention_type=InterventionType.OVERRIDE)) == 2
    )
    older = await learner.get_interventions_async(before_id=2)
    assert [i.intervention_id for i in older] == ["INT-0001"]
    first = older[0]
    assert first.context_details == {"n": 1} and first.original_action == "give up"
    assert Intervention.from_dict(first.to_dict()) == first
    with pytest.raises(NotFound):
        await learner.get_intervention_async("INT-0042")
    with pytest.raises(InvalidInput):
        await learner.record_intervention_async(1, "telepathy", SIG, "x")

    stats = await learner.get_learning_stats_async()
    assert stats["total_interventions"] == 3
    assert stats["by_type"] == {"guidance": 1, "override": 2}
    assert (
        stats["outcomes_tracked"],
        stats["successful_outcomes"],
        stats["outcome_success_rate"],
    ) == (2, 1, 0.5)
    assert stats["total_patterns"] == 2 and stats["auto_apply_patterns"] == 0
    assert stats["avg_pattern_confidence"] == pytest.approx((1.0 + 1 / 2) / 2)
    patterns = await learner.get_patterns_async(min_confidence=0.9)
    assert [p.pattern_id for p in patterns] == ["PAT-0001"]
    assert InterventionPattern.from_dict(patterns[0].to_dict()) == patterns[0]
    text = learner.format_pattern(patterns[0])
    assert "Recommendation: retry" in text and "Tool: Bash" in text and "Auto-apply: No" in text


async def test_reset_forgets_patterns_but_keeps_history(
    db: Database, learner: InterventionLearner
) -> None:
    await learner.record_intervention_async(1, "guidance", SIG, "retry")
    await learner.record_intervention_async(1, "guidance", ContextSignature(tool="Write"), "skip")
    assert await learner.reset_learning_async() == 2
    assert await learner.get_patterns_async() == []
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(InterventionModel)) == 2
    await learner.record_intervention_async(1, "guidance", SIG, "retry")
    assert [p.pattern_id for p in await learner.get_patterns_async()] == [
        "PAT-0003"
    ]  # never reused
