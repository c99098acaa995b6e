"""Headless answering: `arcadia pending`, `show`, `respond`, `accept`, `cancel`, `expire`.

Answers and cancels are recorded as `cli:<user>` (`ARCADIA_USER`, else the OS user). A point
that is no longer pending cannot be answered: the command exits 1 with one line saying who
resolved it and how.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import click

from arcadia_core.cli.common import (
    fail,
    json_option,
    print_json,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.cli.params import Duration, PointId
from arcadia_core.cli.tables import cell, format_seconds, print_table
from arcadia_core.clock import utc_now
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.db.types import iso_text
from arcadia_core.display import printable
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.injection import HumanInterface, InjectionPoint
from arcadia_core.vocabulary import RespondedBy, answered_by

SHOW_MAX_CHARS = 4000
"""Longest message `arcadia show` prints (the rest is counted; `--json` has it whole)."""


@click.command(short_help="List the questions waiting for an answer.")
@json_option("Print the points as a JSON list, with their age and seconds left.")
@project_dir_option
def pending() -> int:
    """List the questions (injection points) waiting for an answer, most severe first, then
    oldest, with their age and the time left before the default on timeout applies."""
    return run(list_pending())


@click.command(short_help="Show one question in full.")
@click.argument("point_id", metavar="ID", type=PointId())
@json_option("Print the point as JSON (the whole message, without cutting).")
@project_dir_option
def show(point_id: str) -> int:
    """Show the injection point ID in full: message, context, numbered options with the
    recommendation marked, timeout and default, and the outcome once resolved."""
    return run(show_point(point_id))


@click.command(short_help="Answer a pending question.")
@click.argument("point_id", metavar="ID", type=PointId())
@click.argument("answer", metavar="ANSWER")
@click.option(
    "--free-text", is_flag=True, help="Send an ANSWER that is not one of the point's options."
)
@json_option("Print the answered point as JSON.")
@project_dir_option
def respond(point_id: str, answer: str, free_text: bool) -> int:
    """Answer the pending point ID with ANSWER: one of its options (matched without regard to
    case), or any text with --free-text. Recorded as `cli:<user>` (ARCADIA_USER, else the OS
    user); a point that is no longer pending is refused, saying who resolved it."""
    return run(respond_point(point_id, answer, free_text=free_text))


@click.command(short_help="Answer with the agent's recommendation.")
@click.argument("point_id", metavar="ID", type=PointId())
@json_option("Print the answered point as JSON.")
@project_dir_option
def accept(point_id: str) -> int:
    """Answer the pending point ID with the agent's own recommendation."""
    return run(accept_point(point_id))


@click.command(short_help="Cancel a pending question.")
@click.argument("point_id", metavar="ID", type=PointId())
@json_option("Print the cancelled point as JSON.")
@project_dir_option
def cancel(point_id: str) -> int:
    """Cancel the pending point ID: the waiting agent gets no answer and carries on without."""
    return run(cancel_point(point_id))


@click.command(short_help="Resolve questions left pending by agents that are gone.")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    type=Duration(),
    metavar="DURATION",
    help="Expire points pending for longer than this: 90s, 30m, 2h, 1d, 1h30m or seconds.",
)
@json_option("Print the expired point ids as JSON.")
@project_dir_option
def expire(older_than: timedelta) -> int:
    """Resolve points pending for longer than DURATION as timed out, applying their default
    when they have one (for points whose agent died without resolving them)."""
    return run(expire_points(older_than))


@asynccontextmanager
async def human_interface() -> AsyncIterator[HumanInterface]:
    """A HumanInterface on the project's existing database, answering as `cli:<user>`."""
    directory = project_dir()
    settings = Settings.from_env(directory)
    async with await Database.open(directory, create=False) as database:
        yield HumanInterface(database, user=settings.user)


def who(human: HumanInterface) -> str:
    return answered_by(RespondedBy.CLI, human.user)


def point_json(point: InjectionPoint) -> dict[str, Any]:
    """A point as JSON, with its age and the seconds left before the default applies."""
    now = utc_now()
    data = point.to_dict()
    data["age_seconds"] = round((now - point.created_at).total_seconds(), 3)
    remaining = point.seconds_remaining(now) if point.is_pending else None
    data["seconds_remaining"] = None if remaining is None else round(remaining, 3)
    return data


async def list_pending() -> int:
    async with human_interface() as human:
        points = await human.get_pending_async()
    if wants_json():
        print_json([point_json(point) for point in points])
        return 0
    if not points:
        print("No pending injection points.")
        return 0
    now = utc_now()
    rows = []
    for point in points:
        remaining = point.seconds_remaining(now)
        rows.append(
            [
                point.point_id,
                point.severity,
                point.point_type,
                format_seconds((now - point.created_at).total_seconds()),
                "never" if remaining is None else format_seconds(remaining),
                "-" if point.default_on_timeout is None else repr(point.default_on_timeout),
                cell(point.message or point.recommendation, 60),
            ]
        )
    headers = ["ID", "SEV", "TYPE", "AGE", "DEFAULT IN", "DEFAULT", "QUESTION"]
    print(f"{len(points)} pending (most severe first, then oldest):")
    print_table(headers, rows)
    print("\nAnswer with: arcadia respond ID ANSWER | arcadia accept ID | arcadia cancel ID")
    return 0


async def show_point(point_id: str) -> int:
    async with human_interface() as human:
        point = await human.get_point_async(point_id)
    if wants_json():
        print_json(point_json(point))
        return 0
    print("\n".join(describe_point(point)))
    return 0


def describe_point(point: InjectionPoint) -> list[str]:
    """The point in full, as lines of text safe for a terminal."""
    now = utc_now()
    age = format_seconds((now - point.created_at).total_seconds())
    lines = [
        f"{point.point_id}  {point.point_type}  severity {point.severity}/5  "
        f"{point.status.upper()}",
        f"Session:   {point.session_id}",
        f"Created:   {iso_text(point.timestamp)} ({age} ago)",
    ]
    if point.message:
        message = printable(point.message, max_chars=SHOW_MAX_CHARS)
        lines.append(f"Message:   {message}")
    if point.context:
        lines.append("Context:")
        lines += [f"  {cell(key, 60)}: {cell(value, 200)}" for key, value in point.context.items()]
    if point.options:
        lines.append("Options:")
        for number, option in enumerate(point.options, 1):
            marker = "  (recommended)" if option == point.recommendation else ""
            lines.append(f"  {number}. {cell(option, 200)}{marker}")
    lines.append(f"Recommendation: {cell(point.recommendation, 200)}")
    if point.default_on_timeout is None:
        lines.append("Timeout:   none (the agent waits until answered)")
    else:
        remaining = point.seconds_remaining(now) or 0.0
        left = f", in {format_seconds(remaining)}" if point.is_pending else ""
        lines.append(
            f"Timeout:   {point.timeout_seconds}s, then default "
            f"{cell(repr(point.default_on_timeout))}{left}"
        )
    if point.escalation_rule_id:
        lines.append(f"Escalation rule: {cell(point.escalation_rule_id)}")
    if not point.is_pending:
        response = "-" if point.response is None else cell(repr(point.response))
        lines.append(
            f"Outcome:   {point.status} by {cell(point.responded_by)} "
            f"at {iso_text(point.responded_at)}: {response}"
        )
    return lines


async def respond_point(point_id: str, answer: str, *, free_text: bool) -> int:
    async with human_interface() as human:
        try:
            point = await human.answer_async(point_id, answer, by=who(human), free_text=free_text)
        except InvalidInput as error:
            if error.title == "Not an option":
                return fail(f"{error.message}; add --free-text to send it anyway")
            raise
    return report_answer(point)


async def accept_point(point_id: str) -> int:
    async with human_interface() as human:
        current = await human.get_point_async(point_id)
        if current.is_pending and not current.recommendation.strip():
            return fail(f"{current.point_id} has no recommendation to accept")
        point = await human.answer_async(
            point_id, current.recommendation, by=who(human), free_text=True
        )
    return report_answer(point)


def report_answer(point: InjectionPoint) -> int:
    if wants_json():
        print_json(point_json(point))
    else:
        print(f"{point.point_id} answered: {cell(repr(point.response))} ({point.responded_by})")
    return 0


async def cancel_point(point_id: str) -> int:
    async with human_interface() as human:
        point = await human.cancel_point_async(point_id, by=who(human))
    if wants_json():
        print_json(point_json(point))
    else:
        print(f"{point.point_id} cancelled ({point.responded_by})")
    return 0


async def expire_points(older_than: timedelta) -> int:
    async with human_interface() as human:
        by = answered_by(RespondedBy.EXPIRED, who(human))
        expired = await human.expire_async(older_than, by=by)
    if wants_json():
        print_json({"expired": expired})
    elif expired:
        print(f"Expired {len(expired)} point(s): {', '.join(expired)}")
    else:
        age = format_seconds(older_than.total_seconds())
        print(f"No point has been pending for longer than {age}.")
    return 0
