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
    ms,
    print_table,
    rate,
    ratio,
    rss_kib,
)

NAME = "migration"
TITLE = "Legacy migration (JSONL lines/s and peak memory)"


def _jsonl_files(project_dir: Path) -> list[Path]:
    return [project_dir / relative for relative, *_ in gen_legacy.SHARES]


class _SourceTimes:
    """An import `Progress` noting how long each group of sources took, and its records."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self._source = ""
        self._started = 0.0

    def start(self, source: str) -> None:
        self._source, self._started = source, time.perf_counter()
        self.times[source] = [0.0, 0]

    def advance(self, count: int = 1) -> None:
        self.times[self._source][1] += count

    def finish(self) -> None:
        self.times[self._source][0] = time.perf_counter() - self._started


async def migrate(project_dir: str, db_dir: str) -> None:
    """Import the legacy project into a fresh database and report the time and the counts."""
    from arcadia_core.db import Database
    from arcadia_core.legacy import import_legacy

    db = await Database.open(Path(db_dir))
    progress = _SourceTimes()
    try:
        started = time.perf_counter()
        report = await import_legacy(db, Path(project_dir), progress=progress)
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    totals = report.totals
    emit(
        seconds=elapsed,
        imported=totals.imported,
        rejected=totals.rejected,
        peak_kib=rss_kib()[1],
        sources=progress.times,
    )


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
    print("  import time by source:")
    print_table(
        ["source", "records", "time", "records/s"],
        [
            [
                source,
                f"{count:,}",
                ms(seconds),
                rate(count / seconds if seconds else 0, "rec"),
            ]
            for source, (seconds, count) in migrated["sources"].items()
            if count
        ],
        indent="    ",
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
