"""Installing Arcadia's hooks into an agent's settings file: merge, back up, show the change.

Agent-neutral pieces (where the executable is, JSON files written safely with a timestamped
backup and a unified diff) used by each agent's installer (`claude_code_install`).
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from arcadia_core.errors import ArcadiaError


class InstallError(ArcadiaError):
    """A settings file cannot be read or written as it is."""


@dataclass(frozen=True, slots=True)
class InstallResult:
    """What an install or uninstall did to one settings file."""

    path: Path
    changed: bool
    diff: str
    """A unified diff of the file (empty when nothing changed)."""
    backup: Path | None
    """The copy of the file as it was (None when it did not exist or did not change)."""
    command: str
    """The hook command line (for uninstall: the one that was looked for)."""


def arcadia_executable() -> Path:
    """The absolute path of the `arcadia` script of this installation.

    The one next to the running interpreter (the virtual environment's), else the one on
    PATH; raise InstallError when there is none.
    """
    beside = Path(sys.executable).parent / "arcadia"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside.absolute()
    found = shutil.which("arcadia")
    if found:
        return Path(found).absolute()
    raise InstallError(
        "cannot find the `arcadia` executable next to this Python or on PATH; "
        "install Arcadia (pip install arcadia) and try again",
        title="No arcadia executable",
    )


def command_line(executable: Path, *args: str) -> str:
    """A shell command line (hooks run under `/bin/sh -c`), each part quoted."""
    return " ".join(shlex.quote(part) for part in (str(executable), *args))


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path` ({} when the file is missing or empty)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise InstallError(f"cannot read {path}: {error.strerror or error}") from error
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstallError(
            f"{path} is not valid JSON (line {error.lineno}: {error.msg}); fix it first, "
            "Arcadia will not overwrite it",
            title="Invalid settings file",
        ) from error
    if not isinstance(value, dict):
        raise InstallError(f"{path} does not hold a JSON object; Arcadia will not overwrite it")
    return value


def dumps(data: dict[str, Any]) -> str:
    """The settings file text Arcadia writes (2-space indent, trailing newline)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_with_backup(
    path: Path, before: dict[str, Any], after: dict[str, Any], *, now: datetime | None = None
) -> tuple[bool, str, Path | None]:
    """Write `after` to `path` if it differs from `before`: (changed, diff, backup path).

    The old file is copied to `<name>.arcadia-backup-<UTC timestamp>` first; the new one is
    written to a temporary file and renamed into place, so a crash never leaves half a file.
    """
    old_text = path.read_text(encoding="utf-8") if path.exists() else ""
    if after == before and path.exists():
        return False, "", None
    new_text = dumps(after)
    diff = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=str(path) if path.exists() else "/dev/null",
            tofile=str(path),
        )
    )
    backup = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
            backup = path.with_name(f"{path.name}.arcadia-backup-{stamp}")
            shutil.copy2(path, backup)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except OSError as error:
        raise InstallError(f"cannot write {path}: {error.strerror or error}") from error
    return True, diff, backup
