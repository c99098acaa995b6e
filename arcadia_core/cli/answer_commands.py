"""Headless answering: `arcadia pending`, `show`, `respond`, `accept`, `cancel`, `expire`.

Answers and cancels are recorded as `cli:<user>` (`ARCADIA_USER`, else the OS user). A point
that is no longer pending cannot be answered: the command exits 1 with one line saying who
resolved it and how.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from arcadia_core.cli.common import fail, print_json, project_dir
from arcadia_core.cli.tables import cell, format_seconds, format_table, parse_duration
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


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    json_option = argparse.ArgumentParser(add_help=False)
    json_option.add_argument("--json", action="store_true", help="print JSON")
    parents = [common, json_option]

    pending = subparsers.add_parser(
        "pending", help="list the questions waiting for an answer", parents=parents
    )
    pending.set_defaults(handler=list_pending)

    show = subparsers.add_parser("show", help="show one injection point in full", parents=parents)
    show.add_argument("point_id", metavar="ID")
    show.set_defaults(handler=show_point)

    respond = subparsers.add_parser(
        "respond", help="answer a pending question", parents=parents
    )
    respond.add_argument("point_id", metavar="ID")
    respond.add_argument("answer", metavar="ANSWER", help="one of the options (or free text)")
    respond.add_argument(
        "--free-text",
        action="store_true",
        help="send an answer that is not one of the options",
    )
    respond.set_defaults(handler=respond_point)

    accept = subparsers.add_parser(
        "accept", help="answer with the agent's recommendation", parents=parents
    )
    accept.add_argument("point_id", metavar="ID")
    accept.set_defaults(handler=accept_point)

    cancel = subparsers.add_parser("cancel", help="cancel a pending question", parents=parents)
    cancel.add_argument("point_id", metavar="ID")
    cancel.set_defaults(handler=cancel_point)

    expire = subparsers.add_parser(
        "expire",
        help="resolve questions left pending by agents that are gone",
        description=(
            "Resolve points pending for longer than DURATION as timed out, applying their "
            "default when they have one."
        ),
        parents=parents,
    )
    expire.add_argument(
        "--older-than",
        required=True,
        type=parse_duration_argument,
        metavar="DURATION",
        help="age such as 90s, 30m, 2h, 1d",
    )
    expire.set_defaults(handler=expire_points)


def parse_duration_argument(text: str) -> Any:
    try:
        return parse_duration(text)
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(error.message) from None


@asynccontextmanager
async def human_interface(args: argparse.Namespace) -> AsyncIterator[HumanInterface]:
    """A HumanInterface on the project's existing database, answering as `cli:<user>`."""
    directory = project_dir(args)
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


async def list_pending(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        points = await human.get_pending_async()
    if args.json:
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
    print(format_table(headers, rows))
    print("\nAnswer with: arcadia respond ID ANSWER | arcadia accept ID | arcadia cancel ID")
    return 0


async def show_point(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        point = await human.get_point_async(args.point_id)
    if args.json:
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


async def respond_point(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        try:
            point = await human.answer_async(
                args.point_id, args.answer, by=who(human), free_text=args.free_text
            )
        except InvalidInput as error:
            if error.title == "Not an option":
                return fail(f"{error.message}; add --free-text to send it anyway")
            raise
    return report_answer(args, point)


async def accept_point(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        current = await human.get_point_async(args.point_id)
        if current.is_pending and not current.recommendation.strip():
            return fail(f"{current.point_id} has no recommendation to accept")
        point = await human.answer_async(
            args.point_id, current.recommendation, by=who(human), free_text=True
        )
    return report_answer(args, point)


def report_answer(args: argparse.Namespace, point: InjectionPoint) -> int:
    if args.json:
        print_json(point_json(point))
    else:
        print(f"{point.point_id} answered: {cell(repr(point.response))} ({point.responded_by})")
    return 0


async def cancel_point(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        point = await human.cancel_point_async(args.point_id, by=who(human))
    if args.json:
        print_json(point_json(point))
    else:
        print(f"{point.point_id} cancelled ({point.responded_by})")
    return 0


async def expire_points(args: argparse.Namespace) -> int:
    async with human_interface(args) as human:
        by = answered_by(RespondedBy.EXPIRED, who(human))
        expired = await human.expire_async(args.older_than, by=by)
    if args.json:
        print_json({"expired": expired})
    elif expired:
        print(f"Expired {len(expired)} point(s): {', '.join(expired)}")
    else:
        age = format_seconds(args.older_than.total_seconds())
        print(f"No point has been pending for longer than {age}.")
    return 0
