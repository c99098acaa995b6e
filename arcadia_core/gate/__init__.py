"""The agent-neutral gate: a normalised tool call in, a verdict out (see `gate.gate`).

The types import with the standard library only; `Gate` and the functions load the database
layer on first use, so an adapter can parse and reply without paying for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from arcadia_core.gate.gate import Gate, check_tool_call, check_tool_call_async
    from arcadia_core.gate.sessions import AgentSessionRow

__all__ = [
    "AgentKind",
    "AgentRef",
    "AgentSessionRow",
    "Decision",
    "Gate",
    "GateSettings",
    "ToolCall",
    "ToolOutcome",
    "Verdict",
    "budget_from_host_timeout",
    "check_tool_call",
    "check_tool_call_async",
]

_LAZY = {
    "Gate": "arcadia_core.gate.gate",
    "check_tool_call": "arcadia_core.gate.gate",
    "check_tool_call_async": "arcadia_core.gate.gate",
    "AgentSessionRow": "arcadia_core.gate.sessions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'arcadia_core.gate' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
