"""The free-text answer dialog: the question, its options, and a line for your own words."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from arcadia_tui.literal import literal
from arcadia_tui.rows import PointRow

MAX_ANSWER_CHARS = 4000


def question_text(point: PointRow) -> Text:
    """The question as the dialog shows it: id, type, message, options."""
    text = Text(end="")
    text.append(point.point_id, style="bold")
    text.append("  ")
    text.append_text(literal(point.point_type, "bold", one_line=True, max_chars=40))
    text.append(f"  severity {point.severity}\n\n")
    text.append_text(literal(point.headline, max_chars=600))
    if point.options:
        text.append("\n\nOptions: ", style="dim")
        for number, option in enumerate(point.options, start=1):
            if number > 1:
                text.append(" · ", style="dim")
            text.append(f"{number} ", style="dim")
            text.append_text(literal(option, one_line=True, max_chars=60))
    return text


class AnswerModal(ModalScreen[str | None]):
    """Ask for a free-text answer to `point`; dismisses with the text, or None to go back."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Close without answering",
            id="answer.back",
        ),
    ]

    def __init__(self, point: PointRow) -> None:
        super().__init__()
        self.point = point

    def compose(self) -> ComposeResult:
        with Vertical(id="answer-dialog"):
            yield Label("Answer in your own words", id="answer-title")
            yield Static(question_text(self.point), id="answer-question")
            yield Input(
                placeholder="Type the answer, Enter to send",
                max_length=MAX_ANSWER_CHARS,
                id="answer-input",
            )
            hint = "Enter sends · Esc goes back"
            if not self.point.allows_free_text:
                hint += " · this point expects an option: you will be asked to confirm"
            yield Static(hint, id="answer-hint", markup=False)

    @on(Input.Submitted, "#answer-input")
    def send_answer(self, event: Input.Submitted) -> None:
        answer = event.value.strip()
        if not answer:
            self.notify("An answer cannot be empty.", severity="warning")
            return
        self.dismiss(answer)

    def action_back(self) -> None:
        self.dismiss(None)
