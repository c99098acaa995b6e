"""`arcadia migrate` and `arcadia export-legacy`: ArcadiaForge's dot-directories in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arcadia_core.cli.common import (
    fail,
    json_option,
    print_json,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.db import Database, database_path
from arcadia_core.legacy.discover import discover
from arcadia_core.legacy.exporter import export_legacy
from arcadia_core.legacy.importer import import_legacy
from arcadia_core.legacy.progress import Progress
from arcadia_core.legacy.report import records

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REJECTIONS = 3

MIGRATE_HELP = """Import an ArcadiaForge project's dot-directories into its database.

\b
Reads .autonomy/ .escalation/ .risk/ .failure_reports/ .human/ .learning/ .metrics/ .memory/
(and .events.jsonl) into DIR/.arcadia/project.db in one transaction; the files are only read.
Records already in the database are skipped, so running it again adds nothing.

\b
exit status:
  0  every record imported (or already present)
  3  imported, but some records were rejected (listed with path:line and the reason)
  1  failed: nothing was written
"""


@click.command(help=MIGRATE_HELP, short_help="Import ArcadiaForge's dot-directories.")
@click.option(
    "--dry-run", is_flag=True, help="Parse everything and print the same report, but write nothing."
)
@json_option("Print the report as JSON.")
@project_dir_option
def migrate(dry_run: bool) -> int:
    return run(migrate_command(dry_run=dry_run))


@click.command(
    name="export-legacy", short_help="Write the database back as ArcadiaForge dot-directories."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, readable=False),
    required=True,
    metavar="DIR",
    help="Directory to write the dot-directories into (created if missing).",
)
@click.option("--force", is_flag=True, help="Write into DIR even if it is not empty.")
@json_option("Print the files written and their record counts as JSON.")
@project_dir_option
def export_legacy_command(out: Path, force: bool) -> int:
    """Write the project database out in ArcadiaForge's dot-directory layout: the rollback path
    of the migration."""
    return run(export_command(out, force=force))


def import_progress() -> Progress | None:
    """Progress for a person: a Rich status line on a terminal's stderr, else none."""
    if not sys.stderr.isatty():
        return None
    from arcadia_core.cli.progress import RichImportProgress

    return RichImportProgress()


async def migrate_command(*, dry_run: bool) -> int:
    directory = project_dir()
    as_json = wants_json()
    if not directory.is_dir():
        return fail(f"{directory} is not a directory")
    progress = None if as_json else import_progress()
    if not discover(directory).sources and not as_json:
        print(f"No ArcadiaForge dot-directories in {directory}: nothing to migrate.")
        return EXIT_OK
    if dry_run:
        report = await import_legacy(None, directory, dry_run=True, progress=progress)
    elif not discover(directory).sources:
        report = await import_legacy(None, directory, dry_run=True)
    else:
        async with await Database.open(directory) as database:
            report = await import_legacy(database, directory, progress=progress)
    if as_json:
        print_json(report.to_dict())
    else:
        print(report.format_text())
    return EXIT_REJECTIONS if report.exit_code else EXIT_OK


async def export_command(out_dir: Path, *, force: bool) -> int:
    directory = project_dir()
    out = out_dir.expanduser().resolve()
    if out.exists() and not out.is_dir():
        return fail(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        return fail(f"{out} is not empty (use --force to write into it anyway)")
    if not database_path(directory).exists():
        return fail(f"no Arcadia database at {database_path(directory)}")
    async with await Database.open(directory, create=False) as database:
        written = await export_legacy(database, out)
    if wants_json():
        print_json({"out": str(out), "files": written})
        return EXIT_OK
    width = max((len(name) for name in written), default=0)
    for name, count in written.items():
        print(f"  {name:<{width}}  {count:>9,}")
    print(f"Exported {records(sum(written.values()))} to {out}")
    return EXIT_OK
