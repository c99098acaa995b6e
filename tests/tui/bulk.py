"""A large project database, written fast with Core executemany, for the paging tests."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import insert

from arcadia_core.db import Database
from arcadia_core.models import RiskAssessmentModel
from arcadia_tui.sample import SAMPLE_NOW

BULK_ASSESSMENTS = 100_000
TOOLS = ("Bash", "Write", "Edit", "Read", "WebFetch", "Grep", "feature_mark")
SESSIONS_OF = 2_000
"""Assessments per session (so 50 sessions)."""


def assessment_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` assessments, oldest first, of seven tools, levels 1-5, 50 sessions."""
    rng = random.Random(seed)
    start = SAMPLE_NOW - timedelta(days=30)
    rows = []
    for index in range(count):
        tool = TOOLS[index % len(TOOLS)]
        level = rng.choice((1, 1, 2, 3, 3, 3, 4, 5))
        test = f"tests/test_{index % 97}.py"
        rows.append(
            {
                "timestamp": start + timedelta(seconds=index * 25),
                "session_id": 1 + index // SESSIONS_OF,
                "action": f"Run: pytest {test}"
                if tool == "Bash"
                else f"{tool} file_{index % 501}.py",
                "tool": tool,
                "input_summary": f"command=pytest {test} -k case{index % 13}",
                "risk_level": level,
                "is_reversible": level < 4,
                "affects_source_of_truth": tool == "feature_mark",
                "has_external_side_effects": tool == "Bash",
                "concerns": ["Git push to remote"] if level >= 4 else [],
                "requires_approval": level >= 4,
                "requires_checkpoint": level >= 3,
                "requires_review": level >= 4,
                "suggested_mitigation": None,
            }
        )
    return rows


async def write_bulk_assessments(db: Database, count: int = BULK_ASSESSMENTS) -> None:
    """Insert `count` assessments in one transaction (one executemany)."""
    async with db.transaction() as session:
        await session.execute(insert(RiskAssessmentModel.__table__), assessment_rows(count))
