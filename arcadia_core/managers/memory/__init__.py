"""Memory tiers in the project database: hot (working context), warm (recent), cold (archive).

Everything lives in the memory tables (no file fallback). records: HotState, ActiveError,
PendingDecision, SessionSummary, UnresolvedIssue, ProvenPattern, ArchivedSession,
KnowledgeEntry, AggregateStatistics and the limits; rules: hot-row changes, scoring, prompt
blocks; queries: the tiers and the promotions (hot → warm at session end, warm → cold archival
of old summaries, proven patterns → knowledge); manager: MemoryManager.
"""

from __future__ import annotations

from arcadia_core.managers.memory.manager import MemoryManager
from arcadia_core.managers.memory.records import (
    MAX_ACTIVE_ERRORS,
    MAX_PENDING_DECISIONS,
    MAX_RECENT_ACTIONS,
    MAX_RECENT_FILES,
    MAX_WARM_SESSIONS,
    PROMOTE_SUCCESS_COUNT,
    ActiveError,
    AggregateStatistics,
    ArchivedSession,
    HotState,
    KnowledgeEntry,
    PendingDecision,
    ProvenPattern,
    SessionSummary,
    UnresolvedIssue,
)

HotMemoryStub = HotState  # ArcadiaForge's name for the in-process hot state

__all__ = [
    "MAX_ACTIVE_ERRORS",
    "MAX_PENDING_DECISIONS",
    "MAX_RECENT_ACTIONS",
    "MAX_RECENT_FILES",
    "MAX_WARM_SESSIONS",
    "PROMOTE_SUCCESS_COUNT",
    "ActiveError",
    "AggregateStatistics",
    "ArchivedSession",
    "HotMemoryStub",
    "HotState",
    "KnowledgeEntry",
    "MemoryManager",
    "PendingDecision",
    "ProvenPattern",
    "SessionSummary",
    "UnresolvedIssue",
]
