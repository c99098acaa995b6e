"""An automatic supervisor for headless runs: it answers pending questions after a short delay.

It uses only `HumanInterface`: it polls the pending points, asks its policy what to do with
each new one, and after the delay answers (`answer_async`) or cancels it as
`api:autoresponder`. A policy may also leave a point alone, so its default applies on timeout.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from arcadia_core.db import Database
from arcadia_core.errors import Conflict, NotFound
from arcadia_core.managers import HumanInterface, InjectionPoint
from arcadia_core.vocabulary import (
    FREE_TEXT_TYPES,
    BuiltinRule,
    InjectionType,
    PointStatus,
    RespondedBy,
    answered_by,
)

RESPONDER = answered_by(RespondedBy.API, "autoresponder")


@dataclass(frozen=True)
class Cancel:
    """A policy's verdict: cancel the point."""


CANCEL = Cancel()
Verdict = str | Cancel | None
"""An answer, `CANCEL`, or None to leave the point to its timeout (or to someone else)."""
Policy = Callable[[InjectionPoint], Verdict]

HINTS = (
    "Check the order of the middleware: it has to run before authentication",
    "Freeze the clock in the test instead of sleeping",
    "Look at the fixture: it resets state between tests, so build the data inside the test",
    "Follow the existing patterns in api/ and keep the change small",
    "Key it by API key and fall back to the client IP",
)


class DemoPolicy:
    """A plausible supervisor: mostly follows the agent, sometimes overrides, ignores the trivial.

    Low-severity points that have a default are left to time out, as a busy person would;
    free-text questions mostly get a hint; irreversible actions are approved, denied or sent
    back for a checkpoint. Deterministic for a given seed and order of points.
    """

    def __init__(self, seed: int = 0, ignore_below_severity: int = 3) -> None:
        self.rng = random.Random(seed)
        self.ignore_below_severity = ignore_below_severity

    def __call__(self, point: InjectionPoint) -> Verdict:
        roll = self.rng.random()
        if point.default_on_timeout is not None and point.severity < self.ignore_below_severity:
            return None
        options, recommended = point.options, point.recommendation
        if point.point_type == InjectionType.APPROVAL:
            if point.escalation_rule_id == BuiltinRule.IRREVERSIBLE_ACTION:
                return (
                    "Approve"
                    if roll < 0.4
                    else "Deny"
                    if roll < 0.8
                    else "Request checkpoint first"
                )
            return "Approve" if roll < 0.85 else "Deny"
        if point.point_type in FREE_TEXT_TYPES and (roll < 0.7 or not options):
            return (
                self.rng.choice(HINTS)
                if point.point_type == InjectionType.GUIDANCE
                else recommended or HINTS[3]
            )
        if "Select alternative" in options and roll < 0.35:
            return "Select alternative"
        if roll < 0.2 and len(options) > 1:
            return self.rng.choice([option for option in options if option != recommended])
        return recommended or (options[0] if options else HINTS[3])


class AutoResponder:
    """Answer each new pending point as `policy` says, `delay` s (at speed 1) after it appears."""

    def __init__(
        self,
        db: Database,
        policy: Policy,
        *,
        speed: float = 1.0,
        delay: float = 1.5,
        poll_interval: float | None = None,
        by: str = RESPONDER,
    ) -> None:
        self.human = HumanInterface(db, user="autoresponder")
        self.policy = policy
        self.delay = delay / speed
        self.poll_interval = poll_interval or max(0.02, 0.05 / speed)
        self.by = by
        self.seen: set[str] = set()
        self.answered: list[tuple[str, str]] = []
        """(point id, answer or "cancelled") for every point this responder resolved."""

    async def run(self) -> None:
        """Poll and answer until cancelled."""
        replies: set[asyncio.Task[None]] = set()
        try:
            while True:
                for point in await self.human.get_pending_async():
                    if point.point_id in self.seen:
                        continue
                    self.seen.add(point.point_id)
                    verdict = self.policy(point)
                    if verdict is not None:
                        reply = asyncio.create_task(self._reply(point, verdict))
                        replies.add(reply)
                        reply.add_done_callback(replies.discard)
                await asyncio.sleep(self.poll_interval)
        finally:
            for reply in list(replies):
                reply.cancel()

    async def _reply(self, point: InjectionPoint, verdict: str | Cancel) -> None:
        await asyncio.sleep(self.delay)
        try:
            if isinstance(verdict, Cancel):
                await self.human.cancel_point_async(point.point_id, by=self.by)
                self.answered.append((point.point_id, PointStatus.CANCELLED))
            else:
                free = verdict not in point.options
                await self.human.answer_async(point.point_id, verdict, by=self.by, free_text=free)
                self.answered.append((point.point_id, verdict))
        except (Conflict, NotFound):
            pass  # resolved by someone else (or timed out) first
