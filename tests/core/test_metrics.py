"""MetricsCollector: run metrics from SQL aggregates, escalation/intervention rates, exports."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.events import EventType, record_event
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_core.managers.metrics.manager import MetricsCollector, format_metrics_markdown
from arcadia_core.managers.metrics.records import BudgetConfig
from arcadia_core.managers.observability.manager import Observability
from tests.core.analysis_helpers import START, StepClock


async def run_two_sessions(db: Database) -> Observability:
    """Session 1 completes feature 1 (Bash ok, Bash error, Grep blocked); session 2 regresses it."""
    obs = Observability(db, clock=StepClock())
    await obs.start_session_async()
    await obs.log_feature_event_async(EventType.FEATURE_STARTED, 1, "login form")
    await obs.log_tool_call_async("Bash", {"command": "pytest"})
    await obs.log_tool_result_async("Bash", True, duration_ms=120)
    await obs.log_tool_call_async("Bash", {"command": "pytest"})
    await obs.log_tool_result_async("Bash", False, is_error=True, error_message="exit 1")
    await obs.log_tool_call_async("Grep", {"pattern": "x"})
    await obs.log_tool_result_async("Grep", False, is_blocked=True)
    await obs.log_feature_event_async(EventType.FEATURE_COMPLETED, 1)
    await obs.log_decision_async("tool_choice", "retry", confidence=0.4)
    await obs.log_decision_async("tool_choice", "go", confidence=0.8)
    await obs.log_usage_async(1000, 500, 0.0105)
    await obs.end_session_async(status="completed")
    await obs.start_session_async()
    await obs.log_feature_event_async(EventType.FEATURE_STARTED, 1, "login form again")
    await obs.log_tool_call_async("Bash", {"command": "make"})
    await obs.log_tool_result_async("Bash", True, duration_ms=40)
    await obs.log_feature_event_async(EventType.FEATURE_FAILED, 1)
    await obs.log_usage_async(2000, 100, 0.0075)
    await obs.end_session_async(status="error")
    return obs


async def test_run_metrics_from_the_database(db: Database) -> None:
    await run_two_sessions(db)
    collector = MetricsCollector(db, clock=StepClock())
    metrics = await collector.get_comprehensive_metrics_async()
    assert (metrics.sessions_total, metrics.sessions_completed) == (2, 1)
    assert (metrics.features_completed, metrics.features_failed) == (1, 1)
    quality = metrics.quality_metrics
    assert quality.feature_success_rate == 0.5
    assert quality.tool_success_rate == pytest.approx(2 / 4)
    assert quality.error_rate == 0.25 and quality.blocked_rate == 0.25
    assert quality.session_completion_rate == 0.5
    assert (quality.total_decisions, quality.low_confidence_decisions) == (2, 1)
    assert quality.avg_confidence == pytest.approx(0.6)
    assert quality.estimated_cost_usd == pytest.approx(0.018)
    assert (metrics.total_input_tokens, metrics.total_output_tokens) == (3000, 600)

    bash = metrics.tool_metrics["Bash"]
    assert (bash["total_calls"], bash["successful_calls"], bash["failed_calls"]) == (3, 2, 1)
    assert (bash["total_duration_ms"], bash["max_duration_ms"], bash["min_duration_ms"]) == (
        160,
        120,
        40,
    )
    assert bash["avg_duration_ms"] == 80 and bash["common_errors"] == ["exit 1"]
    assert metrics.tool_metrics["Grep"]["blocked_calls"] == 1
    assert metrics.tool_metrics["Grep"]["error_rate"] == 1.0

    feature = metrics.feature_metrics[1]
    assert (feature["attempts"], feature["successful_attempts"], feature["failed_attempts"]) == (
        2,
        1,
        1,
    )
    assert feature["description"] == "login form again"
    assert feature["is_passing"] is False  # the later failure counts
    assert feature["completed_in_session"] == 1
    assert feature["total_time_seconds"] == pytest.approx(7.0)  # started t=1, completed t=8
    assert feature["first_attempted"] == (START + timedelta(seconds=1)).isoformat()

    time = metrics.time_metrics
    assert time.total_run_duration_seconds == pytest.approx(19.0)
    assert time.longest_session_seconds == pytest.approx(12.0)
    assert time.shortest_session_seconds == pytest.approx(6.0)
    assert time.sessions_by_hour == {9: 2} and time.sessions_by_day == {"Monday": 2}
    assert set(metrics.session_metrics) == {1, 2}

    one = await collector.get_comprehensive_metrics_async(session_id=2)
    assert one.sessions_total == 1 and one.tool_metrics["Bash"]["total_calls"] == 1
    assert set(one.session_metrics) == {2}


async def test_escalation_and_human_response_events_show_up_in_metrics(db: Database) -> None:
    clock = StepClock()
    obs = Observability(db, clock=clock)
    first = await obs.start_session_async()
    second = await obs.start_session_async()
    rows: list[tuple[int, str, dict[str, Any]]] = [
        (first, EventType.ESCALATION_TRIGGERED, {"rule_id": "low_confidence", "severity": 3}),
        (first, EventType.HUMAN_INJECTION, {"point_id": "INJ-1-1"}),
        (
            first,
            EventType.HUMAN_RESPONSE,
            {"point_id": "INJ-1-1", "status": "responded", "responded": True},
        ),
        (second, EventType.ESCALATION_TRIGGERED, {"rule_id": "error_streak", "severity": 4}),
        (second, EventType.ESCALATION_TRIGGERED, {"rule_id": "irreversible", "severity": 5}),
        (
            second,
            EventType.HUMAN_RESPONSE,
            {"point_id": "INJ-2-2", "status": "timeout", "responded": False},
        ),
        (second, EventType.HUMAN_RESPONSE, {"point_id": "legacy"}),  # ArcadiaForge shape: counts
    ]
    async with db.transaction() as session:  # as the agent-side managers do
        for session_id, kind, data in rows:
            await record_event(
                session, session_id=session_id, event_type=kind, data=data, timestamp=clock()
            )
    metrics = await MetricsCollector(db).get_comprehensive_metrics_async()
    assert metrics.escalations == 3 and metrics.quality_metrics.escalation_rate == 1.5
    assert metrics.human_interventions == 2  # the timeout is not an intervention
    assert metrics.quality_metrics.intervention_rate == 1.0
    assert metrics.session_metrics[second]["escalations"] == 2
    assert metrics.session_metrics[second]["human_interventions"] == 1
    session_view = await obs.get_session_metrics_async(first)
    assert (session_view.escalations, session_view.human_interventions) == (1, 1)


async def test_events_from_the_real_escalation_and_human_interface_managers(db: Database) -> None:
    obs = Observability(db)
    session_id = await obs.start_session_async()
    engine = EscalationEngine(db, session_id=session_id)
    result = await engine.evaluate_async({"confidence": 0.1})
    assert result is not None
    human = HumanInterface(db, session_id=session_id, user="tester")
    point = await human.create_point_async("guidance", {}, None, None, message="which way?")
    await human.answer_async(point.point_id, "left", by="cli")
    metrics = await MetricsCollector(db).get_comprehensive_metrics_async()
    assert metrics.escalations >= 1 and metrics.human_interventions == 1


async def test_empty_database_gives_zero_metrics(db: Database) -> None:
    metrics = await MetricsCollector(db).get_comprehensive_metrics_async()
    assert metrics.sessions_total == 0 and metrics.quality_metrics.tool_success_rate == 0.0
    assert metrics.tool_metrics == {} and metrics.time_metrics.total_run_duration_seconds == 0.0


async def test_exports_write_where_asked(db: Database, tmp_path: Path) -> None:
    await run_two_sessions(db)
    collector = MetricsCollector(db)
    exported = await collector.export_to_json_async(tmp_path / "metrics.json")
    data = json.loads(exported.read_text())
    assert data["sessions_total"] == 2 and data["tool_metrics"]["Bash"]["total_calls"] == 3
    assert data["session_metrics"]["1"]["tool_calls_total"] == 3
    with pytest.raises(InvalidInput):
        await collector.export_to_json_async(tmp_path / "missing-dir" / "m.json")

    sessions_csv = await collector.export_to_csv_async(tmp_path / "sessions.csv")
    rows = list(csv.DictReader(sessions_csv.open()))
    assert [row["session_id"] for row in rows] == ["1", "2"]
    assert rows[0]["tool_calls_failed"] == "1"
    tools_csv = collector.export_tool_metrics_csv(tmp_path / "tools.csv")
    tool_rows = {row["tool_name"]: row for row in csv.DictReader(tools_csv.open())}
    assert tool_rows["Bash"]["common_errors"] == "exit 1"
    assert list(tmp_path.glob(".*.tmp")) == []  # temp files renamed away
    with pytest.raises(InvalidInput):
        await collector.export_to_json_async(tmp_path)
    assert not (db.path.parent / "metrics.json").exists()  # type: ignore[union-attr]


async def test_csv_without_sessions_still_has_its_header(db: Database, tmp_path: Path) -> None:
    path = await MetricsCollector(db).export_to_csv_async(tmp_path / "s.csv")
    assert path.read_text().startswith("session_id,started_at,ended_at,duration_seconds")


async def test_budget_dashboard_summary_and_markdown(db: Database) -> None:
    await run_two_sessions(db)
    collector = MetricsCollector(db, budget_config=BudgetConfig(max_budget_usd=0.01))
    assert collector.calculate_cost(1000, 1000) == pytest.approx(0.018)
    over, cost, fraction = await collector.check_budget_async()
    assert over and cost == pytest.approx(0.018) and fraction == pytest.approx(1.8)
    dashboard = collector.get_dashboard()
    for heading in (
        "METRICS DASHBOARD",
        "SESSION METRICS",
        "FEATURE METRICS",
        "TOOL METRICS",
        "TIME METRICS",
        "QUALITY METRICS",
    ):
        assert heading in dashboard
    summary = await collector.get_session_summary_async(1)
    assert summary.startswith("Session #1") and "3 (1 failed, 1 blocked)" in summary
    assert await collector.get_session_summary_async(99) == "Session #99: no data"
    markdown = format_metrics_markdown(await collector.get_comprehensive_metrics_async())
    assert "| Bash | 3 | 2 | 1 | 0 | 80 |" in markdown
    assert [MetricsCollector._format_duration(s) for s in (30, 150, 7200)] == [
        "30.0s",
        "2.5m",
        "2.0h",
    ]


def test_budget_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCADIA_MAX_BUDGET", "25")
    monkeypatch.setenv("ARCADIA_INPUT_COST", "0.001")
    budget = BudgetConfig.from_env()
    assert budget.max_budget_usd == 25.0 and budget.input_cost_per_1k == 0.001
