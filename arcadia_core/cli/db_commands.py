"""`arcadia db info`: where the database is, its schema version and row counts."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import func, select

from arcadia_core.cli.common import print_json, project_dir
from arcadia_core.db import Database, metadata
from arcadia_core.db.schema import current_revision, head_revision


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    db = subparsers.add_parser("db", help="inspect the project database", parents=[common])
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    info = db_sub.add_parser("info", help="path, schema version and row counts", parents=[common])
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler=db_info)


async def db_info(args: argparse.Namespace) -> int:
    async with await Database.open(project_dir(args), create=False) as database:
        revision = await current_revision(database)
        counts: dict[str, int] = {}
        async with database.read() as session:
            for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                counts[table.name] = await session.scalar(select(func.count()).select_from(table))
    report: dict[str, Any] = {
        "path": str(database.path),
        "schema_version": revision,
        "code_schema_version": head_revision(),
        "row_counts": counts,
    }
    if args.json:
        print_json(report)
        return 0
    print(f"Database:       {report['path']}")
    print(f"Schema version: {revision} (this Arcadia writes {head_revision()})")
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"  {name:<{width}}  {count:>9,}")
    return 0
