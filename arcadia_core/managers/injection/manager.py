"""Injection points: the agent asks a person, any process answers, exactly one outcome wins.

`HumanInterface.request_input` inserts a pending point and waits for its outcome, re-reading
the row in a fresh transaction every `poll_interval` seconds, so an answer committed by the TUI,
by `arcadia respond` or by any other connection is seen within one interval. A point moves
from `pending` to `responded`, `timeout` or `cancelled` exactly once, through a conditional
UPDATE: a late answer never overwrites a timeout, a timeout never overwrites an answer, and of
two racing responders one wins while the other gets `Conflict` ("... was already answered by
tui:alice: 'yes'").

`responded_by` records who resolved a point:

- `pending` — nobody yet (status `pending`);
- `tui:<user>`, `cli:<user>`, `api:<user>` — a person through the TUI, the `arcadia` command
  line, or a direct Python call (`api` is the default channel of this class); on status
  `responded` they answered, on status `cancelled` they cancelled the point;
- `timeout_default` — the waiting agent applied `default_on_timeout` (status `timeout`);
- `expired` (or the `by` given to `expire_async`; `arcadia expire` records
  `expired:cli:<user>`) — a point left pending by an agent that is gone was resolved as
  `timeout`, with its default when it has one;
- `pause_requested` — `request_pause()` ended the wait (status `cancelled`);
- `agent` — the asking agent's wait was interrupted (status `cancelled`).

Without a `default_on_timeout` a point never times out: the agent waits until someone answers
or cancels (the stored `timeout_seconds` is then informational). A cancelled or paused point
hands the agent its default, else the recommendation, with `responded=False`.

Method forms: ArcadiaForge's `respond`, `cancel`, `get_pending`, `get_injection`,
`get_history` and `get_stats` are blocking and each has an `_async` twin that does the work;
`request_input` stays async as in ArcadiaForge, with the blocking twin `request_input_sync`.
The methods added here (`create_point`, `wait_for_response`, `answer`, `cancel_point`,
`expire`, and `insert` / `ask`, which take a checked `NewPoint`) follow the `x` / `x_async`
pattern. `get_pending` lists the most severe points first,
then the oldest.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from arcadia_core.clock import Clock, utc_now
from arcadia_core.config import default_user
from arcadia_core.db import Database
from arcadia_core.errors import Conflict, InvalidInput, NotFound
from arcadia_core.managers.injection import queries
from arcadia_core.managers.injection.records import InjectionPoint, InjectionResponse, NewPoint
from arcadia_core.sync import blocking
from arcadia_core.vocabulary import (
    RESPONDED_BY_MAX,
    InjectionType,
    PointStatus,
    RespondedBy,
    answered_by,
)

__all__ = [
    "HumanInterface",
    "InjectionConflict",
    "InjectionPoint",
    "InjectionResponse",
    "InjectionType",
    "create_human_interface",
    "create_human_interface_async",
    "request_human_input_sync",
]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def conflict_message(point: InjectionPoint) -> str:
    """Why a non-pending point cannot be answered or cancelled, in one line."""
    if point.status == PointStatus.RESPONDED:
        return f"{point.point_id} was already answered by {point.responded_by}: {point.response!r}"
    if point.status == PointStatus.TIMEOUT:
        if point.response is not None:
            return f"{point.point_id} timed out (default {point.response!r} applied)"
        return f"{point.point_id} timed out (no default; resolved by {point.responded_by})"
    if point.status == PointStatus.CANCELLED:
        return f"{point.point_id} was cancelled by {point.responded_by}"
    return f"{point.point_id} is {point.status}, not pending"


def _asking(
    checked: Callable[P, NewPoint],
) -> Callable[
    [Callable[[HumanInterface, NewPoint], Coroutine[Any, Any, T]]],
    Callable[Concatenate[HumanInterface, P], Coroutine[Any, Any, T]],
]:
    """Give a method taking a `NewPoint` the parameters of `checked`, which builds it."""
    request = list(inspect.signature(checked).parameters.values())

    def decorate(
        method: Callable[[HumanInterface, NewPoint], Coroutine[Any, Any, T]],
    ) -> Callable[Concatenate[HumanInterface, P], Coroutine[Any, Any, T]]:
        @functools.wraps(method)
        async def asking(self: HumanInterface, *args: P.args, **kwargs: P.kwargs) -> T:
            return await method(self, checked(*args, **kwargs))

        own = inspect.signature(method)
        this = next(iter(own.parameters.values()))
        asking.__dict__["__signature__"] = own.replace(parameters=[this, *request])
        return asking

    return decorate


class InjectionConflict(Conflict):
    """The point is no longer pending; `point` holds its current state."""

    def __init__(self, point: InjectionPoint) -> None:
        super().__init__(conflict_message(point), title="Already resolved")
        self.point = point


class HumanInterface:
    """Ask a person for input through the project database, and answer such requests."""

    def __init__(
        self,
        db: Database,
        session_id: int = 0,
        *,
        poll_interval: float = 0.1,
        clock: Clock = utc_now,
        user: str | None = None,
    ) -> None:
        self.db = db
        self.session_id = session_id
        self.poll_interval = poll_interval
        self.clock = clock
        self.user = user or default_user()
        # request_pause() ends only the waits running when it is called (it is not sticky).
        self._pause_generation = 0

    @property
    def default_by(self) -> str:
        """Who answers when a method is called directly: `api:<user>`."""
        return answered_by(RespondedBy.API, self.user)

    def update_session_id(self, session_id: int) -> None:
        """Use `session_id` for the points created from now on."""
        self.session_id = session_id

    async def init_async(self) -> HumanInterface:
        """Kept for ArcadiaForge callers; every operation opens its own transaction."""
        return self

    def request_pause(self) -> None:
        """End the waits in progress with the `pause_requested` outcome (later ones wait)."""
        self._pause_generation += 1

    # -- asking ------------------------------------------------------------------------------

    async def insert_async(self, new: NewPoint) -> InjectionPoint:
        """Insert a pending point (and its `human_injection` event) without waiting."""
        async with self.db.transaction() as session:
            point = await queries.insert_point(
                session, new, session_id=self.session_id, now=self.clock()
            )
        _log_notice(point)
        return point

    async def ask_async(self, new: NewPoint) -> InjectionResponse:
        """Insert a pending point and wait for the outcome (an answer, the default, a cancel)."""
        point = await self.insert_async(new)
        return await self.wait_as_asker_async(point.point_id)

    @_asking(NewPoint.checked)
    async def create_point_async(self, new: NewPoint) -> InjectionPoint:
        """Insert a pending point (and its `human_injection` event) without waiting."""
        return await self.insert_async(new)

    @_asking(NewPoint.checked)
    async def request_input(self, new: NewPoint) -> InjectionResponse:
        """Ask for input and wait for the outcome (an answer, the default, or a cancel)."""
        return await self.ask_async(new)

    request_input_sync = blocking(request_input)

    async def wait_for_response_async(self, point_id: str) -> InjectionResponse:
        """Wait until the point is resolved; apply its default when its timeout passes."""
        generation = self._pause_generation
        while True:
            # Shielded: a cancelled wait (Ctrl+C) lands in the sleep or after this read, never
            # inside it, so no connection is torn down half-way through a transaction.
            point = await asyncio.shield(self._read_point(point_id))
            if point is None:
                raise NotFound(f"no injection point {point_id}")
            if not point.is_pending:
                return InjectionResponse.from_point(point)
            if self._pause_generation != generation:
                outcome = await self._resolve(
                    point, PointStatus.CANCELLED, RespondedBy.PAUSE_REQUESTED, set_response=False
                )
                if outcome is not None:
                    return outcome
                continue
            deadline = point.deadline
            if deadline is not None and self.clock() >= deadline:
                outcome = await self._resolve(
                    point, PointStatus.TIMEOUT, RespondedBy.TIMEOUT_DEFAULT,
                    response=point.default_on_timeout,
                )
                if outcome is not None:
                    return outcome
                continue  # answered in the meantime: the next read returns the answer
            await asyncio.sleep(self.poll_interval)

    async def _read_point(self, point_id: str) -> InjectionPoint | None:
        async with self.db.read() as session:
            return await queries.find_point(session, point_id)

    async def wait_as_asker_async(self, point_id: str) -> InjectionResponse:
        """Wait like the agent that asked: if this wait is cancelled, withdraw the point."""
        try:
            return await self.wait_for_response_async(point_id)
        except asyncio.CancelledError:
            # Nobody waits for this point any more; withdraw it unless it was just resolved.
            await asyncio.shield(self._withdraw(point_id))
            raise

    async def _withdraw(self, point_id: str) -> None:
        point = await self._read_point(point_id)
        if point is not None and point.is_pending:
            await self._resolve(
                point, PointStatus.CANCELLED, RespondedBy.AGENT, set_response=False
            )

    async def _resolve(
        self,
        point: InjectionPoint,
        status: PointStatus,
        by: str,
        *,
        response: str | None = None,
        set_response: bool = True,
    ) -> InjectionResponse | None:
        """Resolve a pending point; None when someone else resolved it first."""
        async with self.db.transaction() as session:
            resolved = await self._write(session, point, status, by, response, set_response)
        return None if resolved is None else InjectionResponse.from_point(resolved)

    async def _write(
        self,
        session: AsyncSession,
        point: InjectionPoint,
        status: PointStatus,
        by: str,
        response: str | None,
        set_response: bool = True,
        now: datetime | None = None,
    ) -> InjectionPoint | None:
        return await queries.resolve_point(
            session,
            point,
            status=status,
            responded_by=by,
            now=self.clock() if now is None else now,
            response=response,
            set_response=set_response,
        )

    # -- answering ---------------------------------------------------------------------------

    async def answer_async(
        self, point_id: str, response: str, *, by: str, free_text: bool = False
    ) -> InjectionPoint:
        """Answer a pending point; raise NotFound, InjectionConflict (a Conflict) or InvalidInput.

        The answer must be one of the options (matched exactly, else case-insensitively) unless
        the point takes free text (guidance, redirect, or no options) or `free_text` is True.
        """
        return await self._resolve_by_person(
            point_id,
            by=by,
            status=PointStatus.RESPONDED,
            answer_for=lambda point: _checked_answer(point, response, free_text),
        )

    async def cancel_point_async(self, point_id: str, *, by: str) -> InjectionPoint:
        """Cancel a pending point; raise NotFound or InjectionConflict (a Conflict)."""
        return await self._resolve_by_person(
            point_id, by=by, status=PointStatus.CANCELLED, answer_for=None
        )

    async def _resolve_by_person(
        self,
        point_id: str,
        *,
        by: str,
        status: PointStatus,
        answer_for: Callable[[InjectionPoint], str] | None,
    ) -> InjectionPoint:
        """Move a pending point to `status` in one transaction, or say who got there first."""
        by = _who(by)
        async with self.db.transaction() as session:
            point = await queries.find_point(session, point_id)
            if point is None:
                raise NotFound(f"no injection point {point_id}")
            if not point.is_pending:
                raise InjectionConflict(point)
            answer = answer_for(point) if answer_for is not None else None
            resolved = await self._write(
                session, point, status, by, answer, set_response=answer_for is not None
            )
            if resolved is None:
                current = await queries.find_point(session, point_id)
                raise InjectionConflict(current or point)
        return resolved

    async def expire_async(
        self, older_than: timedelta, *, by: str = RespondedBy.EXPIRED
    ) -> list[str]:
        """Resolve points pending for longer than `older_than` as `timeout` (default applied)."""
        if older_than < timedelta(0):
            raise InvalidInput("the age of points to expire cannot be negative")
        by = _who(by)
        now = self.clock()
        expired: list[str] = []
        async with self.db.transaction() as session:
            for point in await queries.pending_older_than(session, now - older_than):
                default = point.default_on_timeout
                if await self._write(session, point, PointStatus.TIMEOUT, by, default, now=now):
                    expired.append(point.point_id)
        return expired

    async def respond_async(self, point_id: str, response: str) -> bool:
        """Answer a pending point as `api:<user>` (any text); False if missing or not pending."""
        try:
            await self.answer_async(point_id, response, by=self.default_by, free_text=True)
        except (NotFound, Conflict):
            return False
        return True

    async def cancel_async(self, point_id: str) -> bool:
        """Cancel a pending point as `api:<user>`; False if missing or not pending."""
        try:
            await self.cancel_point_async(point_id, by=self.default_by)
        except (NotFound, Conflict):
            return False
        return True

    # -- reading -----------------------------------------------------------------------------

    async def get_pending_async(self) -> list[InjectionPoint]:
        """Every pending point of the project, most severe first, then oldest first."""
        async with self.db.read() as session:
            return await queries.pending_points(session)

    async def get_injection_async(self, point_id: str) -> InjectionPoint | None:
        """One point by id, or None."""
        async with self.db.read() as session:
            return await queries.find_point(session, point_id)

    async def get_point_async(self, point_id: str) -> InjectionPoint:
        """One point by id; raise NotFound when there is none."""
        point = await self.get_injection_async(point_id)
        if point is None:
            raise NotFound(f"no injection point {point_id}")
        return point

    async def get_history_async(
        self, limit: int = 50, session_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The newest points as history dicts, newest first."""
        async with self.db.read() as session:
            return await queries.history(session, limit=limit, session_id=session_id)

    async def get_stats_async(self) -> dict[str, Any]:
        """Totals, pending count, and counts by type, status and `responded_by`."""
        async with self.db.read() as session:
            return await queries.stats(session)

    insert = blocking(insert_async)
    ask = blocking(ask_async)
    create_point = blocking(create_point_async)
    wait_for_response = blocking(wait_for_response_async)
    answer = blocking(answer_async)
    cancel_point = blocking(cancel_point_async)
    expire = blocking(expire_async)
    respond = blocking(respond_async)
    cancel = blocking(cancel_async)
    get_pending = blocking(get_pending_async)
    get_injection = blocking(get_injection_async)
    get_point = blocking(get_point_async)
    get_history = blocking(get_history_async)
    get_stats = blocking(get_stats_async)


def _who(by: str) -> str:
    who = (by or "").strip()
    if not who:
        raise InvalidInput("say who is answering (for example `cli:alice`)")
    return who[:RESPONDED_BY_MAX]


def _checked_answer(point: InjectionPoint, response: str, free_text: bool) -> str:
    answer = "" if response is None else str(response)
    if not answer.strip():
        raise InvalidInput(f"an answer to {point.point_id} cannot be empty")
    if answer in point.options or point.allows_free_text or free_text:
        return answer
    folded = [option for option in point.options if option.casefold() == answer.casefold()]
    if len(folded) == 1:
        return folded[0]
    choices = ", ".join(repr(option) for option in point.options)
    raise InvalidInput(
        f"{answer!r} is not an option of {point.point_id} (options: {choices})",
        title="Not an option",
    )


def _log_notice(point: InjectionPoint) -> None:
    wait = (
        f"default {point.default_on_timeout!r} after {point.timeout_seconds}s"
        if point.default_on_timeout is not None
        else "waiting until answered"
    )
    logger.info(
        "Human input requested: %s (%s, severity %d): %s; recommendation %r; %s. "
        "Answer with `arcadia respond %s ANSWER` or in the TUI.",
        point.point_id,
        point.point_type,
        point.severity,
        point.message or "",
        point.recommendation,
        wait,
        point.point_id,
    )


def create_human_interface(db: Database, session_id: int = 0) -> HumanInterface:
    """A `HumanInterface` on `db` (ArcadiaForge's factory, taking the database)."""
    return HumanInterface(db, session_id)


async def create_human_interface_async(db: Database, session_id: int = 0) -> HumanInterface:
    """Async form of `create_human_interface`."""
    return HumanInterface(db, session_id)


def request_human_input_sync(
    db: Database,
    point_type: InjectionType | Enum | str,
    context: dict[str, Any] | None,
    options: Sequence[str] | None,
    recommendation: str | None,
    timeout_seconds: int = 300,
    default_on_timeout: str | None = None,
    session_id: int = 0,
    message: str | None = None,
    severity: int = 3,
    escalation_rule_id: str | None = None,
) -> InjectionResponse:
    """Ask once and block until the outcome (works inside and outside a running loop)."""
    new = NewPoint.checked(
        point_type, context, options, recommendation, timeout_seconds, default_on_timeout,
        message, severity, escalation_rule_id,
    )
    return HumanInterface(db, session_id).ask(new)
