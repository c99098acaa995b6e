"""The revision ids read from the migration files as text agree with Alembic's own view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.db.schema import head_revision, known_revisions, revision_graph, script_directory


def test_text_revision_graph_matches_alembic() -> None:
    """Head, ids and parents found without Alembic are the ones Alembic finds."""
    scripts = script_directory()
    assert head_revision() == scripts.get_current_head()
    assert revision_graph() == {
        script.revision: script.down_revision for script in scripts.walk_revisions()
    }
    assert known_revisions() == set(revision_graph())


async def test_opening_a_current_database_does_not_import_alembic(project_dir: Path) -> None:
    """Only an upgrade needs Alembic; an `arcadia` command on a current database skips it."""
    database = await Database.open(project_dir)
    await database.close()
    code = (
        "import asyncio, sys\n"
        "from arcadia_core.db import Database\n"
        "async def main():\n"
        f"    db = await Database.open({str(project_dir)!r}, create=False)\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "False"
