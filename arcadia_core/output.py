"""Writing report and export files: atomically, and never over a directory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from arcadia_core.errors import InvalidInput


def check_output_path(path: Path | str) -> Path:
    """Return `path` resolved, refusing a directory or a missing parent directory."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory; give a file name to write")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: directory {target.parent} does not exist")
    return target


def write_atomic(path: Path | str, chunks: Iterable[str] | str) -> Path:
    """Write text to `path` through a temporary file in the same directory and a rename.

    A reader never sees a half-written file, and a failure leaves any previous file intact.
    """
    target = check_output_path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if isinstance(chunks, str):
                handle.write(chunks)
            else:
                for chunk in chunks:
                    handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600; an export is an ordinary file (or keeps the old mode).
        os.chmod(temp_name, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target
