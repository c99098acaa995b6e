"""Bad database files: every command says what is wrong in one line and modifies nothing.

Missing, empty, not SQLite, truncated, damaged, from a newer Arcadia, read-only (the file, or
its directory), and locked by another process for longer than the busy timeout. "Nothing
modified" means the same bytes in every file of `.arcadia/` and no new file (no `-wal` or
`-shm` beside a file we refused).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from arcadia_core.config import Settings
from arcadia_core.db import Database, database_path
from arcadia_core.managers import HumanInterface, InjectionType
from arcadia_tui.app import build_app
from arcadia_tui.screens.database_error import DatabaseErrorScreen
from tests.agent_process import REPO_ROOT
from tests.cli_helpers import arcadia
from tests.cli_inprocess import CliResult, run_cli
from tests.legacy_helpers import copy_sample
from tests.reliability.helpers import directory_state, processes, read_line, report, worker
from tests.tui.conftest import flat, live_screen, rendered_text, squash, wait_until

pytestmark = pytest.mark.reliability

POINT = "INJ-1-1"
# Every subcommand that opens the database, with arguments that would otherwise work.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("pending",),
    ("pending", "--json"),
    ("show", POINT),
    ("respond", POINT, "yes"),
    ("accept", POINT),
    ("cancel", POINT),
    ("expire", "--older-than", "1h"),
    ("autonomy", "show"),
    ("autonomy", "set", "2"),
    ("autonomy", "tool", "Bash", "4"),
    ("rules", "list"),
    ("rules", "check"),
    ("report", "failures"),
    ("report", "risk", "--format", "json"),
    ("report", "metrics"),
    ("db", "info"),
    ("watch", "--json"),
    ("migrate", "--dry-run"),
    ("migrate",),
)


async def make_database(project_dir: Path) -> Path:
    """A healthy project database with one pending point, closed (no -wal or -shm left)."""
    database = await Database.open(project_dir)
    try:
        human = HumanInterface(database, 1, user="agent")
        await human.create_point_async(InjectionType.DECISION, {}, ["yes", "no"], "yes")
    finally:
        await database.close()
    path = database_path(project_dir)
    assert sorted(p.name for p in path.parent.iterdir()) == ["project.db"]
    copy_sample(project_dir)  # so that `migrate` has something to import
    return path


def spoil(path: Path, kind: str) -> str:
    """Make the database file bad in the way `kind` says; return what the error must say."""
    if kind == "missing":
        shutil.rmtree(path.parent)
        return "no Arcadia database at"
    if kind == "empty":
        path.write_bytes(b"")
        return "is an empty file"
    if kind == "not-sqlite":
        path.write_text("print('hello')\n")
        return "is not an SQLite database"
    if kind == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return "is truncated"
    if kind == "damaged":
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xa5" * (4096 - 100)  # page 1 past the header: the schema table
        path.write_bytes(bytes(data))
        return "is damaged"
    if kind == "newer-schema":
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        return "newer than this Arcadia"
    raise ValueError(kind)


def assert_one_line_error(result: CliResult | subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("arcadia: error: "), result.stderr
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def arcadia_dir_state(project_dir: Path) -> dict[str, bytes] | None:
    directory = project_dir / ".arcadia"
    return directory_state(directory) if directory.exists() else None


BAD_KINDS = ("missing", "empty", "not-sqlite", "truncated", "damaged", "newer-schema")


@pytest.mark.parametrize("kind", BAD_KINDS)
async def test_every_command_refuses_a_bad_file_in_one_line_and_changes_nothing(
    project_dir: Path, kind: str
) -> None:
    says = spoil(await make_database(project_dir), kind)
    before = arcadia_dir_state(project_dir)
    commands = [command for command in COMMANDS if kind != "missing" or command[0] != "migrate"]
    for command in commands:
        result = await asyncio.wait_for(run_cli(*command, "--project-dir", project_dir), 30)
        assert_one_line_error(result, says)
        assert arcadia_dir_state(project_dir) == before, command
    # The real command, in its own process: the same line, no traceback.
    assert_one_line_error(arcadia("respond", POINT, "yes", "--project-dir", project_dir), says)
    assert arcadia_dir_state(project_dir) == before
    report(f"bad file: {kind}", commands_refused=len(commands) + 1, files_changed=0)


def run_as_another_user(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real `arcadia` command as a user who may read the files here but not write them.

    As root (who may write anything), the command runs as `nobody` keeping only the right to
    read and search every file (CAP_DAC_READ_SEARCH); otherwise as ourselves.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot test read-only files")
        prefix = [
            setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
            "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search",
        ]  # fmt: skip
    env = {
        **os.environ,
        "ARCADIA_USER": "tester",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "arcadia_tui.cli", *map(str, args)],
        capture_output=True, text=True, timeout=60, env=env, cwd=REPO_ROOT,
    )  # fmt: skip


@pytest.mark.parametrize("what", ["file", "directory"])
async def test_a_read_only_database_is_refused_in_one_line_and_changed_nothing(
    project_dir: Path, what: str
) -> None:
    path = await make_database(project_dir)
    # Only the `what` is read-only; the other is writable by anyone.
    path.chmod(0o400 if what == "file" else 0o666)
    path.parent.chmod(0o777 if what == "file" else 0o555)
    try:
        before = arcadia_dir_state(project_dir)
        commands = (("pending",), ("respond", POINT, "yes"), ("watch", "--json"), ("tui",))
        for command in commands:
            result = run_as_another_user(*command, "--project-dir", project_dir)
            assert_one_line_error(result, f"is read-only (no write permission on its {what})")
            assert arcadia_dir_state(project_dir) == before
    finally:
        path.parent.chmod(0o700)
        path.chmod(0o600)
    report(f"read-only {what}", commands_refused=len(commands), files_changed=0)


@pytest.mark.parametrize("kind", ["exclusive", "locking-mode"])
async def test_a_database_locked_for_longer_than_the_busy_timeout_is_one_line(
    project_dir: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_database(project_dir)
    monkeypatch.setenv("ARCADIA_BUSY_TIMEOUT_MS", "300")
    says = "is locked by another process (waited 0.3 s)"
    # Under BEGIN EXCLUSIVE a WAL database can still be read; only writers must wait.
    writes = [command for command in COMMANDS if command[0] in {"respond", "accept", "cancel"}]
    writes += [("autonomy", "set", "2"), ("expire", "--older-than", "0s")]
    reads = [("pending",), ("show", POINT), ("report", "risk")]
    with processes() as started:
        started.append(holder := worker("hold-lock", project_dir, kind))
        assert await read_line(holder) == "locked"
        before = arcadia_dir_state(project_dir)
        for command in writes + (reads if kind == "locking-mode" else []):
            result = await asyncio.wait_for(run_cli(*command, "--project-dir", project_dir), 30)
            assert_one_line_error(result, says)
        if kind == "exclusive":
            for command in reads:
                result = await run_cli(*command, "--project-dir", project_dir)
                assert result.returncode == 0, result.stderr
        process = arcadia("respond", POINT, "yes", "--project-dir", project_dir)
        assert_one_line_error(process, says)
        assert arcadia_dir_state(project_dir) == before
    async with await Database.open(project_dir) as database:  # the holder has let go
        point = await HumanInterface(database).get_point_async(POINT)
        assert point.is_pending
    report(f"locked ({kind})", busy_timeout_ms=300, commands_refused=len(writes) + 1)


# -- the TUI ----------------------------------------------------------------------------------


async def open_tui_on(project_dir: Path) -> tuple[int | None, str, str]:
    """Start the TUI as `arcadia tui` builds it; return its exit code, title and message."""
    app = build_app(Settings(project_dir=project_dir, poll_interval=0.02, user="alice"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DatabaseErrorScreen))
        title = flat(rendered_text(app.screen.query_one("#database-error-title")))
        message = squash(rendered_text(app.screen.query_one("#database-error-message")))
        await pilot.press("f3", "f4", "f5", "ctrl+p", "question_mark")  # no view can open
        await pilot.pause()
        assert isinstance(app.screen, DatabaseErrorScreen)
        await pilot.press("q")
    return app.return_code, title, message


@pytest.mark.parametrize("kind", BAD_KINDS)
async def test_the_tui_shows_why_it_cannot_open_a_bad_file_and_changes_nothing(
    project_dir: Path, kind: str
) -> None:
    says = spoil(await make_database(project_dir), kind)
    before = arcadia_dir_state(project_dir)
    code, title, message = await open_tui_on(project_dir)
    assert code == 1 and title
    assert squash(says) in message, message
    assert arcadia_dir_state(project_dir) == before
    report(f"TUI on a bad file: {kind}", error_screen=title, exit_code=code, files_changed=0)


async def test_the_tui_shows_a_locked_database_and_a_refused_answer(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_database(project_dir)
    monkeypatch.setenv("ARCADIA_BUSY_TIMEOUT_MS", "300")
    with processes() as started:
        # Locked for readers too: the TUI cannot even start.
        started.append(holder := worker("hold-lock", project_dir, "locking-mode"))
        assert await read_line(holder) == "locked"
        code, title, message = await open_tui_on(project_dir)
        assert (code, title) == (1, "Database locked")
        assert squash("is locked by another process (waited 0.3 s)") in message
        holder.kill()
        holder.communicate(timeout=30)

        # Locked for writers only: the TUI shows the point, and answering says why it failed.
        started.append(holder := worker("hold-lock", project_dir, "exclusive"))
        assert await read_line(holder) == "locked"
        app = build_app(Settings(project_dir=project_dir, poll_interval=0.02, user="alice"))
        notes: list[tuple[str, str]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await live_screen(pilot)
            original = screen.notify
            screen.notify = lambda message, **options: (  # type: ignore[method-assign]
                notes.append((options.get("title", ""), message)),
                original(message, **options),
            )[1]
            await wait_until(pilot, lambda: screen.queue.row_count == 1)
            await pilot.press("1")
            await wait_until(pilot, lambda: any(t == "Database locked" for t, _ in notes))
        assert any("is locked by another process (waited 0.3 s)" in m for _, m in notes), notes
    async with await Database.open(project_dir) as database:
        assert (await HumanInterface(database).get_point_async(POINT)).is_pending
    report("TUI on a locked database", start_refused=1, answer_refused=1, crashed=0)
