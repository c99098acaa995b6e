"""Run metrics computed from the database with SQL aggregates, and their export files.

Everything comes from `events` and `sessions` in one read snapshot; no query loads the event
rows themselves. The escalation rate counts escalation_triggered events and the intervention
rate human_response events where a person answered, both per session. Exports are output
files written where the caller asks (atomically), never state in the project.

API convention: ArcadiaForge's synchronous methods (`get_comprehensive_metrics`,
`export_to_json`, ...) do their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.events import EventType
from arcadia_core.managers.metrics.queries import (
    decision_stats,
    event_range,
    feature_metrics,
    human_interventions,
    session_counts,
    tool_metrics,
    type_counts,
    usage_totals,
)
from arcadia_core.managers.metrics.records import (
    BudgetConfig,
    ComprehensiveMetrics,
    QualityMetrics,
    ToolMetrics,
)
from arcadia_core.managers.metrics.rules import ratio, time_metrics_of
from arcadia_core.managers.observability.queries import session_metrics
from arcadia_core.managers.observability.records import SessionMetrics
from arcadia_core.output import write_atomic
from arcadia_core.sync import blocking


class MetricsCollector:
    """Compute run metrics from the database and export them."""

    def __init__(
        self,
        db: Database,
        project_dir: Path | str | None = None,
        budget_config: BudgetConfig | None = None,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.project_dir = Path(project_dir) if project_dir is not None else db.project_dir
        self.budget = budget_config or BudgetConfig()
        self.clock = clock
        self.run_id = db.run_id(self.project_dir)

    def calculate_cost(self, input_tokens: int, output_tokens: int) -> float:
        """Cost in the budget's currency for a number of tokens."""
        return (
            input_tokens / 1000 * self.budget.input_cost_per_1k
            + output_tokens / 1000 * self.budget.output_cost_per_1k
        )

    async def get_comprehensive_metrics_async(
        self, session_id: int | None = None
    ) -> ComprehensiveMetrics:
        """All metrics of the run, or of one session, from one read snapshot."""
        async with self.db.read() as session:
            counts = await type_counts(session, session_id)
            first, last = await event_range(session, session_id)
            sessions_total, sessions_completed = await session_counts(session, session_id)
            decisions, average_confidence, low_confidence = await decision_stats(
                session, session_id
            )
            tokens_in, tokens_out, cost = await usage_totals(session, session_id)
            answered = await human_interventions(session, session_id)
            per_session = await session_metrics(session, session_id=session_id)
            tools = await tool_metrics(session, session_id)
            features = await feature_metrics(session, session_id)
        per_session = {sid: m for sid, m in per_session.items() if sid > 0 or session_id == sid}
        calls = counts.get(EventType.TOOL_CALL, 0)
        errors = counts.get(EventType.TOOL_ERROR, 0)
        blocked = counts.get(EventType.TOOL_BLOCKED, 0)
        completed = counts.get(EventType.FEATURE_COMPLETED, 0)
        failed = counts.get(EventType.FEATURE_FAILED, 0)
        escalations = counts.get(EventType.ESCALATION_TRIGGERED, 0)
        quality = QualityMetrics(
            feature_success_rate=ratio(completed, completed + failed),
            tool_success_rate=ratio(calls - errors - blocked, calls),
            error_rate=ratio(errors, calls),
            blocked_rate=ratio(blocked, calls),
            session_completion_rate=ratio(sessions_completed, sessions_total),
            escalation_rate=ratio(escalations, sessions_total),
            intervention_rate=ratio(answered, sessions_total),
            total_decisions=decisions,
            avg_confidence=average_confidence,
            low_confidence_decisions=low_confidence,
            estimated_cost_usd=round(cost, 6),
        )
        return ComprehensiveMetrics(
            run_id=self.run_id,
            project_dir=str(self.project_dir or self.db.url),
            computed_at=self.clock().isoformat(),
            sessions_total=sessions_total,
            sessions_completed=sessions_completed,
            features_completed=completed,
            features_failed=failed,
            time_metrics=time_metrics_of(first, last, per_session),
            quality_metrics=quality,
            tool_metrics={name: asdict(m) for name, m in sorted(tools.items())},
            feature_metrics={index: asdict(m) for index, m in sorted(features.items())},
            session_metrics={sid: asdict(m) for sid, m in sorted(per_session.items())},
            escalations=escalations,
            human_interventions=answered,
            total_input_tokens=tokens_in,
            total_output_tokens=tokens_out,
        )

    get_comprehensive_metrics = blocking(get_comprehensive_metrics_async)

    async def check_budget_async(self) -> tuple[bool, float, float]:
        """(over budget, cost so far, fraction of the budget used)."""
        metrics = await self.get_comprehensive_metrics_async()
        cost = metrics.quality_metrics.estimated_cost_usd
        limit = self.budget.max_budget_usd
        return cost > limit, cost, (cost / limit if limit > 0 else 0.0)

    check_budget = blocking(check_budget_async)

    async def export_to_json_async(self, path: Path | str, session_id: int | None = None) -> Path:
        """Write every metric as indented JSON to `path` (atomically) and return it."""
        metrics = await self.get_comprehensive_metrics_async(session_id)
        return write_atomic(path, json.dumps(asdict(metrics), indent=2, default=str) + "\n")

    export_to_json = blocking(export_to_json_async)

    async def export_to_csv_async(self, path: Path | str, session_id: int | None = None) -> Path:
        """Write one CSV row per session (header always written) to `path`."""
        metrics = await self.get_comprehensive_metrics_async(session_id)
        columns = list(SessionMetrics.__dataclass_fields__)
        return write_atomic(path, _csv(columns, metrics.session_metrics.values()))

    export_to_csv = blocking(export_to_csv_async)

    async def export_tool_metrics_csv_async(
        self, path: Path | str, session_id: int | None = None
    ) -> Path:
        """Write one CSV row per tool (common errors joined with "; ") to `path`."""
        metrics = await self.get_comprehensive_metrics_async(session_id)
        columns = list(ToolMetrics.__dataclass_fields__)
        rows = [
            {**row, "common_errors": "; ".join(row["common_errors"])}
            for row in metrics.tool_metrics.values()
        ]
        return write_atomic(path, _csv(columns, rows))

    export_tool_metrics_csv = blocking(export_tool_metrics_csv_async)

    async def get_dashboard_async(self, session_id: int | None = None) -> str:
        """A text dashboard: sessions, features, tools, time and quality."""
        return format_dashboard(await self.get_comprehensive_metrics_async(session_id))

    get_dashboard = blocking(get_dashboard_async)

    async def get_session_summary_async(self, session_id: int) -> str:
        """A short text summary of one session."""
        metrics = await self.get_comprehensive_metrics_async(session_id)
        found = metrics.session_metrics.get(session_id)
        if found is None:
            return f"Session #{session_id}: no data"
        return "\n".join(
            [
                f"Session #{session_id}",
                f"  Duration: {_format_duration(found['duration_seconds'])}",
                f"  Tool calls: {found['tool_calls_total']} "
                f"({found['tool_calls_failed']} failed, {found['tool_calls_blocked']} blocked)",
                f"  Features: {found['features_completed']} completed, "
                f"{found['features_failed']} failed",
                f"  Errors: {found['errors_total']}  Escalations: {found['escalations']}  "
                f"Interventions: {found['human_interventions']}",
                f"  Cost: ${found['estimated_cost_usd']:.2f}",
            ]
        )

    get_session_summary = blocking(get_session_summary_async)

    @staticmethod
    def _format_duration(seconds: float) -> str:
        return _format_duration(seconds)


def _csv(columns: list[str], rows: Any) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def _format_duration(seconds: float) -> str:
    """30.0s, 2.5m or 2.0h."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    if seconds < 3600:
        return f"{seconds / 60:.1f}m"
    return f"{seconds / 3600:.1f}h"


def format_dashboard(metrics: ComprehensiveMetrics) -> str:
    """The text dashboard of `MetricsCollector.get_dashboard`."""
    quality, time = metrics.quality_metrics, metrics.time_metrics
    rule = "=" * 60
    top_tools = sorted(metrics.tool_metrics.values(), key=lambda t: t["total_calls"], reverse=True)[
        :5
    ]
    lines = [
        rule,
        "  METRICS DASHBOARD",
        rule,
        f"  Run: {metrics.run_id}  Computed: {metrics.computed_at[:19]}",
        "",
        "  SESSION METRICS",
        f"  Sessions: {metrics.sessions_completed}/{metrics.sessions_total} completed "
        f"({quality.session_completion_rate:.0%})",
        "",
        "  FEATURE METRICS",
        f"  Completed: {metrics.features_completed}  Failed: {metrics.features_failed}  "
        f"Success rate: {quality.feature_success_rate:.0%}",
        "",
        "  TOOL METRICS",
        f"  Success rate: {quality.tool_success_rate:.0%}  Errors: {quality.error_rate:.0%}  "
        f"Blocked: {quality.blocked_rate:.0%}",
    ]
    for tool in top_tools:
        success = ratio(tool["successful_calls"], tool["total_calls"])
        lines.append(
            f"    {tool['tool_name']:<20} {tool['total_calls']:>6} calls  {success:.0%} ok"
        )
    lines += [
        "",
        "  TIME METRICS",
        f"  Run: {_format_duration(time.total_run_duration_seconds)}  "
        f"Active: {_format_duration(time.total_active_time_seconds)}  "
        f"Avg session: {_format_duration(time.avg_session_duration_seconds)}",
        "",
        "  QUALITY METRICS",
        f"  Escalations: {metrics.escalations} ({quality.escalation_rate:.2f}/session)  "
        f"Interventions: {metrics.human_interventions} ({quality.intervention_rate:.2f}/session)",
        f"  Decisions: {quality.total_decisions}  Avg confidence: {quality.avg_confidence:.2f}  "
        f"Low confidence: {quality.low_confidence_decisions}",
        f"  Tokens: {metrics.total_input_tokens:,} in / {metrics.total_output_tokens:,} out  "
        f"Cost: ${quality.estimated_cost_usd:.2f}",
        rule,
    ]
    return "\n".join(lines)


def format_metrics_markdown(metrics: ComprehensiveMetrics) -> str:
    """The metrics as a Markdown document with tool and session tables."""
    quality = metrics.quality_metrics
    lines = [
        "# Run metrics",
        "",
        f"- **Sessions:** {metrics.sessions_completed}/{metrics.sessions_total} completed",
        f"- **Features:** {metrics.features_completed} completed, {metrics.features_failed} failed",
        f"- **Tool success rate:** {quality.tool_success_rate:.1%}",
        f"- **Escalation rate:** {quality.escalation_rate:.2f} per session ({metrics.escalations})",
        f"- **Intervention rate:** {quality.intervention_rate:.2f} per session "
        f"({metrics.human_interventions})",
        f"- **Decisions:** {quality.total_decisions} (avg confidence {quality.avg_confidence:.2f})",
        f"- **Estimated cost:** ${quality.estimated_cost_usd:.2f}",
    ]
    if metrics.tool_metrics:
        lines += [
            "",
            "## Tools",
            "",
            "| tool | calls | ok | failed | blocked | avg ms |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {t['tool_name']} | {t['total_calls']} | {t['successful_calls']} "
            f"| {t['failed_calls']} "
            f"| {t['blocked_calls']} | {t['avg_duration_ms']:.0f} |"
            for t in metrics.tool_metrics.values()
        ]
    if metrics.session_metrics:
        lines += [
            "",
            "## Sessions",
            "",
            "| session | duration | tool calls | errors | escalations |",
        ]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {s['session_id']} | {_format_duration(s['duration_seconds'])} "
            f"| {s['tool_calls_total']} "
            f"| {s['tool_calls_failed'] + s['errors_total']} | {s['escalations']} |"
            for s in metrics.session_metrics.values()
        ]
    return "\n".join(lines) + "\n"
