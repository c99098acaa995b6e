"""Settings read from the environment (prefix `ARCADIA_`), passed explicitly, never global."""

from __future__ import annotations

import getpass
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from arcadia_core.errors import InvalidInput


def _poll_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= 3600:  # nan included
        raise InvalidInput(
            f"ARCADIA_POLL_INTERVAL must be a number of seconds above 0 and at most 3600, "
            f"not {text!r}",
            title="Invalid setting",
        )
    return value


def default_user() -> str:
    """The OS user name, the default identity recorded with an answer."""
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the project is and how eagerly to poll it."""

    project_dir: Path = field(default_factory=Path.cwd)
    """The project whose `.arcadia/project.db` is used."""
    poll_interval: float = 0.1
    """Seconds between change-feed polls and between checks of a waiting agent."""
    user: str = field(default_factory=default_user)
    """Who answers from this process (recorded as `tui:<user>` or `cli:<user>`)."""

    @classmethod
    def from_env(cls, project_dir: Path | str | None = None) -> Settings:
        """Build settings from `ARCADIA_PROJECT_DIR`, `ARCADIA_POLL_INTERVAL`, `ARCADIA_USER`."""
        env = os.environ
        directory = project_dir or env.get("ARCADIA_PROJECT_DIR") or Path.cwd()
        interval = _poll_interval(env.get("ARCADIA_POLL_INTERVAL", "0.1"))
        return cls(
            project_dir=Path(directory).expanduser().resolve(),
            poll_interval=interval,
            user=env.get("ARCADIA_USER") or default_user(),
        )
