"""`arcadia migrate` and `arcadia export-legacy`: ArcadiaForge's dot-directories in and out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from arcadia_core.cli.common import fail, print_json, project_dir
from arcadia_core.db import Database, database_path
from arcadia_core.legacy.discover import discover
from arcadia_core.legacy.exporter import export_legacy
from arcadia_core.legacy.importer import import_legacy
from arcadia_core.legacy.progress import terminal_progress
from arcadia_core.legacy.report import records

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REJECTIONS = 3

_MIGRATE_EPILOG = """\
reads .autonomy/ .escalation/ .risk/ .failure_reports/ .human/ .learning/ .metrics/ .memory/
(and .events.jsonl) into DIR/.arcadia/project.db in one transaction; the files are only read.
Records already in the database are skipped, so running it again adds nothing.

exit status:
  0  every record imported (or already present)
  3  imported, but some records were rejected (listed with path:line and the reason)
  1  failed: nothing was written
"""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    migrate = subparsers.add_parser(
        "migrate",
        help="import ArcadiaForge's dot-directories into the database",
        description="Import an ArcadiaForge project's dot-directories into its database.",
        epilog=_MIGRATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    migrate.add_argument(
        "--dry-run",
        action="store_true",
        help="parse everything and print the same report, but write nothing",
    )
    migrate.add_argument("--json", action="store_true", help="print the report as JSON")
    migrate.set_defaults(handler=migrate_command)

    export = subparsers.add_parser(
        "export-legacy",
        help="write the database back as ArcadiaForge dot-directories (rollback)",
        description="Write the project database out in ArcadiaForge's dot-directory layout.",
        parents=[common],
    )
    export.add_argument("--out", type=Path, required=True, help="directory to write into")
    export.add_argument(
        "--force", action="store_true", help="write into OUT even if it is not empty"
    )
    export.add_argument("--json", action="store_true", help="print what was written as JSON")
    export.set_defaults(handler=export_command)


async def migrate_command(args: argparse.Namespace) -> int:
    directory = project_dir(args)
    if not directory.is_dir():
        return fail(f"{directory} is not a directory")
    progress = None if args.json else terminal_progress()
    if not discover(directory).sources and not args.json:
        print(f"No ArcadiaForge dot-directories in {directory}: nothing to migrate.")
        return EXIT_OK
    if args.dry_run:
        report = await import_legacy(None, directory, dry_run=True, progress=progress)
    elif not discover(directory).sources:
        report = await import_legacy(None, directory, dry_run=True)
    else:
        async with await Database.open(directory) as database:
            report = await import_legacy(database, directory, progress=progress)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.format_text())
    return EXIT_REJECTIONS if report.exit_code else EXIT_OK


async def export_command(args: argparse.Namespace) -> int:
    directory = project_dir(args)
    out = Path(args.out).expanduser().resolve()
    if out.exists() and not out.is_dir():
        return fail(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        return fail(f"{out} is not empty (use --force to write into it anyway)")
    if not database_path(directory).exists():
        return fail(f"no Arcadia database at {database_path(directory)}")
    async with await Database.open(directory, create=False) as database:
        written = await export_legacy(database, out)
    if args.json:
        print_json({"out": str(out), "files": written})
        return EXIT_OK
    width = max((len(name) for name in written), default=0)
    for name, count in written.items():
        print(f"  {name:<{width}}  {count:>9,}")
    print(f"Exported {records(sum(written.values()))} to {out}")
    return EXIT_OK
