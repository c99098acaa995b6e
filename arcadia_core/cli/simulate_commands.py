"""`arcadia simulate`: a simulated agent working on a project, to feed TUIs and scripts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from arcadia_core.cli.common import fail, project_dir


def positive_speed(text: str) -> float:
    """A speed factor: a positive number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number, not {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"speed must be a positive number, not {text}")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run a simulated agent on the project (questions, escalations, risky commands)",
        description=(
            "Run a simulated coding agent that uses arcadia_core as a real agent would: it works "
            "through a task, asks questions that block until answered (in the TUI or with "
            "`arcadia respond`), and reacts to the answers. Stop it with Ctrl+C."
        ),
        parents=[common],
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the agent's choices (default 0)"
    )
    parser.add_argument(
        "--speed",
        type=positive_speed,
        default=1.0,
        help="run this many times faster (pauses and short timeouts divided by it; default 1)",
    )
    parser.add_argument("--loop", action="store_true", help="keep starting new tasks until stopped")
    parser.add_argument(
        "--auto-answer",
        action="store_true",
        help="answer every question automatically after a short delay (for headless runs)",
    )
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=simulate_command)


async def simulate_command(args: argparse.Namespace) -> int:
    from arcadia_core.simulator import SimulatorOptions, run_until_stopped

    directory = project_dir(args)
    if directory.exists() and not directory.is_dir():
        return fail(f"{directory} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    options = SimulatorOptions(
        project_dir=directory,
        seed=args.seed,
        speed=args.speed,
        loop=args.loop,
        auto_answer=args.auto_answer,
        parent_pid=args.parent_pid,
    )

    def say(line: str) -> None:
        print(f"simulate: {line}", flush=True)

    mode = (
        "answering its own questions" if args.auto_answer else "answer it with `arcadia` or the TUI"
    )
    say(f"agent working in {directory} (seed {args.seed}, speed {args.speed:g}; {mode})")
    stopped = await run_until_stopped(options, say=say)
    say("done" if stopped is None else f"stopped cleanly ({stopped})")
    sys.stdout.flush()
    return 0
