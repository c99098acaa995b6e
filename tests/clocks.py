"""A clock that tests move forward by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ManualClock:
    """Callable like `utc_now`; `advance()` moves it forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
