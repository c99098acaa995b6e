"""The agent's harness: managers, sessions, and tool calls gated by risk and autonomy.

This is what a real agent built on `arcadia_core` does around every tool call: assess the
risk (logged), check the autonomy level (logged), log the call and its result as events, and
count the outcome so the level is demoted after an error streak and promoted after a success
streak. Only public manager APIs are used.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from arcadia_core.db import Database
from arcadia_core.events import EventType
from arcadia_core.managers import HumanInterface
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyDecision, AutonomyLevel
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.failure.manager import FailureAnalyzer
from arcadia_core.managers.failure.records import FailureReport
from arcadia_core.managers.intervention.manager import InterventionLearner
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.records import RiskAssessment, RiskLevel, RiskPattern
from arcadia_core.simulator.pace import Pace

Say = Callable[[str], None]

# Project-specific risk patterns the agent's configuration adds to the built-ins.
PROJECT_RISK_PATTERNS = (
    RiskPattern(
        "shell_read_only",
        "Read-only shell command",
        RiskLevel.MINIMAL,
        tool="Bash",
        input_pattern=r"^\s*(?:ls|pwd|cat|git\s+(?:status|diff|log))\b[^;&|>]*$",
        input_field="command",
    ),
    RiskPattern(
        "pipe_to_shell",
        "Downloaded script piped into a shell",
        RiskLevel.CRITICAL,
        tool="Bash",
        input_pattern=r"\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z)?sh\b",
        input_field="command",
        is_reversible=False,
        has_external_side_effects=True,
        requires_approval=True,
        requires_checkpoint=True,
        mitigation="Download the script, read it, and install from a pinned package instead",
    ),
)

# The autonomy level a shell command needs, from its assessed risk.
LEVEL_FOR_RISK = {
    RiskLevel.MINIMAL: AutonomyLevel.OBSERVE,
    RiskLevel.LOW: AutonomyLevel.PLAN,
    RiskLevel.MODERATE: AutonomyLevel.EXECUTE_SAFE,
    RiskLevel.HIGH: AutonomyLevel.EXECUTE_REVIEW,
    RiskLevel.CRITICAL: AutonomyLevel.FULL_AUTO,
}


def bash_level(action_input: dict[str, Any]) -> AutonomyLevel:
    """The level a Bash call needs: by the risk the agent assessed for it just before."""
    risk = RiskLevel(int(action_input.get("risk_level", RiskLevel.MODERATE)))
    return LEVEL_FOR_RISK[risk]


@dataclass(frozen=True)
class Gate:
    """What the agent learned before a tool call: its risk and whether autonomy allows it."""

    tool: str
    action_input: dict[str, Any]
    assessment: RiskAssessment
    decision: AutonomyDecision

    @property
    def clear(self) -> bool:
        """True when the call may run without asking: allowed and not high risk."""
        return self.decision.allowed and self.assessment.risk_level < RiskLevel.HIGH


@dataclass
class SessionState:
    """What happened in the current session."""

    session_id: int
    errors: int = 0
    failed_features: list[int] = field(default_factory=list)
    status: str = "completed"
    reason: str = ""
    report: FailureReport | None = None


class Harness:
    """The managers one simulated agent process uses, and its tool-call discipline."""

    def __init__(self, db: Database, pace: Pace, rng: random.Random, say: Say) -> None:
        self.db = db
        self.pace = pace
        self.rng = rng
        self.say = say
        self.observability = Observability(db)
        self.autonomy = AutonomyManager(
            db, AutonomyConfig(level=AutonomyLevel.EXECUTE_SAFE, auto_adjust=True)
        )
        self.autonomy.register_action_checker("Bash", bash_level)
        self.risk = RiskClassifier(db)
        self.escalation = EscalationEngine(db)
        self.human = HumanInterface(db, poll_interval=pace.poll_interval, user="simulated-agent")
        self.failures = FailureAnalyzer(db)
        self.learner = InterventionLearner(db)
        self.state: SessionState | None = None
        self.level = AutonomyLevel.EXECUTE_SAFE
        """The configured level as of the last check or outcome."""

    async def setup(self) -> None:
        """Store the autonomy configuration (unless the project has one) and the risk patterns."""
        await self.autonomy.init_async()
        for pattern in PROJECT_RISK_PATTERNS:
            await self.risk.add_pattern_async(pattern)

    @property
    def session_id(self) -> int:
        assert self.state is not None, "no session is running"
        return self.state.session_id

    # -- sessions ----------------------------------------------------------------------------

    @asynccontextmanager
    async def session(self, title: str) -> AsyncIterator[SessionState]:
        """Run one session: ended `interrupted` when cancelled, analysed when it had errors."""
        session_id = await self.observability.start_session_async()
        for manager in (self.autonomy, self.risk, self.escalation, self.human):
            manager.update_session_id(session_id)
        self.state = state = SessionState(session_id)
        self.level = (await self.autonomy.get_config_async()).level
        self.say(f"session {session_id} started: {title} (autonomy {self.level.name})")
        try:
            yield state
        except BaseException as error:
            stopped = isinstance(error, asyncio.CancelledError | KeyboardInterrupt)
            status = "interrupted" if stopped else "error"
            reason = "the simulator was stopped" if stopped else f"{type(error).__name__}: {error}"
            await self.observability.end_session_async(session_id, status=status, reason=reason)
            self.say(f"session {session_id} ended: {status}")
            raise
        finally:
            self.state = None
        await self.observability.end_session_async(
            session_id, status=state.status, reason=state.reason
        )
        if state.errors:
            state.report = await self.failures.analyze_session_async(session_id)
            self.say(
                f"session {session_id} ended: {state.status}; failure report "
                f"{state.report.failure_type}: {state.report.likely_cause}"
            )
        else:
            self.say(f"session {session_id} ended: {state.status}")

    # -- tool calls --------------------------------------------------------------------------

    async def gate(
        self, tool: str, action_input: dict[str, Any], confidence: float | None = None
    ) -> Gate:
        """Assess the call's risk and check it against the autonomy level (both logged)."""
        assessment = await self.risk.assess_async(tool, action_input)
        checked = {**action_input, "risk_level": int(assessment.risk_level)}
        decision = await self.autonomy.check_action_async(tool, checked, confidence)
        self.level = decision.current_level
        return Gate(tool, dict(action_input), assessment, decision)

    async def run(
        self,
        tool: str,
        action_input: dict[str, Any],
        feature: int | None = None,
        *,
        error: str | None = None,
        seconds: float = 1.0,
    ) -> bool:
        """Make the call (log it, take `seconds`, log the result); False if it fails."""
        await self.observability.log_tool_call_async(tool, action_input, feature_index=feature)
        await self.pace.pause(seconds)
        duration = int(seconds * 1000 * self.rng.uniform(0.6, 1.4))
        if error is None:
            await self.observability.log_tool_result_async(tool, True, duration_ms=duration)
        else:
            await self.observability.log_tool_result_async(
                tool, False, is_error=True, error_message=error, duration_ms=duration
            )
            await self.observability.log_error_async(
                error, error_type="test_failure", context={"tool": tool, "feature_index": feature}
            )
            if self.state is not None:
                self.state.errors += 1
        await self.outcome(error is None)
        return error is None

    async def outcome(self, success: bool) -> None:
        """Count an outcome; report an automatic promotion or demotion as a warning event."""
        before = self.level
        after = await self.autonomy.record_outcome_async(success)
        if after is not None and after != before:
            self.level = after
            verb = "promoted" if after > before else "demoted"
            streak = "successes" if success else "errors"
            message = (
                f"Autonomy {verb} from {before.name} to {after.name} after a streak of {streak}"
            )
            await self.observability.log_warning_async(
                message, {"from": int(before), "to": int(after)}
            )
            self.say(message)

    async def blocked(self, gate: Gate, reason: str) -> None:
        """Log that a call was not made."""
        await self.observability.log_tool_result_async(
            gate.tool, False, is_blocked=True, error_message=reason
        )

    async def event(
        self, event_type: EventType, data: dict[str, Any], feature: int | None = None
    ) -> None:
        """Log any other event."""
        await self.observability.log_event_async(event_type, data, feature_index=feature)

    async def feature(self, event_type: EventType, index: int, title: str, **details: Any) -> None:
        """Log a feature_* event."""
        await self.observability.log_feature_event_async(event_type, index, title, details)

    async def decision(
        self,
        decision_type: str,
        choice: str,
        rationale: str,
        *,
        alternatives: list[str] | None = None,
        confidence: float = 0.8,
        feature: int | None = None,
    ) -> None:
        """Log a decision event."""
        await self.observability.log_decision_async(
            decision_type, choice, alternatives, rationale, confidence, feature
        )
