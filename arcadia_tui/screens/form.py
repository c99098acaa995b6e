"""A small editing dialog: fields, an inline message for bad input, save in a worker.

Input is checked twice: by `parse` as it is typed (a message under the fields, Save refused)
and by core when it is saved (a refusal such as "outside the bounds" shows in the same
place and the dialog stays open). Nothing a person types can end in a traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from arcadia_core.errors import ArcadiaError, InvalidInput

T = TypeVar("T")
log = logging.getLogger(__name__)


class FormBody(VerticalScroll, can_focus=False):
    """The dialog's frame: scrolls when the terminal is short, never takes the focus."""


class FormModal(ModalScreen[T | None], Generic[T]):
    """Subclasses compose their fields, `parse` them, and `save` the parsed value."""

    CHECK_ON_OPEN = False
    """Check (and preview) the prefilled values as soon as the dialog opens."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Close without saving", id="form.back"),
        Binding("ctrl+s", "save", "Save", tooltip="Save (Enter in a field too)", id="form.save"),
    ]

    @dataclass
    class Saved(Message):
        """The save went through."""

        result: Any

    @dataclass
    class Refused(Message):
        """The save did not go through, for this reason."""

        reason: str

    def __init__(self, title: str, intro: Text | str | None = None, save_label: str = "Save"):
        super().__init__()
        self.form_title = title
        self.intro = intro
        self.save_label = save_label
        self.saving = False
        """A save is in progress (a second one is refused)."""

    def compose(self) -> ComposeResult:
        with FormBody(id="form-dialog"):
            yield Label(self.form_title, id="form-title", markup=False)
            if self.intro is not None:
                intro = self.intro if isinstance(self.intro, Text) else Text(self.intro)
                yield Static(intro, id="form-intro")
            yield from self.compose_fields()
            yield Static("", id="form-preview")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.save_label} (Enter)", id="form-save", variant="primary")
                yield Button("Back (Esc)", id="form-back", variant="default")

    def on_mount(self) -> None:
        if self.CHECK_ON_OPEN:
            self._recheck()

    def compose_fields(self) -> ComposeResult:
        """The fields (Inputs, Selects, ...)."""
        raise NotImplementedError
        yield  # pragma: no cover

    def parse(self) -> Any:
        """The value to save, from the fields; raise `InvalidInput` naming what is wrong."""
        raise NotImplementedError

    async def save(self, value: Any) -> T:
        """Write `value` (in a worker); a core refusal raises `ArcadiaError`."""
        raise NotImplementedError

    def preview(self, value: Any) -> None:
        """React to a valid value as it is typed (e.g. show its consequences)."""

    # -- feedback -----------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show why the input cannot be saved, under the fields."""
        error = self.query_one("#form-error", Static)
        error.update(Text(f"⚠ {message}", style="bold") if message else Text(""))
        error.set_class(bool(message), "-shown")

    def show_preview(self, text: Text | str) -> None:
        """Show what the typed value would do."""
        self.query_one("#form-preview", Static).update(text)

    def _check(self) -> Any | None:
        try:
            value = self.parse()
        except InvalidInput as problem:
            self.show_error(problem.message)
            return None
        except (TypeError, ValueError) as problem:
            self.show_error(str(problem))
            return None
        self.show_error("")
        return value

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _recheck(self) -> None:
        value = self._check()
        if value is not None:
            self.preview(value)

    # -- saving -------------------------------------------------------------------------------

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        if self.saving:
            return
        value = self._check()
        if value is None:
            return
        self.saving = True
        self._save(value)

    @work(exclusive=True, group="form-save", exit_on_error=False)
    async def _save(self, value: Any) -> None:
        try:
            result = await self.app.shielded(self.save(value))  # type: ignore[attr-defined]
        except ArcadiaError as error:
            self.post_message(self.Refused(error.message))
            return
        except Exception as error:  # shown in the form, not as a traceback
            log.exception("saving %s failed", self.form_title)
            self.post_message(self.Refused(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.Saved(result))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saving = False
        self.dismiss(message.result)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.saving = False
        self.show_error(message.reason)

    @on(Button.Pressed, "#form-back")
    def action_back(self) -> None:
        self.dismiss(None)


def field(label: str, input_id: str, value: str = "", placeholder: str = "") -> ComposeResult:
    """A labelled one-line input."""
    with Horizontal(classes="form-field"):
        yield Label(label, classes="form-label", markup=False)
        yield Input(
            value=value, placeholder=placeholder, id=input_id, classes="form-input", compact=True
        )


def checkbox(label: str, checkbox_id: str, value: bool) -> Checkbox:
    """A labelled yes/no box."""
    return Checkbox(label, value, id=checkbox_id, compact=True, classes="form-checkbox")


def parse_level(text: str, what: str = "level") -> int:
    """A level 1-5 from its number or name; `InvalidInput` otherwise."""
    from arcadia_core.managers.autonomy.records import AutonomyLevel

    text = text.strip()
    if not text:
        raise InvalidInput(f"enter a {what} from 1 to 5")
    try:
        return int(AutonomyLevel.parse(text))
    except InvalidInput:
        raise InvalidInput(f"{what} must be 1-5 (or a level name), not {text!r}") from None


def parse_number(text: str, what: str, low: float, high: float | None = None) -> float:
    """A number in [low, high]; `InvalidInput` otherwise."""
    try:
        value = float(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} must be a number, not {text.strip()!r}") from None
    if value != value or value < low or (high is not None and value > high):
        bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
        raise InvalidInput(f"{what} must be {bounds}, not {text.strip()}")
    return value


def parse_count(text: str, what: str) -> int:
    """A whole number of at least 1; `InvalidInput` otherwise."""
    value = parse_number(text, what, 1)
    if value != int(value):
        raise InvalidInput(f"{what} must be a whole number, not {text.strip()}")
    return int(value)
