"""`arcadia watch`: the change feed on standard output, as it happens."""

from __future__ import annotations

import sys

import click

from arcadia_core.cli.common import (
    fail,
    json_option,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.cli.params import PositiveNumber
from arcadia_core.db import database_path
from arcadia_core.watch import DEFAULT_POLL_INTERVAL, ChangeFeed, FeedLost, describe, to_json

MAX_INTERVAL = 3600.0


@click.command(short_help="Print changes to the project database as they happen.")
@json_option("Print one JSON object per line.")
@click.option(
    "--pending",
    "replay_pending",
    is_flag=True,
    help="Start by printing the injection points already pending.",
)
@click.option(
    "--interval",
    type=PositiveNumber(
        f"must be a number of seconds above 0 and at most {MAX_INTERVAL:g}", MAX_INTERVAL
    ),
    default=DEFAULT_POLL_INTERVAL,
    show_default=True,
    metavar="SECONDS",
    help="How often to look for changes, in seconds.",
)
@project_dir_option
def watch(replay_pending: bool, interval: float) -> int:
    """Print every change (questions, answers, escalations, autonomy, risk, failures, events,
    sessions) as it is committed, until Ctrl+C. Standard output carries only the changes, one
    per line; the line saying what is watched goes to stderr."""
    changes = watch_changes(as_json=wants_json(), replay_pending=replay_pending, interval=interval)
    return run(changes)


async def watch_changes(*, as_json: bool, replay_pending: bool, interval: float) -> int:
    path = database_path(project_dir())
    async with ChangeFeed(path, poll_interval=interval, replay_pending=replay_pending) as feed:
        # Said on stderr so that standard output stays pure data.
        print(f"watching {path} (Ctrl+C to stop)", file=sys.stderr, flush=True)
        async for change in feed:
            line = to_json(change) if as_json else describe(change)
            try:
                print(line, flush=True)
            except BrokenPipeError:
                return 0
            if isinstance(change, FeedLost):
                return fail(change.reason)
    return 0
