"""The first screen of a classroom session (``nntutor serve``): the learner types their name.

The screen only asks and shows what is wrong; ``sign_in(text)`` (given by the app) checks the name,
takes the learner's folder and returns None, or returns the one-line reason it cannot (a bad name,
the name open in another tab, a folder that cannot be written). The screen then dismisses with the
name the learner typed.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, Input, Static

from tutor.classroom import MAX_NAME_LENGTH
from tutor.screens.base import TutorScreen

INTRO = (
    "Welcome to nntutor. Type your name and press Enter.\n\n"
    "Your progress is kept under this name: type the same name next time to continue where you "
    "stopped. Letters, digits, '-' and '_'. A name is not a password: use your own."
)


class LearnerNameScreen(TutorScreen[str]):
    """Asks the learner's name; dismisses with it once ``sign_in`` accepts it."""

    DEFAULT_CSS = """
    LearnerNameScreen { align: center middle; }
    LearnerNameScreen > #sign-in {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $accent;
        padding: 0 1;
    }
    LearnerNameScreen #sign-in-intro { margin-bottom: 1; }
    LearnerNameScreen #sign-in-error { color: $error; height: auto; }
    """

    def __init__(self, sign_in: Callable[[str], str | None]) -> None:
        super().__init__()
        self.sign_in = sign_in

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sign-in"):
            yield Static(INTRO, id="sign-in-intro")
            yield Input(placeholder="your name", max_length=MAX_NAME_LENGTH + 8, id="learner-name")
            yield Static("", id="sign-in-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.sign_in(event.value)
        if problem is not None:
            self.query_one("#sign-in-error", Static).update(problem)
            return
        self.dismiss(event.value.strip())
