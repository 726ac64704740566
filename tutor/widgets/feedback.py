"""The panel under an exercise that shows what the last check said."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import LoadingIndicator, Static

# Long outputs are cut so one runaway print cannot bury the verdict; the learner sees that it was cut.
MAX_OUTPUT_LINES = 30
MAX_FAILING_CASES = 3


def _clip(text: str, max_lines: int = MAX_OUTPUT_LINES) -> str:
    lines = text.rstrip("\n").splitlines()
    if len(lines) <= max_lines:
        return "\n".join(lines)
    hidden = len(lines) - max_lines
    return "\n".join([*lines[:max_lines], f"... ({hidden} more lines)"])


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
        self.query_one("#details", Static).update(Text(result.message or ""))

    def show_check(self, result: Any) -> None:
        """Show a grader ``CheckResult`` (see docs/architecture.md)."""
        self._set_state("passed" if result.passed else "failed")
        verdict = "✓ Passed" if result.passed else "✗ Not yet"
        duration = getattr(result, "duration_ms", None)
        if duration is not None:
            verdict += f"  ({duration:.0f} ms)"
        self.query_one("#verdict", Static).update(verdict)
        self.query_one("#details", Static).update(self._check_details(result))

    @staticmethod
    def _check_details(result: Any) -> Text:
        details = Text()
        if result.summary:
            details.append(result.summary.strip() + "\n")
        cases = list(getattr(result, "cases", None) or [])
        failing = [case for case in cases if not case.passed]
        if cases:
            details.append(f"{len(cases) - len(failing)} of {len(cases)} cases passed\n", style="dim")
        for case in failing[:MAX_FAILING_CASES]:
            details.append("\nFailing case: ", style="bold")
            details.append(f"{case.name}\n")
            if case.message:
                details.append(case.message.rstrip() + "\n")
        if len(failing) > MAX_FAILING_CASES:
            details.append(f"... and {len(failing) - MAX_FAILING_CASES} more failing cases\n", style="dim")
        stdout = getattr(result, "stdout", "") or ""
        if stdout.strip():
            details.append("\nYour output:\n", style="bold")
            details.append(_clip(stdout) + "\n")
        traceback = getattr(result, "traceback", None)
        if traceback:
            if not traceback.lstrip().startswith("Traceback"):
                details.append("\nTraceback:", style="bold")
            details.append("\n" + _clip(traceback) + "\n", style="red")
        details.rstrip()
        return details
