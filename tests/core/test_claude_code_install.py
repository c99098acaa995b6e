"""`install / uninstall claude-code` and `doctor` on temporary settings files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from arcadia_core.agents import claude_code_install as cci
from arcadia_core.agents.install import InstallError
from arcadia_core.db import Database, database_path

OTHER_HOOK = {"matcher": "Bash", "hooks": [{"type": "command", "command": "./lint.sh"}]}


@pytest.fixture
def executable(tmp_path: Path) -> Path:
    program = tmp_path / "bin dir" / "arcadia"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def settings(project_dir: Path) -> dict[str, object]:
    return dict(json.loads((project_dir / ".claude" / "settings.json").read_text()))


def test_install_merges_keeps_other_hooks_and_backs_up(project_dir: Path, executable: Path) -> None:
    path = project_dir / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"model": "x", "hooks": {"PreToolUse": [OTHER_HOOK]}}))
    result = cci.install(project_dir, executable=executable)
    assert result.changed and result.path == path
    assert result.backup is not None and json.loads(result.backup.read_text())["model"] == "x"
    assert result.diff.startswith(f"--- {path}\n+++ {path}\n")
    data = settings(project_dir)
    hooks = data["hooks"]
    assert data["model"] == "x"
    assert hooks["PreToolUse"][0] == OTHER_HOOK  # type: ignore[index]
    ours = hooks["PreToolUse"][1]  # type: ignore[index]
    assert ours["matcher"] == "*"
    assert ours["hooks"][0]["timeout"] == 3600
    assert ours["hooks"][0]["command"] == f"'{executable}' hook claude-code --timeout 3600"
    assert set(hooks) == set(cci.EVENTS)  # type: ignore[arg-type]
    assert hooks["SessionEnd"][0]["hooks"][0]["timeout"] == 60  # type: ignore[index]
    assert "matcher" not in hooks["SessionEnd"][0]  # type: ignore[index]


def test_install_is_idempotent(project_dir: Path, executable: Path) -> None:
    first = cci.install(project_dir, executable=executable)
    assert first.changed and first.backup is None  # nothing to back up
    before = settings(project_dir)
    again = cci.install(project_dir, executable=executable)
    assert not again.changed and again.diff == "" and again.backup is None
    assert settings(project_dir) == before
    moved = cci.install(project_dir, executable=executable.parent / "arcadia2")
    assert moved.changed  # a new path replaces our entries instead of adding more
    assert all(len(groups) == 1 for groups in settings(project_dir)["hooks"].values())  # type: ignore[attr-defined]


def test_uninstall_removes_only_ours(project_dir: Path, executable: Path) -> None:
    path = project_dir / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"hooks": {"PreToolUse": [OTHER_HOOK]}}))
    cci.install(project_dir, executable=executable)
    result = cci.uninstall(project_dir)
    assert result.changed and result.backup is not None
    assert settings(project_dir) == {"hooks": {"PreToolUse": [OTHER_HOOK]}}
    assert not cci.uninstall(project_dir).changed
    cci.install(project_dir, executable=executable)
    data = settings(project_dir)
    data["hooks"].pop("PreToolUse")  # type: ignore[attr-defined]
    path.write_text(json.dumps(data))
    cci.uninstall(project_dir)
    assert settings(project_dir) == {}


def test_user_install_honours_claude_config_dir(tmp_path: Path, executable: Path) -> None:
    config = tmp_path / "config"
    result = cci.install(user=True, executable=executable, env={"CLAUDE_CONFIG_DIR": str(config)})
    assert result.path == config / "settings.json"
    assert cci.hook_status(result.path).complete
    home = cci.settings_path(user=True, env={})
    assert home == Path.home() / ".claude" / "settings.json"


def test_a_broken_settings_file_is_refused_untouched(project_dir: Path, executable: Path) -> None:
    path = project_dir / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text("{ not json")
    with pytest.raises(InstallError, match="not valid JSON"):
        cci.install(project_dir, executable=executable)
    assert path.read_text() == "{ not json"
    path.write_text('{"hooks": []}')
    with pytest.raises(InstallError):
        cci.install(project_dir, executable=executable)


async def test_doctor(project_dir: Path, executable: Path, tmp_path: Path) -> None:
    env = {"CLAUDE_CONFIG_DIR": str(tmp_path / "none")}
    report = await cci.doctor_async(project_dir, env=env)
    assert not report.ok
    assert "no Arcadia hooks" in report.checks[0].detail

    cci.install(project_dir, executable=executable)
    report = await cci.doctor_async(project_dir, env=env)
    assert report.ok, report.checks
    assert [c.name for c in report.checks] == ["hooks installed", "hook executable", "database"]
    assert "the first hook creates it" in report.checks[-1].detail

    database = await Database.open(project_dir)
    await database.close()
    assert (await cci.doctor_async(project_dir, env=env)).checks[-1].detail.endswith("opens")

    database_path(project_dir).write_bytes(b"garbage" * 100)
    executable.unlink()
    report = await cci.doctor_async(project_dir, env=env)
    failed = {c.name for c in report.checks if not c.ok}
    assert failed == {"hook executable", "database"}
