"""The benchmark scripts still run: `python -m bench --quick` end to end (figures not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_of_every_benchmark_prints_the_summary(tmp_path: Path) -> None:
    """Every benchmark runs at smoke sizes and lands in the summary table."""
    from bench.__main__ import MODULES

    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--cache-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    summary = completed.stdout.split("== Summary", 1)[1]
    assert "Skipped" not in completed.stdout, summary
    for name in MODULES:
        short = __import__(name, fromlist=["NAME"]).NAME
        assert f"\n  {short} " in summary, f"{short} missing from the summary:\n{summary}"
    assert "CPU" in completed.stdout and "SQLite" in completed.stdout
