"""A yes/no confirmation for answers that cannot be taken back; "back" has the focus."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from arcadia_tui.literal import literal
from arcadia_tui.rows import PointRow
from arcadia_tui.screens.answer import question_text


def irreversible_body(point: PointRow, answer: str) -> Text:
    """Why an answer to an irreversible approval is confirmed first."""
    body = question_text(point)
    body.append("\n\nSend the answer ", style="bold")
    body.append_text(literal(answer, "bold reverse", one_line=True, max_chars=300))
    body.append(" to the agent? It cannot be taken back.", style="bold")
    return body


def free_text_body(point: PointRow, text: str) -> Text:
    """Why a free-text answer to a point that expects an option is confirmed first."""
    body = question_text(point)
    body.append("\n\nIt expects one of its options. Send this instead?\n\n", style="bold")
    body.append_text(literal(text, "bold", max_chars=600))
    return body


def cancel_body(point: PointRow) -> Text:
    """What cancelling a point does."""
    body = question_text(point)
    fallback = point.default_on_timeout or point.recommendation
    body.append("\n\nCancel it? The agent stops waiting and gets ", style="bold")
    body.append_text(literal(fallback or "nothing", "bold", one_line=True, max_chars=200))
    body.append(".", style="bold")
    return body


class ConfirmModal(ModalScreen[bool]):
    """Confirm an action; dismisses True only on `y` or the confirm button."""

    BINDINGS = [
        Binding("y", "confirm", "Confirm", tooltip="Do it", id="confirm.yes"),
        Binding("n,escape", "back", "Back", tooltip="Do not do it", id="confirm.no"),
    ]

    def __init__(self, title: str, body: Text, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self.title_text, id="confirm-title", markup=False)
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.confirm_label} (y)", id="confirm-yes", variant="error")
                yield Button("Back (n)", id="confirm-no", variant="default")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_back(self) -> None:
        self.dismiss(False)
