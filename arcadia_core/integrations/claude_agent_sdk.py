"""Supervise a Claude Agent SDK agent: one call adds the gate to its `ClaudeAgentOptions`.

    options = supervise(ClaudeAgentOptions(...), project_dir)

adds PreToolUse, PostToolUse, PostToolUseFailure, UserPromptSubmit and Stop callbacks (each
`HookMatcher` with an explicit `timeout`: a callback that times out blocks the call) and a
`can_use_tool` backstop. The agent's own hooks are kept (the SDK runs both; a deny wins) and
its own `can_use_tool`, if any, is asked after the gate allows. The SDK is an optional extra
(`pip install 'arcadia[claude-sdk]'`): it is imported only when `supervise` is called.

The project's database is opened on the first callback, on the agent's event loop, and kept
for the life of the `Supervisor` (`await supervisor.aclose()` releases it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from arcadia_core.agents import claude_code
from arcadia_core.gate.types import (
    AgentKind,
    GateSettings,
    ToolCall,
    Verdict,
    budget_from_host_timeout,
)

AGENT = AgentKind.CLAUDE_SDK.value
DEFAULT_TIMEOUT = 3600.0
QUICK_TIMEOUT = 60.0
VERDICT_MEMORY = 256

logger = logging.getLogger(__name__)

HookCallback = Callable[[dict[str, Any], str | None, Any], Awaitable[dict[str, Any]]]


class Supervisor:
    """The gate for one SDK agent: its callbacks, its database handle, its verdicts."""

    def __init__(
        self,
        project_dir: Path | str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        settings: GateSettings | None = None,
    ) -> None:
        self.project_dir = Path(project_dir).expanduser().resolve()
        self.timeout = float(timeout)
        self.settings = settings or GateSettings.from_env()
        self._gate: Any = None
        self._lock: asyncio.Lock | None = None
        self._session_id = f"sdk-{uuid.uuid4()}"
        # Verdicts by tool_use_id, so `can_use_tool` does not ask twice for one call.
        self._verdicts: dict[str, Verdict] = {}

    async def gate(self) -> Any:
        """The `Gate` on the project's database, opened on first use."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._gate is None:
                from arcadia_core.db import Database
                from arcadia_core.gate.gate import Gate

                database = await Database.open(self.project_dir)
                self._gate = Gate(database, self.settings, project_dir=self.project_dir)
        return self._gate

    async def aclose(self) -> None:
        """Close the database handle (the next callback opens it again)."""
        if self._gate is not None:
            gate, self._gate = self._gate, None
            await gate.db.close()

    @property
    def budget(self) -> float:
        return budget_from_host_timeout(self.timeout)

    def _event(self, input_data: dict[str, Any], name: str) -> dict[str, Any]:
        event = dict(input_data)
        event.setdefault("hook_event_name", name)
        if event.get("session_id"):
            self._session_id = str(event["session_id"])
        else:
            event["session_id"] = self._session_id
        return event

    def _remember(self, tool_use_id: str | None, verdict: Verdict) -> None:
        if tool_use_id:
            self._verdicts[tool_use_id] = verdict
            while len(self._verdicts) > VERDICT_MEMORY:
                self._verdicts.pop(next(iter(self._verdicts)))

    async def _decide(self, call: ToolCall) -> Verdict:
        try:
            gate = await self.gate()
        except Exception as error:
            logger.error("Arcadia could not open %s: %s", self.project_dir, error)
            from arcadia_core.gate.gate import one_line

            if self.settings.fail_open:
                return Verdict.no_opinion(
                    f"Arcadia could not open its database ({one_line(error)})"
                )
            return Verdict.deny(
                f"Arcadia could not check this call ({one_line(error)}); denied to be safe.",
                decided_by="error",
            )
        verdict: Verdict = await gate.check_tool_call_async(call, budget_seconds=self.budget)
        return verdict

    # -- callbacks ---------------------------------------------------------------------------

    async def pre_tool_use(
        self, input_data: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        """PreToolUse: the gate's verdict in the command-hook reply shape."""
        event = self._event(input_data, "PreToolUse")
        if tool_use_id and not event.get("tool_use_id"):
            event["tool_use_id"] = tool_use_id
        call = dataclasses.replace(claude_code.tool_call_of(event, {}), agent=AGENT)
        verdict = await self._decide(call)
        self._remember(call.tool_use_id, verdict)
        return claude_code.reply_for("PreToolUse", verdict) or {}

    async def _quietly(self, work: Callable[[Any], Awaitable[Any]]) -> dict[str, Any]:
        try:
            await work(await self.gate())
        except Exception as error:  # bookkeeping must never break the agent's run
            logger.error("Arcadia could not record an SDK event: %s", error)
        return {}

    async def post_tool_use(
        self, input_data: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        """PostToolUse / PostToolUseFailure: the outcome counts toward the streaks."""
        name = str(input_data.get("hook_event_name") or "PostToolUse")
        event = self._event(input_data, name)
        if tool_use_id and not event.get("tool_use_id"):
            event["tool_use_id"] = tool_use_id
        outcome = dataclasses.replace(claude_code.outcome_of(event, {}), agent=AGENT)
        return await self._quietly(lambda gate: gate.record_outcome_async(outcome))

    async def user_prompt_submit(
        self, input_data: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        """UserPromptSubmit: the session is running."""
        event = self._event(input_data, "UserPromptSubmit")
        ref = dataclasses.replace(claude_code.ref_of(event, {}), agent=AGENT)
        prompt = event.get("prompt")
        return await self._quietly(
            lambda gate: gate.resume_session_async(
                ref, prompt=None if prompt is None else str(prompt)
            )
        )

    async def stop(
        self, input_data: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        """Stop: the turn ended."""
        event = self._event(input_data, "Stop")
        ref = dataclasses.replace(claude_code.ref_of(event, {}), agent=AGENT)
        message = event.get("last_assistant_message")
        return await self._quietly(
            lambda gate: gate.record_stop_async(
                ref, last_message=None if message is None else str(message)
            )
        )

    async def can_use_tool(self, tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
        """The SDK permission callback: the PreToolUse verdict of the same call, else the gate."""
        from claude_agent_sdk import PermissionResultAllow, PermissionResultDeny

        tool_use_id = getattr(context, "tool_use_id", None)
        verdict = self._verdicts.pop(tool_use_id, None) if tool_use_id else None
        if verdict is None or verdict.decision.value == "no_opinion":
            call = ToolCall(
                agent=AGENT,
                agent_session_id=self._session_id,
                tool_name=tool_name,
                tool_input=dict(tool_input or {}),
                cwd=str(self.project_dir),
                tool_use_id=tool_use_id,
                hook_event="can_use_tool",
            )
            verdict = await self._decide(call)
        if verdict.allowed:
            return PermissionResultAllow(updated_input=verdict.updated_input)
        return PermissionResultDeny(message=verdict.reason or "Denied by Arcadia.")

    # -- wiring ------------------------------------------------------------------------------

    def apply(self, options: Any) -> Any:
        """A copy of `options` with the gate added (the agent's own hooks kept)."""
        from claude_agent_sdk import HookMatcher

        own_permission = getattr(options, "can_use_tool", None)

        async def can_use_tool(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
            result = await self.can_use_tool(tool_name, tool_input, context)
            if own_permission is None or getattr(result, "behavior", "") != "allow":
                return result
            updated = getattr(result, "updated_input", None)
            return await own_permission(tool_name, updated or tool_input, context)

        ours: dict[str, tuple[HookCallback, float]] = {
            "PreToolUse": (self.pre_tool_use, self.timeout),
            "PostToolUse": (self.post_tool_use, QUICK_TIMEOUT),
            "PostToolUseFailure": (self.post_tool_use, QUICK_TIMEOUT),
            "UserPromptSubmit": (self.user_prompt_submit, QUICK_TIMEOUT),
            "Stop": (self.stop, QUICK_TIMEOUT),
        }
        hooks: dict[str, list[Any]] = {
            event: list(matchers) for event, matchers in (options.hooks or {}).items()
        }
        for event, (callback, timeout) in ours.items():
            hooks.setdefault(event, []).append(
                HookMatcher(matcher=None, hooks=[callback], timeout=timeout)  # type: ignore[list-item]
            )
        return dataclasses.replace(options, hooks=hooks, can_use_tool=can_use_tool)


def supervise(
    options: Any,
    project_dir: Path | str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    settings: GateSettings | None = None,
) -> Any:
    """`options` (a `ClaudeAgentOptions`) with Arcadia's gate added.

    `project_dir` defaults to `options.cwd`, then the working directory; `timeout` is the
    PreToolUse callback's timeout in seconds (a person is waited for until shortly before it).
    """
    directory = project_dir or getattr(options, "cwd", None) or Path.cwd()
    return Supervisor(directory, timeout=timeout, settings=settings).apply(options)
