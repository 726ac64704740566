"""The panel under an exercise that shows what the last check said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import LoadingIndicator, Static

from tutor.widgets.markdown_text import inline_content

if TYPE_CHECKING:
    from tutor.grader.results import CheckResult


class FeedbackPanel(Vertical):
    """Pass/fail, the failing case and its message, the learner's output and the trimmed traceback.

    ``show_running()`` while a check runs (a spinner), then ``show_check(result)`` for a grader
    ``CheckResult``, ``show_answer(result)`` for a quiz ``AnswerResult`` or ``show_error(text)``.
    """

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
    """

    def compose(self) -> ComposeResult:
        yield Static(id="verdict")
        yield Static(id="details")

    def _set_state(self, state: str) -> None:
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

    def show_running(self) -> None:
        self._set_state("running")

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

    def show_check(self, result: CheckResult) -> None:
        """Show a grader ``CheckResult``: a verdict with the time it took, then the feedback's sections."""
        self._set_state("passed" if result.passed else "failed")
        verdict = "✓ Passed" if result.passed else "✗ Not yet"
        verdict += f"  ({result.duration_ms:.0f} ms)"
        self.query_one("#verdict", Static).update(verdict)
        self.query_one("#details", Static).update(self._check_details(result))

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
