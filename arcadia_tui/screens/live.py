"""The Live view: pending questions to answer by keyboard, and the escalation feed."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from arcadia_core.errors import ArcadiaError
from arcadia_core.managers.injection import HumanInterface
from arcadia_core.vocabulary import PointStatus
from arcadia_core.watch import (
    EscalationLogged,
    FeedLost,
    FeedRecovered,
    FeedStale,
    InjectionCreated,
    InjectionResolved,
    SessionEnded,
    SessionStarted,
)
from arcadia_tui.commands import LiveCommands
from arcadia_tui.literal import literal
from arcadia_tui.messages import (
    AnswerRefused,
    ChangesArrived,
    EscalationsLoaded,
    PointAnswered,
    SessionLoaded,
)
from arcadia_tui.rows import (
    EscalationRow,
    PointRow,
    SessionStatus,
    latest_session,
    recent_escalations,
)
from arcadia_tui.screens.answer import AnswerModal
from arcadia_tui.screens.confirm import (
    ConfirmModal,
    cancel_body,
    free_text_body,
    irreversible_body,
)
from arcadia_tui.screens.view import ViewScreen
from arcadia_tui.widgets.escalation_feed import EscalationFeed
from arcadia_tui.widgets.pending_queue import PendingQueue, outcome_label
from arcadia_tui.widgets.point_detail import PointDetail
from arcadia_tui.widgets.status_bar import StatusBar

RECENT_ESCALATIONS = 100


def _pick_binding(number: int) -> Binding:
    return Binding(
        str(number),
        f"pick({number})",
        "Pick option",
        key_display="1-9",
        show=number == 1,
        tooltip="Answer the selected point with the option of this number",
        id=f"live.pick-{number}",
    )


class LiveScreen(ViewScreen):
    """Pending injection points, the selected one in full, and the escalation feed.

    Unlike the other views it takes every batch of the change feed itself, shown or not (a
    new question rings the bell over any view), and holds batches while a dialog is open.
    """

    VIEW_NAME = "live"
    VIEW_TITLE = "Live"
    SHOW_HEALTH = False

    BINDINGS = [
        *(_pick_binding(number) for number in range(1, 10)),
        Binding(
            "f",
            "free_text",
            "Own words",
            tooltip="Answer the selected point in your own words",
            id="live.free-text",
        ),
        Binding(
            "c",
            "cancel_point",
            "Cancel point",
            tooltip="Cancel the selected point (the agent gets its default)",
            id="live.cancel",
        ),
        Binding(
            "x",
            "cancel_point",
            "Cancel point",
            show=False,
            tooltip="Cancel the selected point",
            id="live.cancel-x",
        ),
        Binding(
            "e",
            "focus_escalations",
            "Escalations",
            tooltip="Move to the escalation feed (Tab moves back)",
            id="live.escalations",
        ),
    ]
    COMMANDS = {LiveCommands}

    pending_count: reactive[int] = reactive(0, init=False)
    """How many points wait for an answer (shown in the title and status bar)."""

    def __init__(self) -> None:
        super().__init__()
        self._interface: HumanInterface | None = None
        self._held: list[ChangesArrived] = []
        self._history_shown = False
        self._first_batch_shown = False

    def compose(self) -> ComposeResult:
        app = self.arcadia
        yield from self.compose_top()
        yield StatusBar(id="status-bar")
        with Horizontal(id="live-main"):
            yield PendingQueue(clock=app.clock, id="pending-queue")
            yield PointDetail(clock=app.clock, tz=app.display_tz, id="point-detail")
        yield EscalationFeed(tz=app.display_tz, id="escalation-feed")
        yield Footer()

    def start(self) -> None:
        """Follow the change feed and read the latest session; `loaded` is set once both are
        on screen (the pending set and the recent escalations)."""
        self.query_one(StatusBar).project = self.arcadia.settings.project_dir
        self.query_one(PointDetail).border_title = "Selected question"
        self.watch_pending_count(0)
        if self.arcadia.database_error is None:  # else the app shows the error instead
            self.follow_changes()
            self.load_session()

    # -- widgets ------------------------------------------------------------------------------

    @property
    def queue(self) -> PendingQueue:
        """The pending queue."""
        return self.query_one(PendingQueue)

    @property
    def detail(self) -> PointDetail:
        """The detail pane."""
        return self.query_one(PointDetail)

    @property
    def human_interface(self) -> HumanInterface:
        """The manager answers go through (created on first use)."""
        if self._interface is None:
            app = self.arcadia
            self._interface = HumanInterface(
                app.database,
                poll_interval=app.settings.poll_interval,
                clock=app.clock,
                user=app.settings.user,
            )
        return self._interface

    # -- workers ------------------------------------------------------------------------------

    @work(exclusive=True, group="live-feed", exit_on_error=False)
    async def follow_changes(self) -> None:
        """Subscribe to the app's change feed and show the escalations logged before it."""
        app = self.arcadia
        cursors = await app.changes.subscribe(self)
        history = await app.shielded(
            recent_escalations(
                app.database,
                up_to=cursors.get("escalation_logs", 0),
                limit=RECENT_ESCALATIONS,
                clock=app.clock,
            )
        )
        self.post_message(EscalationsLoaded(tuple(history)))

    @work(exclusive=True, group="live-session", exit_on_error=False)
    async def load_session(self) -> None:
        """Read the latest agent session for the status bar."""
        session = await self.arcadia.shielded(latest_session(self.arcadia.database))
        self.post_message(SessionLoaded(session))

    @work(group="live-answers", exit_on_error=False)
    async def send_answer(self, point_id: str, answer: str, free_text: bool) -> None:
        """Record an answer through the same conflict-free path as `arcadia respond`."""
        try:
            point = await self.arcadia.shielded(
                self.human_interface.answer_async(
                    point_id, answer, by=self.by, free_text=free_text
                )
            )
        except ArcadiaError as error:
            self.post_message(AnswerRefused.from_error(point_id, error))
            return
        self.post_message(PointAnswered(point_id, point.status, point.response, point.responded_by))

    @work(group="live-answers", exit_on_error=False)
    async def send_cancel(self, point_id: str) -> None:
        """Cancel a point (the waiting agent gets its default, else the recommendation)."""
        try:
            point = await self.arcadia.shielded(
                self.human_interface.cancel_point_async(point_id, by=self.by)
            )
        except ArcadiaError as error:
            self.post_message(AnswerRefused.from_error(point_id, error))
            return
        self.post_message(PointAnswered(point_id, point.status, point.response, point.responded_by))

    def refresh_now(self) -> None:
        """Poll the feed now instead of at the next interval."""
        self.arcadia.changes.wake()

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Notify a worker's failure; a failed feed worker marks the feed lost."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        title = error.title if isinstance(error, ArcadiaError) else "Unexpected error"
        self.notify(str(error), title=title, severity="error", markup=False, timeout=10)
        if event.worker.group == "live-feed":
            self.query_one(StatusBar).health = "lost"

    # -- applying what workers found ----------------------------------------------------------

    @property
    def covered(self) -> bool:
        """A dialog is open over this screen."""
        return self.app.screen is not self and self in self.app.screen_stack

    def receive(self, message: ChangesArrived) -> None:
        """Show a batch now, or hold it while a dialog is open (what it shows stays put)."""
        if self.covered:
            self._held.append(message)
        else:
            self.show_changes(message)

    def on_screen_resume(self) -> None:
        held, self._held = self._held, []
        for message in held:
            self.show_changes(message)

    def _restyle(self, _theme: object) -> None:
        # Severity colours come from the theme: draw the badges again.
        self.queue.add_points(list(self.queue.points.values()))
        self.query_one(EscalationFeed).restyle()

    def show_changes(self, message: ChangesArrived) -> None:
        """Show what one batch of the change feed found."""
        new_points: list[PointRow] = []
        created: list[PointRow] = []
        for change in message.changes:
            if isinstance(change, InjectionCreated):
                point = PointRow.from_created(change)
                created.append(point)
                if not change.replayed and point.is_pending:
                    new_points.append(point)
            elif isinstance(change, InjectionResolved):
                self._flush(created)
                self.queue.resolve(change)
            elif isinstance(change, EscalationLogged):
                self.query_one(EscalationFeed).add([EscalationRow.from_logged(change)])
            elif isinstance(change, SessionStarted):
                self._show_session(SessionStatus(change.session_id, change.status, True))
            elif isinstance(change, SessionEnded):
                self._show_session(SessionStatus(change.session_id, change.status, False))
            elif isinstance(change, FeedStale | FeedRecovered | FeedLost):
                self._show_health(change)
        self._flush(created)
        if new_points:
            self._announce_new(new_points)
        if self.query_one(StatusBar).health == "starting":
            self.query_one(StatusBar).health = "live"
        self.pending_count = self.queue.pending_count
        self._first_batch_shown = True
        self._check_loaded()

    def _check_loaded(self) -> None:
        if self._first_batch_shown and self._history_shown:
            self.loaded.set()

    def _flush(self, created: list[PointRow]) -> None:
        if created:
            self.queue.add_points(created)
            created.clear()

    def _announce_new(self, points: list[PointRow]) -> None:
        self.app.bell()
        if not self.shown:
            return  # another view is open: its view bar counts the questions, no toast covers it
        worst = max(points, key=lambda point: point.severity)
        if len(points) == 1:
            title = f"New question · severity {worst.severity}"
        else:
            title = f"{len(points)} new questions · up to severity {worst.severity}"
        body = literal(worst.headline, one_line=True, max_chars=160).plain
        self.notify(
            f"{worst.point_id}: {body}",
            title=title,
            severity="warning" if worst.severity >= 4 else "information",
            markup=False,
        )

    def _show_health(self, change: FeedStale | FeedRecovered | FeedLost) -> None:
        status = self.query_one(StatusBar)
        if isinstance(change, FeedStale):
            status.health = "stale"
        elif isinstance(change, FeedRecovered):
            status.health = "live"
        else:
            status.health = "lost"
            self.notify(
                f"{change.reason}. What you see is no longer updated; restart the TUI.",
                title="Database lost",
                severity="error",
                markup=False,
                timeout=30,
            )

    def _show_session(self, session: SessionStatus) -> None:
        status = self.query_one(StatusBar)
        current = status.session
        if current is None or session.session_id >= current.session_id:
            status.session = session

    @on(SessionLoaded)
    def show_loaded_session(self, message: SessionLoaded) -> None:
        if message.session is not None:
            self._show_session(message.session)

    @on(EscalationsLoaded)
    def show_recent_escalations(self, message: EscalationsLoaded) -> None:
        self.query_one(EscalationFeed).add(message.escalations)
        self._history_shown = True
        self._check_loaded()

    def watch_pending_count(self, count: int) -> None:
        self.arcadia.pending_questions = count
        self.sub_title = f"Live · {count} pending" if count else "Live · nothing pending"
        self.query_one(StatusBar).pending = count
        self.queue.border_title = f"Pending ({count})"

    @on(PendingQueue.Selected)
    def show_selected_point(self, message: PendingQueue.Selected) -> None:
        self.detail.show(message.point)

    @on(PointAnswered)
    def confirm_answer(self, message: PointAnswered) -> None:
        verb = "Cancelled" if message.status == PointStatus.CANCELLED else "Answered"
        response = "" if message.response is None else f": {message.response}"
        shown = literal(f"{message.point_id}{response}", one_line=True, max_chars=160).plain
        self.notify(f"{verb} {shown}", title=f"{verb} as {message.responded_by}", markup=False)
        self.queue.forget(message.point_id)
        self.pending_count = self.queue.pending_count

    @on(AnswerRefused)
    def explain_refusal(self, message: AnswerRefused) -> None:
        point = self.queue.points.get(message.point_id)
        if point is not None and message.status is not None:
            point = dataclasses.replace(
                point,
                status=message.status,
                response=message.response,
                responded_by=message.responded_by or "",
            )
            self.queue.show_outcome(point)
        note = Text("⚠ ", style="bold")
        note.append_text(literal(message.reason, "bold", max_chars=600))
        if self.detail.point is not None and self.detail.point.point_id == message.point_id:
            self.detail.show_note(note)
        self.notify(message.reason, title=message.title, severity="warning", markup=False)
        self.pending_count = self.queue.pending_count
        self.refresh_now()

    # -- actions ------------------------------------------------------------------------------

    def _answerable(self) -> PointRow | None:
        point = self.queue.highlighted_point
        if point is None:
            self.notify("No question is selected.", severity="warning")
            return None
        if not point.is_pending:
            self.notify(
                f"{point.point_id} is no longer pending ({outcome_label(point)}).",
                severity="warning",
                markup=False,
            )
            return None
        return point

    def action_pick(self, number: int) -> None:
        """Answer the selected point with option `number`."""
        point = self._answerable()
        if point is None:
            return
        if not 1 <= number <= len(point.options):
            count = len(point.options)
            choices = f"options 1-{count}" if count else "no options (f answers in your words)"
            self.notify(f"{point.point_id} has {choices}.", severity="warning", markup=False)
            return
        self.answer(point, point.options[number - 1])

    def action_accept(self) -> None:
        """Answer the selected point with the agent's recommendation."""
        point = self._answerable()
        if point is None:
            return
        if not point.recommendation.strip():
            self.notify(f"{point.point_id} has no recommendation.", severity="warning")
            return
        self.answer(point, point.recommendation)

    @on(PendingQueue.AcceptRequested)
    def accept_from_queue(self) -> None:
        self.action_accept()

    def action_free_text(self) -> None:
        """Open the free-text dialog for the selected point."""
        point = self._answerable()
        if point is not None:
            self.app.push_screen(AnswerModal(point), lambda text: self._free_text(point, text))

    def _free_text(self, point: PointRow, text: str | None) -> None:
        if not text:
            return
        if point.allows_free_text or text in point.options:
            self.answer(point, text, free_text=True)
            return
        body = free_text_body(point, text)

        def send_if_confirmed(confirmed: bool | None) -> None:
            if confirmed:
                self.answer(point, text, free_text=True, confirmed=True)

        self.app.push_screen(
            ConfirmModal("Send a free-text answer?", body, "Send"), send_if_confirmed
        )

    def answer(
        self, point: PointRow, answer: str, *, free_text: bool = False, confirmed: bool = False
    ) -> None:
        """Send `answer`, asking first when the point is an irreversible approval."""
        free_text = free_text or answer not in point.options
        if point.needs_confirmation and not confirmed:
            body = irreversible_body(point, answer)

            def send_if_confirmed(confirmed: bool | None) -> None:
                if confirmed:
                    self.send_answer(point.point_id, answer, free_text)

            self.app.push_screen(
                ConfirmModal("Irreversible approval", body, "Send answer"), send_if_confirmed
            )
            return
        self.send_answer(point.point_id, answer, free_text)

    def action_cancel_point(self) -> None:
        """Cancel the selected point, after confirmation."""
        point = self._answerable()
        if point is None:
            return
        body = cancel_body(point)

        def cancel_if_confirmed(confirmed: bool | None) -> None:
            if confirmed:
                self.send_cancel(point.point_id)

        self.app.push_screen(
            ConfirmModal(f"Cancel {point.point_id}?", body, "Cancel point"), cancel_if_confirmed
        )

    def action_focus_escalations(self) -> None:
        """Move the focus to the escalation feed."""
        self.query_one("#escalation-table").focus()
