"""Synthetic but realistic records of an agent's run, in ArcadiaForge's legacy (to_dict) shapes.

The same generators feed the bulk-loaded databases, the JSONL baselines and `gen_legacy`, so a
database and a JSONL file of the same size hold the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 5, 8, 0, 0, tzinfo=UTC)
STEP = timedelta(milliseconds=250)
SESSIONS = 200
"""Sessions a generated history is spread over (consecutive blocks of rows per session)."""
BENCH_SESSION = SESSIONS // 2
"""The session whose history the query benchmark reads."""
PENDING_POINTS = 10
"""Injection points left pending in a generated history (the rest are resolved)."""

ESCALATION_RULES = (
    ("low_confidence", 3, "Confidence {c:.2f} is below the threshold for feature #{f}"),
    ("very_low_confidence", 4, "Confidence {c:.2f} is very low for feature #{f}"),
    ("multiple_failures", 3, "{n} consecutive failures on feature #{f}"),
    ("many_failures", 4, "{n} consecutive failures on feature #{f}: stop and ask"),
    ("feature_regression", 4, "Feature #{f} regressed: a passing test fails now"),
    ("irreversible_action", 5, "Irreversible action requested while working on feature #{f}"),
    ("source_of_truth_change", 4, "The feature list is being modified (feature #{f})"),
    ("repeated_errors", 3, "The same error occurred {n} times on feature #{f}"),
)
# (tool, weight, [(risk level, weight)], input key, sample inputs)
TOOLS = (
    ("Read", 30, ((1, 1),), "file_path", ("src/app.py", "README.md", "tests/test_api.py")),
    ("Grep", 8, ((1, 1),), "pattern", ("def main", "TODO", "import os")),
    ("Glob", 4, ((1, 1),), "pattern", ("**/*.py", "src/**/*.ts")),
    ("Edit", 20, ((2, 9), (3, 1)), "file_path", ("src/app.py", "src/db.py", "package.json")),
    ("Write", 8, ((2, 6), (3, 3), (4, 1)), "file_path", ("src/new_module.py", ".env")),
    (
        "Bash",
        25,
        ((2, 5), (3, 3), (4, 1.5), (5, 0.5)),
        "command",
        ("npm test", "pytest -q", "git status", "rm -rf build", "git push --force", "curl -s x.io"),
    ),
    ("WebFetch", 5, ((3, 1),), "url", ("https://docs.python.org", "https://example.com/api")),
)
LEVEL_NAMES = {1: "SAFE", 2: "LOW", 3: "MODERATE", 4: "HIGH", 5: "CRITICAL"}
EVENT_TYPES = (
    ("tool_call", 40),
    ("tool_result", 40),
    ("decision", 5),
    ("warning", 4),
    ("error", 3),
    ("feature_started", 2),
    ("feature_completed", 2),
    ("git_commit", 2),
    ("usage_report", 2),
)
POINT_OUTCOMES = (
    ("responded", "tui:alice", 80),
    ("timeout", "timeout_default", 15),
    ("cancelled", "cli:alice", 5),
)


POOL = 4096
"""Distinct record bodies per generator; rows cycle through them (fast, same distribution)."""


def timestamp(index: int) -> datetime:
    """The time of the `index`-th record of a generated history."""
    return START + STEP * index


_SECOND_CACHE: dict[int, str] = {}


def iso(index: int) -> str:
    """`timestamp(index).isoformat()` with microseconds, computed cheaply for long runs."""
    millis = index * 250
    second, fraction = divmod(millis, 1000)
    prefix = _SECOND_CACHE.get(second)
    if prefix is None:
        if len(_SECOND_CACHE) > 10_000:
            _SECOND_CACHE.clear()
        prefix = (START + timedelta(seconds=second)).isoformat()[:19]
        _SECOND_CACHE[second] = prefix
    return f"{prefix}.{fraction * 1000:06d}+00:00"


def _cycled(total: int, pool: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    size = len(pool)
    for index in range(total):
        record = dict(pool[index % size])
        record["timestamp"] = iso(index)
        record["session_id"] = session_of(index, total)
        yield index, record


def session_of(index: int, total: int) -> int:
    """The session (1-based) the `index`-th of `total` records belongs to."""
    return 1 + index * SESSIONS // max(total, 1)


def _weighted(rng: random.Random, choices: Any) -> Any:
    return rng.choices([choice for choice, *_ in choices], [weight for *_, weight in choices])[0]


def _tool_table() -> tuple[list[tuple[Any, ...]], list[float]]:
    return list(TOOLS), [tool[1] for tool in TOOLS]


def escalations(total: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """`total` escalation log records (`.escalation/escalations.jsonl` lines)."""
    rng = random.Random(seed)
    pool = []
    for _ in range(min(total, POOL)):
        rule_id, severity, template = ESCALATION_RULES[rng.randrange(len(ESCALATION_RULES))]
        values = {"c": rng.random() * 0.5, "f": rng.randrange(1, 120), "n": rng.randrange(3, 9)}
        pool.append(
            {
                "timestamp": "",
                "session_id": 0,
                "rule_id": rule_id,
                "severity": severity,
                "message": template.format(**values),
                "context_summary": {
                    "confidence": round(values["c"], 3),
                    "feature_index": values["f"],
                    "consecutive_failures": values["n"],
                },
            }
        )
    for _, record in _cycled(total, pool):
        yield record


def assessments(total: int, seed: int = 2) -> Iterator[dict[str, Any]]:
    """`total` risk assessments (`.risk/assessments.jsonl` lines, RiskAssessment.to_dict)."""
    rng = random.Random(seed)
    tools, weights = _tool_table()
    pool = []
    for _ in range(min(total, POOL)):
        tool, _, levels, key, samples = rng.choices(tools, weights)[0]
        level = rng.choices([lv for lv, _ in levels], [w for _, w in levels])[0]
        value = samples[rng.randrange(len(samples))]
        concerns = [] if level < 3 else [f"{tool} may change state outside the sandbox"]
        if level >= 4:
            concerns.append("hard to undo")
        pool.append(
            {
                "timestamp": "",
                "session_id": 0,
                "action": f"Run: {value}" if tool == "Bash" else f"{tool} {value}",
                "tool": tool,
                "input_summary": f"{key}={value}",
                "risk_level": level,
                "risk_level_name": LEVEL_NAMES[level],
                "is_reversible": level < 4,
                "affects_source_of_truth": False,
                "has_external_side_effects": tool in ("Bash", "WebFetch"),
                "concerns": concerns,
                "estimated_time_seconds": None,
                "estimated_token_cost": None,
                "requires_approval": level >= 4,
                "requires_checkpoint": level >= 4,
                "requires_review": level >= 3,
                "suggested_mitigation": "Create a checkpoint first" if level >= 4 else None,
            }
        )
    for _, record in _cycled(total, pool):
        yield record


def decisions(total: int, seed: int = 3) -> Iterator[dict[str, Any]]:
    """`total` autonomy decisions (`.autonomy/decisions.jsonl` lines, AutonomyDecision.to_dict)."""
    rng = random.Random(seed)
    tools, weights = _tool_table()
    pool = []
    for _ in range(min(total, POOL)):
        tool, _, _levels, _key, samples = rng.choices(tools, weights)[0]
        required = 1 if tool in ("Read", "Grep", "Glob") else 3
        allowed = rng.random() > 0.05
        pool.append(
            {
                "action": f"{tool} {samples[rng.randrange(len(samples))]}",
                "tool": tool,
                "allowed": allowed,
                "required_level": required,
                "current_level": 3,
                "effective_level": 3 if allowed else 2,
                "reason": "Level EXECUTE_SAFE allows this" if allowed else "Confidence too low",
                "alternatives": [] if allowed else ["Ask for approval"],
                "requires_approval": not allowed,
                "requires_checkpoint": False,
                "timestamp": "",
                "confidence": round(0.4 + rng.random() * 0.6, 3),
                "session_id": 0,
            }
        )
    for _, record in _cycled(total, pool):
        yield record


def events(total: int, seed: int = 4) -> Iterator[dict[str, Any]]:
    """`total` observability events (`.events.jsonl` lines)."""
    rng = random.Random(seed)
    pool = []
    for _ in range(min(total, POOL)):
        pool.append(
            {
                "timestamp": "",
                "session_id": 0,
                "type": _weighted(rng, EVENT_TYPES),
                "source": "agent",
                "data": {
                    "tool_name": TOOLS[rng.randrange(len(TOOLS))][0],
                    "duration_ms": rng.randrange(5, 4000),
                },
            }
        )
    for _, record in _cycled(total, pool):
        yield record


def points(total: int, seed: int = 5) -> Iterator[dict[str, Any]]:
    """`total` injection points (InjectionPoint.to_dict); `PENDING_POINTS` stay pending."""
    rng = random.Random(seed)
    pending = {total * (k + 1) // (PENDING_POINTS + 1) for k in range(PENDING_POINTS)}
    pool = []
    for number in range(min(total, POOL)):
        status, by, _ = rng.choices(POINT_OUTCOMES, [w for *_, w in POINT_OUTCOMES])[0]
        pool.append(
            {
                "point_id": "",
                "point_type": "approval" if number % 3 else "decision",
                "timestamp": "",
                "session_id": 0,
                "context": {"feature_index": rng.randrange(1, 120), "action": "git push --force"},
                "options": ["Continue", "Skip", "Stop"],
                "recommendation": "Continue",
                "timeout_seconds": 300,
                "default_on_timeout": "Continue",
                "response": "Continue" if status != "cancelled" else None,
                "responded_at": None,
                "responded_by": by,
                "status": status,
                "escalation_rule_id": None,
                "message": f"Approve a force push for feature #{number % 120}?",
                "severity": 3 + number % 3,
            }
        )
    for index, record in _cycled(total, pool):
        record["point_id"] = f"INJ-{record['session_id']}-{index + 1}"
        if index in pending:
            record.update(status="pending", responded_by="pending", response=None)
        else:
            record["responded_at"] = iso(index + 40 + index % 300)
        yield record
