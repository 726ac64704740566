"""The panel under an exercise that shows what the last check said."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, LoadingIndicator, Static

from tutor.widgets.markdown_text import inline_content

if TYPE_CHECKING:
    from tutor.grader.results import CheckResult


class FeedbackPanel(Vertical):
    """Pass/fail, the failing case and its message, the learner's output and the trimmed traceback.

    ``show_running()`` while a check runs (a spinner; ``show_progress(text)`` says how far it is),
    then ``show_check(result)`` for a grader ``CheckResult``, ``show_answer(result)`` for a quiz
    ``AnswerResult``, ``show_error(text)``, or ``show_notice(verdict, text)`` for a check not run.
    ``actions`` (``(label, button name)`` pairs) add buttons under the text, for the exercise to handle;
    a result with a gradient check gets a button that opens it (``open_gradient_check``).
    """

    GRADIENT_BUTTON = "open-gradient-check"

    DEFAULT_CSS = """
    FeedbackPanel {
        height: auto;
        display: none;
        border: round $panel-lighten-2;
        padding: 0 1;
        margin-top: 1;
    }
    FeedbackPanel.-visible { display: block; }
    FeedbackPanel.-passed { border: round $success; }
    FeedbackPanel.-failed { border: round $error; }
    FeedbackPanel.-running { border: round $accent; }
    FeedbackPanel.-invalid { border: round $warning; }
    FeedbackPanel.-invalid #verdict { color: $text-warning; }
    FeedbackPanel #running { height: 1; }
    FeedbackPanel.-running #verdict, FeedbackPanel.-running #details { display: none; }
    FeedbackPanel #running LoadingIndicator { width: 8; height: 1; }
    FeedbackPanel #running Static { width: auto; }
    FeedbackPanel #verdict { text-style: bold; }
    FeedbackPanel.-passed #verdict { color: $text-success; }
    FeedbackPanel.-failed #verdict { color: $text-error; }
    FeedbackPanel #details { height: auto; }
    FeedbackPanel #feedback-actions { height: auto; display: none; margin-top: 1; }
    FeedbackPanel #feedback-actions.-shown { display: block; }
    FeedbackPanel #feedback-actions Button { margin-right: 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.result: CheckResult | None = None  # the last grader result shown

    def compose(self) -> ComposeResult:
        yield Static(id="verdict")
        yield Static(id="details")
        yield Horizontal(id="feedback-actions")

    def _set_state(self, state: str) -> None:
        self.result = None
        if self.actions.children:
            self.set_actions(())
        self.remove_class("-passed", "-failed", "-running", "-invalid")
        self.add_class("-visible", f"-{state}")
        # The spinner exists only while a check runs: an idle one per exercise would cost a timer each.
        spinner = self.query("#running")
        if state == "running" and not spinner:
            self.mount(
                Horizontal(LoadingIndicator(), Static("Checking your code..."), id="running"), before=0
            )
        elif state != "running" and spinner:
            spinner.remove()

    def clear(self) -> None:
        self.query("#running").remove()
        self.remove_class("-visible", "-passed", "-failed", "-running", "-invalid")
        self.query_one("#verdict", Static).update("")
        self.query_one("#details", Static).update("")
        self.result = None
        self.set_actions(())

    def show_running(
        self, text: str = "Checking your code...", actions: Sequence[tuple[str, str]] = ()
    ) -> None:
        self._set_state("running")
        self.show_progress(text)
        if actions:
            self.set_actions(actions)

    def show_progress(self, text: str) -> None:
        """What the spinner says while a check runs (e.g. how far training is)."""
        for label in self.query("#running Static").results(Static):
            label.update(text)

    @property
    def actions(self) -> Horizontal:
        return self.query_one("#feedback-actions", Horizontal)

    def set_actions(self, actions: Sequence[tuple[str, str]]) -> None:
        """Buttons under the feedback, ``(label, name)`` each, replacing any there were. A button is
        told apart by its ``name`` (the old ones may still be leaving when the new ones arrive)."""
        box = self.actions
        box.remove_children()
        if actions:
            box.mount_all([Button(label, name=name, compact=True) for label, name in actions])
        box.set_class(bool(actions), "-shown")

    def show_notice(self, verdict: str, details: str, actions: Sequence[tuple[str, str]] = ()) -> None:
        """The check did not run, and why: ``verdict`` (one line), ``details``, buttons to act on it."""
        self._set_state("invalid")
        self.query_one("#verdict", Static).update(verdict)
        self.query_one("#details", Static).update(Text(details))
        self.set_actions(actions)

    def show_error(self, message: str) -> None:
        self._set_state("failed")
        self.query_one("#verdict", Static).update("Could not check")
        self.query_one("#details", Static).update(Text(message))

    def show_answer(self, result: Any) -> None:
        """Show a quiz ``AnswerResult(passed, message, valid)``; not valid: not an answer yet, not graded."""
        if not getattr(result, "valid", True):
            self._set_state("invalid")
            self.query_one("#verdict", Static).update("Not checked")
        else:
            self._set_state("passed" if result.passed else "failed")
            self.query_one("#verdict", Static).update("✓ Correct" if result.passed else "✗ Not quite")
        self.query_one("#details", Static).update(inline_content(result.message or ""))

    def show_check(self, result: CheckResult, actions: Sequence[tuple[str, str]] = ()) -> None:
        """Show a grader ``CheckResult``: a verdict with the time it took, then the feedback's sections,
        then ``actions`` and, for a result with a gradient check, the button that opens it."""
        self._set_state("passed" if result.passed else "failed")
        self.result = result
        verdict = "✓ Passed" if result.passed else "✗ Not yet"
        verdict += f"  ({result.duration_ms:.0f} ms)"
        self.query_one("#verdict", Static).update(verdict)
        self.query_one("#details", Static).update(self._check_details(result))
        buttons = list(actions)
        if result.gradient_check is not None:
            buttons.append(("Gradient check ^f", self.GRADIENT_BUTTON))
        self.set_actions(buttons)

    def open_gradient_check(self) -> bool:
        """Show the last result's gradient check over the screen; False if it has none."""
        from tutor.widgets.gradient_check import GradientCheckScreen

        result = self.result
        if result is None or result.gradient_check is None:
            return False
        self.app.push_screen(
            GradientCheckScreen(result.gradient_check, title=f"Gradient check: {result.exercise}")
        )
        return True

    @on(Button.Pressed)
    def _gradient_pressed(self, event: Button.Pressed) -> None:
        if event.button.name == self.GRADIENT_BUTTON:
            event.stop()
            self.open_gradient_check()

    @staticmethod
    def _check_details(result: CheckResult) -> Text:
        # What is shown and how it is cut is decided by render_feedback, the function `nntutor check`
        # prints with; the panel only styles the sections. (Imported here: the grader package is not
        # needed until a check has run.)
        from tutor.grader.feedback import OTHER_CASES, TRACEBACK, render_feedback

        styles = {OTHER_CASES: "dim", TRACEBACK: "red"}
        details = Text()
        for section in render_feedback(result).sections():
            if details:
                details.append("\n\n")
            if section.title:
                details.append(section.title + "\n", style="bold")
            details.append(section.body, style=styles.get(section.kind, ""))
        return details
