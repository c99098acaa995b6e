"""How fast the simulation runs: every pause and short timeout is divided by the speed."""

from __future__ import annotations

import asyncio
import random

from arcadia_core.errors import InvalidInput


class Pace:
    """Pauses jittered by the seeded generator and scaled by `speed` (2 = twice as fast)."""

    def __init__(self, speed: float, rng: random.Random) -> None:
        if not speed > 0:
            raise InvalidInput(f"speed must be a positive number, not {speed}")
        self.speed = float(speed)
        self.rng = rng

    async def pause(self, seconds: float) -> None:
        """Wait about `seconds` at speed 1 (between 80% and 120% of it)."""
        await asyncio.sleep(seconds * self.rng.uniform(0.8, 1.2) / self.speed)

    def timeout(self, seconds: float) -> int:
        """A question's timeout in whole seconds at this speed (at least 1, to leave a chance)."""
        return max(1, round(seconds / self.speed))

    @property
    def poll_interval(self) -> float:
        """How often a waiting agent re-reads its question (more often when the run is faster)."""
        return max(0.02, 0.1 / self.speed)
