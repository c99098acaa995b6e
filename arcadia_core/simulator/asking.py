"""Asking the supervisor: direct questions and fired escalation rules, both blocking.

Each question is an injection point the agent waits on. A person's answer is recorded as an
intervention (so the learner can recommend it next time); its outcome is recorded once the
agent knows whether following it worked. A stopped agent withdraws the point it waits on.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from typing import Any

from arcadia_core.errors import Conflict
from arcadia_core.managers import InjectionResponse, InjectionType
from arcadia_core.managers.escalation.records import EscalationContext
from arcadia_core.managers.intervention.records import ContextSignature, InterventionType
from arcadia_core.simulator.harness import Harness
from arcadia_core.vocabulary import PointStatus, RespondedBy

AGENT = RespondedBy.AGENT
"""Who cancels a point the agent stops waiting on (as `HumanInterface.request_input` does)."""


@dataclass(frozen=True)
class Reply:
    """How a question ended, with what was asked."""

    point_id: str
    point_type: str
    options: tuple[str, ...]
    recommendation: str
    rule_id: str | None
    response: InjectionResponse
    intervention_id: str | None = None

    @property
    def answer(self) -> str:
        """The answer, the default applied on timeout, or (cancelled) the default/recommendation."""
        return self.response.response

    @property
    def cancelled(self) -> bool:
        """The supervisor cancelled the question: the agent skips the step."""
        return self.response.status == PointStatus.CANCELLED

    @property
    def by_person(self) -> bool:
        """Someone answered (rather than the timeout default or a cancel)."""
        return self.response.responded

    @property
    def free_text(self) -> str | None:
        """A person's own words, when the answer is not one of the options."""
        if self.by_person and self.answer not in self.options and self.answer.strip():
            return self.answer
        return None

    def chose(self, *options: str) -> bool:
        """True when the answer (not cancelled) is one of `options`."""
        return not self.cancelled and self.answer in options


def intervention_type(reply: Reply) -> InterventionType:
    """How the person stepped in, from the kind of question and the answer."""
    differs = reply.answer != reply.recommendation
    if reply.rule_id is not None and reply.point_type in (
        InjectionType.DECISION,
        InjectionType.REVIEW,
    ):
        return InterventionType.ESCALATION_RESPONSE
    if reply.point_type == InjectionType.APPROVAL:
        return InterventionType.APPROVAL
    if reply.point_type == InjectionType.GUIDANCE:
        return InterventionType.GUIDANCE
    if reply.point_type == InjectionType.REDIRECT:
        return InterventionType.REDIRECT
    if reply.point_type == InjectionType.REVIEW:
        return InterventionType.CORRECTION if differs else InterventionType.APPROVAL
    return InterventionType.OVERRIDE if differs else InterventionType.APPROVAL


class Asker:
    """Put questions to the supervisor and learn from the answers."""

    def __init__(self, harness: Harness) -> None:
        self.h = harness
        self.category: str | None = None
        """Feature category of the current task (part of every intervention signature)."""

    def signature(
        self,
        point_type: str,
        trigger: str,
        *,
        tool: str | None = None,
        error: str | None = None,
        decision_type: str | None = None,
    ) -> ContextSignature:
        """The situation a question is asked in."""
        return self.h.learner.create_context_signature(
            tool=tool,
            action_type=point_type,
            trigger_type=trigger,
            error_message=error,
            feature_category=self.category,
            decision_type=decision_type,
        )

    async def ask(
        self,
        point_type: InjectionType,
        message: str,
        options: list[str],
        recommendation: str,
        *,
        timeout: float,
        default: str | None,
        severity: int = 3,
        context: dict[str, Any] | None = None,
        tool: str | None = None,
        decision_type: str | None = None,
    ) -> Reply:
        """Ask directly and wait; `timeout` (seconds at speed 1) only applies with a default."""
        context = dict(context or {})
        signature = self.signature(
            point_type.value, "agent", tool=tool, decision_type=decision_type
        )
        learned = await self.h.learner.get_recommendation_async(signature)
        if learned is not None and learned.recommendation in options:
            recommendation = learned.recommendation
            context["learned_pattern"] = learned.pattern.pattern_id
        self.h.say(f"asking ({point_type.value}): {message}")
        response = await self.h.human.request_input(
            point_type,
            context,
            options,
            recommendation,
            timeout_seconds=self.h.pace.timeout(timeout),
            default_on_timeout=default,
            message=message,
            severity=severity,
        )
        reply = Reply(
            response.point_id, point_type.value, tuple(options), recommendation, None, response
        )
        return await self._learn(reply, signature, message)

    async def escalate(
        self, context: EscalationContext, *, tool: str | None = None
    ) -> Reply | None:
        """Evaluate the escalation rules; when one fires, ask its question and wait."""
        result = await self.h.escalation.evaluate_async(context)
        if result is None:
            return None
        assert not isinstance(result, list)
        point = await self.h.escalation.escalate_async(result)
        self.h.say(f"escalating ({result.rule.rule_id} -> {point.point_type}): {result.message}")
        response = await self._wait(point.point_id)
        reply = Reply(
            point.point_id,
            point.point_type,
            tuple(point.options),
            point.recommendation,
            result.rule.rule_id,
            response,
        )
        signature = self.signature(
            point.point_type,
            result.rule.rule_id,
            tool=tool,
            error=context.error_message,
            decision_type=context.decision_type,
        )
        return await self._learn(reply, signature, result.message)

    async def _wait(self, point_id: str) -> InjectionResponse:
        try:
            return await self.h.human.wait_for_response_async(point_id)
        except asyncio.CancelledError:
            await asyncio.shield(self._withdraw(point_id))
            raise

    async def _withdraw(self, point_id: str) -> None:
        with contextlib.suppress(Conflict):  # resolved just before the agent stopped
            await self.h.human.cancel_point_async(point_id, by=AGENT)

    async def _learn(self, reply: Reply, signature: ContextSignature, message: str) -> Reply:
        response = reply.response
        self.h.say(
            f"  {reply.point_id} {response.status}: {reply.answer!r} ({response.responded_by})"
        )
        if not reply.by_person:
            return reply
        intervention = await self.h.learner.record_intervention_async(
            self.h.session_id,
            intervention_type(reply),
            signature,
            reply.answer,
            context_details={"point_id": reply.point_id, "message": message},
            original_action=reply.recommendation,
            original_rationale=message,
            human_rationale=reply.free_text,
        )
        return replace(reply, intervention_id=intervention.intervention_id)

    async def settle(self, reply: Reply | None, success: bool, notes: str | None = None) -> None:
        """Record whether following a person's answer worked."""
        if reply is not None and reply.intervention_id is not None:
            await self.h.learner.record_outcome_async(reply.intervention_id, success, notes)
