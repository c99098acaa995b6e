"""`arcadia db info`: where the database is, its schema version and row counts."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import func, select

from arcadia_core.cli.common import (
    json_option,
    print_json,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.cli.lazy import ChoiceGroup
from arcadia_core.db import Database, metadata
from arcadia_core.db.schema import current_revision, head_revision
from arcadia_core.models import InjectionPointModel  # noqa: F401  (every model: counted tables)


@click.group(cls=ChoiceGroup, short_help="Inspect the project database.")
@project_dir_option
def db() -> None:
    """Inspect the project database (.arcadia/project.db)."""


@db.command(short_help="Path, schema version and row counts.")
@json_option("Print the path, schema versions and row counts as JSON.")
@project_dir_option
def info() -> int:
    """Where the database is, its schema version (and the one this Arcadia writes), and the
    number of rows in each table."""
    return run(db_info())


async def db_info() -> int:
    async with await Database.open(project_dir(), create=False) as database:
        revision = await current_revision(database)
        counts: dict[str, int] = {}
        async with database.read() as session:
            for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                count = await session.scalar(select(func.count()).select_from(table))
                counts[table.name] = count or 0
    report: dict[str, Any] = {
        "path": str(database.path),
        "schema_version": revision,
        "code_schema_version": head_revision(),
        "row_counts": counts,
    }
    if wants_json():
        print_json(report)
        return 0
    print(f"Database:       {report['path']}")
    print(f"Schema version: {revision} (this Arcadia writes {head_revision()})")
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"  {name:<{width}}  {count:>9,}")
    return 0
