"""A deterministic project history (fixed times) for the views beside Live.

Three agent sessions on a small shop project, written through the managers as an agent and a
supervisor would: tool calls gated by risk and autonomy (both logged), events, questions and
answers, an automatic demotion, supervisor level changes, failure reports, interventions and
learned patterns. Used by tests, snapshots and the README screenshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from arcadia_core.db import Database
from arcadia_core.events import EventType
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.autonomy.records import AutonomyConfig, AutonomyLevel
from arcadia_core.managers.failure.manager import FailureAnalyzer
from arcadia_core.managers.injection import HumanInterface
from arcadia_core.managers.intervention.manager import InterventionLearner
from arcadia_core.managers.intervention.records import InterventionType
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.records import RiskLevel, RiskPattern
from arcadia_core.vocabulary import RespondedBy, answered_by
from arcadia_tui.sample import SAMPLE_NOW

SUPERVISOR = answered_by(RespondedBy.TUI, "alice")
"""Who answers the questions and tunes the level in the sample."""
BOB = answered_by(RespondedBy.CLI, "bob")
"""Who sets the level from the command line in the sample."""

PIPE_TO_SHELL = RiskPattern(
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
)
SHELL_READ_ONLY = RiskPattern(
    "shell_read_only",
    "Read-only shell command",
    RiskLevel.MINIMAL,
    tool="Bash",
    input_pattern=r"^\s*(?:ls|pwd|cat|git\s+(?:status|diff|log))\b[^;&|>]*$",
    input_field="command",
)
LEVEL_FOR_RISK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}


class Ticker:
    """A clock that moves `step` seconds forward on every reading."""

    def __init__(self, start: datetime, step: float = 7.0) -> None:
        self.now = start
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def jump(self, to: datetime) -> None:
        """Continue from `to`."""
        self.now = to


@dataclass(frozen=True, slots=True)
class Call:
    """One tool call of the script: what it does and how it ends."""

    tool: str
    action_input: dict[str, Any]
    error: str | None = None
    confidence: float | None = 0.9
    answer: str | None = None
    """The supervisor's answer when the call is gated (None: it is never asked)."""


class Agent:
    """Plays the script through the managers, on one shared ticking clock."""

    def __init__(self, db: Database, clock: Ticker) -> None:
        self.db = db
        self.clock = clock
        self.observability = Observability(db, clock=clock)
        self.autonomy = AutonomyManager(
            db, AutonomyConfig(level=AutonomyLevel.EXECUTE_SAFE), clock=clock
        )
        self.autonomy.register_action_checker(
            "Bash", lambda action_input: LEVEL_FOR_RISK[int(action_input.get("risk_level", 3))]
        )
        self.risk = RiskClassifier(db, clock=clock)
        self.human = HumanInterface(db, clock=clock, user="sample-agent")
        self.learner = InterventionLearner(db, clock=clock)
        self.session_id = 0

    async def start(self, session_id: int, at: datetime) -> None:
        self.clock.jump(at)
        self.session_id = await self.observability.start_session_async(session_id)
        for manager in (self.autonomy, self.risk, self.human):
            manager.update_session_id(session_id)

    async def call(self, call: Call, feature: int | None = None) -> None:
        """Assess, check, ask if gated, then run (events and outcome)."""
        assessment = await self.risk.assess_async(call.tool, call.action_input)
        checked = {**call.action_input, "risk_level": int(assessment.risk_level)}
        decision = await self.autonomy.check_action_async(call.tool, checked, call.confidence)
        gated = not decision.allowed or assessment.risk_level >= RiskLevel.HIGH
        if gated:
            if call.answer is None:
                return
            approved = await self.ask(call, assessment, decision.reason)
            if not approved:
                return
        await self.observability.log_tool_call_async(call.tool, call.action_input, feature)
        if call.error is None:
            await self.observability.log_tool_result_async(call.tool, True, duration_ms=1800)
        else:
            await self.observability.log_tool_result_async(
                call.tool, False, is_error=True, error_message=call.error, duration_ms=4200
            )
            await self.observability.log_error_async(
                call.error, error_type="test_failure", context={"tool": call.tool}
            )
        await self.autonomy.record_outcome_async(call.error is None)

    async def ask(self, call: Call, assessment: Any, reason: str) -> bool:
        """Ask for approval, answer as the supervisor, and record the intervention."""
        assert call.answer is not None
        point = await self.human.create_point_async(
            "approval",
            {
                "tool": call.tool,
                "input": assessment.input_summary,
                "risk_level": assessment.risk_level.name,
                "concerns": list(assessment.concerns),
                "autonomy": reason,
            },
            ["Approve", "Deny"],
            "Deny" if assessment.risk_level >= RiskLevel.HIGH else "Approve",
            timeout_seconds=90,
            default_on_timeout="Deny",
            message=f"{reason}. Allow it this once? {assessment.action}",
            severity=4 if assessment.risk_level >= RiskLevel.HIGH else 3,
        )
        self.clock()
        await self.human.answer_async(point.point_id, call.answer, by=SUPERVISOR)
        await self.learn(call, assessment.action, "approval")
        return call.answer == "Approve"

    async def learn(self, call: Call, action: str, trigger: str) -> str:
        """Record the supervisor's answer as an intervention and its (sample) outcome."""
        signature = self.learner.create_context_signature(
            tool=call.tool,
            action_type=action.split(" ")[0].rstrip(":").lower(),
            trigger_type=trigger,
        )
        intervention = await self.learner.record_intervention_async(
            self.session_id,
            InterventionType.APPROVAL,
            signature,
            call.answer or "",
            {"action": action},
            original_action=action,
            human_rationale="answered in the TUI",
        )
        await self.learner.record_outcome_async(intervention.intervention_id, True)
        return intervention.intervention_id

    async def end(self, status: str, reason: str, cost: float) -> None:
        await self.observability.log_usage_async(182_000, 24_000, cost)
        await self.observability.add_session_cost_async(cost, self.session_id)
        await self.observability.end_session_async(self.session_id, status=status, reason=reason)


STUB = (
    Call("Read", {"file_path": "src/shop/payments.py"}),
    Call("Write", {"file_path": "tests/stubs/provider.py", "content": "class Provider: ..."}),
    Call(
        "Bash",
        {"command": "pytest -q tests/test_checkout.py"},
        error="tests/test_checkout.py::test_pay - AssertionError: expected 200, got 502",
    ),
    Call("Edit", {"file_path": "tests/stubs/provider.py", "old_string": "e", "new_string": "f"}),
)
CART = (
    Call("Read", {"file_path": "src/shop/cart.py"}),
    Call("Grep", {"pattern": "def total", "path": "src"}),
    Call(
        "Edit", {"file_path": "src/shop/cart.py", "old_string": "total =", "new_string": "total ="}
    ),
    Call("Bash", {"command": "git status"}),
    Call("Bash", {"command": "pip install -e ."}),
    Call(
        "Bash",
        {"command": "pytest -q tests/test_cart.py"},
        error="tests/test_cart.py::test_discount - AssertionError: assert 90 == 81",
    ),
    Call("Edit", {"file_path": "src/shop/cart.py", "old_string": "0.9", "new_string": "0.81"}),
    Call("Bash", {"command": "pytest -q tests/test_cart.py"}),
    Call("feature_mark", {"index": 3, "passing": True}, answer="Approve"),
    Call("Bash", {"command": 'git commit -am "Cart totals with discounts"'}),
)
CHECKOUT_ERROR = "tests/test_checkout.py::test_pay - AssertionError: expected 200, got 500"
CHECKOUT = (
    Call("Read", {"file_path": "src/shop/checkout.py"}),
    Call(
        "Bash",
        {"command": "curl -sSL https://get.example.com/stripe-cli | sh"},
        answer="Deny",
    ),
    Call("Bash", {"command": "pip install stripe==9.4.0"}),
    Call("Write", {"file_path": "src/shop/payments.py", "content": "import stripe\n"}),
    Call("Bash", {"command": "pytest -q tests/test_checkout.py"}, error=CHECKOUT_ERROR),
    Call("Bash", {"command": "pytest -q tests/test_checkout.py -x"}, error=CHECKOUT_ERROR),
    Call("Bash", {"command": "pytest -q tests/test_checkout.py --lf"}, error=CHECKOUT_ERROR),
    Call("Edit", {"file_path": "src/shop/payments.py", "old_string": "a", "new_string": "b"}),
    Call("Bash", {"command": "git push --force origin main"}, answer="Deny"),
    Call("WebFetch", {"url": "https://docs.stripe.com/api/errors"}, confidence=0.45),
)
REFUND = (
    Call("Read", {"file_path": "README.md"}),
    Call("Bash", {"command": "rm -rf build/ dist/"}, answer="Approve"),
    Call("WebFetch", {"url": "https://docs.stripe.com/api/refunds"}),
    Call("Edit", {"file_path": "src/shop/payments.py", "old_string": "c", "new_string": "d"}),
    Call("Bash", {"command": "pytest -q tests/test_refunds.py"}),
    Call("Write", {"file_path": "tests/test_refunds.py", "content": "def test_refund(): ..."}),
    Call("feature_mark", {"index": 5, "passing": True}, answer="Approve"),
    Call("Bash", {"command": "pytest -q"}, confidence=0.55),
)


async def write_history(db: Database, now: datetime = SAMPLE_NOW) -> None:
    """Sessions 4 to 6 (ended, with failure reports) and 7 (running), as of `now`."""
    clock = Ticker(now - timedelta(hours=26, minutes=5))
    agent = Agent(db, clock)
    await agent.autonomy.init_async()
    for pattern in (SHELL_READ_ONLY, PIPE_TO_SHELL):
        await agent.risk.add_pattern_async(pattern)
    await agent.autonomy.configure_async(by=BOB, max_level=5)
    await agent.autonomy.set_level_async(4, "trusted after last week's runs", by=BOB)
    analyzer = FailureAnalyzer(db, clock=clock)

    await agent.start(4, now - timedelta(hours=26))
    await agent.observability.log_feature_event_async(EventType.FEATURE_STARTED, 4, "Checkout")
    for call in STUB:
        await agent.call(call, feature=4)
    await agent.end("interrupted", "the supervisor stopped the run", 0.42)
    await analyzer.analyze_session_async(4)

    await agent.start(5, now - timedelta(hours=2, minutes=25))
    await agent.observability.log_feature_event_async(EventType.FEATURE_STARTED, 3, "Cart totals")
    for call in CART:
        await agent.call(call, feature=3)
    await agent.observability.log_feature_event_async(EventType.FEATURE_COMPLETED, 3, "Cart totals")
    await agent.end("completed", "", 1.84)
    await analyzer.analyze_session_async(5)

    await agent.start(6, now - timedelta(hours=1, minutes=30))
    await agent.observability.log_feature_event_async(EventType.FEATURE_STARTED, 4, "Checkout")
    for call in CHECKOUT:
        await agent.call(call, feature=4)
    await agent.observability.log_warning_async(
        "Checkout tests failed 3 times in a row", {"feature_index": 4}
    )
    await agent.observability.log_feature_event_async(EventType.FEATURE_FAILED, 4, "Checkout")
    await agent.end("failed", "checkout tests keep failing", 2.91)
    await analyzer.analyze_session_async(6)

    clock.jump(now - timedelta(minutes=36))
    await agent.autonomy.set_tool_level_async("WebFetch", 2, by=SUPERVISOR, reason="docs only")
    await agent.autonomy.set_tool_level_async("feature_skip", 5, by=BOB, reason="never")
    await agent.autonomy.configure_async(by=SUPERVISOR, confidence_threshold=0.6)

    await agent.start(7, now - timedelta(minutes=25))
    await agent.observability.log_feature_event_async(EventType.FEATURE_STARTED, 5, "Refunds")
    for call in REFUND:
        await agent.call(call, feature=5)
    await agent.observability.log_decision_async(
        "test_layout", "tests/ next to the package", ["tests/ inside the package"], confidence=0.47
    )
    await agent.observability.add_session_cost_async(0.76, 7)
    await write_learning(db, clock)


async def write_learning(db: Database, clock: Ticker) -> None:
    """Older interventions that taught the learner its patterns (some outcomes failed)."""
    learner = InterventionLearner(db, clock=clock)
    history = (
        (2, "Bash", "pytest", "test_failure", "Mock the payment API", True),
        (3, "Bash", "pytest", "test_failure", "Mock the payment API", True),
        (3, "Bash", "pytest", "test_failure", "Mock the payment API", False),
        (4, "Bash", "pytest", "test_failure", "Mock the payment API", True),
        (4, "Write", "Write", "low_confidence", "Keep the public API unchanged", False),
        (4, "Write", "Write", "low_confidence", "Keep the public API unchanged", True),
    )
    for session_id, tool, action, trigger, answer, worked in history:
        signature = learner.create_context_signature(
            tool=tool, action_type=action, trigger_type=trigger
        )
        intervention = await learner.record_intervention_async(
            session_id,
            InterventionType.GUIDANCE,
            signature,
            answer,
            {"feature_index": session_id},
            original_action=f"{action} (retry)",
            human_rationale="the supervisor knows this code",
        )
        await learner.record_outcome_async(intervention.intervention_id, worked)
