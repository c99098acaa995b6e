"""`arcadia hook claude-code`: Claude Code's command hooks translated to and from the gate.

Claude Code runs the hook once per event with one JSON object on stdin. This adapter reads
it (missing fields tolerated), asks the gate, and prints the reply shape Claude Code honours
(`../shared/reference/agent-hooks.md` section 1), always with exit code 0:

| event | what happens | stdout (under `hookSpecificOutput`) |
|---|---|---|
| PreToolUse | the gate decides (may wait) | `permissionDecision` allow/deny (+ `updatedInput`) |
| PermissionRequest | the gate decides | `decision.behavior` allow/deny (+ `message`) |
| PostToolUse(Failure) | outcome recorded (streaks, escalation) | nothing |
| SessionStart, UserPromptSubmit | session found or created; running | nothing |
| Notification (idle/permission) | session "waiting for its terminal" | nothing |
| Stop | turn end recorded | nothing |
| SessionEnd | session ended; failure analysis if it failed | nothing |

"No opinion" prints nothing (Claude Code's own permission flow decides). An internal error on a
deciding event prints a deny with a one-line reason (`ARCADIA_HOOK_FAIL_OPEN=1`: nothing), and
stdin that is not a JSON object exits 2 with the reason on stderr, the one reply Claude Code
treats as "block" without JSON.

Project directory, first that is set: `--project-dir`, env `CLAUDE_PROJECT_DIR` (where
Claude Code was started: the directory holding `.claude/settings.json`), the hook's `cwd`,
the process's working directory. The database is `<project>/.arcadia/project.db`, created
when missing.

Time budget: the hook's `timeout` in settings.json (passed by the installer as `--timeout`,
else env `ARCADIA_HOOK_TIMEOUT`, else Claude Code's default of 600 s) minus a margin, counted
from the process start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from arcadia_core.gate.types import (
    AgentKind,
    AgentRef,
    Decision,
    GateSettings,
    ToolCall,
    ToolOutcome,
    Verdict,
    budget_from_host_timeout,
)

AGENT = AgentKind.CLAUDE_CODE.value
DEFAULT_HOST_TIMEOUT = 600.0
TIMEOUT_ENV = "ARCADIA_HOOK_TIMEOUT"
DECIDING_EVENTS = frozenset({"PreToolUse", "PermissionRequest"})
HANDLED_EVENTS = DECIDING_EVENTS | {
    "SessionStart",
    "UserPromptSubmit",
    "PostToolUse",
    "PostToolUseFailure",
    "Notification",
    "Stop",
    "SessionEnd",
}
WAITING_NOTIFICATIONS = frozenset({"idle_prompt", "permission_prompt"})

logger = logging.getLogger("arcadia.hook.claude_code")
_PROCESS_START = time.monotonic()


class HookInputError(ValueError):
    """The hook's stdin is not one JSON object."""


def parse_event(text: str) -> dict[str, Any]:
    """The hook's stdin as a dict; raise HookInputError when it is not a JSON object."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise HookInputError(f"hook stdin is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise HookInputError(f"hook stdin is JSON but not an object ({type(value).__name__})")
    return value


def _text(event: Mapping[str, Any], key: str) -> str | None:
    value = event.get(key)
    return None if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def session_id_of(event: Mapping[str, Any], env: Mapping[str, str]) -> str:
    """Claude's session id: the event's, else `CLAUDE_CODE_SESSION_ID`, else `unknown`."""
    return _text(event, "session_id") or env.get("CLAUDE_CODE_SESSION_ID") or "unknown"


def ref_of(event: Mapping[str, Any], env: Mapping[str, str]) -> AgentRef:
    """The agent session an event belongs to."""
    return AgentRef(
        AGENT, session_id_of(event, env), _text(event, "cwd"), _text(event, "transcript_path")
    )


def tool_call_of(event: Mapping[str, Any], env: Mapping[str, str]) -> ToolCall:
    """A PreToolUse / PermissionRequest event as the gate's ToolCall."""
    return ToolCall(
        agent=AGENT,
        agent_session_id=session_id_of(event, env),
        tool_name=_text(event, "tool_name") or "unknown",
        tool_input=_dict(event.get("tool_input")),
        cwd=_text(event, "cwd"),
        tool_use_id=_text(event, "tool_use_id"),
        hook_event=_text(event, "hook_event_name") or "PreToolUse",
        permission_mode=_text(event, "permission_mode"),
        transcript_path=_text(event, "transcript_path"),
    )


def _error_text(event: Mapping[str, Any]) -> str | None:
    error = event.get("error")
    if error is None:
        response = event.get("tool_response")
        if isinstance(response, Mapping) and response.get("stderr"):
            return str(response["stderr"])
        return None
    return error if isinstance(error, str) else json.dumps(error, default=str)


def outcome_of(event: Mapping[str, Any], env: Mapping[str, str]) -> ToolOutcome:
    """A PostToolUse / PostToolUseFailure event as the gate's ToolOutcome."""
    failed = event.get("hook_event_name") == "PostToolUseFailure"
    response = event.get("tool_response")
    interrupted = bool(event.get("is_interrupt")) or (
        isinstance(response, Mapping) and bool(response.get("interrupted"))
    )
    duration = event.get("duration_ms")
    return ToolOutcome(
        agent=AGENT,
        agent_session_id=session_id_of(event, env),
        tool_name=_text(event, "tool_name") or "unknown",
        success=not failed,
        tool_input=_dict(event.get("tool_input")),
        tool_use_id=_text(event, "tool_use_id"),
        error=_error_text(event) if failed else None,
        duration_ms=int(duration) if isinstance(duration, int | float) else None,
        interrupted=interrupted,
        cwd=_text(event, "cwd"),
        transcript_path=_text(event, "transcript_path"),
    )


def reply_for(event_name: str, verdict: Verdict) -> dict[str, Any] | None:
    """Claude Code's reply for a verdict on a deciding event; None means print nothing."""
    if verdict.decision is Decision.NO_OPINION or event_name not in DECIDING_EVENTS:
        return None
    allow = verdict.decision is Decision.ALLOW
    if event_name == "PermissionRequest":
        decision: dict[str, Any] = {"behavior": "allow" if allow else "deny"}
        if allow and verdict.updated_input is not None:
            decision["updatedInput"] = verdict.updated_input
        if not allow:
            decision["message"] = verdict.reason
        return {"hookSpecificOutput": {"hookEventName": event_name, "decision": decision}}
    output: dict[str, Any] = {
        "hookEventName": "PreToolUse",
        "permissionDecision": "allow" if allow else "deny",
        "permissionDecisionReason": verdict.reason,
    }
    if allow and verdict.updated_input is not None:
        output["updatedInput"] = verdict.updated_input
    return {"hookSpecificOutput": output}


def project_dir_for(
    event: Mapping[str, Any], env: Mapping[str, str], override: Path | str | None = None
) -> Path:
    """`override`, else `CLAUDE_PROJECT_DIR`, else the hook's `cwd`, else the working dir."""
    for candidate in (override, env.get("CLAUDE_PROJECT_DIR"), _text(event, "cwd")):
        if candidate:
            return Path(candidate).expanduser()
    return Path.cwd()


def host_timeout_for(env: Mapping[str, str], timeout: float | None = None) -> float:
    """The host's hook timeout in seconds: `timeout`, else `ARCADIA_HOOK_TIMEOUT`, else 600."""
    if timeout is not None and timeout > 0:
        return float(timeout)
    try:
        value = float(env.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_HOST_TIMEOUT
    return value if value > 0 else DEFAULT_HOST_TIMEOUT


def remaining_budget(host_timeout: float, started: float | None = None) -> float:
    """Seconds the gate may still use: the budget less what this process already spent."""
    spent = time.monotonic() - (_PROCESS_START if started is None else started)
    return max(1.0, budget_from_host_timeout(host_timeout) - spent)


def encode(reply: dict[str, Any] | None) -> str:
    """The stdout text of a reply (empty for None)."""
    return "" if reply is None else json.dumps(reply, ensure_ascii=False) + "\n"


async def handle_event_async(
    gate: Any, event: Mapping[str, Any], env: Mapping[str, str], *, budget_seconds: float
) -> dict[str, Any] | None:
    """Apply one parsed event through `gate` (a `Gate`); return the reply (None: print nothing)."""
    name = _text(event, "hook_event_name") or ""
    if name in DECIDING_EVENTS:
        call = tool_call_of(event, env)
        if not _text(event, "tool_name"):
            return reply_for(name, Verdict.deny("The hook event names no tool; Arcadia denied it."))
        verdict = await gate.check_tool_call_async(call, budget_seconds=budget_seconds)
        logger.info(
            "%s %s: %s (%s) %s",
            name,
            call.tool_name,
            verdict.decision.value,
            verdict.decided_by,
            verdict.reason,
        )
        return reply_for(name, verdict)
    ref = ref_of(event, env)
    if name in ("PostToolUse", "PostToolUseFailure"):
        await gate.record_outcome_async(outcome_of(event, env))
    elif name == "SessionStart":
        await gate.start_session_async(ref, source=_text(event, "source"))
    elif name == "UserPromptSubmit":
        await gate.resume_session_async(ref, prompt=_text(event, "prompt"))
    elif name == "Notification":
        kind = _text(event, "notification_type")
        if kind in WAITING_NOTIFICATIONS:
            await gate.mark_waiting_async(
                ref, message=_text(event, "message"), notification_type=kind
            )
    elif name == "Stop":
        await gate.record_stop_async(ref, last_message=_text(event, "last_assistant_message"))
    elif name == "SessionEnd":
        await gate.end_session_async(ref, reason=_text(event, "reason") or "")
    return None


def failure_reply(event: Mapping[str, Any], error: BaseException, settings: GateSettings) -> str:
    """stdout for an event the adapter could not handle: deny on a deciding event."""
    from arcadia_core.gate.types import Verdict as _Verdict

    name = _text(event, "hook_event_name") or ""
    line = " ".join(str(getattr(error, "message", None) or error).split())[:300]
    if not line:
        line = type(error).__name__
    if settings.fail_open:
        return ""
    verdict = _Verdict.deny(f"Arcadia could not check this call ({line}); denied to be safe.")
    return encode(reply_for(name, verdict))


async def run_async(
    event_stdin_text: str,
    env: Mapping[str, str],
    *,
    project_dir: Path | str | None = None,
    timeout: float | None = None,
    gate: Any = None,
    spent_seconds: float | None = None,
) -> tuple[str, int]:
    """Handle one hook invocation in this process; return (stdout text, exit code).

    `gate` reuses an open `Gate` (the gate server's); otherwise the project's database is
    opened for this one event. `spent_seconds` is the time the hook already used (the gate
    server is told it by the hook client); by default it is this process's age.
    """
    settings = GateSettings.from_env(env)
    try:
        event = parse_event(event_stdin_text)
    except HookInputError as error:
        return f"arcadia hook claude-code: {error}; blocking the call\n", 2
    name = _text(event, "hook_event_name") or ""
    if name not in HANDLED_EVENTS:
        return "", 0
    host_timeout = host_timeout_for(env, timeout)
    if spent_seconds is None:
        budget = remaining_budget(host_timeout)
    else:
        budget = max(1.0, budget_from_host_timeout(host_timeout) - spent_seconds)
    try:
        reply = await asyncio.wait_for(
            _handle(gate, event, env, settings, project_dir, budget), timeout=budget + 0.5
        )
    except Exception as error:  # every failure must still answer
        logger.error("arcadia hook claude-code: %s failed: %s", name or "event", error)
        return failure_reply(event, error, settings), 0
    return encode(reply), 0


async def _handle(
    gate: Any,
    event: Mapping[str, Any],
    env: Mapping[str, str],
    settings: GateSettings,
    project_dir: Path | str | None,
    budget: float,
) -> dict[str, Any] | None:
    if gate is not None:
        return await handle_event_async(gate, event, env, budget_seconds=budget)
    from arcadia_core.db import Database
    from arcadia_core.gate.gate import Gate

    directory = project_dir_for(event, env, project_dir)
    database = await Database.open(directory)
    try:
        return await handle_event_async(
            Gate(database, settings, project_dir=directory), event, env, budget_seconds=budget
        )
    finally:
        await database.close()


def run(
    event_stdin_text: str,
    env: Mapping[str, str],
    *,
    project_dir: Path | str | None = None,
    timeout: float | None = None,
) -> tuple[str, int]:
    """Blocking form of `run_async` (works inside and outside a running event loop).

    For exit code 2 the text is for stderr, otherwise for stdout.
    """
    coroutine = run_async(event_stdin_text, env, project_dir=project_dir, timeout=timeout)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from arcadia_core.sync import run_blocking

    return run_blocking(coroutine)


def parse_args(argv: Sequence[str]) -> tuple[Path | None, float | None]:
    """`[--project-dir DIR] [--timeout SECONDS]` (unknown arguments are ignored, logged)."""
    project_dir: Path | None = None
    timeout: float | None = None
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        key, _, inline = item.partition("=")
        if key in ("--project-dir", "--timeout"):
            value = inline if inline else (items[index + 1] if index + 1 < len(items) else "")
            index += 1 if inline else 2
            if key == "--project-dir" and value:
                project_dir = Path(value)
            elif key == "--timeout":
                try:
                    timeout = float(value)
                except ValueError:
                    logger.warning("ignoring --timeout %r (not a number of seconds)", value)
            continue
        logger.warning("ignoring unknown argument %r", item)
        index += 1
    return project_dir, timeout


def configure_logging() -> None:
    """Warnings of any library, and the hook's own one line per decision, on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("arcadia.hook").setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None, stdin_text: str | None = None) -> int:
    """The in-process hook: `[--project-dir DIR] [--timeout SECONDS]`, stdin in, reply out.

    Reads stdin (unless `stdin_text` is given), writes the reply to stdout, logs to stderr.
    SIGTERM (a host giving up) withdraws a pending question and answers deny; it never
    leaves an allow behind. `arcadia hook claude-code` runs `hook_client.main`, which tries
    the warm gate server first and falls back to this.
    """
    configure_logging()
    project_dir, timeout = parse_args(sys.argv[1:] if argv is None else argv)
    text = sys.stdin.read() if stdin_text is None else stdin_text
    env = dict(os.environ)
    output, code = asyncio.run(_main_async(text, env, project_dir, timeout))
    (sys.stderr if code == 2 else sys.stdout).write(output)
    (sys.stderr if code == 2 else sys.stdout).flush()
    return code


async def _main_async(
    text: str, env: Mapping[str, str], project_dir: Path | None, timeout: float | None
) -> tuple[str, int]:
    task = asyncio.ensure_future(run_async(text, env, project_dir=project_dir, timeout=timeout))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        try:
            event = parse_event(text)
        except HookInputError:
            return "arcadia hook claude-code: interrupted; blocking the call\n", 2
        interrupted = RuntimeError("the hook was interrupted before a verdict")
        return failure_reply(event, interrupted, GateSettings.from_env(env)), 0


if __name__ == "__main__":
    raise SystemExit(main())
