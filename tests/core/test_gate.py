"""The gate: verdicts from risk and autonomy, approval points answered by a person."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import Conflict
from arcadia_core.gate import Decision, Gate, GateSettings, ToolCall
from arcadia_core.managers import (
    AutonomyManager,
    HumanInterface,
    Observability,
    RiskClassifier,
    RiskLevel,
    RiskPattern,
)
from arcadia_core.models import AutonomyDecisionModel, InjectionPointModel, RiskAssessmentModel
from tests.core.gate_helpers import answer_next, bash, wait_for_pending

FAST = GateSettings(poll_interval=0.02)


@pytest.fixture
def gate(db: Database, project_dir: Path) -> Gate:
    return Gate(db, FAST, project_dir=project_dir)


async def count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_allowed_call_is_recorded_and_creates_no_point(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    verdict = await gate.check_tool_call_async(bash("echo hi", project_dir))
    assert verdict.decision is Decision.ALLOW
    assert verdict.decided_by == "autonomy"
    assert await count(db, InjectionPointModel) == 0
    assert await count(db, RiskAssessmentModel) == 1
    assert await count(db, AutonomyDecisionModel) == 1
    session = await gate.find_session_async(bash("x", project_dir).ref)
    assert session is not None and session.tool_calls == 1
    events = await Observability(db).get_session_events_async(session.session_id)
    assert [e.event_type for e in events] == ["session_start", "tool_call"]
    assert events[1].tool_name == "Bash"
    assert events[1].data["tool_input"]["command"] == "echo hi"
    assert events[1].data["tool_use_id"] == "toolu_1"


async def test_one_agent_session_is_one_arcadia_session_across_processes(
    db: Database, project_dir: Path
) -> None:
    """Each hook process opens its own handle; the agent's session id finds the same row."""
    ids = set()
    for _ in range(3):
        other = await Database.open(project_dir)
        try:
            gate = Gate(other, FAST)
            await gate.check_tool_call_async(bash("ls", project_dir, session="claude-A"))
            ids.add(
                (await gate.find_session_async(bash("ls", project_dir, "claude-A").ref)).session_id
            )  # type: ignore[union-attr]
        finally:
            await other.close()
    assert len(ids) == 1
    second = await Gate(db, FAST).start_session_async(bash("ls", project_dir, "claude-B").ref)
    assert second not in ids


async def test_a_risky_command_waits_for_a_person_and_runs_when_allowed(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    call = bash("rm -rf build", project_dir)
    task = asyncio.create_task(gate.check_tool_call_async(call, budget_seconds=60))
    point = (await wait_for_pending(db))[0]
    assert point.point_type == "approval"
    assert point.options == ["Allow", "Deny"]
    assert point.recommendation == "Deny"
    assert point.default_on_timeout == "Deny"
    assert point.severity == 4
    assert "Claude Code wants to run `rm -rf build`" in (point.message or "")
    assert point.context["command"] == "rm -rf build"
    assert point.context["cwd"] == str(project_dir)
    assert point.context["agent"] == "claude-code"
    assert point.context["risk_level"] == "HIGH"
    assert "Recursive file deletion" in point.context["concerns"]
    assert point.context["required_level"] == "FULL_AUTO"
    assert not task.done()
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    verdict = await task
    assert verdict.decision is Decision.ALLOW
    assert verdict.decided_by == "tui:alice"
    assert verdict.point_id == point.point_id


async def test_a_denial_reaches_the_model_with_the_persons_words(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    task = asyncio.create_task(gate.check_tool_call_async(bash("git push --force", project_dir)))
    await answer_next(db, "Deny", by="cli:bob")
    denied = await task
    assert denied.decision is Decision.DENY
    assert "cli:bob" in denied.reason and "git push --force" in denied.reason

    task = asyncio.create_task(gate.check_tool_call_async(bash("rm -rf build", project_dir)))
    await answer_next(db, "no: move it to /tmp/old-build instead", free_text=True)
    worded = await task
    assert worded.decision is Decision.DENY
    assert worded.reason.endswith("said: no: move it to /tmp/old-build instead")
    session = await gate.find_session_async(bash("x", project_dir).ref)
    events = await Observability(db).get_session_events_async(session.session_id)  # type: ignore[union-attr]
    blocked = [e for e in events if e.event_type == "tool_blocked"]
    assert len(blocked) == 2


async def test_nobody_answering_denies_before_the_budget_ends(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    verdict = await gate.check_tool_call_async(bash("rm -rf build", project_dir), budget_seconds=4)
    assert loop.time() - started < 4
    assert verdict.decision is Decision.DENY
    assert verdict.decided_by == "timeout_default"
    assert "No supervisor answered" in verdict.reason
    point = await HumanInterface(db).get_point_async(verdict.point_id or "")
    assert point.status == "timeout" and point.response == "Deny"


async def test_a_configured_default_allows_on_timeout(db: Database, project_dir: Path) -> None:
    gate = Gate(db, GateSettings(poll_interval=0.02, default_on_timeout="Allow"))
    verdict = await gate.check_tool_call_async(bash("rm -rf build", project_dir), budget_seconds=4)
    assert verdict.decision is Decision.ALLOW and verdict.decided_by == "timeout_default"


async def test_a_custom_pattern_makes_a_command_need_approval(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    assert (await gate.check_tool_call_async(bash("make deploy", project_dir))).allowed
    await RiskClassifier(db).add_pattern_async(
        RiskPattern(
            "deploy",
            "Production deploy",
            RiskLevel.HIGH,
            tool="Bash",
            input_pattern=r"\bmake\s+deploy\b",
            input_field="command",
            requires_approval=True,
        )
    )
    task = asyncio.create_task(gate.check_tool_call_async(bash("make deploy", project_dir)))
    point = (await wait_for_pending(db))[0]
    assert "Production deploy" in point.context["concerns"]
    await HumanInterface(db).cancel_point_async(point.point_id, by="tui:alice")
    verdict = await task
    assert verdict.denied and "cancelled" in verdict.reason


async def test_shell_heuristics_count_too(gate: Gate, db: Database, project_dir: Path) -> None:
    task = asyncio.create_task(
        gate.check_tool_call_async(bash("sudo apt-get install jq", project_dir))
    )
    point = (await wait_for_pending(db))[0]
    assert "Permission or privilege change" in point.context["concerns"]
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert (await task).allowed


async def test_an_edit_shows_the_diff_of_the_file_on_disk(db: Database, project_dir: Path) -> None:
    await AutonomyManager(db).set_level_async(2, by="tui:alice")  # PLAN: writes need approval
    gate = Gate(db, FAST)
    (project_dir / "app.py").write_text("def main():\n    return 1\n")
    call = ToolCall(
        "claude-code",
        "s",
        "Edit",
        {"file_path": "app.py", "old_string": "return 1", "new_string": "return 2"},
        cwd=str(project_dir),
    )
    task = asyncio.create_task(gate.check_tool_call_async(call))
    point = (await wait_for_pending(db))[0]
    assert point.context["file_path"] == str(project_dir / "app.py")
    diff = point.context["diff"]
    assert "--- a/app.py" in diff and "+++ b/app.py" in diff
    assert "-    return 1" in diff and "+    return 2" in diff
    assert "Claude Code wants to edit app.py" in (point.message or "")
    assert point.recommendation == "Allow"
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert (await task).allowed


async def test_a_new_file_and_a_multi_edit_show_their_diffs(
    db: Database, project_dir: Path
) -> None:
    await AutonomyManager(db).set_level_async(2, by="tui:alice")
    gate = Gate(db, FAST)
    write = ToolCall(
        "claude-code",
        "s",
        "Write",
        {"file_path": str(project_dir / "new.txt"), "content": "hello\n"},
        cwd=str(project_dir),
    )
    task = asyncio.create_task(gate.check_tool_call_async(write))
    point = (await wait_for_pending(db))[0]
    assert point.context["diff"].startswith("--- /dev/null\n")
    assert "+hello" in point.context["diff"]
    await HumanInterface(db).answer_async(point.point_id, "Deny", by="tui:alice")
    assert (await task).denied

    (project_dir / "m.txt").write_text("a\nb\nc\n")
    multi = ToolCall(
        "claude-code",
        "s",
        "MultiEdit",
        {
            "file_path": "m.txt",
            "edits": [
                {"old_string": "a", "new_string": "A"},
                {"old_string": "zzz", "new_string": "y"},
            ],
        },
        cwd=str(project_dir),
    )
    task = asyncio.create_task(gate.check_tool_call_async(multi))
    point = (await wait_for_pending(db))[0]
    assert "-a\n+A\n" in point.context["diff"]
    assert "edit 2" in point.context["note"]
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert (await task).allowed


async def test_env_file_writes_need_approval_at_the_default_level(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    call = ToolCall(
        "claude-code",
        "s",
        "Write",
        {"file_path": ".env", "content": "KEY=1\n"},
        cwd=str(project_dir),
    )
    task = asyncio.create_task(gate.check_tool_call_async(call))
    point = (await wait_for_pending(db))[0]
    assert "Environment file modification" in point.context["concerns"]
    await HumanInterface(db).answer_async(point.point_id, "Deny", by="tui:alice")
    assert (await task).denied


async def test_observe_is_read_only_without_asking(db: Database, project_dir: Path) -> None:
    autonomy = AutonomyManager(db)
    await autonomy.set_level_async(1, by="tui:alice")
    gate = Gate(db, FAST)
    read = ToolCall("claude-code", "s", "Read", {"file_path": "x"}, cwd=str(project_dir))
    assert (await gate.check_tool_call_async(read)).allowed
    verdict = await gate.check_tool_call_async(bash("echo hi", project_dir))
    assert verdict.denied and "OBSERVE" in verdict.reason
    assert await count(db, InjectionPointModel) == 0


async def test_unknown_tools_ask_until_given_a_level(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    call = ToolCall("claude-code", "s", "mcp__github__create_issue", {"title": "t"})
    task = asyncio.create_task(gate.check_tool_call_async(call))
    point = (await wait_for_pending(db))[0]
    assert point.context["tool_input"] == {"title": "t"}
    assert point.recommendation == "Allow"
    await HumanInterface(db).answer_async(point.point_id, "Allow", by="tui:alice")
    assert (await task).allowed
    await AutonomyManager(db).set_tool_level_async("mcp__github__create_issue", 3)
    assert (await gate.check_tool_call_async(call)).allowed


async def test_other_agents_shell_tools_are_assessed_as_bash(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    codex = ToolCall("codex", "c1", "exec_command", {"cmd": ["rm", "-rf", "build"]})
    task = asyncio.create_task(gate.check_tool_call_async(codex))
    point = (await wait_for_pending(db))[0]
    assert point.context["command"] == "rm -rf build"
    assert point.message and point.message.startswith("Codex wants to run")
    await HumanInterface(db).answer_async(point.point_id, "Deny", by="tui:alice")
    assert (await task).denied


async def test_two_parallel_calls_are_two_points_each_answered_once(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    first = asyncio.create_task(
        gate.check_tool_call_async(bash("rm -rf a", project_dir, tool_use_id="t1"))
    )
    second = asyncio.create_task(
        gate.check_tool_call_async(bash("rm -rf b", project_dir, tool_use_id="t2"))
    )
    points = await wait_for_pending(db, 2)
    by_command = {p.context["command"]: p for p in points}
    human = HumanInterface(db)
    await human.answer_async(by_command["rm -rf a"].point_id, "Allow", by="tui:alice")
    with pytest.raises(Conflict):
        await human.answer_async(by_command["rm -rf a"].point_id, "Deny", by="cli:bob")
    await human.answer_async(by_command["rm -rf b"].point_id, "Deny", by="cli:bob")
    assert (await first).allowed
    assert (await second).denied


async def test_an_internal_error_denies_and_fail_open_gives_no_opinion(
    db: Database, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("classifier exploded\nwith a second line")

    monkeypatch.setattr(RiskClassifier, "assess_async", broken)
    verdict = await Gate(db, FAST).check_tool_call_async(bash("echo hi", project_dir))
    assert verdict.denied and verdict.decided_by == "error"
    assert "classifier exploded with a second line" in verdict.reason
    assert "\n" not in verdict.reason
    opened = Gate(db, GateSettings(fail_open=True))
    assert (await opened.check_tool_call_async(bash("echo hi", project_dir))).decision is (
        Decision.NO_OPINION
    )


def test_the_blocking_form_works_outside_a_loop(project_dir: Path) -> None:
    from arcadia_core.sync import run_blocking

    db = run_blocking(Database.open(project_dir))
    try:
        verdict = Gate(db, FAST).check_tool_call(bash("echo hi", project_dir))
        assert verdict.allowed
    finally:
        run_blocking(db.close())


def test_settings_from_the_environment() -> None:
    assert GateSettings.from_env({}) == GateSettings()
    settings = GateSettings.from_env(
        {
            "ARCADIA_HOOK_FAIL_OPEN": "1",
            "ARCADIA_HOOK_DEFAULT_ON_TIMEOUT": "allow",
            "ARCADIA_HOOK_APPROVAL_TIMEOUT": "90",
        }
    )
    assert settings.fail_open and settings.default_on_timeout == "Allow"
    assert settings.approval_timeout == 90
    assert GateSettings.from_env({"ARCADIA_HOOK_APPROVAL_TIMEOUT": "soon"}).approval_timeout == 3600


async def test_a_cancelled_check_withdraws_its_point(
    gate: Gate, db: Database, project_dir: Path
) -> None:
    task = asyncio.create_task(gate.check_tool_call_async(bash("rm -rf build", project_dir)))
    point = (await wait_for_pending(db))[0]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    withdrawn = await HumanInterface(db).get_point_async(point.point_id)
    assert withdrawn.status == "cancelled" and withdrawn.responded_by == "agent"
