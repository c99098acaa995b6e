"""`arcadia --version`, `arcadia db info` and how the command reports errors."""

from __future__ import annotations

import json
from pathlib import Path

from arcadia_core import __version__
from arcadia_core.db import database_path
from arcadia_core.db.schema import head_revision
from tests.cli_helpers import arcadia


def test_version() -> None:
    result = arcadia("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"arcadia {__version__}"


async def test_db_info_reports_path_version_and_counts(db: object, project_dir: Path) -> None:
    result = arcadia("db", "info", "--json", "--project-dir", project_dir)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["path"] == str(database_path(project_dir))
    assert report["schema_version"] == head_revision()
    assert report["row_counts"]["injection_points"] == 0
    assert len(report["row_counts"]) == 26
    text = arcadia("db", "info", "--project-dir", project_dir)
    assert "injection_points" in text.stdout and head_revision() in text.stdout


def test_missing_database_is_one_line_error(project_dir: Path) -> None:
    result = arcadia("db", "info", "--project-dir", project_dir)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no Arcadia database" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_dir / ".arcadia").exists()


def test_not_a_database_is_one_line_error(project_dir: Path) -> None:
    path = database_path(project_dir)
    path.parent.mkdir()
    path.write_text("hello\n")
    result = arcadia("db", "info", "--project-dir", project_dir)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("arcadia: error:")
    assert result.stderr.count("\n") == 1
    assert path.read_text() == "hello\n"


def test_bad_arguments_exit_2_without_traceback() -> None:
    result = arcadia("db", "frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


def test_output_into_a_closed_pipe_stops_quietly(db: object, project_dir: Path) -> None:
    """`arcadia db info | head -1`: the reader is gone before the command writes."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    command = [
        sys.executable,
        "-m",
        "arcadia_tui.cli",
        "db",
        "info",
        "--project-dir",
        str(project_dir),
    ]
    try:
        result = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.close(write_end)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == 0
