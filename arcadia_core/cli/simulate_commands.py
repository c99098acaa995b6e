"""`arcadia simulate`: a simulated agent working on a project, to feed TUIs and scripts."""

from __future__ import annotations

import sys

import click

from arcadia_core.cli.common import fail, project_dir, project_dir_option, run
from arcadia_core.cli.params import PositiveNumber

SPEED_HELP = "Run this many times faster: pauses and short timeouts are divided by it."


@click.command(short_help="Run a simulated agent on the project.")
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed for the agent's choices."
)
@click.option(
    "--speed",
    type=PositiveNumber("speed must be a positive number"),
    default=1.0,
    show_default=True,
    help=SPEED_HELP,
)
@click.option("--loop", is_flag=True, help="Keep starting new tasks until stopped.")
@click.option(
    "--auto-answer",
    is_flag=True,
    help="Answer every question automatically after a short delay (for headless runs).",
)
@click.option("--parent-pid", type=int, default=None, hidden=True)
@project_dir_option
def simulate(seed: int, speed: float, loop: bool, auto_answer: bool, parent_pid: int | None) -> int:
    """Run a simulated coding agent that uses arcadia_core as a real agent would: it works
    through a task, asks questions that block until answered (in the TUI or with `arcadia
    respond`), and reacts to the answers. The project directory is created if needed. Stop it
    with Ctrl+C."""
    return run(
        simulate_command(
            seed=seed, speed=speed, loop=loop, auto_answer=auto_answer, parent_pid=parent_pid
        )
    )


async def simulate_command(
    *, seed: int, speed: float, loop: bool, auto_answer: bool, parent_pid: int | None
) -> int:
    from arcadia_core.simulator import SimulatorOptions, run_until_stopped

    directory = project_dir()
    if directory.exists() and not directory.is_dir():
        return fail(f"{directory} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    options = SimulatorOptions(
        project_dir=directory,
        seed=seed,
        speed=speed,
        loop=loop,
        auto_answer=auto_answer,
        parent_pid=parent_pid,
    )

    def say(line: str) -> None:
        print(f"simulate: {line}", flush=True)

    mode = (
        "answering its own questions" if auto_answer else "answer it with `arcadia` or the TUI"
    )
    say(f"agent working in {directory} (seed {seed}, speed {speed:g}; {mode})")
    stopped = await run_until_stopped(options, say=say)
    say("done" if stopped is None else f"stopped cleanly ({stopped})")
    sys.stdout.flush()
    return 0
