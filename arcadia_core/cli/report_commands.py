"""`arcadia report {failures,risk,metrics}`: failure reports, risk assessments and run metrics.

Text and Markdown are made terminal-safe (agent text cannot inject escape sequences); JSON and
CSV are data. `--output FILE` writes atomically (temporary file, then rename) and refuses a
directory.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from arcadia_core.cli.common import project_dir
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
from arcadia_core.managers.risk.records import AssessmentRecord, RiskLevel
from arcadia_core.output import check_output_path, write_atomic

FORMATS = ("text", "json", "csv", "md")


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be a whole number, {minimum} or more, not {text!r}")
    return value


def _non_negative(text: str) -> int:
    return _whole_number(text, 0)


def _positive(text: str) -> int:
    return _whole_number(text, 1)


def _level(text: str) -> int:
    try:
        return int(RiskLevel[text.upper()]) if not text.isdigit() else int(RiskLevel(int(text)))
    except (KeyError, ValueError):
        raise argparse.ArgumentTypeError(
            "a level 1..5 or MINIMAL/LOW/MODERATE/HIGH/CRITICAL"
        ) from None


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--session", type=_non_negative, metavar="N", help="only session N")
    options.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default text)"
    )
    options.add_argument(
        "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    parents = [common, options]
    report = subparsers.add_parser(
        "report",
        help="failure reports, risk assessments and run metrics",
        description="Reports over the project database, as text, JSON, CSV or Markdown.",
        parents=[common],
    )
    kinds = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    failures = kinds.add_parser(
        "failures",
        help="failure reports: the list, or one session's latest report",
        parents=parents,
    )
    failures.add_argument(
        "--analyze", action="store_true", help="analyse the session now (stores a new report)"
    )
    failures.add_argument(
        "--limit", type=_positive, default=50, help="reports to list (default 50)"
    )
    failures.set_defaults(handler=failures_report)
    risk = kinds.add_parser("risk", help="risk assessments, newest first", parents=parents)
    risk.add_argument("--min-level", type=_level, metavar="LEVEL", help="only this level or above")
    risk.add_argument("--tool", help="only this tool")
    risk.add_argument("--approval", action="store_true", help="only those that need approval")
    risk.add_argument(
        "--search", metavar="TEXT", help="text in action, input, concerns or mitigation"
    )
    risk.add_argument("--limit", type=_positive, default=100, help="assessments (default 100)")
    risk.set_defaults(handler=risk_report)
    metrics = kinds.add_parser(
        "metrics", help="run metrics (CSV: one row per session)", parents=parents
    )
    metrics.set_defaults(handler=metrics_report)


def emit(args: argparse.Namespace, content: str) -> int:
    """Print the report, or write it to `--output`."""
    if args.format in ("text", "md"):
        content = printable(content)
    if not content.endswith("\n"):
        content += "\n"
    if args.output:
        path = write_atomic(args.output, content)
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


async def _open(args: argparse.Namespace) -> Database:
    if args.output:
        check_output_path(args.output)  # fail before any work
    return await Database.open(project_dir(args), create=False)


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


async def failures_report(args: argparse.Namespace) -> int:
    async with await _open(args) as database:
        analyzer = FailureAnalyzer(database)
        if args.session is None:
            if args.analyze:
                raise InvalidInput("--analyze needs --session N")
            return emit(
                args, _failure_list(args, await analyzer.list_reports_async(limit=args.limit))
            )
        if args.analyze:
            report: FailureReport | None = await analyzer.analyze_session_async(args.session)
        else:
            report = await analyzer.get_report_async(args.session)
        if report is None:
            raise NotFound(
                f"no failure report for session {args.session} (add --analyze to create one)"
            )
    if args.format == "json":
        return emit(args, _json(report.to_dict()))
    if args.format == "md":
        return emit(args, format_report_markdown(report))
    if args.format == "csv":
        row = {**report.to_dict(), "suggested_fixes": "; ".join(report.suggested_fixes)}
        return emit(args, _csv(REPORT_COLUMNS, [row]))
    return emit(args, format_report(report))


def _failure_list(args: argparse.Namespace, summaries: list[ReportSummary]) -> str:
    if args.format == "json":
        return _json([summary.to_dict() for summary in summaries])
    if args.format == "csv":
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
    if args.format == "md":
        return "# Failure reports\n\n" + (
            _md_table(headers, rows) if rows else "No failure reports."
        )
    return format_table(headers, rows) if rows else "No failure reports."


# -- risk -------------------------------------------------------------------------------------

RISK_COLUMNS = list(AssessmentRecord.__dataclass_fields__) + ["risk_level_name"]


async def risk_report(args: argparse.Namespace) -> int:
    filters = AssessmentFilter(
        session_id=args.session,
        tool=args.tool,
        min_level=args.min_level,
        requires_approval=True if args.approval else None,
        search=args.search,
    )
    async with await _open(args) as database:
        classifier = RiskClassifier(database)
        records = await classifier.list_assessments_async(filters, limit=args.limit)
        total = await classifier.count_assessments_async(filters)
        stats = await classifier.get_stats_async(session_id=args.session)
    if args.format == "json":
        return emit(args, _json({"total": total, "assessments": [r.to_dict() for r in records]}))
    if args.format == "csv":
        csv_rows = [
            {**r.to_dict(), "assessment_id": r.assessment_id, "concerns": "; ".join(r.concerns)}
            for r in records
        ]
        return emit(args, _csv(RISK_COLUMNS, csv_rows))
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
    if args.format == "md":
        table = _md_table(headers, rows) if rows else "No matching assessments."
        return emit(args, f"# Risk assessments\n\n{summary}\n\n{table}")
    return emit(
        args,
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


async def metrics_report(args: argparse.Namespace) -> int:
    async with await _open(args) as database:
        metrics = await MetricsCollector(database).get_comprehensive_metrics_async(args.session)
    if args.format == "json":
        return emit(args, _json(asdict(metrics)))
    if args.format == "csv":
        columns = list(SessionMetrics.__dataclass_fields__)
        return emit(args, _csv(columns, list(metrics.session_metrics.values())))
    if args.format == "md":
        return emit(args, format_metrics_markdown(metrics))
    return emit(args, format_dashboard(metrics))
