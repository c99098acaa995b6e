"""What an import did: counts per source file and per table, and every rejection."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_LISTED_REJECTIONS = 10_000


def records(count: int) -> str:
    """`count` followed by "record" or "records"."""
    return f"{count:,} record" if count == 1 else f"{count:,} records"


@dataclass(slots=True)
class Counts:
    """Records imported (inserted or applied), found already present, and rejected."""

    imported: int = 0
    present: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        self.imported += other.imported
        self.present += other.present
        self.rejected += other.rejected

    @property
    def total(self) -> int:
        return self.imported + self.present + self.rejected

    def to_dict(self) -> dict[str, int]:
        return {"imported": self.imported, "present": self.present, "rejected": self.rejected}


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record (or a whole file) that was skipped, where it is and why."""

    path: str
    line: int | None
    reason: str

    @property
    def location(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    """The outcome of one legacy import (or dry run) of a project directory.

    `by_source[relpath][table]` and `by_table[table]` hold the counts; `rejections` lists
    each rejected record with its `path:line` (the first 10,000; `rejections_unlisted`
    counts the rest); `notes` are files read but deliberately not imported, and why.
    """

    project_dir: Path
    dry_run: bool
    by_source: dict[str, dict[str, Counts]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    rejections_unlisted: int = 0
    notes: list[str] = field(default_factory=list)

    def counts(self, source: str, table: str) -> Counts:
        return self.by_source.setdefault(source, {}).setdefault(table, Counts())

    def reject(self, source: str, table: str, line: int | None, reason: str) -> None:
        self.counts(source, table).rejected += 1
        if len(self.rejections) < MAX_LISTED_REJECTIONS:
            self.rejections.append(Rejection(source, line, reason))
        else:
            self.rejections_unlisted += 1

    @property
    def by_table(self) -> dict[str, Counts]:
        tables: dict[str, Counts] = defaultdict(Counts)
        for per_table in self.by_source.values():
            for table, counts in per_table.items():
                tables[table].add(counts)
        return dict(sorted(tables.items()))

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.by_table.values():
            total.add(counts)
        return total

    @property
    def exit_code(self) -> int:
        """0 when nothing was rejected, 3 when some records were rejected."""
        return 3 if self.totals.rejected else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_dir": str(self.project_dir),
            "dry_run": self.dry_run,
            "totals": self.totals.to_dict(),
            "by_table": {table: c.to_dict() for table, c in self.by_table.items()},
            "by_source": {
                source: {table: c.to_dict() for table, c in tables.items()}
                for source, tables in self.by_source.items()
            },
            "rejections": [
                {"path": r.path, "line": r.line, "reason": r.reason} for r in self.rejections
            ],
            "rejections_unlisted": self.rejections_unlisted,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """One sentence: what was (or would be) imported."""
        totals = self.totals
        rejected = f", {totals.rejected:,} rejected" if totals.rejected else ""
        if totals.total == 0:
            return "No legacy records found."
        if totals.imported == 0:
            return (
                f"Nothing new to import: {records(totals.present)} already in the database"
                f"{rejected}."
            )
        verb = "would be imported" if self.dry_run else "imported"
        return (
            f"{records(totals.imported)} {verb}, {totals.present:,} already present"
            f"{rejected or ', none rejected'}."
        )

    def format_text(self) -> str:
        """The report as tables for a terminal: per source file, then per table."""
        title = "Dry run, nothing written" if self.dry_run else "Migrated"
        lines = [f"{title}: {self.project_dir}", ""]
        rows = [
            (source, table, counts)
            for source, tables in self.by_source.items()
            for table, counts in tables.items()
        ]
        width = max([len("source file"), *(len(source) for source, _, _ in rows)])
        table_width = max([len("table"), *(len(table) for table in self.by_table)])
        numbers = "  imported   present  rejected"

        def figures(c: Counts) -> str:
            return f"  {c.imported:>8,}  {c.present:>8,}  {c.rejected:>8,}"

        lines.append(f"  {'source file':<{width}}  {'table':<{table_width}}{numbers}")
        for source, table, counts in rows:
            lines.append(f"  {source:<{width}}  {table:<{table_width}}{figures(counts)}")
        lines += ["", f"  {'table':<{table_width}}{numbers}"]
        for table, counts in self.by_table.items():
            lines.append(f"  {table:<{table_width}}{figures(counts)}")
        if self.rejections:
            lines += ["", f"Rejected ({self.totals.rejected:,}):"]
            lines += [f"  {rejection}" for rejection in self.rejections]
            if self.rejections_unlisted:
                lines.append(f"  ... and {self.rejections_unlisted:,} more not listed")
        if self.notes:
            lines += ["", "Not imported:"]
            lines += [f"  {note}" for note in self.notes]
        lines += ["", self.summary()]
        return "\n".join(lines)
