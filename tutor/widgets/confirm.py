"""A small yes/no question shown over the current screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask one question; dismisses with True for the confirming button, False otherwise.

    ``y`` / ``n`` answer from the keyboard, ``escape`` is always "no". The safe answer has focus,
    so an absent-minded Enter never destroys anything.
    """

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        background: $background 60%;
    }
    ConfirmDialog > #dialog {
        width: 60;
        max-width: 90%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog #question {
        width: 100%;
        margin-bottom: 1;
    }
    ConfirmDialog #buttons {
        width: 100%;
        height: auto;
        align-horizontal: right;
    }
    ConfirmDialog Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, *, confirm_label: str = "Yes", cancel_label: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            with Horizontal(id="buttons"):
                yield Button(f"{self.cancel_label} (n)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.cancel_button.focus()

    @property
    def cancel_button(self) -> Button:
        return self.query_one("#cancel", Button)

    @on(Button.Pressed, "#confirm")
    def confirm(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
