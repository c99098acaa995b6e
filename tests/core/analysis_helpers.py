"""Helpers shared by the analysis-manager tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


class StepClock:
    """A clock that moves forward by `step` seconds on every reading."""

    def __init__(self, start: datetime = START, step: float = 1.0) -> None:
        self.now = start - timedelta(seconds=step)
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now
