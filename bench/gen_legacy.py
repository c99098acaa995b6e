"""Generate an ArcadiaForge legacy project (the dot-directories) with N JSONL lines.

    python -m bench.gen_legacy DIR --lines 1000000

The lines are spread over the legacy logs in the proportions of a long agent run: events,
autonomy decisions, risk assessments, escalations and the injection-point history, plus the
small JSON files (autonomy config and metrics, a few pending points). Records come from
`bench.records` (ArcadiaForge's to_dict shapes), so a migrated project matches what the other
benchmarks load directly.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from bench import datasets, records

SHARES = (
    (".events.jsonl", "events", 0.30),
    (".autonomy/decisions.jsonl", "decisions", 0.30),
    (".risk/assessments.jsonl", "assessments", 0.25),
    (".escalation/escalations.jsonl", "escalations", 0.10),
    (".human/history.jsonl", "points", 0.05),
)


def _history_line(point: dict) -> dict:
    line = {
        key: point[key]
        for key in ("point_id", "timestamp", "point_type", "session_id", "recommendation")
    }
    line["completed"] = point["status"] != "pending"
    if line["completed"]:
        # ArcadiaForge recorded only these three answerers.
        by = {"responded": "human", "timeout": "timeout_default"}.get(point["status"], "cancelled")
        line.update(response=point["response"], responded_by=by, responded_at=point["responded_at"])
    return line


def generate(project_dir: Path, lines: int) -> dict[str, int]:
    """Write the legacy files under `project_dir`; returns the line count per JSONL file."""
    counts: dict[str, int] = {}
    remaining = lines
    for position, (relative, kind, share) in enumerate(SHARES):
        total = remaining if position == len(SHARES) - 1 else int(lines * share)
        remaining -= total
        generated = getattr(records, kind)(total)
        if kind == "points":
            generated = (_history_line(point) for point in generated)
        counts[relative] = datasets.write_jsonl(project_dir / relative, generated)
    autonomy = project_dir / ".autonomy"
    (autonomy / "config.json").write_text(
        json.dumps(
            {
                "level": 3,
                "action_levels": {"Bash": 4},
                "confidence_threshold": 0.5,
                "error_demotion_count": 3,
                "success_promotion_count": 10,
                "auto_adjust": True,
                "min_level": 1,
                "max_level": 4,
            }
        )
    )
    (autonomy / "metrics.json").write_text(
        json.dumps(
            {
                "consecutive_successes": 4,
                "consecutive_errors": 0,
                "total_actions": lines,
                "total_errors": lines // 50,
                "recent_outcomes": [True] * 50,
                "level_changes": [],
            }
        )
    )
    pending = project_dir / ".human" / "pending"
    pending.mkdir(parents=True, exist_ok=True)
    for index, point in enumerate(records.points(records.PENDING_POINTS * 3)):
        if point["status"] == "pending":
            point["point_id"] = f"INJ-{records.SESSIONS + 1}-{index + 1}"
            (pending / f"{point['point_id']}.json").write_text(json.dumps(point))
    return counts


def cached_project(cache_dir: Path, lines: int) -> Path:
    """A generated legacy project of `lines` JSONL lines, reused across runs."""
    project_dir = cache_dir / f"legacy-v{datasets.VERSION}-{lines}"
    with datasets.cache_lock(cache_dir, project_dir.name):
        if not (project_dir / "complete").exists():
            shutil.rmtree(project_dir, ignore_errors=True)
            started = time.perf_counter()
            generate(project_dir, lines)
            (project_dir / "complete").write_text("ok\n")
            print(
                f"  (generated a legacy project of {lines:,} JSONL lines in "
                f"{time.perf_counter() - started:.1f} s; cached)",
                flush=True,
            )
    return project_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gen_legacy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project_dir", type=Path, help="where to create the dot-directories")
    parser.add_argument("--lines", type=int, default=1_000_000, help="JSONL lines in total")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.project_dir, args.lines)
    for relative, count in counts.items():
        print(f"{count:>10,}  {relative}")
    print(f"{sum(counts.values()):>10,}  lines in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
