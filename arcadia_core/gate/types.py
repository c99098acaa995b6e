"""What the gate is asked and what it answers: a normalised tool call and its verdict.

Stdlib only, so adapters and the hook client can build and read these without importing the
database layer.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

FAIL_OPEN_ENV = "ARCADIA_HOOK_FAIL_OPEN"
DEFAULT_ON_TIMEOUT_ENV = "ARCADIA_HOOK_DEFAULT_ON_TIMEOUT"
APPROVAL_TIMEOUT_ENV = "ARCADIA_HOOK_APPROVAL_TIMEOUT"

ALLOW_OPTION = "Allow"
DENY_OPTION = "Deny"
APPROVAL_OPTIONS = (ALLOW_OPTION, DENY_OPTION)


class AgentKind(StrEnum):
    """Which agent asked (stored in `agent_sessions.agent_kind`)."""

    CLAUDE_CODE = "claude-code"
    CLAUDE_SDK = "claude-sdk"
    CODEX = "codex"
    GEMINI = "gemini"


AGENT_LABELS = {
    AgentKind.CLAUDE_CODE.value: "Claude Code",
    AgentKind.CLAUDE_SDK.value: "Claude Agent SDK agent",
    AgentKind.CODEX.value: "Codex",
    AgentKind.GEMINI.value: "Gemini CLI",
}


def agent_label(kind: str) -> str:
    """A person's name for an agent kind (`Claude Code`), else the kind itself."""
    return AGENT_LABELS.get(kind, kind)


@dataclass(frozen=True, slots=True)
class AgentRef:
    """One agent session as the agent names it: its kind and its own session id."""

    agent: str
    agent_session_id: str
    cwd: str | None = None
    transcript_path: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call an agent is about to make, in the agent's own names."""

    agent: str
    agent_session_id: str
    tool_name: str
    tool_input: dict[str, Any] = field(default_factory=dict)
    cwd: str | None = None
    tool_use_id: str | None = None
    hook_event: str = "PreToolUse"
    """The agent event that asked (`PreToolUse`, `PermissionRequest`, `can_use_tool`, ...)."""
    permission_mode: str | None = None
    transcript_path: str | None = None

    @property
    def ref(self) -> AgentRef:
        """The session this call belongs to."""
        return AgentRef(self.agent, self.agent_session_id, self.cwd, self.transcript_path)


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """How a tool call ended (Claude's PostToolUse / PostToolUseFailure)."""

    agent: str
    agent_session_id: str
    tool_name: str
    success: bool
    tool_input: dict[str, Any] = field(default_factory=dict)
    tool_use_id: str | None = None
    error: str | None = None
    duration_ms: int | None = None
    interrupted: bool = False
    cwd: str | None = None
    transcript_path: str | None = None

    @property
    def ref(self) -> AgentRef:
        """The session this outcome belongs to."""
        return AgentRef(self.agent, self.agent_session_id, self.cwd, self.transcript_path)


class Decision(StrEnum):
    """The gate's answer."""

    ALLOW = "allow"
    DENY = "deny"
    NO_OPINION = "no_opinion"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Allow (optionally with rewritten input), deny with a reason the model can act on, or
    no opinion (the agent's own permission flow decides)."""

    decision: Decision
    reason: str = ""
    updated_input: dict[str, Any] | None = None
    decided_by: str = "arcadia"
    """`autonomy`, a person (`tui:alice`, `cli:bob`), `timeout_default`, `error`, ..."""
    point_id: str | None = None

    @classmethod
    def allow(
        cls,
        reason: str = "",
        *,
        updated_input: dict[str, Any] | None = None,
        decided_by: str = "arcadia",
        point_id: str | None = None,
    ) -> Verdict:
        return cls(Decision.ALLOW, reason, updated_input, decided_by, point_id)

    @classmethod
    def deny(
        cls, reason: str, *, decided_by: str = "arcadia", point_id: str | None = None
    ) -> Verdict:
        return cls(Decision.DENY, reason, None, decided_by, point_id)

    @classmethod
    def no_opinion(cls, reason: str = "", *, decided_by: str = "arcadia") -> Verdict:
        return cls(Decision.NO_OPINION, reason, None, decided_by)

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    @property
    def denied(self) -> bool:
        return self.decision is Decision.DENY

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the gate server's wire format)."""
        return {
            "decision": self.decision.value,
            "reason": self.reason,
            "updated_input": self.updated_input,
            "decided_by": self.decided_by,
            "point_id": self.point_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Rebuild from `to_dict` output; an unknown decision raises ValueError."""
        updated = data.get("updated_input")
        return cls(
            Decision(str(data["decision"])),
            str(data.get("reason") or ""),
            dict(updated) if isinstance(updated, Mapping) else None,
            str(data.get("decided_by") or "arcadia"),
            data.get("point_id"),
        )


def _truthy(text: str | None) -> bool:
    return (text or "").strip().lower() in {"1", "true", "yes", "on"}


def _seconds(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


@dataclass(frozen=True, slots=True)
class GateSettings:
    """How the gate waits and fails.

    `fail_open` (env `ARCADIA_HOOK_FAIL_OPEN=1`, off by default): on an internal error the
    gate answers "no opinion" instead of deny, so the agent's own permission flow decides
    (it never answers allow on an error). `default_on_timeout` (env
    `ARCADIA_HOOK_DEFAULT_ON_TIMEOUT=allow`, default deny): what an unanswered approval
    becomes when the wait ends. `approval_timeout` (env `ARCADIA_HOOK_APPROVAL_TIMEOUT`,
    seconds): the longest wait for a person; the host's hook budget shortens it further.
    """

    approval_timeout: float = 3600.0
    default_on_timeout: str = DENY_OPTION
    fail_open: bool = False
    poll_interval: float = 0.2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GateSettings:
        """Settings from `env` (default `os.environ`)."""
        source = os.environ if env is None else env
        default = source.get(DEFAULT_ON_TIMEOUT_ENV, "").strip().lower()
        return cls(
            approval_timeout=_seconds(source.get(APPROVAL_TIMEOUT_ENV), 3600.0),
            default_on_timeout=ALLOW_OPTION if default == "allow" else DENY_OPTION,
            fail_open=_truthy(source.get(FAIL_OPEN_ENV)),
        )


def budget_from_host_timeout(host_timeout: float) -> float:
    """The gate's own time budget for a host hook timeout: the timeout minus a margin.

    The margin (5 %, at least 3 s, at most 30 s) leaves time to write the reply before the
    host kills the hook (a host timeout gives no verdict, and the call then falls through).
    """
    margin = min(30.0, max(3.0, 0.05 * host_timeout))
    return max(1.0, host_timeout - margin)
