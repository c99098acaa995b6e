"""Linking a risk assessment to the autonomy decision and the question about the same action."""

from __future__ import annotations

import pytest

from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.queries import assessed_sessions, assessed_tools, assessment_links
from tests.clocks import ManualClock


async def gate(db: Database, clock: ManualClock, session_id: int, tool: str, command: str) -> int:
    """Assess then check a call, as an agent does; return the assessment id."""
    risk = RiskClassifier(db, session_id=session_id, clock=clock)
    autonomy = AutonomyManager(db, session_id=session_id, clock=clock)
    assessment = await risk.assess_async(tool, {"command": command})
    clock.advance(0.2)
    await autonomy.check_action_async(tool, {"command": command})
    assert assessment.assessment_id is not None
    return assessment.assessment_id


async def test_the_decision_and_the_question_of_the_same_call_are_found(db: Database) -> None:
    clock = ManualClock()
    other = await gate(db, clock, 2, "Bash", "ls")
    clock.advance(5)
    wanted = await gate(db, clock, 2, "Bash", "git push --force origin main")
    record = (await assessment_links(db, wanted)).assessment
    clock.advance(1)
    await HumanInterface(db, 9, clock=clock).create_point_async(  # another session
        "approval", {"tool": "Bash", "input": record.input_summary}, ["Approve"], "Approve"
    )
    point = await HumanInterface(db, 2, clock=clock).create_point_async(
        "approval",
        {"tool": "Bash", "input": record.input_summary},
        ["Approve", "Deny"],
        "Deny",
        message="Allow it this once?",
        severity=4,
    )
    links = await assessment_links(db, wanted)
    assert links.decision is not None and links.point is not None
    assert links.decision.timestamp > record.timestamp
    assert "Bash" in links.decision.reason
    assert (links.point.point_id, links.point.message) == (point.point_id, "Allow it this once?")
    earlier = await assessment_links(db, other)
    assert (
        earlier.decision is not None and earlier.decision.decision_id != links.decision.decision_id
    )
    assert earlier.point is None  # the question names another input


async def test_nothing_is_linked_outside_the_window_or_to_another_tool(db: Database) -> None:
    clock = ManualClock()
    risk = RiskClassifier(db, session_id=4, clock=clock)
    assessment = await risk.assess_async("Write", {"file_path": "a.py"})
    clock.advance(1)
    await AutonomyManager(db, session_id=4, clock=clock).check_action_async("Edit", {})
    clock.advance(600)
    await AutonomyManager(db, session_id=4, clock=clock).check_action_async("Write", {})
    assert assessment.assessment_id is not None
    links = await assessment_links(db, assessment.assessment_id)
    assert (links.decision, links.point) == (None, None)


async def test_missing_assessment_and_filter_choices(db: Database) -> None:
    clock = ManualClock()
    await gate(db, clock, 3, "Bash", "ls")
    await gate(db, clock, 1, "Write", "x")
    await gate(db, clock, 3, "Bash", "pwd")
    assert await assessed_tools(db) == ["Bash", "Write"]
    assert await assessed_sessions(db) == [3, 1]
    with pytest.raises(NotFound):
        await assessment_links(db, 999)
