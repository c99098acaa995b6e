"""The gate: one policy for every agent's tool calls, built on the managers.

`Gate.check_tool_call_async` takes a normalised `ToolCall` and returns a `Verdict`:

1. the agent's session id becomes (or finds again) an Arcadia session; the call is recorded
   as a `tool_call` event (one transaction);
2. the call is risk-assessed by `RiskClassifier` (built-in and custom patterns; logged to
   `risk_assessments`); a shell command is also given `assess_bash_risk`'s heuristics
   (sudo, chmod, DELETE FROM, ...), and the stricter of the two decides;
3. `AutonomyManager.check_action` decides at the effective level (logged to
   `autonomy_decisions`); the level the call needs is its category's (read 1; write,
   execute, external 3; feature changes 4; unknown tools 4), or FULL_AUTO when the risk is
   HIGH or above or a pattern requires approval; a per-tool level set by the supervisor wins;
4. allowed -> allow; not allowed at OBSERVE (read-only) -> deny; otherwise an approval point
   (`HumanInterface.request_input`) with the command or the file's diff, and the verdict
   follows the answer (deny when nobody answers in time, unless configured otherwise).

AskUserQuestion becomes one decision point per question, answered back as
`updatedInput.answers`. Outcomes feed `record_outcome` (promotion and demotion) and, on a
failure, the escalation rules. An internal error gives an explicit deny (or "no opinion"
with `GateSettings.fail_open`), never an allow.

Method forms: each `*_async` method has a blocking twin without the suffix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from arcadia_core.clock import Clock, utc_now
from arcadia_core.db import Database
from arcadia_core.errors import InvalidTransition
from arcadia_core.events import EventType, record_event
from arcadia_core.gate import questions as q
from arcadia_core.gate.classify import (
    QUESTION_TOOLS,
    SHELL,
    CanonicalCall,
    canonical_call,
    describe_call,
    file_change,
    required_level,
)
from arcadia_core.gate.sessions import (
    ENDED,
    RUNNING,
    WAITING_FOR_TERMINAL,
    AgentSessionRow,
    event_data,
    find_agent_session,
    list_agent_sessions,
    touch_agent_session,
)
from arcadia_core.gate.types import (
    AgentRef,
    GateSettings,
    ToolCall,
    ToolOutcome,
    Verdict,
)
from arcadia_core.managers import (
    AutonomyLevel,
    AutonomyManager,
    EscalationContext,
    EscalationEngine,
    FailureAnalyzer,
    FailureReport,
    HumanInterface,
    Observability,
    RiskAssessment,
    RiskClassifier,
    assess_bash_risk,
)
from arcadia_core.models import SessionModel
from arcadia_core.sync import blocking

logger = logging.getLogger(__name__)

INPUT_PREVIEW_CHARS = 2000
MIN_WAIT_SECONDS = 1
WAIT_MARGIN_SECONDS = 2


def _preview(value: Any, limit: int = INPUT_PREVIEW_CHARS) -> Any:
    """Small inputs as they are; long strings cut (events stay small)."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + f"... ({len(value)} chars)"
    if isinstance(value, dict):
        return {str(k): _preview(v, limit) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [_preview(v, limit) for v in value[:50]]
    return value


def one_line(error: BaseException) -> str:
    """An exception as one short line."""
    text = " ".join(str(getattr(error, "message", None) or error).split()) or type(error).__name__
    return text[:300]


def _stricter(logged: RiskAssessment, heuristic: RiskAssessment) -> RiskAssessment:
    """The logged assessment, raised where the shell heuristics are stricter."""
    extra = [c for c in heuristic.concerns if c not in logged.concerns]
    if heuristic.risk_level <= logged.risk_level and not extra:
        return logged
    return replace(
        logged,
        risk_level=max(logged.risk_level, heuristic.risk_level),
        concerns=[*logged.concerns, *extra],
        is_reversible=logged.is_reversible and heuristic.is_reversible,
        has_external_side_effects=logged.has_external_side_effects
        or heuristic.has_external_side_effects,
        requires_approval=logged.requires_approval or heuristic.requires_approval,
        requires_checkpoint=logged.requires_checkpoint or heuristic.requires_checkpoint,
        suggested_mitigation=logged.suggested_mitigation or heuristic.suggested_mitigation,
    )


class Gate:
    """Decide agents' tool calls against the project's risk patterns and autonomy level."""

    def __init__(
        self,
        db: Database,
        settings: GateSettings | None = None,
        *,
        clock: Clock = utc_now,
        project_dir: Path | str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings or GateSettings()
        self.clock = clock
        self.project_dir = Path(project_dir) if project_dir is not None else db.project_dir

    # -- sessions ----------------------------------------------------------------------------

    async def _touch(
        self,
        ref: AgentRef,
        *,
        event_type: EventType | None = None,
        data: dict[str, Any] | None = None,
        state: str | None = RUNNING,
        detail: str | None = None,
        outcome: bool | None = None,
        count_call: bool = False,
    ) -> AgentSessionRow:
        """Find or create the agent session, update it, and record one event: one transaction."""
        for attempt in range(2):
            try:
                now = self.clock()
                async with self.db.transaction() as session:
                    row = await touch_agent_session(session, ref, now, state=state, detail=detail)
                    if count_call:
                        row.tool_calls += 1
                    if outcome is True:
                        row.consecutive_failures = 0
                    elif outcome is False:
                        row.tool_failures += 1
                        row.consecutive_failures += 1
                    if event_type is not None:
                        await record_event(
                            session,
                            session_id=row.session_id,
                            event_type=event_type,
                            data=data,
                            timestamp=now,
                        )
                    return AgentSessionRow.from_model(row)
            except IntegrityError:
                # Another writer created the same agent session first (engines without an
                # up-front write lock); the second attempt finds it.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def start_session_async(self, ref: AgentRef, *, source: str | None = None) -> int:
        """Record that an agent session started (or resumed); return the Arcadia session id."""
        return (await self._touch(ref)).session_id

    async def resume_session_async(self, ref: AgentRef, *, prompt: str | None = None) -> int:
        """The user gave the agent a prompt: it is running again (no longer waiting)."""
        row = await self._touch(
            ref,
            event_type=EventType.SESSION_RESUME,
            data=event_data(agent=ref.agent, prompt=_preview(prompt, 500)),
        )
        return row.session_id

    async def mark_waiting_async(
        self, ref: AgentRef, *, message: str | None = None, notification_type: str | None = None
    ) -> int:
        """The agent waits for a person at its own terminal (an idle or permission prompt)."""
        row = await self._touch(
            ref,
            event_type=EventType.SESSION_PAUSE,
            data=event_data(
                agent=ref.agent,
                reason=WAITING_FOR_TERMINAL,
                notification_type=notification_type,
                message=_preview(message, 500),
            ),
            state=WAITING_FOR_TERMINAL,
            detail=message or notification_type,
        )
        return row.session_id

    async def record_stop_async(self, ref: AgentRef, *, last_message: str | None = None) -> int:
        """The agent finished a turn (Claude's Stop)."""
        row = await self._touch(
            ref,
            event_type=EventType.SESSION_PAUSE,
            data=event_data(
                agent=ref.agent, reason="turn_ended", last_message=_preview(last_message, 500)
            ),
        )
        return row.session_id

    async def end_session_async(
        self, ref: AgentRef, *, reason: str = ""
    ) -> tuple[int, FailureReport | None]:
        """End the Arcadia session; analyse it when it failed (it ended on failed tool calls).

        Returns the session id and the failure report (None when the session did not fail).
        """
        row = await self._touch(ref, state=ENDED, detail=reason or None)
        failed = row.consecutive_failures > 0
        try:
            await Observability(self.db, self.project_dir, clock=self.clock).end_session_async(
                row.session_id, status="error" if failed else "completed", reason=reason
            )
        except InvalidTransition:
            return row.session_id, None  # already ended by an earlier SessionEnd
        report = None
        if failed:
            report = await FailureAnalyzer(
                self.db, self.project_dir, clock=self.clock
            ).analyze_session_async(row.session_id)
        return row.session_id, report

    async def find_session_async(self, ref: AgentRef) -> AgentSessionRow | None:
        """The stored agent session for `ref`, or None."""
        async with self.db.read() as session:
            row = await find_agent_session(session, ref)
            if row is None:
                return None
            parent = await session.get(SessionModel, row.session_id)
            return AgentSessionRow.from_model(row, parent.status if parent else None)

    async def list_sessions_async(
        self, *, limit: int = 100, state: str | None = None
    ) -> list[AgentSessionRow]:
        """Agent sessions, most recently active first (for the Sessions view)."""
        async with self.db.read() as session:
            return await list_agent_sessions(session, limit=limit, state=state)

    # -- tool calls --------------------------------------------------------------------------

    async def check_tool_call_async(
        self, call: ToolCall, *, budget_seconds: float | None = None
    ) -> Verdict:
        """The verdict for one tool call; waits for a person when one must decide.

        `budget_seconds` is how long the caller can wait in total (the host's hook timeout
        minus a margin); a person is waited for at most that long, less what was spent.
        Never raises: an internal error is a deny (or "no opinion" with `fail_open`).
        """
        started = time.monotonic()
        budget = self.settings.approval_timeout
        if budget_seconds is not None:
            budget = min(budget, budget_seconds)
        deadline = started + budget
        try:
            return await asyncio.wait_for(self._check(call, deadline), timeout=budget)
        except TimeoutError:
            return Verdict.deny(
                f"Arcadia could not decide within {budget:.0f} s; denied to be safe.",
                decided_by="timeout",
            )
        except Exception as error:
            logger.exception("the gate failed on %s", call.tool_name)
            return self.error_verdict(error)

    def error_verdict(self, error: BaseException) -> Verdict:
        """What an internal error becomes: deny with one line, or no opinion when fail-open."""
        reason = f"Arcadia could not check this call ({one_line(error)}); denied to be safe."
        if self.settings.fail_open:
            return Verdict.no_opinion(
                f"Arcadia could not check this call ({one_line(error)}); "
                "ARCADIA_HOOK_FAIL_OPEN=1, so the agent's own permission rules decide.",
                decided_by="error",
            )
        return Verdict.deny(reason, decided_by="error")

    async def _check(self, call: ToolCall, deadline: float) -> Verdict:
        canonical = canonical_call(call.tool_name, call.tool_input)
        row = await self._touch(
            call.ref,
            event_type=EventType.TOOL_CALL,
            data=event_data(
                tool_name=call.tool_name,
                tool_input=_preview(call.tool_input),
                tool_use_id=call.tool_use_id,
                agent=call.agent,
                hook_event=call.hook_event,
                cwd=call.cwd,
                permission_mode=call.permission_mode,
            ),
            count_call=True,
        )
        session_id = row.session_id
        if canonical.tool in QUESTION_TOOLS:
            return await self._ask_questions(call, session_id, deadline)
        assessment = await RiskClassifier(
            self.db, self.project_dir, session_id, clock=self.clock
        ).assess_async(canonical.tool, canonical.tool_input)
        if canonical.tool == SHELL:
            command = str(canonical.tool_input.get("command") or "")
            assessment = _stricter(assessment, assess_bash_risk(command, clock=self.clock))
        needed = required_level(
            canonical.category, int(assessment.risk_level), assessment.requires_approval
        )
        autonomy = AutonomyManager(self.db, session_id=session_id, clock=self.clock)
        autonomy.register_action_checker(canonical.tool, lambda _input: needed)
        decision = await autonomy.check_action_async(canonical.tool, canonical.tool_input)
        if decision.allowed:
            return Verdict.allow(decision.reason, decided_by="autonomy")
        what = describe_call(canonical.tool, canonical.tool_input)
        if decision.effective_level <= AutonomyLevel.OBSERVE:
            verdict = Verdict.deny(
                f"Arcadia's autonomy level is OBSERVE (read-only), so it will not {what}. "
                "Read-only tools still work; ask the supervisor to raise the level.",
                decided_by="autonomy",
            )
            await self._record_blocked(call, session_id, verdict)
            return verdict
        verdict = await self._ask_approval(
            call, canonical, session_id, assessment, decision, what, deadline
        )
        if verdict.denied:
            await self._record_blocked(call, session_id, verdict)
        return verdict

    async def _record_blocked(self, call: ToolCall, session_id: int, verdict: Verdict) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            await record_event(
                session,
                session_id=session_id,
                event_type=EventType.TOOL_BLOCKED,
                data=event_data(
                    tool_name=call.tool_name,
                    tool_use_id=call.tool_use_id,
                    success=False,
                    is_blocked=True,
                    error_message=verdict.reason[:500],
                    decided_by=verdict.decided_by,
                    point_id=verdict.point_id,
                ),
                timestamp=now,
            )

    def _wait_seconds(self, deadline: float) -> int:
        # The point's own timeout ends the wait a little before the caller's budget, so the
        # default is applied (and recorded) by the point rather than by a cancelled wait.
        return max(MIN_WAIT_SECONDS, int(deadline - time.monotonic() - WAIT_MARGIN_SECONDS))

    def _human(self, session_id: int) -> HumanInterface:
        return HumanInterface(
            self.db, session_id, poll_interval=self.settings.poll_interval, clock=self.clock
        )

    async def _request(self, human: HumanInterface, request: q.PointRequest) -> q.Answer:
        """`request_input`, with the insert shielded: a wait cancelled (the budget ran out,
        the hook was told to stop) never tears a transaction in half nor leaves a point
        that nobody waits for; the point is withdrawn instead."""
        creating = asyncio.ensure_future(
            human.create_point_async(
                request.point_type,
                request.context,
                request.options,
                request.recommendation,
                timeout_seconds=request.timeout_seconds,
                default_on_timeout=request.default_on_timeout,
                message=request.message,
                severity=request.severity,
            )
        )
        try:
            point = await asyncio.shield(creating)
        except asyncio.CancelledError:
            created = await creating
            with contextlib.suppress(Exception):
                await human.cancel_point_async(created.point_id, by="agent")
            raise
        response = await human.wait_as_asker_async(point.point_id)
        return q.Answer(
            status=response.status,
            text=response.response or "",
            by=response.responded_by,
            point_id=response.point_id,
        )

    def _base_context(self, call: ToolCall, session_id: int) -> dict[str, Any]:
        return event_data(
            agent=call.agent,
            agent_session_id=call.agent_session_id,
            arcadia_session_id=session_id,
            cwd=call.cwd,
            tool=call.tool_name,
            tool_use_id=call.tool_use_id,
            hook_event=call.hook_event,
            permission_mode=call.permission_mode,
        )

    async def _ask_approval(
        self,
        call: ToolCall,
        canonical: CanonicalCall,
        session_id: int,
        assessment: RiskAssessment,
        decision: Any,
        what: str,
        deadline: float,
    ) -> Verdict:
        context = self._base_context(call, session_id)
        if canonical.tool == SHELL:
            context["command"] = str(canonical.tool_input.get("command") or "")
            if canonical.tool_input.get("description"):
                context["description"] = str(canonical.tool_input["description"])
        change = file_change(canonical.tool, canonical.tool_input, call.cwd)
        if change is not None:
            context.update(change)
        if canonical.tool != SHELL and change is None:
            context["tool_input"] = _preview(call.tool_input)
        context.update(
            risk_level=assessment.risk_level.name,
            risk_assessment_id=assessment.assessment_id,
            concerns=list(assessment.concerns),
            is_reversible=assessment.is_reversible,
            destructive=not assessment.is_reversible,
            suggested_mitigation=assessment.suggested_mitigation,
            autonomy=decision.reason,
            required_level=decision.required_level.name,
            effective_level=decision.effective_level.name,
        )
        wait = self._wait_seconds(deadline)
        recommend_allow = int(assessment.risk_level) < 4 and not assessment.requires_approval
        request = q.approval_request(
            agent=call.agent,
            what=what,
            context={k: v for k, v in context.items() if v is not None},
            recommend_allow=recommend_allow,
            timeout_seconds=wait,
            default_on_timeout=self.settings.default_on_timeout,
            risk_level=int(assessment.risk_level),
        )
        answer = await self._request(self._human(session_id), request)
        return q.approval_verdict(answer, what, wait)

    async def _ask_questions(self, call: ToolCall, session_id: int, deadline: float) -> Verdict:
        questions = q.parse_questions(call.tool_input)
        if not questions:
            return Verdict.deny(
                "AskUserQuestion needs at least one question with a `question` text.",
                decided_by="arcadia",
            )
        wait = self._wait_seconds(deadline)
        base = self._base_context(call, session_id)
        human = self._human(session_id)
        requests = [
            q.question_request(question, agent=call.agent, base_context=base, timeout_seconds=wait)
            for question in questions
        ]
        answers = await asyncio.gather(*(self._request(human, r) for r in requests))
        return q.questions_verdict(call.tool_input, questions, list(answers), wait)

    # -- outcomes ----------------------------------------------------------------------------

    async def record_outcome_async(self, outcome: ToolOutcome) -> AutonomyLevel | None:
        """Record how a call ended; count it for promotion/demotion; on a failure, evaluate
        the escalation rules. Returns the level after an automatic change, else None."""
        canonical = canonical_call(outcome.tool_name, outcome.tool_input)
        event_type = EventType.TOOL_RESULT if outcome.success else EventType.TOOL_ERROR
        row = await self._touch(
            outcome.ref,
            event_type=event_type,
            data=event_data(
                tool_name=outcome.tool_name,
                tool_use_id=outcome.tool_use_id,
                success=outcome.success,
                is_error=not outcome.success,
                is_blocked=False,
                error_message=(outcome.error or "")[:500],
                interrupted=outcome.interrupted or None,
                duration_ms=outcome.duration_ms,
                agent=outcome.agent,
            ),
            outcome=outcome.success,
        )
        autonomy = AutonomyManager(self.db, session_id=row.session_id, clock=self.clock)
        level = await autonomy.record_outcome_async(outcome.success)
        if not outcome.success and not outcome.interrupted:
            engine = EscalationEngine(self.db, session_id=row.session_id, clock=self.clock)
            await engine.evaluate_async(
                EscalationContext(
                    consecutive_failures=row.consecutive_failures,
                    error_count=row.consecutive_failures,
                    error_message=(outcome.error or "")[:500],
                    action=describe_call(canonical.tool, canonical.tool_input),
                    custom={"agent": outcome.agent, "tool_name": outcome.tool_name},
                )
            )
        return level

    start_session = blocking(start_session_async)
    resume_session = blocking(resume_session_async)
    mark_waiting = blocking(mark_waiting_async)
    record_stop = blocking(record_stop_async)
    end_session = blocking(end_session_async)
    find_session = blocking(find_session_async)
    list_sessions = blocking(list_sessions_async)
    check_tool_call = blocking(check_tool_call_async)
    record_outcome = blocking(record_outcome_async)


async def check_tool_call_async(
    db: Database,
    call: ToolCall,
    *,
    budget_seconds: float | None = None,
    settings: GateSettings | None = None,
) -> Verdict:
    """The gate's verdict for one call on `db` (see `Gate.check_tool_call_async`)."""
    return await Gate(db, settings).check_tool_call_async(call, budget_seconds=budget_seconds)


def check_tool_call(
    db: Database,
    call: ToolCall,
    *,
    budget_seconds: float | None = None,
    settings: GateSettings | None = None,
) -> Verdict:
    """Blocking form of `check_tool_call_async`."""
    return Gate(db, settings).check_tool_call(call, budget_seconds=budget_seconds)
