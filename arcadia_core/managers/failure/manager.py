"""Failure analysis: a session's events become a `failure_reports` row.

The analyser reads the events from the database (escalation_triggered and human_response
included), classifies the failure, detects patterns, finds similar errors in other sessions by
normalised message, suggests fixes and builds a timeline; then stores the report. The rules
themselves are pure functions in `failure.rules`.

Fixed from ArcadiaForge: regression and critical severity are reachable, every known pattern's
fixes can be suggested, tool-error messages reach `error_messages` and the similarity search,
session 0 is a session (None means "all"), UUIDs are normalised before numbers.

API convention: ArcadiaForge's synchronous methods (`analyze_session`, `get_report`, ...) do
their work in an `*_async` twin; the plain name blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import NotFound
from arcadia_core.managers.failure.queries import (
    PATTERN_SCAN_LIMIT,
    recent_error_events,
    session_events,
)
from arcadia_core.managers.failure.records import (
    FailurePattern,
    FailureReport,
    FailureType,
    ReportSummary,
    Severity,
    severity_name,
)
from arcadia_core.managers.failure.rules import (
    KNOWN_PATTERNS,
    build_timeline,
    classify,
    detect_patterns,
    normalize_failure_message,
    scan,
    similar_hits,
    similarity_score,
    suggest_fixes,
)
from arcadia_core.managers.observability.queries import events_query, to_event
from arcadia_core.models import EventModel, FailureReportModel
from arcadia_core.sync import blocking, run_blocking


class FailureAnalyzer:
    """Analyse sessions into failure reports and read them back."""

    KNOWN_PATTERNS = KNOWN_PATTERNS

    def __init__(
        self, db: Database, project_dir: Path | str | None = None, *, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.project_dir = Path(project_dir) if project_dir is not None else None
        self.clock = clock

    async def analyze_session_async(self, session_id: int) -> FailureReport:
        """Analyse one session and store the report (a session without events is not stored)."""
        now = self.clock()
        async with self.db.transaction() as session:
            events = await session_events(session, session_id)
            if not events:
                return FailureReport(
                    session_id=session_id,
                    generated_at=now.isoformat(),
                    failure_type=FailureType.UNKNOWN.value,
                    severity=int(Severity.LOW),
                    likely_cause=f"No events found for session {session_id}",
                    confidence=0.0,
                )
            facts = scan(events)
            failure_type, severity, cause, confidence = classify(facts)
            patterns = detect_patterns(events)
            similar: list[dict[str, Any]] = []
            if facts.error_messages:
                candidates = await recent_error_events(session, exclude_session=session_id)
                similar = similar_hits(facts.error_messages[0], candidates)[:5]
            report = FailureReport(
                session_id=session_id,
                generated_at=now.isoformat(),
                failure_type=failure_type.value,
                severity=int(severity),
                last_successful_action=facts.last_successful_action,
                failing_action=facts.failing_action,
                error_messages=facts.error_messages,
                likely_cause=cause,
                confidence=confidence,
                patterns_detected=[pattern.to_dict() for pattern in patterns],
                similar_past_failures=similar,
                suggested_fixes=suggest_fixes(failure_type, patterns, facts.error_messages),
                failure_timeline=build_timeline(events),
                error_count=facts.error_count,
                tool_failures=facts.tool_failures,
                blocked_actions=facts.blocked_actions,
            )
            row = report.to_row(now)
            session.add(row)
            await session.flush()
            report.report_id = row.id
        return report

    analyze_session = blocking(analyze_session_async)

    async def detect_patterns_async(self, session_id: int | None = None) -> list[FailurePattern]:
        """Patterns in one session's events, or (None) in the newest events of all sessions."""
        async with self.db.read() as session:
            if session_id is not None:
                events = await session_events(session, session_id)
            else:
                rows = await session.scalars(
                    events_query().order_by(EventModel.id.desc()).limit(PATTERN_SCAN_LIMIT)
                )
                events = [to_event(row) for row in rows][::-1]
        return detect_patterns(events)

    detect_patterns = blocking(detect_patterns_async)

    async def find_similar_failures_async(
        self, error_message: str, exclude_session: int | None = None
    ) -> list[dict[str, Any]]:
        """Errors in other sessions whose normalised text is over 70% similar, newest first."""
        async with self.db.read() as session:
            candidates = await recent_error_events(session, exclude_session)
        return similar_hits(error_message, candidates)

    find_similar_failures = blocking(find_similar_failures_async)

    @staticmethod
    def _normalize_error(message: str) -> str:
        return normalize_failure_message(message)

    @staticmethod
    def _similarity_score(first: str, second: str) -> float:
        return similarity_score(first, second)

    async def get_report_async(self, session_id: int) -> FailureReport | None:
        """The newest report of a session, or None (ArcadiaForge's contract)."""
        async with self.db.read() as session:
            row = await session.scalar(
                select(FailureReportModel)
                .where(FailureReportModel.session_id == session_id)
                .order_by(FailureReportModel.generated_at.desc(), FailureReportModel.id.desc())
                .limit(1)
            )
            return FailureReport.from_row(row) if row is not None else None

    get_report = blocking(get_report_async)

    async def get_report_by_id_async(self, report_id: int) -> FailureReport:
        """One report by its row id (NotFound when missing)."""
        async with self.db.read() as session:
            row = await session.get(FailureReportModel, report_id)
            if row is None:
                raise NotFound(f"no failure report {report_id}")
            return FailureReport.from_row(row)

    get_report_by_id = blocking(get_report_by_id_async)

    async def list_reports_async(
        self,
        session_id: int | None = None,
        failure_type: FailureType | str | None = None,
        limit: int = 50,
        before_id: int | None = None,
    ) -> list[ReportSummary]:
        """Report summaries newest first (keyset paging with `before_id`)."""
        query = select(FailureReportModel)
        if session_id is not None:
            query = query.where(FailureReportModel.session_id == session_id)
        if failure_type is not None:
            kind = failure_type.value if isinstance(failure_type, FailureType) else failure_type
            query = query.where(FailureReportModel.failure_type == kind)
        if before_id is not None:
            query = query.where(FailureReportModel.id < before_id)
        query = query.order_by(FailureReportModel.id.desc()).limit(limit)
        async with self.db.read() as session:
            return [ReportSummary.from_row(row) for row in await session.scalars(query)]

    list_reports = blocking(list_reports_async)

    async def get_all_reports_async(
        self, limit: int = 50, failure_type: FailureType | str | None = None
    ) -> list[dict[str, Any]]:
        """ArcadiaForge's summary dicts, newest first."""
        summaries = await self.list_reports_async(failure_type=failure_type, limit=limit)
        return [summary.to_dict() for summary in summaries]

    get_all_reports = blocking(get_all_reports_async)

    @staticmethod
    def format_report(report: FailureReport) -> str:
        """The report as a text block."""
        return format_report(report)


def format_report(report: FailureReport) -> str:
    """Banner, analysis, patterns, errors, fixes and similar failures as plain text."""
    rule = "=" * 70
    lines = [
        rule,
        f"  FAILURE REPORT - Session #{report.session_id}",
        rule,
        f"  Generated:   {report.generated_at[:19]}",
        f"  Type:        {report.failure_type}",
        f"  Severity:    {severity_name(report.severity)}",
        f"  Confidence:  {report.confidence:.0%}",
        "",
        "  ANALYSIS",
        f"  Likely cause:     {report.likely_cause}",
        f"  Last successful:  {report.last_successful_action or '(none)'}",
        f"  Failing action:   {report.failing_action[:60] or '(none)'}",
        f"  Errors: {report.error_count}   Tool failures: {report.tool_failures}"
        f"   Blocked: {report.blocked_actions}",
    ]
    if report.patterns_detected:
        lines += ["", "  PATTERNS"]
        lines += [
            f"  - {p['pattern_type']}: {p['description'][:50]}"
            for p in report.patterns_detected[:5]
        ]
    if report.error_messages:
        lines += ["", "  ERRORS"]
        lines += [f"  - {message[:70]}" for message in report.error_messages[:5]]
    if report.suggested_fixes:
        lines += ["", "  SUGGESTED FIXES"]
        lines += [f"  {n}. {fix}" for n, fix in enumerate(report.suggested_fixes[:7], start=1)]
    if report.similar_past_failures:
        lines += ["", "  SIMILAR PAST FAILURES"]
        lines += [
            f"  - Session #{hit['session_id']} ({str(hit['timestamp'])[:10]}): "
            f"{str(hit['error_message'])[:50]}"
            for hit in report.similar_past_failures[:3]
        ]
    lines.append(rule)
    return "\n".join(lines)


def _md(text: object) -> str:
    """Inline Markdown text: pipes and backticks escaped, newlines flattened."""
    return (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("\n", " ")
    )


def format_report_markdown(report: FailureReport) -> str:
    """The report as a Markdown document (timeline as a table)."""
    lines = [
        f"# Failure report: session {report.session_id}",
        "",
        f"- **Generated:** {report.generated_at}",
        f"- **Type:** {report.failure_type}",
        f"- **Severity:** {severity_name(report.severity)}",
        f"- **Confidence:** {report.confidence:.0%}",
        f"- **Likely cause:** {_md(report.likely_cause)}",
        f"- **Last successful action:** {_md(report.last_successful_action or '(none)')}",
        f"- **Failing action:** {_md(report.failing_action or '(none)')}",
        f"- **Counts:** {report.error_count} errors, {report.tool_failures} tool failures, "
        f"{report.blocked_actions} blocked",
    ]
    if report.suggested_fixes:
        lines += ["", "## Suggested fixes", ""]
        lines += [f"{n}. {_md(fix)}" for n, fix in enumerate(report.suggested_fixes, start=1)]
    if report.error_messages:
        lines += ["", "## Errors", ""] + [f"- {_md(m)}" for m in report.error_messages]
    if report.patterns_detected:
        lines += ["", "## Patterns", "", "| type | description | occurrences |", "|---|---|---|"]
        lines += [
            f"| {_md(p['pattern_type'])} | {_md(p['description'])} | {p['occurrences']} |"
            for p in report.patterns_detected
        ]
    if report.similar_past_failures:
        lines += ["", "## Similar past failures", "", "| session | when | error |", "|---|---|---|"]
        lines += [
            f"| {hit['session_id']} | {hit['timestamp']} | {_md(hit['error_message'])} |"
            for hit in report.similar_past_failures
        ]
    if report.failure_timeline:
        lines += ["", "## Timeline", "", "| time | type | tool | feature | message |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {entry['timestamp']} | {entry['type']} | {_md(entry.get('tool', ''))} | "
            f"{entry.get('feature', '')} | {_md(entry.get('message', ''))} |"
            for entry in report.failure_timeline
        ]
    return "\n".join(lines) + "\n"


async def analyze_session_async(db: Database, session_id: int) -> FailureReport:
    """Analyse one session with a default analyser."""
    return await FailureAnalyzer(db).analyze_session_async(session_id)


def analyze_session(db: Database, session_id: int) -> FailureReport:
    """Blocking form of `analyze_session_async`."""
    return run_blocking(analyze_session_async(db, session_id))
