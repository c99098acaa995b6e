"""Pure mapping of memory-tier records (`.memory/` files) to rows of the six memory tables.

Accepts both the column names and the names of ArcadiaForge's memory dataclasses
(`problem`/`solution` of a ProvenPattern, `sessions_used`, `entry_id`, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arcadia_core.legacy.fields import Fields


def parse_hot_memory(record: Any, *, now: datetime) -> dict[str, Any]:
    """A hot-memory snapshot (HotMemoryStub or a hot_memory row) -> `hot_memory`."""
    fields = Fields(record)
    return {
        "session_id": fields.integer("session_id"),
        "started_at": fields.timestamp("started_at", default=now),
        "current_feature": fields.opt_integer("current_feature"),
        "current_task": fields.text("current_task", default=""),
        "recent_actions": fields.items("recent_actions"),
        "recent_files": fields.texts("recent_files"),
        "focus_keywords": fields.texts("focus_keywords"),
        "active_errors": fields.items("active_errors"),
        "pending_decisions": fields.items("pending_decisions"),
        "current_hypotheses": fields.items("current_hypotheses"),
    }


def parse_warm_memory(record: Any) -> dict[str, Any]:
    """A session summary (SessionSummary or a warm_memory row) -> `warm_memory`."""
    fields = Fields(record)
    start = fields.timestamp("started_at")
    end = fields.timestamp("ended_at")
    return {
        "session_id": fields.integer("session_id"),
        "started_at": start,
        "ended_at": end,
        "duration_seconds": fields.number(
            "duration_seconds", default=max(0.0, (end - start).total_seconds())
        ),
        "features_started": fields.integer("features_started", default=0, low=0),
        "features_completed": fields.integer("features_completed", default=0, low=0),
        "features_regressed": fields.integer("features_regressed", default=0, low=0),
        "key_decisions": fields.items("key_decisions"),
        "errors_encountered": fields.items("errors_encountered"),
        "errors_resolved": fields.items("errors_resolved"),
        "last_feature_worked": fields.opt_integer("last_feature_worked"),
        "last_checkpoint_id": fields.opt_text("last_checkpoint_id"),
        "ending_state": fields.text("ending_state", default="completed"),
        "patterns_discovered": fields.items("patterns_discovered"),
        "warnings_for_next": fields.items("warnings_for_next"),
        "tool_calls": fields.integer("tool_calls", default=0, low=0),
        "escalations": fields.integer("escalations", default=0, low=0),
        "human_interventions": fields.integer("human_interventions", default=0, low=0),
    }


def parse_warm_memory_issue(record: Any, *, now: datetime) -> dict[str, Any]:
    """An unresolved issue (UnresolvedIssue or a row) -> `warm_memory_issues`."""
    fields = Fields(record)
    created_session = fields.integer("created_session", "session_id", default=0)
    return {
        "issue_id": fields.text("issue_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "created_session": created_session,
        "issue_type": fields.text("issue_type", "type"),
        "description": fields.text("description"),
        "priority": fields.integer("priority", default=3),
        "related_features": fields.integers("related_features"),
        "related_files": fields.texts("related_files"),
        "context": fields.mapping("context"),
        "attempted_solutions": fields.items("attempted_solutions"),
        "last_seen_session": fields.integer("last_seen_session", default=created_session),
        "times_encountered": fields.integer("times_encountered", default=1, low=0),
    }


def parse_warm_memory_pattern(record: Any, *, now: datetime) -> dict[str, Any]:
    """A proven pattern (ProvenPattern: problem/solution, or a row) -> `warm_memory_patterns`."""
    fields = Fields(record)
    sessions = fields.integers("source_sessions", "sessions_used")
    return {
        "pattern_id": fields.text("pattern_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "created_session": fields.integer(
            "created_session", "session_id", default=sessions[0] if sessions else 0
        ),
        "pattern_type": fields.text("pattern_type", default="fix"),
        "pattern": fields.text("pattern", "solution"),
        "context": fields.text("context", "problem", default=""),
        "success_count": fields.integer("success_count", default=1, low=0),
        "confidence": fields.number("confidence", default=0.5, low=0, high=1),
        "context_keywords": fields.texts("context_keywords"),
        "source_sessions": sessions,
        "last_used_session": fields.opt_integer("last_used_session"),
    }


def parse_cold_memory(record: Any) -> dict[str, Any]:
    """An archived session (ArchivedSession or a row) -> `cold_memory`."""
    fields = Fields(record)
    start = fields.timestamp("started_at")
    end = fields.timestamp("ended_at")
    return {
        "session_id": fields.integer("session_id"),
        "started_at": start,
        "ended_at": end,
        "ending_state": fields.text("ending_state", default="completed"),
        "features_completed": fields.integer("features_completed", default=0, low=0),
        "features_regressed": fields.integer("features_regressed", default=0, low=0),
        "errors_count": fields.integer("errors_count", default=0, low=0),
        "duration_seconds": fields.number(
            "duration_seconds", default=max(0.0, (end - start).total_seconds())
        ),
    }


def parse_cold_memory_knowledge(record: Any, *, now: datetime) -> dict[str, Any]:
    """A knowledge entry (KnowledgeEntry or a row) -> `cold_memory_knowledge`."""
    fields = Fields(record)
    return {
        "knowledge_id": fields.text("knowledge_id", "entry_id"),
        "created_at": fields.timestamp("created_at", default=now),
        "knowledge_type": fields.text("knowledge_type", "type", default="best_practice"),
        "title": fields.text("title"),
        "description": fields.text("description", default=""),
        "context_keywords": fields.texts("context_keywords"),
        "source_sessions": fields.integers("source_sessions"),
        "times_verified": fields.integer("times_verified", default=1, low=0),
        "confidence": fields.number("confidence", default=0.5, low=0, high=1),
        "last_used": fields.opt_timestamp("last_used"),
    }
