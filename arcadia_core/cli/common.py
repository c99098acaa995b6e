"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from arcadia_core.display import json_text


def project_dir(args: argparse.Namespace) -> Path:
    """The `--project-dir` given, or the current directory."""
    return Path(getattr(args, "project_dir", None) or Path.cwd()).expanduser().resolve()


def print_json(value: Any) -> None:
    """Print one JSON document (datetimes and other objects as strings)."""
    sys.stdout.write(json_text(value, indent=2) + "\n")


def fail(message: str, code: int = 1) -> int:
    """Print one error line on stderr and return `code` for the caller to exit with."""
    print(f"arcadia: error: {message}", file=sys.stderr)
    return code
