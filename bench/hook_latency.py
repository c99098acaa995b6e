"""8. Hook latency: spawn-to-reply of an allowed Claude Code PreToolUse call.

Each sample starts a fresh process the way Claude Code does (stdin = the recorded PreToolUse
JSON of `echo hi`, reply on stdout) and times it from spawn to exit with the reply read.
Measured side by side, interleaved: a minimal Python hook that reads stdin and prints an
allow (the baseline), `arcadia hook claude-code` on the fast path (the hook client talking to
the warm per-project gate server), and the same hook with the fast path off (in-process gate:
imports SQLAlchemy and the managers, opens the database). Target: the fast path's p50 within
2x of the minimal hook's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result, RunConfig, ms, percentile, print_table, ratio

NAME = "hook"
TITLE = "Hook latency (allowed PreToolUse, spawn -> reply)"
TARGET_RATIO = 2.0
SAMPLE = Path(__file__).resolve().parent.parent / "tests/data/agent-hook-samples/claude"

MINIMAL_HOOK = (
    "import sys, json\n"
    "sys.stdin.read()\n"
    "print(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse', "
    "'permissionDecision': 'allow', 'permissionDecisionReason': 'ok'}}))\n"
)


CLIENT = (
    "import sys\nfrom arcadia_core.agents.hook_client import main\nsys.exit(main(sys.argv[1:]))\n"
)


def _event(project_dir: Path) -> str:
    text = (SAMPLE / "PreToolUse.json").read_text()
    return text.replace("/home/dev/runs/RUN/proj", str(project_dir))


def _once(command: list[str], stdin: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, check=False, timeout=120
    )
    elapsed = time.perf_counter() - started
    reply = json.loads(result.stdout)
    if reply["hookSpecificOutput"]["permissionDecision"] != "allow":
        raise RuntimeError(f"{command}: not allowed: {result.stdout} {result.stderr}")
    return elapsed


def run(config: RunConfig) -> Result:
    project_dir = config.work_dir / "hook-project"
    project_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCADIA_", "CLAUDE_"))}
    env.update(CLAUDE_PROJECT_DIR=str(project_dir), ARCADIA_GATE_SERVER_IDLE="120")
    stdin = _event(project_dir)
    in_process_env = {**env, "ARCADIA_GATE_SERVER": "0"}
    minimal = [sys.executable, "-c", MINIMAL_HOOK]
    # As a console script that dispatches `hook` first would run it (no runpy, no CLI).
    client = [sys.executable, "-c", CLIENT, "--timeout", "3600"]
    in_process = [sys.executable, "-m", "arcadia_core.agents.claude_code", "--timeout", "3600"]

    _once(in_process, stdin, in_process_env)  # creates the database
    server = subprocess.Popen(
        [sys.executable, "-m", "arcadia_core.agents.gate_server", str(project_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = project_dir / ".arcadia" / "gate.sock"
    try:
        deadline = time.monotonic() + 60
        while not socket.exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the gate server did not start")
            time.sleep(0.05)
        for _ in range(3):
            _once(client, stdin, env)  # warm the server's connections and caches
        count = config.pick(200, 5)
        slow_every = config.pick(10, 5)
        samples: dict[str, list[float]] = {"minimal": [], "fast": [], "in-process": []}
        for index in range(count):
            samples["minimal"].append(_once(minimal, stdin, env))
            samples["fast"].append(_once(client, stdin, env))
            if index % slow_every == 0:
                samples["in-process"].append(_once(in_process, stdin, in_process_env))
    finally:
        server.terminate()
        server.wait(timeout=30)

    labels = {
        "minimal": "minimal Python hook (baseline)",
        "fast": "arcadia hook, warm gate server",
        "in-process": "arcadia hook, in-process gate",
    }
    print_table(
        ["hook", "calls", "p50", "p90", "p99", "max"],
        [
            [
                labels[key],
                str(len(values)),
                ms(percentile(values, 0.5)),
                ms(percentile(values, 0.9)),
                ms(percentile(values, 0.99)),
                ms(max(values)),
            ]
            for key, values in samples.items()
        ],
    )
    result = Result(NAME, TITLE)
    base = samples["minimal"]
    for key in ("fast", "in-process"):
        values = samples[key]
        for name, fraction in (("p50", 0.5), ("p99", 0.99)):
            value, baseline = percentile(values, fraction), percentile(base, fraction)
            target = key == "fast" and name == "p50"
            result.add(
                f"{name} ({labels[key]})",
                ms(value),
                ms(baseline),
                ratio(value, baseline),
                f"<= {TARGET_RATIO:g}x" if target else "",
                value <= TARGET_RATIO * baseline if target else None,
            )
    return result


if __name__ == "__main__":
    sys.exit("run with: python -m bench hook")
