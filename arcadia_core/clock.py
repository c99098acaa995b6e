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


def iso(moment: datetime | None) -> str | None:
    """ISO text of a timestamp (None stays None)."""
    return moment.isoformat() if moment is not None else None


def parse_iso(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from ISO text or a datetime (naive means UTC); None or "" is None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
