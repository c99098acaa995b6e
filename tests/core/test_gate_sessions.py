"""The gate's session side: outcomes, streaks, escalations, waiting, ends, and questions."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from arcadia_core.db import Database, database_path
from arcadia_core.gate import AgentRef, Gate, GateSettings, ToolCall, ToolOutcome
from arcadia_core.managers import (
    AutonomyLevel,
    AutonomyManager,
    EscalationEngine,
    FailureAnalyzer,
    HumanInterface,
    Observability,
)
from tests.core.gate_helpers import bash, sample, wait_for_pending

FAST = GateSettings(poll_interval=0.02)
REF = AgentRef("claude-code", "sess-1", "/proj")


@pytest.fixture
def gate(db: Database, project_dir: Path) -> Gate:
    return Gate(db, FAST, project_dir=project_dir)


def failure(error: str = "Exit code 1\nboom", **extra: object) -> ToolOutcome:
    return ToolOutcome(
        "claude-code",
        "sess-1",
        "Bash",
        False,
        {"command": "make test"},
        error=error,
        **extra,  # type: ignore[arg-type]
    )


def success() -> ToolOutcome:
    return ToolOutcome("claude-code", "sess-1", "Bash", True, {"command": "make test"})


async def test_a_failure_streak_demotes_and_the_next_call_needs_approval(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    assert (await gate.check_tool_call_async(bash("make test", project_dir))).allowed
    levels = [await gate.record_outcome_async(failure()) for _ in range(3)]
    assert levels == [None, None, AutonomyLevel.PLAN]
    assert (await AutonomyManager(db).get_config_async()).level == AutonomyLevel.PLAN
    task = asyncio.create_task(gate.check_tool_call_async(bash("make test", project_dir)))
    point = (await wait_for_pending(db))[0]
    assert point.context["effective_level"] == "PLAN"
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert (await task).allowed
    history = await EscalationEngine(db).get_escalation_history_async()
    assert {entry["rule_id"] for entry in history} >= {"multiple_failures", "repeated_errors"}
    row = await gate.find_session_async(REF)
    assert row is not None
    assert (row.tool_failures, row.consecutive_failures) == (3, 3)
    assert history[0]["session_id"] == row.session_id


async def test_successes_promote_and_reset_the_streak(gate: Gate, db: Database) -> None:
    await gate.record_outcome_async(failure())
    for _ in range(9):
        assert await gate.record_outcome_async(success()) is None
    assert await gate.record_outcome_async(success()) == AutonomyLevel.EXECUTE_REVIEW
    row = await gate.find_session_async(REF)
    assert row is not None and row.consecutive_failures == 0 and row.tool_failures == 1


async def test_an_interrupted_call_escalates_nothing(gate: Gate, db: Database) -> None:
    for _ in range(4):
        await gate.record_outcome_async(failure(interrupted=True))
    assert await EscalationEngine(db).get_escalation_history_async() == []


async def test_the_outcome_events_carry_the_error(gate: Gate, db: Database) -> None:
    await gate.record_outcome_async(failure("Exit code 2\nls: cannot access"))
    await gate.record_outcome_async(success())
    row = await gate.find_session_async(REF)
    events = await Observability(db).get_session_events_async(row.session_id)  # type: ignore[union-attr]
    kinds = [event.event_type for event in events]
    assert kinds[-2:] == ["tool_error", "tool_result"]
    assert "cannot access" in events[-2].data["error_message"]


async def test_a_failed_session_end_runs_failure_analysis(gate: Gate, db: Database) -> None:
    await gate.start_session_async(REF, source="startup")
    await gate.record_outcome_async(failure())
    session_id, report = await gate.end_session_async(REF, reason="other")
    assert report is not None and report.session_id == session_id
    assert await FailureAnalyzer(db).get_report_async(session_id) is not None
    sessions = await Observability(db).list_sessions_async()
    assert any(s.session_id == session_id and s.status == "error" for s in sessions)
    row = await gate.find_session_async(REF)
    assert row is not None and row.state == "ended" and row.state_detail == "other"
    # A second SessionEnd (a retried hook) changes nothing and does not raise.
    assert (await gate.end_session_async(REF, reason="other"))[1] is None


async def test_a_clean_session_end_is_completed_without_a_report(gate: Gate, db: Database) -> None:
    await gate.record_outcome_async(failure())
    await gate.record_outcome_async(success())
    session_id, report = await gate.end_session_async(REF, reason="prompt_input_exit")
    assert report is None
    assert await FailureAnalyzer(db).get_report_async(session_id) is None
    sessions = await Observability(db).list_sessions_async()
    assert any(s.session_id == session_id and s.status == "completed" for s in sessions)


async def test_a_resumed_session_is_the_same_session_running_again(
    gate: Gate, db: Database
) -> None:
    first = await gate.start_session_async(REF)
    await gate.end_session_async(REF)
    again = await gate.start_session_async(REF, source="resume")
    assert again == first
    row = await gate.find_session_async(REF)
    assert row is not None and row.state == "running" and row.session_status == "running"


async def test_waiting_for_the_terminal_and_back(gate: Gate) -> None:
    await gate.mark_waiting_async(
        REF, message="Claude needs your permission", notification_type="permission_prompt"
    )
    waiting = await gate.list_sessions_async(state="waiting_for_terminal")
    assert [(s.agent_session_id, s.state_detail) for s in waiting] == [
        ("sess-1", "Claude needs your permission")
    ]
    await gate.resume_session_async(REF, prompt="go on")
    assert await gate.list_sessions_async(state="waiting_for_terminal") == []
    await gate.mark_waiting_async(REF, message="idle", notification_type="idle_prompt")
    await gate.record_stop_async(REF, last_message="done")  # a turn end is activity too
    (row,) = await gate.list_sessions_async()
    assert row.state == "running" and row.agent_kind == "claude-code"


# -- AskUserQuestion ---------------------------------------------------------------------------


def question_call(project_dir: Path, questions: list[dict[str, object]] | None = None) -> ToolCall:
    event = sample("PreToolUse.AskUserQuestion", project_dir)
    tool_input = event["tool_input"] if questions is None else {"questions": questions}
    return ToolCall(
        "claude-code",
        event["session_id"],
        "AskUserQuestion",
        tool_input,
        cwd=event["cwd"],
        tool_use_id=event["tool_use_id"],
    )


async def test_a_model_question_is_answered_through_updated_input(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    call = question_call(project_dir)
    task = asyncio.create_task(gate.check_tool_call_async(call))
    point = (await wait_for_pending(db))[0]
    assert point.point_type == "decision"
    assert point.options == ["SQLite", "Postgres"]
    assert point.message == "Claude Code asks: [Database] Which database should we use?"
    assert point.context["option_descriptions"] == {"SQLite": "file based", "Postgres": "server"}
    assert point.context["free_text_allowed"] is True
    await HumanInterface(db).answer_async(point.point_id, "Postgres", by="tui:alice")
    verdict = await task
    assert verdict.allowed
    assert verdict.updated_input == {
        "questions": call.tool_input["questions"],
        "answers": {"Which database should we use?": "Postgres"},
    }


async def test_several_questions_multi_select_and_free_text(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    questions: list[dict[str, object]] = [
        {
            "question": "Which features?",
            "header": "Scope",
            "multiSelect": True,
            "options": [{"label": "Auth"}, {"label": "Search"}, {"label": "Export (Recommended)"}],
        },
        {"question": "Any naming rule?", "header": "Names", "options": []},
    ]
    task = asyncio.create_task(gate.check_tool_call_async(question_call(project_dir, questions)))
    points = {p.context["question"]: p for p in await wait_for_pending(db, 2)}
    first, second = points["Which features?"], points["Any naming rule?"]
    assert first.context["multi_select"] is True
    assert first.recommendation == "Export (Recommended)"
    human = HumanInterface(db)
    await human.answer_async(first.point_id, "Auth, Search", by="tui:alice", free_text=True)
    await human.answer_async(second.point_id, "snake_case everywhere", by="cli:bob")
    verdict = await task
    assert verdict.updated_input is not None
    assert verdict.updated_input["answers"] == {
        "Which features?": "Auth, Search",
        "Any naming rule?": "snake_case everywhere",
    }


async def test_an_unanswered_or_declined_question_denies(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    verdict = await gate.check_tool_call_async(question_call(project_dir), budget_seconds=4)
    assert verdict.denied and "Nobody answered" in verdict.reason
    task = asyncio.create_task(gate.check_tool_call_async(question_call(project_dir)))
    point = (await wait_for_pending(db))[0]
    await HumanInterface(db).cancel_point_async(point.point_id, by="tui:alice")
    declined = await task
    assert declined.denied and "declined" in declined.reason
    empty = await gate.check_tool_call_async(question_call(project_dir, []))
    assert empty.denied


# -- schema ------------------------------------------------------------------------------------


def _columns(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return [row[1:] for row in connection.execute("PRAGMA table_info(agent_sessions)")]


async def test_revision_0003_adds_the_table_to_an_older_database(project_dir: Path) -> None:
    database = await Database.open(project_dir)
    await database.close()
    path = database_path(project_dir)
    expected = _columns(path)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE agent_sessions")
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    reopened = await Database.open(project_dir)
    try:
        assert _columns(path) == expected
        gate = Gate(reopened, FAST)
        assert await gate.start_session_async(REF) >= 1
    finally:
        await reopened.close()
