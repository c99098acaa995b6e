"""`arcadia hook <agent>`: the fast command run once per agent tool call (standard library only).

It is dispatched by `arcadia_core.cli.main` before Click is imported. The adapter prints the
reply the agent honours; every failure of Arcadia's own is a deny, never a silent pass.
"""

from __future__ import annotations

import sys

AGENTS = ("claude-code",)
USAGE = (
    "Usage: arcadia hook AGENT [--project-dir DIR] [--timeout SECONDS]\n\n"
    "  Answer one hook event of a coding agent, read as JSON on standard input.\n"
    "  Installed by `arcadia install AGENT`; not meant to be typed by hand.\n\n"
    "  AGENT is one of: " + ", ".join(AGENTS) + ".\n\n"
    "Options:\n"
    "  --project-dir DIR    Project whose .arcadia/project.db supervises the agent\n"
    "                       (default: CLAUDE_PROJECT_DIR, then the event's cwd).\n"
    "  --timeout SECONDS    The host's hook timeout; Arcadia's wait for a person ends\n"
    "                       before it (default 600).\n"
)


def main(arguments: list[str]) -> int:
    """Run `arcadia hook ARGUMENTS...` and return the exit code."""
    if not arguments or arguments[0] in ("-h", "--help"):
        (sys.stdout if arguments else sys.stderr).write(USAGE)
        return 0 if arguments else 2
    agent, rest = arguments[0], arguments[1:]
    if agent not in AGENTS:
        # Exit 2 blocks the call in every host; the reason reaches the model.
        sys.stderr.write(
            f"arcadia hook: unknown agent {agent!r} (expected one of {', '.join(AGENTS)}); "
            "the call is blocked\n"
        )
        return 2
    from arcadia_core.agents.hook_client import main as run_hook

    return run_hook(rest, agent=agent)
