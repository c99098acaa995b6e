"""Run the real `arcadia` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def arcadia(
    *args: str | Path, input: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `arcadia ARGS...` (via `python -m arcadia_tui.cli`) and capture its output."""
    env = {**os.environ, "ARCADIA_USER": "tester", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "arcadia_tui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        env=env,
    )
