"""6. Migration: lines per second and peak memory importing 1,000,000 legacy JSONL lines.

`bench.gen_legacy` writes a legacy project (cached); a child process opens a fresh database
and runs `import_legacy` on it (one transaction, as `arcadia migrate` does). The rate counts
JSONL lines over the import call; peak memory is the child's resident-set high-water mark
(`VmHWM` in /proc/self/status) at the end. Baseline, in the same way: a child that only
reads and `json.loads` every line of the same files (the floor any importer pays).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench import gen_legacy
from bench.common import (
    Child,
    Result,
    RunConfig,
    Skipped,
    emit,
    mib,
    print_table,
    rate,
    ratio,
    rss_kib,
)

NAME = "migration"
TITLE = "Legacy migration (JSONL lines/s and peak memory)"


def _jsonl_files(project_dir: Path) -> list[Path]:
    return [project_dir / relative for relative, *_ in gen_legacy.SHARES]


async def migrate(project_dir: str, db_dir: str) -> None:
    """Import the legacy project into a fresh database and report the time and the counts."""
    from arcadia_core.legacy import import_legacy

    from arcadia_core.db import Database

    db = await Database.open(Path(db_dir))
    try:
        started = time.perf_counter()
        report = await import_legacy(db, Path(project_dir))
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    totals = report.totals
    emit(seconds=elapsed, imported=totals.imported, rejected=totals.rejected, peak_kib=rss_kib()[1])


def parse_only(project_dir: str) -> None:
    """Read and parse every JSONL line of the project (the baseline)."""
    started = time.perf_counter()
    lines = 0
    for path in _jsonl_files(Path(project_dir)):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                json.loads(line)
                lines += 1
    emit(seconds=time.perf_counter() - started, lines=lines, peak_kib=rss_kib()[1])


def run(config: RunConfig) -> Result:
    try:
        import arcadia_core.legacy  # noqa: F401
    except ImportError as error:
        raise Skipped(f"arcadia_core.legacy not available: {error}") from None
    result = Result(NAME, TITLE)
    lines = config.pick(1_000_000, 2_000)
    project_dir = gen_legacy.cached_project(config.cache_dir, lines)

    baseline = Child("bench.migration:parse_only", project_dir=str(project_dir))
    parsed = baseline.read()
    baseline.wait()
    importer = Child(
        "bench.migration:migrate",
        project_dir=str(project_dir),
        db_dir=str(config.work_dir / "migration"),
    )
    migrated = importer.read()
    importer.wait()
    # The child's own high-water mark: `wait4`'s ru_maxrss would also count the parent's pages
    # the child had before `exec`.
    migrate_peak = migrated["peak_kib"]
    parse_peak = parsed["peak_kib"]

    migrate_rate = lines / migrated["seconds"]
    parse_rate = parsed["lines"] / parsed["seconds"]
    print_table(
        ["step", "lines", "time", "lines/s", "peak RSS", "rows imported", "rejected"],
        [
            [
                "import_legacy",
                f"{lines:,}",
                f"{migrated['seconds']:.1f} s",
                rate(migrate_rate, "lines"),
                mib(migrate_peak),
                f"{migrated['imported']:,}",
                str(migrated["rejected"]),
            ],
            [
                "parse only (baseline)",
                f"{parsed['lines']:,}",
                f"{parsed['seconds']:.1f} s",
                rate(parse_rate, "lines"),
                mib(parse_peak),
                "-",
                "-",
            ],
        ],
    )
    result.add(
        f"import {lines:,} lines",
        rate(migrate_rate, "lines"),
        rate(parse_rate, "lines"),
        ratio(migrate_rate, parse_rate),
    )
    result.add(
        "peak RSS of the import",
        mib(migrate_peak),
        mib(parse_peak),
        ratio(migrate_peak, parse_peak),
    )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench migration")
