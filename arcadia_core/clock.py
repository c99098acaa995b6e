"""The one place that reads the wall clock, so tests can freeze it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """Return a clock that always answers `moment` (made aware UTC if naive)."""
    frozen = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return lambda: frozen
