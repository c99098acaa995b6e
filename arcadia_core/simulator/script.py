"""One task, step by step: two sessions over five features, reacting to every answer."""

from __future__ import annotations

from arcadia_core.events import EventType
from arcadia_core.managers import InjectionType
from arcadia_core.managers.escalation.records import EscalationContext
from arcadia_core.managers.failure.records import FailureReport
from arcadia_core.simulator.agent import Agent
from arcadia_core.simulator.asking import Reply
from arcadia_core.simulator.harness import SessionState
from arcadia_core.simulator.tasks import Task

RERUN_FLAGS = ("-q", "-q -x", "-x -vv", "-x -vv --lf", "-x -vv --lf -p no:randomly")
GIVING_UP = ("Skip feature", "Skip task", "Skip this task", "Take over manually", "Abort session")


def rationale(reply: Reply, what: str) -> str:
    """Why the agent went with `what`, in terms of how the question ended."""
    if reply.cancelled:
        return f"The question was cancelled; going with {what} without asking again"
    if reply.by_person:
        return f"{reply.response.responded_by} chose {what}"
    return f"No answer before the timeout; using the default, {what}"


class TaskScript:
    """The steps of one task; `number` is its round (feature numbers continue across rounds)."""

    def __init__(self, agent: Agent, task: Task, number: int) -> None:
        self.a = agent
        self.h = agent.h
        self.asker = agent.asker
        self.task = task
        self.base = number * len(task.features)
        self.design = task.design.recommendation
        self.stopped = False

    def feature(self, k: int) -> tuple[int, str]:
        """The number and title of the task's k-th feature (1-based)."""
        return self.base + k, self.task.features[k - 1]

    async def run(self) -> None:
        """Work through the task: features 1-3 in one session, the rest in the next."""
        self.asker.category = self.task.category
        async with self.h.session(f"{self.task.title} (part 1)") as first:
            await self.orient()
            await self.build_module()
            await self.wire_in()
            await self.keep_failing(first)
        async with self.h.session(f"{self.task.title} (part 2)") as second:
            if first.report is not None:
                await self.choose_direction(first, first.report)
            if self.stopped:
                second.reason = "stopped by the supervisor"
                return
            await self.regression_check()
            await self.clarify_and_build()
            await self.release()
            usage = self.a.rng.randint(40_000, 90_000)
            await self.h.observability.log_usage_async(usage, usage // 8, round(usage * 9e-6, 4))
            await self.h.observability.add_session_cost_async(round(usage * 9e-6, 4))

    async def orient(self) -> None:
        task, a = self.task, self.a
        await a.act("Read", {"file_path": "README.md"}, seconds=0.6)
        await a.act("Read", {"file_path": task.app_file}, seconds=0.5)
        await a.command("ls api tests", None, seconds=0.3)
        await a.command("git status", None, seconds=0.3)
        reply = await self.asker.ask(
            InjectionType.DECISION,
            task.design.message,
            list(task.design.options),
            task.design.recommendation,
            timeout=20,
            default=task.design.recommendation,
            severity=2,
            context={"task": task.title, "feature": task.features[0]},
            decision_type="design",
        )
        if not reply.cancelled:
            self.design = reply.free_text or reply.answer
        await self.h.decision(
            "design",
            self.design,
            rationale(reply, self.design),
            alternatives=[o for o in task.design.options if o != self.design],
            confidence=0.6,
        )

    async def build_module(self) -> None:
        task, a = self.task, self.a
        index, title = self.feature(1)
        await self.h.feature(EventType.FEATURE_STARTED, index, title)
        package = task.package.split("==")[0]
        await a.act("WebFetch", {"url": f"https://pypi.org/project/{package}/"}, index, seconds=0.8)
        decision_type, choice, alternative = task.storage
        reply = await self.asker.escalate(
            EscalationContext(
                confidence=round(self.a.rng.uniform(0.38, 0.46), 2),
                feature_index=index,
                decision_type=decision_type,
                action=f"Use {choice} for the {decision_type}",
                alternatives_count=1,
                custom={"choice": choice, "alternative": alternative},
            )
        )
        guidance: str | None = None
        if reply is not None and reply.chose("Select alternative"):
            choice = alternative
        elif reply is not None and reply.free_text:
            guidance = reply.free_text
        elif reply is not None and reply.chose("Provide guidance"):
            follow_up = await self.asker.ask(
                InjectionType.GUIDANCE,
                f"What should I know about the {decision_type}? Without guidance I use {choice}.",
                [],
                "",
                timeout=120,
                default=f"Use {choice}",
                context={"choice": choice, "alternative": alternative},
                decision_type=decision_type,
            )
            guidance = follow_up.free_text
        why = f"Supervisor guidance: {guidance}" if guidance else f"Going with {choice}"
        await self.h.decision(
            decision_type, choice, why, alternatives=[alternative], confidence=0.42
        )
        await a.command(f"pip install {task.package}", index, seconds=1.5)
        content = {"file_path": task.module, "summary": f"{self.design}, {decision_type}: {choice}"}
        if guidance:
            content["guidance"] = guidance
        await a.act("Write", content, index, seconds=1.2)
        await a.act("Write", {"file_path": task.test_file, "summary": "unit tests"}, index)
        ok = await a.command(f"pytest {task.test_file} -q", index, seconds=1.5)
        await self.asker.settle(reply, bool(ok))
        await a.mark_feature(index, title)

    async def wire_in(self) -> None:
        task, a = self.task, self.a
        index, title = self.feature(2)
        await self.h.feature(EventType.FEATURE_STARTED, index, title)
        await a.act("Read", {"file_path": task.app_file}, index, seconds=0.4)
        await a.act("Edit", {"file_path": task.app_file, "change": title}, index)
        await a.act("Edit", {"file_path": task.config_file, "change": "defaults"}, index)
        await a.command("pytest -q", index, seconds=1.5)
        review = await self.asker.ask(
            InjectionType.REVIEW,
            f"Please review my change to {task.app_file} before I commit it",
            ["Looks good", "Request changes"],
            "Looks good",
            timeout=25,
            default="Looks good",
            severity=2,
            context={"file": task.app_file, "diff": "+14 -2", "tests": "passed"},
            tool="Edit",
        )
        if review.cancelled:
            await self.h.decision("skip_step", "no commit yet", rationale(review, "no commit"))
        else:
            feedback = review.free_text or (
                "changes requested" if review.chose("Request changes") else None
            )
            ok: bool | None = True
            if feedback:
                edit = {
                    "file_path": task.app_file,
                    "change": "apply review feedback",
                    "feedback": feedback,
                }
                await a.act("Edit", edit, index)
                ok = await a.command("pytest -q", index, seconds=1.2)
            await self.asker.settle(review, bool(ok))
            await a.commit(f"{title}", index, files=3)
        await a.mark_feature(index, title)

    async def keep_failing(self, state: SessionState) -> None:
        task, a = self.task, self.a
        index, title = self.feature(3)
        await self.h.feature(EventType.FEATURE_STARTED, index, title)
        await a.act("Write", {"file_path": task.module, "change": title}, index)
        await a.act("Edit", {"file_path": task.test_file, "change": f"tests: {title}"}, index)
        # Re-running the tests with ever more detail: consecutive errors, so autonomy demotes.
        for flags in RERUN_FLAGS[: task.failures]:
            await a.command(
                f"pytest {task.test_file} {flags}", index, error=task.failing_error, seconds=1.2
            )
        reply = await self.asker.escalate(
            EscalationContext(
                confidence=0.6,
                feature_index=index,
                consecutive_failures=task.failures,
                error_count=task.failures,
                error_message=task.failing_error,
                action=f"Fix feature #{index}: {title}",
            ),
            tool="Bash",
        )
        if reply is None or reply.cancelled or reply.chose(*GIVING_UP):
            why = (
                "no rule fired" if reply is None else rationale(reply, f"to skip ({reply.answer})")
            )
            await self.h.feature(EventType.FEATURE_SKIPPED, index, title, reason=why)
            await self.asker.settle(reply, True, "feature skipped")
            state.status = (
                "aborted" if reply is not None and reply.chose("Abort session") else "failed"
            )
            state.failed_features.append(index)
            return
        hint = reply.free_text
        if hint:
            await self.h.decision("apply_guidance", hint, f"Supervisor hint: {hint}", feature=index)
        change = "rewrite with a different approach" if reply.chose("Change approach") else "fix"
        edit = {"file_path": task.module, "change": change, **({"guidance": hint} if hint else {})}
        await a.act("Edit", edit, index)
        ok = await a.command(f"pytest {task.test_file} -q", index, seconds=1.2)
        await self.asker.settle(reply, bool(ok))
        await a.mark_feature(index, title)

    async def choose_direction(self, previous: SessionState, report: FailureReport) -> None:
        index, title = self.feature(3)
        go_on, retry, stop = (
            "Continue with the next feature",
            f"Retry feature #{index} first",
            "Stop this task",
        )
        options = [go_on, retry, stop] if index in previous.failed_features else [go_on, stop]
        kind = report.failure_type.replace("_", " ")
        reply = await self.asker.ask(
            InjectionType.REDIRECT,
            f"Session {previous.session_id} ended with a failure report ({kind}, "
            f"{report.tool_failures} failed tool calls). How should I continue?",
            options,
            go_on,
            timeout=60,
            default=go_on,
            context={
                "report_id": report.report_id,
                "likely_cause": report.likely_cause,
                "suggested_fixes": report.suggested_fixes[:3],
            },
            decision_type="next_step",
        )
        if reply.chose(stop):
            self.stopped = True
            await self.h.decision("redirect", stop, rationale(reply, stop))
        elif reply.chose(retry):
            await self.h.decision("redirect", retry, rationale(reply, retry))
            await self.h.feature(EventType.FEATURE_STARTED, index, title, retry=True)
            await self.a.act("Edit", {"file_path": self.task.module, "change": "retry"}, index)
            ok = await self.a.command(f"pytest {self.task.test_file} -q", index, seconds=1.2)
            await self.asker.settle(reply, bool(ok))
            await self.a.mark_feature(index, title)
        elif reply.free_text:
            await self.h.decision("redirect", reply.free_text, f"New direction: {reply.free_text}")

    async def regression_check(self) -> None:
        task, a = self.task, self.a
        index, title = self.feature(1)
        await a.command("pytest -q", None, error=task.regression_error, seconds=2.0)
        await self.h.feature(EventType.FEATURE_FAILED, index, title, error=task.regression_error)
        reply = await self.asker.escalate(
            EscalationContext(
                confidence=0.7,
                feature_index=index,
                previously_passing=True,
                currently_passing=False,
                error_message=task.regression_error,
                error_count=1,
                action=f"Feature #{index} fails again: {title}",
            )
        )
        if reply is None or reply.cancelled or reply.chose("Accept regression"):
            why = "no rule fired" if reply is None else rationale(reply, "to leave it")
            await self.h.decision(
                "regression", f"feature #{index} left failing", why, feature=index
            )
            await self.asker.settle(reply, True)
            return
        if reply.chose("Rollback to checkpoint"):
            await self.h.event(EventType.ROLLBACK, {"reason": task.regression_error}, index)
            await self.h.event(EventType.CHECKPOINT_RESTORED, {"feature_index": index}, index)
        else:
            await a.act("Read", {"file_path": task.module}, index, seconds=0.5)
            edit = {"file_path": task.module, "change": "fix the regression"}
            if reply.free_text:
                edit["guidance"] = reply.free_text
            await a.act("Edit", edit, index)
        ok = await a.command("pytest -q", index, seconds=2.0)
        await self.asker.settle(reply, bool(ok))
        if ok:
            await self.h.decision(
                "regression", f"feature #{index} passes again", rationale(reply, reply.answer)
            )

    async def clarify_and_build(self) -> None:
        task, a = self.task, self.a
        index, title = self.feature(4)
        await self.h.feature(EventType.FEATURE_STARTED, index, title)
        reply = await self.asker.escalate(
            EscalationContext(
                confidence=round(a.rng.uniform(0.18, 0.28), 2),
                feature_index=index,
                decision_type="clarification",
                action=task.clarification,
            )
        )
        if reply is not None and (reply.cancelled or reply.chose(*GIVING_UP)):
            reason = rationale(reply, f"to skip ({reply.answer})")
            await self.h.feature(EventType.FEATURE_SKIPPED, index, title, reason=reason)
            await self.asker.settle(reply, True, "feature skipped")
            return
        guidance = None if reply is None else reply.free_text
        choice = guidance or "my best guess"
        await self.h.decision(
            "clarification", choice, task.clarification, confidence=0.25, feature=index
        )
        content = {
            "file_path": task.module,
            "change": title,
            **({"guidance": guidance} if guidance else {}),
        }
        await a.act("Edit", content, index, seconds=1.2)
        await a.act("Write", {"file_path": task.test_file, "change": f"tests: {title}"}, index)
        ok = await a.command(f"pytest {task.test_file} -q", index, seconds=1.5)
        await self.asker.settle(reply, bool(ok))
        await a.mark_feature(index, title)

    async def release(self) -> None:
        task, a = self.task, self.a
        index, title = self.feature(5)
        await self.h.feature(EventType.FEATURE_STARTED, index, title)
        await a.command("rm -rf build dist", index, safer="mv build build.bak", seconds=0.5)
        await a.command(task.installer, index, safer=task.installer_safer, seconds=2.0)
        await a.command(task.load_test, index, seconds=3.0)
        await a.act("Edit", {"file_path": "CHANGELOG.md", "change": task.title}, index, seconds=0.5)
        await a.commit(f"{task.title}: release", index, files=2)
        await a.command(
            f"git push --force origin {task.branch}",
            index,
            safer="git format-patch origin/main -o outbox/",
            seconds=1.0,
        )
        await a.mark_feature(index, title)
