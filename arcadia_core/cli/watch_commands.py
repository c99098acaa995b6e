"""`arcadia watch`: the change feed on standard output, as it happens."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from arcadia_core.cli.common import fail, project_dir
from arcadia_core.db import database_path
from arcadia_core.watch import DEFAULT_POLL_INTERVAL, ChangeFeed, FeedLost, describe, to_json

MAX_INTERVAL = 3600.0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    watch = subparsers.add_parser(
        "watch",
        help="print changes to the project database as they happen",
        description=(
            "Print every change (questions, answers, escalations, autonomy, risk, failures, "
            "events, sessions) as it is committed, until Ctrl+C."
        ),
        parents=[common],
    )
    watch.add_argument("--json", action="store_true", help="one JSON object per line")
    watch.add_argument(
        "--pending",
        action="store_true",
        help="start by printing the injection points already pending",
    )
    watch.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_POLL_INTERVAL,
        metavar="SECONDS",
        help=f"poll interval (default {DEFAULT_POLL_INTERVAL})",
    )
    watch.set_defaults(handler=watch_changes)


async def watch_changes(args: argparse.Namespace) -> int:
    if not 0 < args.interval <= MAX_INTERVAL:  # also refuses nan, which would never poll
        return fail(
            f"--interval must be a number of seconds above 0 and at most {MAX_INTERVAL:g}", code=2
        )
    path = database_path(project_dir(args))
    async with ChangeFeed(path, poll_interval=args.interval, replay_pending=args.pending) as feed:
        # Said on stderr so that standard output stays pure data.
        print(f"watching {path} (Ctrl+C to stop)", file=sys.stderr, flush=True)
        async for change in feed:
            line = to_json(change) if args.json else describe(change)
            try:
                print(line, flush=True)
            except BrokenPipeError:
                return 0
            if isinstance(change, FeedLost):
                print(f"arcadia: error: {change.reason}", file=sys.stderr)
                return 1
    return 0
