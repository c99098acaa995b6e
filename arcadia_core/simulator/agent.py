"""The simulated agent's habits: gated tool calls, asking for permission, safer alternatives."""

from __future__ import annotations

import random
from typing import Any

from arcadia_core.events import EventType
from arcadia_core.managers import InjectionType
from arcadia_core.managers.escalation.records import EscalationContext
from arcadia_core.managers.risk.records import RiskLevel
from arcadia_core.simulator.asking import Asker, Reply
from arcadia_core.simulator.harness import Gate, Harness

APPROVING = ("Approve", "Request checkpoint first")


class Agent:
    """Tool calls the way a careful agent makes them, reacting to the supervisor's answers."""

    def __init__(self, harness: Harness, asker: Asker, rng: random.Random) -> None:
        self.h = harness
        self.asker = asker
        self.rng = rng
        self._checkpoints = 0

    async def act(
        self,
        tool: str,
        action_input: dict[str, Any],
        feature: int | None = None,
        *,
        error: str | None = None,
        seconds: float = 1.0,
        confidence: float = 0.9,
        safer: str | None = None,
    ) -> bool | None:
        """Make a call if it is clear, else ask first.

        Returns True when the call (or the safer command used instead) succeeded, False when
        it failed, None when nothing ran (not approved without an alternative, or cancelled).
        """
        gate = await self.h.gate(tool, action_input, confidence)
        if gate.clear:
            return await self.h.run(tool, action_input, feature, error=error, seconds=seconds)
        reply = await self.permission(gate, feature, confidence)
        if reply.chose(*APPROVING):
            if reply.answer == "Request checkpoint first":
                await self.checkpoint(f"before {gate.decision.action}", feature)
            approved = {**action_input, "approved_by": reply.response.responded_by}
            ok = await self.h.run(tool, approved, feature, error=error, seconds=seconds)
            await self.asker.settle(reply, ok)
            return ok
        why = "cancelled by the supervisor" if reply.cancelled else f"answer was {reply.answer!r}"
        await self.h.blocked(gate, f"{gate.decision.action} not run: {why}")
        if reply.cancelled or safer is None:
            await self.h.decision(
                "skip_step",
                f"skip: {describe(gate)}",
                f"Skipped because the {why}",
                feature=feature,
            )
            await self.asker.settle(reply, True, "step skipped")
            return None
        await self.h.decision(
            "safer_alternative",
            safer,
            f"{describe(gate)} was not approved ({why}); using a safer alternative instead",
            alternatives=[describe(gate)],
            feature=feature,
        )
        instead = await self.act("Bash", {"command": safer}, feature, seconds=seconds)
        await self.asker.settle(reply, bool(instead), f"safer alternative: {safer}")
        return instead

    async def permission(self, gate: Gate, feature: int | None, confidence: float) -> Reply:
        """Ask for a gated call: through the escalation rules, else a plain approval."""
        assessment, decision = gate.assessment, gate.decision
        details = {
            "tool": gate.tool,
            "input": assessment.input_summary,
            "risk_level": assessment.risk_level.name,
            "concerns": list(assessment.concerns),
            "autonomy": decision.reason,
            "mitigation": assessment.suggested_mitigation,
        }
        context = EscalationContext(
            confidence=confidence,
            feature_index=feature,
            action=describe(gate),
            # Only a high-risk action that cannot be undone counts as irreversible here.
            is_irreversible=not assessment.is_reversible
            and assessment.risk_level >= RiskLevel.HIGH,
            affects_source_of_truth=assessment.affects_source_of_truth,
            custom=details,
        )
        reply = await self.asker.escalate(context, tool=gate.tool)
        if reply is not None:
            return reply
        risky = assessment.risk_level >= RiskLevel.HIGH
        return await self.asker.ask(
            InjectionType.APPROVAL,
            f"{decision.reason}. Allow it this once? {describe(gate)}",
            ["Approve", "Deny"],
            "Deny" if risky else "Approve",
            timeout=90,
            default="Deny",
            severity=4 if risky else 3,
            context=details,
            tool=gate.tool,
        )

    async def command(self, command: str, feature: int | None, **options: Any) -> bool | None:
        """Run a shell command through `act`."""
        return await self.act("Bash", {"command": command}, feature, **options)

    async def checkpoint(self, reason: str, feature: int | None) -> None:
        """Record a checkpoint the agent could roll back to."""
        self._checkpoints += 1
        await self.h.event(
            EventType.CHECKPOINT_CREATED,
            {
                "checkpoint_id": f"CP-{self.h.session_id}-{self._checkpoints}",
                "reason": reason,
                "git_ref": f"{self.rng.getrandbits(40):010x}",
            },
            feature,
        )

    async def commit(self, message: str, feature: int | None, files: int) -> None:
        """Commit the work and log the commit."""
        if await self.command(f'git commit -am "{message}"', feature, seconds=0.6):
            await self.h.observability.log_git_commit_async(
                f"{self.rng.getrandbits(160):040x}", message, files
            )

    async def mark_feature(self, index: int, title: str) -> bool:
        """Mark a feature as passing (the source of truth) if allowed or approved."""
        if await self.act("feature_mark", {"index": index, "passing": True}, index, seconds=0.3):
            await self.h.feature(EventType.FEATURE_COMPLETED, index, title)
            return True
        await self.h.decision(
            "feature_left_unmarked",
            f"feature #{index} stays unmarked",
            "Marking it as passing was not approved; the supervisor can mark it after review",
            feature=index,
        )
        return False


def describe(gate: Gate) -> str:
    """The call in words: the command for Bash, else the autonomy summary."""
    command = gate.action_input.get("command")
    return str(command) if command else gate.decision.action
