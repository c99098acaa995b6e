"""Render the figures of a reliability run as a Markdown table (for the README).

Run `ARCADIA_FIGURES_FILE=figures.jsonl python -m pytest -m reliability`, then
`python -m tests.reliability.figures figures.jsonl`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def table(lines: list[str]) -> str:
    """One row per test: its name and its figures as `name value` pairs."""
    rows = ["| Test | Figures |", "| --- | --- |"]
    for line in lines:
        entry = json.loads(line)
        test = entry.pop("test")
        figures = "; ".join(f"{name.replace('_', ' ')} {value}" for name, value in entry.items())
        rows.append(f"| {test} | {figures.replace('|', '/')} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()))
