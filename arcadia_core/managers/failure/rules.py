"""Pure failure-analysis rules over a list of events: classify, patterns, fixes, timeline.

Also the known failure patterns and the message categories they are recognised by.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from arcadia_core.events import EventType
from arcadia_core.managers.failure.records import FailurePattern, FailureType, Severity
from arcadia_core.managers.observability.records import Event

MAX_ERROR_MESSAGES = 50
MAX_TIMELINE = 200
MAX_FIXES = 10
SIMILARITY_THRESHOLD = 0.7
CRASH_STATUSES = frozenset({"error", "crash", "crashed"})

TIMELINE_TYPES = frozenset(
    {
        EventType.ERROR,
        EventType.TOOL_ERROR,
        EventType.TOOL_BLOCKED,
        EventType.FEATURE_FAILED,
        EventType.ESCALATION_TRIGGERED,
        EventType.HUMAN_INJECTION,
        EventType.HUMAN_RESPONSE,
    }
)

KNOWN_PATTERNS: dict[str, dict[str, Any]] = {
    "repeated_same_error": {
        "description": "The same error keeps coming back",
        "suggested_fixes": [
            "Try a different approach instead of repeating the failing step",
            "Check that the prerequisites of this step are really in place",
            "Check whether this is blocked by another, earlier issue",
        ],
    },
    "security_blocked": {
        "description": "Commands were blocked by the security policy",
        "suggested_fixes": [
            "Use an allowed alternative to the blocked command",
            "Check the allowed command list in the security settings",
            "Request human approval if the command is really needed",
        ],
    },
    "tool_error_chain": {
        "description": "Several tool calls failed in a row",
        "suggested_fixes": [
            "Stop and read the first tool error before calling more tools",
            "Verify the tool inputs (paths, arguments) before retrying",
            "Try a simpler tool call to confirm the environment works",
        ],
    },
    "regression": {
        "description": "A feature that passed earlier failed later",
        "suggested_fixes": [
            "Diff the changes made since the feature last passed",
            "Re-run that feature's tests after each change",
            "Roll back to the last checkpoint where the feature passed",
        ],
    },
    "file_not_found": {
        "description": "A file or path does not exist",
        "suggested_fixes": [
            "List the directory to confirm the real path",
            "Check the working directory of the command",
            "Create the file first if it is supposed to be new",
        ],
    },
    "import_error": {
        "description": "A module could not be imported",
        "suggested_fixes": [
            "Check that the module is installed in the environment in use",
            "Check the import path and package layout",
            "Look for a circular import",
        ],
    },
    "test_failure": {
        "description": "Tests or assertions failed",
        "suggested_fixes": [
            "Compare the test's expectation with the implementation",
            "Run the single failing test to see its full output",
            "Check whether the test itself is out of date",
        ],
    },
    "timeout": {
        "description": "Operations timed out",
        "suggested_fixes": [
            "Break the operation into smaller steps",
            "Look for infinite loops or blocking calls",
            "Raise the timeout only if the work is known to be slow",
        ],
    },
    "permission_denied": {
        "description": "Access was denied",
        "suggested_fixes": [
            "Check file and directory permissions",
            "Avoid writing outside the project directory",
            "Ask a human if elevated rights are really needed",
        ],
    },
    "dependency_missing": {
        "description": "A command or dependency is missing",
        "suggested_fixes": [
            "Install the missing dependency or command",
            "Check the PATH and the virtual environment in use",
            "Use a tool that is already available instead",
        ],
    },
}


# Error-message categories: pattern type -> lowercase keywords.
MESSAGE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "file_not_found": ("no such file", "file not found", "enoent", "does not exist"),
    "import_error": ("importerror", "modulenotfounderror", "no module named", "cannot find module"),
    "test_failure": ("assertionerror", "assert ", "test failed", "tests failed", "failed test"),
    "timeout": ("timeout", "timed out"),
    "permission_denied": (
        "permission denied",
        "access denied",
        "eacces",
        "operation not permitted",
    ),
    "dependency_missing": (
        "command not found",
        "not installed",
        "could not find a version",
        "missing dependency",
    ),
}


# Order matters: URLs and UUIDs go before paths and numbers, which would eat parts of them.
_NORMALISERS = [
    (re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE), "<URL>"),
    (
        re.compile(
            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE
        ),
        "<UUID>",
    ),
    (re.compile(r"(?<![\w/\\.])[A-Za-z]:\\[^\s'\"]*"), "<PATH>"),
    (re.compile(r"(?<![\w/\\.])(?:~|\.{1,2})?/[^\s'\":]*"), "<PATH>"),
    (re.compile(r"\b[\w.-]+(?:[/\\][\w.-]+)+\.\w+\b"), "<PATH>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.IGNORECASE), "<HEX>"),
    (re.compile(r"\b\d+\b"), "<NUM>"),
]


def normalize_failure_message(message: str) -> str:
    """Replace URLs, UUIDs, paths, addresses and numbers by placeholders; lowercase; trim."""
    text = message
    for pattern, placeholder in _NORMALISERS:
        text = pattern.sub(placeholder, text)
    return " ".join(text.lower().split())


def similarity_score(first: str, second: str) -> float:
    """Jaccard similarity of the two messages' whitespace-token sets (0.0 if either is empty)."""
    a, b = set(first.split()), set(second.split())
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def event_message(event: Event) -> str:
    """The human text an event carries (error, message, response, reason, or status)."""
    for key in ("error_message", "message", "response", "reason", "status"):
        value = event.data.get(key)
        if value:
            return str(value)
    return ""


@dataclass
class SessionFacts:
    """What one pass over a session's events found."""

    error_count: int = 0
    tool_failures: int = 0
    blocked_actions: int = 0
    tool_calls: int = 0
    features_completed: int = 0
    escalations: int = 0
    human_responses: int = 0
    error_messages: list[str] = field(default_factory=list)
    plain_errors: list[str] = field(default_factory=list)
    tool_error_messages: list[str] = field(default_factory=list)
    last_successful_action: str = ""
    failing_action: str = ""
    end_status: str | None = None
    regressed_features: list[int] = field(default_factory=list)


def scan(events: list[Event]) -> SessionFacts:
    """Count and collect what the classification rules need, in one pass."""
    facts = SessionFacts()
    passed: set[int] = set()
    for event in events:
        kind = event.event_type
        message = str(event.data.get("error_message") or "")
        if kind == EventType.ERROR:
            facts.error_count += 1
            facts.plain_errors.append(message[:100])
            facts.error_messages.append(message[:100])
            facts.failing_action = message[:100]
        elif kind == EventType.TOOL_ERROR:
            facts.tool_failures += 1
            facts.tool_error_messages.append(message)
            if message:
                facts.error_messages.append(message[:100])
            facts.failing_action = f"Tool {event.tool_name}: {message[:50]}"
        elif kind == EventType.TOOL_BLOCKED:
            facts.blocked_actions += 1
        elif kind == EventType.TOOL_RESULT and event.data.get("success"):
            facts.last_successful_action = f"Tool {event.tool_name}"
        elif kind == EventType.TOOL_CALL:
            facts.tool_calls += 1
        elif kind == EventType.FEATURE_COMPLETED:
            facts.features_completed += 1
            if event.feature_index is not None:
                passed.add(event.feature_index)
        elif kind == EventType.FEATURE_FAILED and event.feature_index in passed:
            facts.regressed_features.append(event.feature_index)
        elif kind == EventType.ESCALATION_TRIGGERED:
            facts.escalations += 1
        elif kind == EventType.HUMAN_RESPONSE:
            facts.human_responses += 1
        elif kind == EventType.SESSION_END:
            facts.end_status = str(event.data.get("status") or "")
    facts.error_messages = facts.error_messages[:MAX_ERROR_MESSAGES]
    return facts


def classify(facts: SessionFacts) -> tuple[FailureType, Severity, str, float]:
    """(type, severity, likely cause, confidence): the first rule that applies wins."""
    result = _first_rule(facts)
    kind, severity, cause, confidence = result
    crashed = facts.end_status in CRASH_STATUSES
    if crashed and kind in (FailureType.CYCLIC_ERROR, FailureType.REGRESSION):
        severity = Severity.CRITICAL
        cause += "; the session then ended in error"
    return kind, severity, cause, confidence


def _first_rule(facts: SessionFacts) -> tuple[FailureType, Severity, str, float]:
    distinct = set(facts.plain_errors)
    if facts.error_count >= 3 and len(distinct) <= 2:
        sample = facts.plain_errors[-1][:50]
        cause = f"Same error repeated {facts.error_count} times: {sample}"
        return FailureType.CYCLIC_ERROR, Severity.HIGH, cause, 0.9
    if facts.regressed_features:
        features = ", ".join(f"#{index}" for index in sorted(set(facts.regressed_features)))
        cause = f"Feature {features} passed earlier in the session and then failed"
        return FailureType.REGRESSION, Severity.HIGH, cause, 0.85
    if facts.blocked_actions:
        cause = f"{facts.blocked_actions} action(s) blocked by security restrictions"
        return FailureType.BLOCKED_COMMAND, Severity.MEDIUM, cause, 0.95
    if facts.tool_failures:
        for message in facts.tool_error_messages:
            lowered = message.lower()
            if "timeout" in lowered or "timed out" in lowered:
                return FailureType.TIMEOUT, Severity.MEDIUM, "Operation timed out", 0.8
            if "permission denied" in lowered or "access denied" in lowered:
                return FailureType.TOOL_ERROR, Severity.HIGH, "Permission denied", 0.85
            if "not found" in lowered or "no such file" in lowered:
                cause = "File or resource not found"
                return FailureType.TOOL_ERROR, Severity.MEDIUM, cause, 0.85
        cause = f"{facts.tool_failures} tool execution error(s)"
        return FailureType.TOOL_ERROR, Severity.MEDIUM, cause, 0.7
    if facts.escalations:
        cause = (
            f"Human intervention required ({facts.escalations} escalation(s), "
            f"{facts.human_responses} human response(s))"
        )
        return FailureType.ESCALATION, Severity.MEDIUM, cause, 0.95
    if not facts.features_completed and facts.tool_calls > 10:
        cause = f"{facts.tool_calls} tool calls without completing a feature"
        return FailureType.STUCK, Severity.MEDIUM, cause, 0.6
    if facts.end_status in CRASH_STATUSES:
        return FailureType.CRASH, Severity.HIGH, "Session ended with error status", 0.7
    if facts.error_count:
        return (
            FailureType.TOOL_ERROR,
            Severity.MEDIUM,
            f"{facts.error_count} error(s) occurred",
            0.5,
        )
    return FailureType.UNKNOWN, Severity.LOW, "No clear failure detected", 0.3


def _hash(text: str, length: int) -> str:
    return hashlib.md5(text.encode()).hexdigest()[:length]


def _pattern(pattern_id: str, kind: str, description: str, hits: list[Event]) -> FailurePattern:
    return FailurePattern(
        pattern_id=pattern_id,
        pattern_type=kind,
        description=description,
        occurrences=len(hits),
        first_seen=hits[0].timestamp if hits else None,
        last_seen=hits[-1].timestamp if hits else None,
        affected_sessions=sorted({event.session_id for event in hits}),
        affected_features=sorted({e.feature_index for e in hits if e.feature_index is not None}),
    )


def detect_patterns(events: list[Event]) -> list[FailurePattern]:
    """Repeated errors, blocked commands, tool-error chains, regressions, error categories."""
    errors = [e for e in events if e.event_type in (EventType.ERROR, EventType.TOOL_ERROR)]
    patterns: list[FailurePattern] = []
    by_message: dict[str, list[Event]] = {}
    for event in errors:
        message = str(event.data.get("error_message") or "")
        if message:
            by_message.setdefault(message, []).append(event)
    for message, hits in by_message.items():
        if len(hits) >= 2:
            found = _pattern(
                _hash(message, 8),
                "repeated_same_error",
                f"Error repeated {len(hits)} times: {message[:50]}",
                hits,
            )
            found.signature = _hash(message, 12)
            patterns.append(found)
    blocked = [e for e in events if e.event_type == EventType.TOOL_BLOCKED]
    if len(blocked) >= 2:
        tools = ", ".join(sorted({str(e.tool_name) for e in blocked if e.tool_name}))
        description = f"{len(blocked)} actions blocked by security (tools: {tools or 'unknown'})"
        patterns.append(
            _pattern(f"blocked-{len(blocked)}", "security_blocked", description, blocked)
        )
    tool_errors = [e for e in errors if e.event_type == EventType.TOOL_ERROR]
    if len(tool_errors) >= 3:
        description = f"{len(tool_errors)} tool errors in a chain"
        patterns.append(
            _pattern(f"tool-chain-{len(tool_errors)}", "tool_error_chain", description, tool_errors)
        )
    passed: set[int] = set()
    regressions: list[Event] = []
    for event in events:
        if event.feature_index is None:
            continue
        if event.event_type == EventType.FEATURE_COMPLETED:
            passed.add(event.feature_index)
        elif event.event_type == EventType.FEATURE_FAILED and event.feature_index in passed:
            regressions.append(event)
    if regressions:
        found = _pattern(
            f"regression-{len(regressions)}",
            "regression",
            f"{len(regressions)} regression(s): features that passed and then failed",
            regressions,
        )
        found.affected_features = [
            e.feature_index for e in regressions if e.feature_index is not None
        ]
        patterns.append(found)
    for category, keywords in MESSAGE_CATEGORIES.items():
        hits = [
            e
            for e in errors
            if any(word in str(e.data.get("error_message") or "").lower() for word in keywords)
        ]
        if hits:
            description = f"{KNOWN_PATTERNS[category]['description']} ({len(hits)} time(s))"
            patterns.append(_pattern(f"{category}-{len(hits)}", category, description, hits))
    return patterns


_TYPE_FIXES: dict[FailureType, list[str]] = {
    FailureType.CYCLIC_ERROR: [
        "The agent appears stuck in a loop: try a different approach",
        "Break the task into smaller steps",
        "Look for a missing prerequisite that makes the same step fail",
    ],
    FailureType.BLOCKED_COMMAND: [
        "Review the allowed command patterns in the security settings",
        "Use an allowed alternative to the blocked command",
        "Ask a human for approval if the command is really needed",
    ],
    FailureType.TIMEOUT: [
        "Break the operation into smaller steps",
        "Look for infinite loops or blocking calls",
        "Raise the timeout only if the work is known to be slow",
    ],
    FailureType.REGRESSION: KNOWN_PATTERNS["regression"]["suggested_fixes"],
    FailureType.STUCK: [
        "Pick one feature and finish it before starting another",
        "Re-read the feature's steps and check what is left to do",
    ],
    FailureType.CRASH: ["Read the last error before the crash and fix its cause first"],
    FailureType.ESCALATION: ["Review the escalation and the human's answer before continuing"],
}

_MESSAGE_FIXES = [
    ("import", "Check that the module is installed and the import path is right"),
    ("assert", "Compare the test expectations with the implementation"),
    ("syntax", "Look for syntax errors in the recently edited files"),
    ("connection", "Check network access and that the service is running"),
]


def suggest_fixes(
    failure_type: FailureType, patterns: list[FailurePattern], error_messages: list[str]
) -> list[str]:
    """Fixes for the failure type, then for each known pattern, then from the first 3 errors."""
    fixes: list[str] = list(_TYPE_FIXES.get(failure_type, []))
    for pattern in patterns:
        known = KNOWN_PATTERNS.get(pattern.pattern_type)
        if known is not None:
            fixes.extend(known["suggested_fixes"])
    for message in error_messages[:3]:
        lowered = message.lower()
        fixes.extend(fix for keyword, fix in _MESSAGE_FIXES if keyword in lowered)
    return list(dict.fromkeys(fixes))[:MAX_FIXES]


def build_timeline(events: list[Event]) -> list[dict[str, Any]]:
    """Failure-relevant events (errors, blocks, failures, escalations, human answers)."""
    timeline: list[dict[str, Any]] = []
    for event in events:
        if event.event_type not in TIMELINE_TYPES:
            continue
        entry: dict[str, Any] = {"timestamp": event.timestamp, "type": event.event_type}
        if event.tool_name:
            entry["tool"] = event.tool_name
        if event.feature_index is not None:
            entry["feature"] = event.feature_index
        message = event_message(event)
        if message:
            entry["message"] = message[:100]
        timeline.append(entry)
    return timeline[-MAX_TIMELINE:]


def similar_hits(
    error_message: str, candidates: list[Event], threshold: float = SIMILARITY_THRESHOLD
) -> list[dict[str, Any]]:
    """Candidates whose normalised message is more than `threshold` similar, newest first."""
    target = normalize_failure_message(error_message)
    hits = []
    for event in candidates:
        message = str(event.data.get("error_message") or "")
        if similarity_score(target, normalize_failure_message(message)) > threshold:
            hits.append(
                {
                    "session_id": event.session_id,
                    "timestamp": event.timestamp,
                    "error_message": message[:100],
                    "tool": event.tool_name,
                    "feature": event.feature_index,
                }
            )
    hits.sort(key=lambda hit: str(hit["timestamp"]), reverse=True)
    return hits


# Known failure shapes and what to try; every key can be produced by `detect_patterns`.
