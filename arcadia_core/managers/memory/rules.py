"""Pure memory rules: hot-row changes, error keys, confidence, search scores, prompt blocks."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from arcadia_core.managers.memory.records import (
    MAX_ACTIVE_ERRORS,
    MAX_PENDING_DECISIONS,
    MAX_RECENT_ACTIONS,
    MAX_RECENT_FILES,
    ActiveError,
    HotState,
    PendingDecision,
)
from arcadia_core.models import ColdMemoryKnowledgeModel, HotMemoryModel, WarmMemoryModel

EMPTY_LISTS = (
    "recent_actions",
    "recent_files",
    "focus_keywords",
    "active_errors",
    "pending_decisions",
    "current_hypotheses",
)


def reset(row: HotMemoryModel, now: datetime) -> None:
    """Empty the working context and restart its clock."""
    row.started_at = now
    row.current_feature = None
    row.current_task = ""
    for name in EMPTY_LISTS:
        setattr(row, name, [])


def append_action(row: HotMemoryModel, entry: dict[str, Any]) -> None:
    row.recent_actions = [*(row.recent_actions or []), entry][-MAX_RECENT_ACTIONS:]


def touch_file(row: HotMemoryModel, path: str) -> None:
    files = [name for name in row.recent_files or [] if name != path]
    row.recent_files = [*files, path][-MAX_RECENT_FILES:]


def error_key(error_type: str, message: str) -> str:
    """A stable 8-hex key for an error kind and text."""
    return hashlib.md5(f"{error_type}:{message}".encode()).hexdigest()[:8]


def record_error(
    row: HotMemoryModel,
    session_id: int,
    error_type: str,
    message: str,
    context: dict[str, Any] | None,
    related_features: list[int] | None,
    now: datetime,
) -> ActiveError:
    """Count a repeat of an unresolved error, or add it; returns the error as stored."""
    message = message[:500]
    errors = [dict(error) for error in row.active_errors or []]
    for error in errors:
        if (
            not error.get("resolved")
            and error["error_type"] == error_type
            and error["message"] == message
        ):
            error["last_seen"] = now.isoformat()
            error["occurrence_count"] = int(error.get("occurrence_count", 1)) + 1
            error["context"] = {**error.get("context", {}), **(context or {})}
            error["related_features"] = sorted(
                set(error.get("related_features", [])) | set(related_features or [])
            )
            row.active_errors = errors
            return ActiveError.from_dict(error)
    new = ActiveError(
        error_id=f"ERR-{session_id}-{uuid.uuid4().hex[:8]}",
        error_type=error_type,
        message=message,
        first_seen=now.isoformat(),
        last_seen=now.isoformat(),
        context=dict(context or {}),
        related_features=sorted(set(related_features or [])),
    )
    row.active_errors = [*errors, new.to_dict()][-MAX_ACTIVE_ERRORS:]
    return new


def resolve_error(row: HotMemoryModel, error_id: str, resolution: str) -> ActiveError | None:
    """Mark an error resolved with how; None when the id is unknown."""
    errors = [dict(error) for error in row.active_errors or []]
    for error in errors:
        if error.get("error_id") == error_id:
            error["resolved"] = True
            error["resolution"] = resolution
            row.active_errors = errors
            return ActiveError.from_dict(error)
    return None


def add_decision(row: HotMemoryModel, decision: PendingDecision) -> None:
    row.pending_decisions = [*(row.pending_decisions or []), decision.to_dict()][
        -MAX_PENDING_DECISIONS:
    ]


def resolve_decision(row: HotMemoryModel, decision_id: str, choice: str) -> PendingDecision | None:
    """Mark a pending decision taken; None when the id is unknown."""
    decisions = [dict(decision) for decision in row.pending_decisions or []]
    for decision in decisions:
        if decision.get("decision_id") == decision_id:
            decision["resolved"] = True
            decision["choice"] = choice
            row.pending_decisions = decisions
            return PendingDecision.from_dict(decision)
    return None


def pattern_confidence(success_count: int) -> float:
    """0.5 plus 0.1 per success, at most 1.0."""
    return min(1.0, 0.5 + 0.1 * success_count)


def search_words(query: str) -> list[str]:
    """The lowercased words of a search query."""
    return [word for word in query.lower().split() if word]


def relevance_score(
    text: str, keywords: list[str], query: str, weights: tuple[float, float, float]
) -> float:
    """How well `text` and its keywords match `query` (whole query, each word, each keyword)."""
    whole, per_word, per_keyword = weights
    lowered = text.lower()
    words = search_words(query)
    score = whole if query.lower().strip() and query.lower().strip() in lowered else 0.0
    score += per_word * sum(1 for word in words if word in lowered)
    lowered_keywords = {keyword.lower() for keyword in keywords}
    score += per_keyword * sum(1 for word in words if word in lowered_keywords)
    return score


def hot_context_block(state: HotState | None) -> str:
    """The working context as a prompt block."""
    if state is None:
        return "HOT MEMORY\nNo active context."
    keywords = ", ".join(state.focus_keywords[:8]) or "-"
    feature = state.current_feature if state.current_feature is not None else "-"
    return "\n".join(
        [
            "HOT MEMORY",
            f"Current feature: {feature}",
            f"Current task: {state.current_task or '-'}",
            f"Focus: {keywords}",
            f"Recent actions: {len(state.recent_actions)}  "
            f"Active errors: {len(state.unresolved_errors)}  "
            f"Pending decisions: {pending_count(state)}",
        ]
    )


def warm_context_block(row: WarmMemoryModel | None) -> str:
    """The last session's summary as a prompt block."""
    if row is None:
        return "WARM MEMORY\nNo previous session context."
    lines = [
        "WARM MEMORY",
        f"Last session: #{row.session_id} ({row.ending_state})",
        f"Features completed: {row.features_completed}  regressed: {row.features_regressed}",
    ]
    lines += [f"Warning: {warning}" for warning in (row.warnings_for_next or [])[:3]]
    lines += [f"Pattern: {pattern}" for pattern in (row.patterns_discovered or [])[:3]]
    return "\n".join(lines)


def cold_context_block(rows: list[ColdMemoryKnowledgeModel]) -> str:
    """Knowledge entries as a prompt block."""
    if not rows:
        return "COLD MEMORY\nNo historical data available."
    return "\n".join(
        ["COLD MEMORY"] + [f"[{r.knowledge_id}] {r.knowledge_type}: {r.title}" for r in rows]
    )


def pending_count(state: HotState) -> int:
    """Decisions of the working context still waiting for a choice."""
    return sum(1 for decision in state.pending_decisions if not decision.get("resolved"))
