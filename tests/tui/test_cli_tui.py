"""`arcadia tui` refuses clearly, in one line, when there is nothing it can open."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import arcadia


def test_a_project_without_a_database_suggests_the_demo(project_dir: Path) -> None:
    result = arcadia("tui", project_dir)
    assert result.returncode == 1
    assert "no Arcadia database" in result.stderr and "arcadia demo" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (project_dir / ".arcadia").exists(), "the TUI must not create a database"


def test_a_file_that_is_not_a_database_is_refused_without_a_traceback(project_dir: Path) -> None:
    (project_dir / ".arcadia").mkdir()
    (project_dir / ".arcadia" / "project.db").write_text("not sqlite")
    result = arcadia("--project-dir", project_dir)
    assert result.returncode == 1
    assert "not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
