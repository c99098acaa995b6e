"""The headless `arcadia` command line (the TUI package adds `tui` and `demo`)."""

from __future__ import annotations

from arcadia_core.cli.main import build_parser, main, run_command

__all__ = ["build_parser", "main", "run_command"]
