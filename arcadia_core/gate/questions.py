"""The questions the gate asks a person, and how their answers become verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from arcadia_core.gate.types import (
    ALLOW_OPTION,
    APPROVAL_OPTIONS,
    DENY_OPTION,
    Verdict,
    agent_label,
)

ALLOW_WORDS = frozenset({"allow", "allowed", "approve", "approved", "yes", "y", "ok", "run it"})
DENY_WORDS = frozenset({"deny", "denied", "no", "n", "reject", "block"})
NO_ANSWER = "(no answer)"
"""The default of a question point: nobody answered in time."""
RECOMMENDED_SUFFIX = "(recommended)"


@dataclass(frozen=True, slots=True)
class PointRequest:
    """The arguments of one `HumanInterface.request_input` call."""

    point_type: str
    message: str
    context: dict[str, Any]
    options: list[str]
    recommendation: str
    timeout_seconds: int
    default_on_timeout: str
    severity: int = 3


@dataclass(frozen=True, slots=True)
class Answer:
    """How a person's wait ended, reduced to what the verdict needs."""

    status: str
    """`responded`, `timeout` or `cancelled`."""
    text: str
    by: str
    point_id: str


def severity_for(risk_level: int) -> int:
    """Point severity from the risk level: CRITICAL 5, HIGH 4, anything lower 3."""
    return 5 if risk_level >= 5 else 4 if risk_level >= 4 else 3


def approval_verdict(answer: Answer, what: str, timeout_seconds: int) -> Verdict:
    """The verdict for an approval point's outcome.

    `Allow` (or yes/ok/approve) allows, `Deny` denies; any other words deny and carry the
    words to the model, so "use git stash instead" reaches it as the reason.
    """
    words = answer.text.strip()
    folded = words.casefold().rstrip(".!")
    if answer.status == "cancelled":
        return Verdict.deny(
            f"The supervisor cancelled the request to {what}; do not retry it unasked.",
            decided_by=answer.by,
            point_id=answer.point_id,
        )
    if answer.status == "timeout":
        if folded in ALLOW_WORDS:
            return Verdict.allow(
                f"No answer within {timeout_seconds} s; allowed by the configured default.",
                decided_by=answer.by,
                point_id=answer.point_id,
            )
        return Verdict.deny(
            f"No supervisor answered within {timeout_seconds} s, so Arcadia denied the request "
            f"to {what}. Continue with something else or ask the user.",
            decided_by=answer.by,
            point_id=answer.point_id,
        )
    if folded in ALLOW_WORDS:
        return Verdict.allow(
            f"Allowed by the supervisor ({answer.by}).",
            decided_by=answer.by,
            point_id=answer.point_id,
        )
    if folded in DENY_WORDS:
        return Verdict.deny(
            f"The supervisor ({answer.by}) denied the request to {what}.",
            decided_by=answer.by,
            point_id=answer.point_id,
        )
    return Verdict.deny(
        f"The supervisor ({answer.by}) did not allow the request to {what} and said: {words}",
        decided_by=answer.by,
        point_id=answer.point_id,
    )


def approval_request(
    *,
    agent: str,
    what: str,
    context: dict[str, Any],
    recommend_allow: bool,
    timeout_seconds: int,
    default_on_timeout: str,
    risk_level: int,
) -> PointRequest:
    """An approval point with the options Allow / Deny."""
    cwd = context.get("cwd")
    where = f" in {cwd}" if cwd else ""
    return PointRequest(
        point_type="approval",
        message=f"{agent_label(agent)} wants to {what}{where}",
        context=context,
        options=list(APPROVAL_OPTIONS),
        recommendation=ALLOW_OPTION if recommend_allow else DENY_OPTION,
        timeout_seconds=timeout_seconds,
        default_on_timeout=default_on_timeout,
        severity=severity_for(risk_level),
    )


@dataclass(frozen=True, slots=True)
class ModelQuestion:
    """One question of an AskUserQuestion call."""

    question: str
    header: str = ""
    options: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    multi_select: bool = False


def parse_questions(tool_input: dict[str, Any]) -> list[ModelQuestion]:
    """The questions of an AskUserQuestion input (malformed entries skipped)."""
    questions: list[ModelQuestion] = []
    for item in tool_input.get("questions") or []:
        if not isinstance(item, dict) or not str(item.get("question") or "").strip():
            continue
        labels: list[str] = []
        descriptions: dict[str, str] = {}
        for option in item.get("options") or []:
            if isinstance(option, dict) and str(option.get("label") or "").strip():
                label = str(option["label"])
                labels.append(label)
                if option.get("description"):
                    descriptions[label] = str(option["description"])
            elif isinstance(option, str) and option.strip():
                labels.append(option)
        questions.append(
            ModelQuestion(
                question=str(item["question"]),
                header=str(item.get("header") or ""),
                options=labels,
                descriptions=descriptions,
                multi_select=bool(item.get("multiSelect")),
            )
        )
    return questions


def question_request(
    question: ModelQuestion,
    *,
    agent: str,
    base_context: dict[str, Any],
    timeout_seconds: int,
) -> PointRequest:
    """A decision point for one model question: its options, free text allowed."""
    recommended = next(
        (o for o in question.options if o.casefold().rstrip().endswith(RECOMMENDED_SUFFIX)), ""
    )
    context = dict(base_context)
    context.update(
        question=question.question,
        header=question.header,
        option_descriptions=question.descriptions,
        multi_select=question.multi_select,
        free_text_allowed=True,
        how_to_answer=(
            "pick one or more options (comma-separated) or answer in your own words"
            if question.multi_select
            else "pick an option or answer in your own words"
        ),
    )
    prefix = f"[{question.header}] " if question.header else ""
    return PointRequest(
        point_type="decision",
        message=f"{agent_label(agent)} asks: {prefix}{question.question}",
        context=context,
        options=list(question.options),
        recommendation=recommended,
        timeout_seconds=timeout_seconds,
        default_on_timeout=NO_ANSWER,
        severity=3,
    )


def questions_verdict(
    tool_input: dict[str, Any],
    questions: list[ModelQuestion],
    answers: list[Answer],
    timeout_seconds: int,
) -> Verdict:
    """Allow with `updatedInput.answers` when every question was answered, else deny."""
    collected: dict[str, str] = {}
    for question, answer in zip(questions, answers, strict=True):
        if answer.status == "cancelled":
            return Verdict.deny(
                f"The supervisor declined to answer {question.question!r}; decide without it "
                "or ask differently.",
                decided_by=answer.by,
                point_id=answer.point_id,
            )
        if answer.status != "responded" or answer.text == NO_ANSWER:
            return Verdict.deny(
                f"Nobody answered {question.question!r} within {timeout_seconds} s; continue "
                "with your best judgement or ask again later.",
                decided_by=answer.by,
                point_id=answer.point_id,
            )
        collected[question.question] = answer.text
    by = ", ".join(sorted({answer.by for answer in answers}))
    return Verdict.allow(
        "Answered by the supervisor.",
        updated_input={**tool_input, "answers": collected},
        decided_by=by or "arcadia",
        point_id=answers[0].point_id if answers else None,
    )


__all__ = [
    "ALLOW_OPTION",
    "DENY_OPTION",
    "NO_ANSWER",
    "Answer",
    "ModelQuestion",
    "PointRequest",
    "approval_request",
    "approval_verdict",
    "parse_questions",
    "question_request",
    "questions_verdict",
    "severity_for",
]
