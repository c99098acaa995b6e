"""A yes/no confirmation for answers that cannot be taken back; "back" has the focus."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


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
