"""`arcadia report {failures,risk,metrics}`: failure reports, risk assessments and run metrics.

Text and Markdown are made terminal-safe (agent text cannot inject escape sequences); JSON and
CSV are data. `--output FILE` writes atomically (temporary file, then rename) and refuses a
directory.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from arcadia_core.cli.common import project_dir, project_dir_option, run
from arcadia_core.cli.lazy import ChoiceGroup
from arcadia_core.cli.params import RiskLevelType, WholeNumber
from arcadia_core.cli.tables import format_table
from arcadia_core.db import Database
from arcadia_core.display import json_text, printable
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.failure.manager import (
    FailureAnalyzer,
    format_report,
    format_report_markdown,
)
from arcadia_core.managers.failure.records import FailureReport, ReportSummary, severity_name
from arcadia_core.managers.metrics.manager import (
    MetricsCollector,
    format_dashboard,
    format_metrics_markdown,
)
from arcadia_core.managers.observability.records import SessionMetrics
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.queries import AssessmentFilter
from arcadia_core.managers.risk.records import AssessmentRecord
from arcadia_core.output import check_output_path, write_atomic

FORMATS = ("text", "json", "csv", "md")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the command line asked of a report."""

    format: str = "text"
    output: Path | None = None
    session: int | None = None
    limit: int = 50
    analyze: bool = False
    min_level: int | None = None
    tool: str | None = None
    approval: bool = False
    search: str | None = None


def report_options(function: F) -> F:
    """`--session`, `--format` and `--output`, taken by every report."""
    function = click.option(
        "--output",
        type=click.Path(path_type=Path, readable=False),
        metavar="FILE",
        help="Write the report to FILE (atomically) instead of standard output.",
    )(function)
    function = click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format: text and md for people, json and csv for tools.",
    )(function)
    function = click.option(
        "--session", type=WholeNumber(0), metavar="N", help="Only session N."
    )(function)
    return project_dir_option(function)


@click.group(cls=ChoiceGroup, short_help="Failure reports, risk assessments and run metrics.")
@project_dir_option
def report() -> None:
    """Reports over the project database, as text, JSON, CSV or Markdown. Text and Markdown
    are made terminal-safe (agent text cannot inject escape sequences); --output writes the
    file atomically (a temporary file, then a rename) and refuses a directory."""


@report.command(short_help="Failure reports: the list, or one session's latest report.")
@click.option(
    "--analyze",
    is_flag=True,
    help="Analyse the session now and store a new report (needs --session).",
)
@click.option(
    "--limit", type=WholeNumber(1), default=50, show_default=True, help="Reports to list."
)
@report_options
def failures(
    analyze: bool, limit: int, session: int | None, output_format: str, output: Path | None
) -> int:
    """Without --session, the failure reports, newest first. With --session N, that session's
    latest report in full: timeline, errors, likely cause, confidence, patterns, similar past
    failures and suggested fixes."""
    options = ReportOptions(output_format, output, session, limit=limit, analyze=analyze)
    return run(failures_report(options))


@report.command(short_help="Risk assessments, newest first.")
@click.option(
    "--min-level",
    type=RiskLevelType(),
    metavar="LEVEL",
    help="Only this risk level or above: 1..5 or MINIMAL, LOW, MODERATE, HIGH, CRITICAL.",
)
@click.option("--tool", metavar="NAME", help="Only assessments of this tool (Bash, Write, ...).")
@click.option("--approval", is_flag=True, help="Only the assessments that need approval.")
@click.option(
    "--search",
    metavar="TEXT",
    help="Only those with TEXT in action, input, concerns or mitigation.",
)
@click.option(
    "--limit", type=WholeNumber(1), default=100, show_default=True, help="Assessments to list."
)
@report_options
def risk(
    min_level: int | None,
    tool: str | None,
    approval: bool,
    search: str | None,
    limit: int,
    session: int | None,
    output_format: str,
    output: Path | None,
) -> int:
    """Risk assessments, newest first, with a summary by level; filter by level, tool,
    session, approval and text."""
    options = ReportOptions(
        output_format,
        output,
        session,
        limit=limit,
        min_level=min_level,
        tool=tool,
        approval=approval,
        search=search,
    )
    return run(risk_report(options))


@report.command(short_help="Run metrics (CSV: one row per session).")
@report_options
def metrics(session: int | None, output_format: str, output: Path | None) -> int:
    """Run metrics of the whole project, or of one session with --session (the CSV format has
    one row per session)."""
    return run(metrics_report(ReportOptions(output_format, output, session)))


def emit(options: ReportOptions, content: str) -> int:
    """Print the report, or write it to `--output`."""
    if options.format in ("text", "md"):
        content = printable(content)
    if not content.endswith("\n"):
        content += "\n"
    if options.output:
        path = write_atomic(options.output, content)
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(content)
    return 0


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _json(value: Any) -> str:
    return json_text(value, indent=2)


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


async def _open(options: ReportOptions) -> Database:
    if options.output:
        check_output_path(options.output)  # fail before any work
    return await Database.open(project_dir(), create=False)


# -- failures ---------------------------------------------------------------------------------

REPORT_COLUMNS = (
    "report_id",
    "session_id",
    "generated_at",
    "failure_type",
    "severity",
    "likely_cause",
    "confidence",
    "error_count",
    "tool_failures",
    "blocked_actions",
    "failing_action",
    "suggested_fixes",
)


async def failures_report(options: ReportOptions) -> int:
    async with await _open(options) as database:
        analyzer = FailureAnalyzer(database)
        if options.session is None:
            if options.analyze:
                raise InvalidInput("--analyze needs --session N")
            summaries = await analyzer.list_reports_async(limit=options.limit)
            return emit(options, _failure_list(options, summaries))
        if options.analyze:
            report: FailureReport | None = await analyzer.analyze_session_async(options.session)
        else:
            report = await analyzer.get_report_async(options.session)
        if report is None:
            raise NotFound(
                f"no failure report for session {options.session} (add --analyze to create one)"
            )
    if options.format == "json":
        return emit(options, _json(report.to_dict()))
    if options.format == "md":
        return emit(options, format_report_markdown(report))
    if options.format == "csv":
        row = {**report.to_dict(), "suggested_fixes": "; ".join(report.suggested_fixes)}
        return emit(options, _csv(REPORT_COLUMNS, [row]))
    return emit(options, format_report(report))


def _failure_list(options: ReportOptions, summaries: list[ReportSummary]) -> str:
    if options.format == "json":
        return _json([summary.to_dict() for summary in summaries])
    if options.format == "csv":
        return _csv(list(ReportSummary.__dataclass_fields__), [s.to_dict() for s in summaries])
    headers = [
        "report",
        "session",
        "generated",
        "type",
        "severity",
        "confidence",
        "errors",
        "likely cause",
    ]
    rows = [
        [
            s.report_id,
            s.session_id,
            s.generated_at.isoformat(timespec="seconds"),
            s.failure_type,
            severity_name(s.severity),
            f"{s.confidence:.0%}",
            s.error_count,
            s.likely_cause,
        ]
        for s in summaries
    ]
    if options.format == "md":
        return "# Failure reports\n\n" + (
            _md_table(headers, rows) if rows else "No failure reports."
        )
    return format_table(headers, rows) if rows else "No failure reports."


# -- risk -------------------------------------------------------------------------------------

RISK_COLUMNS = list(AssessmentRecord.__dataclass_fields__) + ["risk_level_name"]


async def risk_report(options: ReportOptions) -> int:
    filters = AssessmentFilter(
        session_id=options.session,
        tool=options.tool,
        min_level=options.min_level,
        requires_approval=True if options.approval else None,
        search=options.search,
    )
    async with await _open(options) as database:
        classifier = RiskClassifier(database)
        records = await classifier.list_assessments_async(filters, limit=options.limit)
        total = await classifier.count_assessments_async(filters)
        stats = await classifier.get_stats_async(session_id=options.session)
    if options.format == "json":
        return emit(options, _json({"total": total, "assessments": [r.to_dict() for r in records]}))
    if options.format == "csv":
        csv_rows = [
            {**r.to_dict(), "assessment_id": r.assessment_id, "concerns": "; ".join(r.concerns)}
            for r in records
        ]
        return emit(options, _csv(RISK_COLUMNS, csv_rows))
    headers = ["id", "time", "session", "level", "tool", "action", "flags", "concerns"]
    rows: list[list[object]] = [
        [
            r.assessment_id,
            r.timestamp.isoformat(timespec="seconds"),
            r.session_id,
            r.risk_level_name,
            r.tool,
            r.action,
            _flags(r),
            "; ".join(r.concerns),
        ]
        for r in records
    ]
    levels = ", ".join(f"{name} {count}" for name, count in stats["by_level"].items() if count)
    summary = (
        f"{stats['total_assessments']} assessments ({levels or 'none'}); "
        f"{stats['approvals_required']} need approval, "
        f"{stats['checkpoints_required']} a checkpoint. "
        f"Showing {len(records)} of {total} matching."
    )
    if options.format == "md":
        table = _md_table(headers, rows) if rows else "No matching assessments."
        return emit(options, f"# Risk assessments\n\n{summary}\n\n{table}")
    return emit(
        options,
        summary + "\n\n" + (format_table(headers, rows) if rows else "No matching assessments."),
    )


def _flags(record: AssessmentRecord) -> str:
    flags = [
        name
        for name, on in (
            ("approval", record.requires_approval),
            ("checkpoint", record.requires_checkpoint),
            ("irreversible", not record.is_reversible),
        )
        if on
    ]
    return ",".join(flags)


# -- metrics ----------------------------------------------------------------------------------


async def metrics_report(options: ReportOptions) -> int:
    async with await _open(options) as database:
        metrics = await MetricsCollector(database).get_comprehensive_metrics_async(options.session)
    if options.format == "json":
        return emit(options, _json(asdict(metrics)))
    if options.format == "csv":
        columns = list(SessionMetrics.__dataclass_fields__)
        return emit(options, _csv(columns, list(metrics.session_metrics.values())))
    if options.format == "md":
        return emit(options, format_metrics_markdown(metrics))
    return emit(options, format_dashboard(metrics))
