"""One risk assessment in full, with the autonomy decision and the question about its action."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from arcadia_core.managers.risk.records import (
    AssessmentLinks,
    AssessmentRecord,
    LinkedDecision,
    LinkedPoint,
    RiskLevel,
)
from arcadia_core.vocabulary import PointStatus
from arcadia_tui.literal import literal
from arcadia_tui.widgets.cells import level_label, severity_badge, when

RISK_NAMES = {level.value: level.name for level in RiskLevel}
EMPTY = Text(
    "No assessment matches. Every tool call the agent assesses is logged here; "
    "loosen the filters (x clears them) or wait for the agent.",
    style="dim",
)


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


def record_text(record: AssessmentRecord, tz: tzinfo | None, app: App[Any]) -> Text:
    """The assessment itself: level, tool, action, input, nature, gates, concerns, mitigation."""
    text = Text(end="")
    text.append_text(severity_badge(app, record.risk_level))
    text.append(f" {RISK_NAMES.get(record.risk_level, '?')} ", style="bold")
    text.append_text(literal(record.tool, "bold", one_line=True, max_chars=50))
    text.append(
        f"\n#{record.assessment_id} · session {record.session_id} · "
        f"{when(record.timestamp, tz, '%Y-%m-%d %H:%M:%S')}\n\n",
        style="dim",
    )
    text.append_text(literal(record.action, "bold", max_chars=600))
    text.append("\n")
    text.append_text(literal(record.input_summary, "dim", max_chars=600))
    text.append("\n\n")
    nature = ["reversible" if record.is_reversible else "IRREVERSIBLE"]
    if record.affects_source_of_truth:
        nature.append("affects the source of truth")
    if record.has_external_side_effects:
        nature.append("external side effects")
    text.append(" · ".join(nature), style="" if record.is_reversible else "bold")
    gates = [
        name
        for needed, name in (
            (record.requires_approval, "approval"),
            (record.requires_checkpoint, "checkpoint"),
            (record.requires_review, "review"),
        )
        if needed
    ]
    text.append("\nNeeds: ", style="dim")
    text.append(", ".join(gates) if gates else "nothing", style="bold" if gates else "dim")
    text.append("\n")
    _heading(text, "Concerns")
    if record.concerns:
        for concern in record.concerns:
            text.append(" • ")
            text.append_text(literal(concern, max_chars=300))
            text.append("\n")
    else:
        text.append("none (no pattern matched: the tool's default)\n", style="dim")
    if record.suggested_mitigation:
        _heading(text, "Suggested mitigation")
        text.append_text(literal(record.suggested_mitigation, max_chars=600))
        text.append("\n")
    return text


def decision_text(decision: LinkedDecision | None, tz: tzinfo | None) -> Text:
    """The autonomy check of the same call, or why there is none."""
    text = Text(end="")
    _heading(text, "Autonomy decision")
    if decision is None:
        text.append("none recorded for this call\n", style="dim")
        return text
    if decision.allowed:
        text.append("✓ allowed", style="bold")
    else:
        text.append("✗ denied", style="bold")
    text.append(
        f": needs {level_label(decision.required_level)}, checked at "
        f"{level_label(decision.effective_level)}"
    )
    confidence = "" if decision.confidence is None else f", confidence {decision.confidence:.2f}"
    text.append(
        f"\nlevel {decision.current_level}{confidence} · {when(decision.timestamp, tz)}\n",
        style="dim",
    )
    for alternative in decision.alternatives:
        text.append(" → ")
        text.append_text(literal(alternative, "italic", max_chars=200))
        text.append("\n")
    return text


def point_text(point: LinkedPoint | None, tz: tzinfo | None) -> Text:
    """The question asked about the same call, and its outcome."""
    text = Text(end="")
    _heading(text, "Question to the supervisor")
    if point is None:
        text.append("none: the agent did not ask about this call\n", style="dim")
        return text
    text.append(point.point_id, style="bold")
    text.append(f" · {point.point_type} · severity {point.severity} · {when(point.timestamp, tz)}")
    text.append("\n")
    if point.message:
        text.append_text(literal(point.message, max_chars=600))
        text.append("\n")
    if point.status == PointStatus.PENDING:
        text.append("pending: answer it in the Live view (F2)\n", style="bold")
    elif point.status == PointStatus.RESPONDED:
        text.append("answered ", style="dim")
        text.append_text(literal(point.response or "", "bold", one_line=True, max_chars=200))
        text.append(" by ", style="dim")
        text.append_text(literal(point.responded_by, one_line=True, max_chars=60))
        text.append("\n")
    else:
        text.append_text(literal(point.status, "bold", one_line=True, max_chars=40))
        if point.response:
            text.append(" → ")
            text.append_text(literal(point.response, one_line=True, max_chars=200))
        text.append("\n")
    return text


class AssessmentDetail(VerticalScroll):
    """The highlighted assessment in full."""

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.links: AssessmentLinks | None = None
        """What is shown."""

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="assessment-body")

    def show_record(self, record: AssessmentRecord | None) -> None:
        """Show an assessment at once (its decision and question follow with `show`)."""
        body = self.query_one("#assessment-body", Static)
        if record is None:
            self.links = None
            body.update(EMPTY)
            return
        if self.links is None or self.links.assessment.assessment_id != record.assessment_id:
            self.scroll_home(animate=False)
            body.update(record_text(record, self.tz, self.app))

    def show(self, links: AssessmentLinks) -> None:
        """Show an assessment with what was recorded about the same call."""
        self.links = links
        text = record_text(links.assessment, self.tz, self.app)
        text.append_text(decision_text(links.decision, self.tz))
        text.append_text(point_text(links.point, self.tz))
        self.query_one("#assessment-body", Static).update(text)
