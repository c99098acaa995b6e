"""`arcadia install / uninstall claude-code` and the Claude Code part of `arcadia doctor`.

The hooks go into `<project>/.claude/settings.json` (`--project DIR`) or the user's
`settings.json` in `$CLAUDE_CONFIG_DIR` (default `~/.claude`, `--user`). Each of the nine
events gets one entry running `<abs path>/arcadia hook claude-code --timeout N` with an
explicit `timeout` of N seconds: 3600 for the events that may wait for a person
(PreToolUse, PermissionRequest), 60 for the others. The gate's own budget is N minus a margin
(`budget_from_host_timeout`). Ours are the entries whose command runs `hook claude-code`;
installing again replaces them (idempotent), other hooks are kept, uninstall removes only
ours.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcadia_core.agents.install import (
    InstallError,
    InstallResult,
    arcadia_executable,
    command_line,
    read_json_object,
    write_with_backup,
)

HOOK_ARGS = ("hook", "claude-code")
BLOCKING_TIMEOUT = 3600
QUICK_TIMEOUT = 60
TOOL_EVENTS = ("PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure")
OTHER_EVENTS = ("SessionStart", "UserPromptSubmit", "Notification", "Stop", "SessionEnd")
EVENTS = TOOL_EVENTS + OTHER_EVENTS
BLOCKING_EVENTS = frozenset({"PreToolUse", "PermissionRequest"})


def user_settings_path(env: Mapping[str, str] | None = None) -> Path:
    """`$CLAUDE_CONFIG_DIR/settings.json`, default `~/.claude/settings.json`."""
    source = os.environ if env is None else env
    base = source.get("CLAUDE_CONFIG_DIR") or str(Path.home() / ".claude")
    return Path(base).expanduser() / "settings.json"


def project_settings_path(project_dir: Path | str) -> Path:
    """`<project>/.claude/settings.json`."""
    return Path(project_dir).expanduser().resolve() / ".claude" / "settings.json"


def settings_path(
    project_dir: Path | str | None = None,
    *,
    user: bool = False,
    env: Mapping[str, str] | None = None,
) -> Path:
    """The settings file of `--user` or `--project DIR` (default: the current directory)."""
    if user:
        return user_settings_path(env)
    return project_settings_path(project_dir or Path.cwd())


def is_ours(hook: Any) -> bool:
    """Whether a hook entry runs `... hook claude-code ...`."""
    if not isinstance(hook, dict) or not isinstance(hook.get("command"), str):
        return False
    try:
        words = shlex.split(hook["command"])
    except ValueError:
        return False
    return any(words[i : i + 2] == list(HOOK_ARGS) for i in range(len(words) - 1))


def _without_ours(hooks: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            cleaned[event] = groups
            continue
        kept_groups = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                kept = [hook for hook in group["hooks"] if not is_ours(hook)]
                if not kept and len(kept) != len(group["hooks"]):
                    continue  # the group held only our hook
                kept_groups.append({**group, "hooks": kept})
            else:
                kept_groups.append(group)
        if kept_groups or not groups:
            cleaned[event] = kept_groups
    return cleaned


def hook_command(executable: Path, timeout: int) -> str:
    """The command line of one hook entry."""
    return command_line(executable, *HOOK_ARGS, "--timeout", str(timeout))


def merged_settings(
    settings: dict[str, Any],
    executable: Path,
    *,
    blocking_timeout: int = BLOCKING_TIMEOUT,
    quick_timeout: int = QUICK_TIMEOUT,
) -> dict[str, Any]:
    """`settings` with our entries (re)placed for every event; everything else kept."""
    hooks = settings.get("hooks", {})
    if not isinstance(hooks, dict):
        raise InstallError("the `hooks` value of the settings file is not an object")
    merged = _without_ours(hooks)
    for event in EVENTS:
        timeout = blocking_timeout if event in BLOCKING_EVENTS else quick_timeout
        entry: dict[str, Any] = {
            "hooks": [
                {
                    "type": "command",
                    "command": hook_command(executable, timeout),
                    "timeout": timeout,
                }
            ]
        }
        if event in TOOL_EVENTS:
            entry = {"matcher": "*", **entry}
        groups = merged.get(event)
        merged[event] = [*(groups if isinstance(groups, list) else []), entry]
    return {**settings, "hooks": merged}


def install(
    project_dir: Path | str | None = None,
    *,
    user: bool = False,
    executable: Path | None = None,
    blocking_timeout: int = BLOCKING_TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> InstallResult:
    """Merge Arcadia's hooks into the settings file; a second run changes nothing."""
    path = settings_path(project_dir, user=user, env=env)
    program = executable or arcadia_executable()
    before = read_json_object(path)
    after = merged_settings(before, program, blocking_timeout=blocking_timeout)
    changed, diff, backup = write_with_backup(path, before, after)
    return InstallResult(path, changed, diff, backup, hook_command(program, blocking_timeout))


def uninstall(
    project_dir: Path | str | None = None,
    *,
    user: bool = False,
    env: Mapping[str, str] | None = None,
) -> InstallResult:
    """Remove only Arcadia's hook entries (empty event lists they leave go too)."""
    path = settings_path(project_dir, user=user, env=env)
    before = read_json_object(path)
    command = " ".join(HOOK_ARGS)
    if not path.exists() or not isinstance(before.get("hooks"), dict):
        return InstallResult(path, False, "", None, command)
    hooks = _without_ours(before["hooks"])
    after = dict(before)
    if hooks:
        after["hooks"] = hooks
    else:
        after.pop("hooks")
    changed, diff, backup = write_with_backup(path, before, after)
    return InstallResult(path, changed, diff, backup, command)


@dataclass(frozen=True, slots=True)
class HookStatus:
    """Which of our hooks one settings file holds."""

    path: Path
    exists: bool
    events: tuple[str, ...]
    commands: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def complete(self) -> bool:
        return set(self.events) >= set(EVENTS)


def hook_status(path: Path) -> HookStatus:
    """Our hook entries in one settings file."""
    try:
        settings = read_json_object(path)
    except InstallError as error:
        return HookStatus(path, path.exists(), (), problem=error.message)
    hooks = settings.get("hooks")
    events: list[str] = []
    commands: list[str] = []
    if isinstance(hooks, dict):
        for event, groups in hooks.items():
            for group in groups if isinstance(groups, list) else []:
                for hook in group.get("hooks", []) if isinstance(group, dict) else []:
                    if is_ours(hook):
                        events.append(event)
                        commands.append(hook["command"])
    return HookStatus(path, path.exists(), tuple(dict.fromkeys(events)), tuple(commands))


@dataclass(frozen=True, slots=True)
class Check:
    """One line of `arcadia doctor`."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """What `arcadia doctor` found for Claude Code in one project."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def _executable_of(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        return ""
    return words[0] if words else ""


async def doctor_async(
    project_dir: Path | str, *, env: Mapping[str, str] | None = None
) -> DoctorReport:
    """Hooks installed (project or user settings), their executable runs, the database opens."""
    from arcadia_core.db import Database, database_path
    from arcadia_core.errors import ArcadiaError

    project = Path(project_dir).expanduser().resolve()
    checks: list[Check] = []
    statuses = [hook_status(project_settings_path(project)), hook_status(user_settings_path(env))]
    for status in statuses:
        if status.problem:
            checks.append(Check(f"hooks in {status.path}", False, status.problem))
    installed = [status for status in statuses if status.events]
    if not installed:
        checks.append(
            Check(
                "hooks installed",
                False,
                "no Arcadia hooks in "
                + " or ".join(str(s.path) for s in statuses)
                + "; run `arcadia install claude-code --project DIR` (or `--user`)",
            )
        )
    for status in installed:
        missing = [event for event in EVENTS if event not in status.events]
        detail = f"{len(status.events)} events in {status.path}"
        if missing:
            detail += f"; missing {', '.join(missing)} (run `arcadia install claude-code` again)"
        checks.append(Check("hooks installed", not missing, detail))
        for program in sorted({_executable_of(c) for c in status.commands}):
            runs = bool(program) and os.path.isabs(program) and os.access(program, os.X_OK)
            checks.append(
                Check(
                    "hook executable",
                    runs,
                    f"{program} runs"
                    if runs
                    else f"{program or '(empty command)'} is not an executable absolute path; "
                    "Claude Code would skip the hook and allow by its own rules. "
                    "Run `arcadia install claude-code` again",
                )
            )
    path = database_path(project)
    if not path.exists():
        checks.append(
            Check("database", True, f"{path} does not exist yet; the first hook creates it")
        )
    else:
        try:
            database = await Database.open(project, create=False)
        except ArcadiaError as error:
            checks.append(Check("database", False, f"{error.message}; hooks would deny every call"))
        else:
            await database.close()
            checks.append(Check("database", True, f"{path} opens"))
    return DoctorReport(checks)


def doctor(project_dir: Path | str, *, env: Mapping[str, str] | None = None) -> DoctorReport:
    """Blocking form of `doctor_async`."""
    from arcadia_core.sync import run_blocking

    return run_blocking(doctor_async(project_dir, env=env))
