"""A code exercise: the Python editor, with the draft saved as the learner types and graded by the
grader in a worker thread.

The editor (``PythonEditor``) indents like a Python editor: Enter keeps the line's indentation and adds
a level after a line ending in ``:``, Backspace in the indentation removes one level. Long lines wrap
(``alt+z`` turns wrapping off and on), so a line's start is never scrolled out of view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    TextArea,
)

if TYPE_CHECKING:
    from textual.theme import Theme

    from tutor.grader import CheckResult, Grader

from tutor.progress import check_diagnosis
from tutor.widgets.exercise import ExercisePanel, editor_theme
from tutor.widgets.highlight_queries import SharedQueryEditor


def leading_spaces(line: str) -> int:
    """How many spaces (a tab counts as one) start ``line``."""
    return len(line) - len(line.lstrip(" \t"))


class PythonEditor(SharedQueryEditor):
    """The code editor: Python indentation, ``ctrl+home``/``ctrl+end`` move the cursor, soft wrap."""

    BINDINGS = [
        Binding("ctrl+home", "cursor_document_start", "Start of code", show=False),
        Binding("ctrl+end", "cursor_document_end", "End of code", show=False),
        Binding("alt+z", "toggle_wrap", "Wrap lines", show=False),
    ]

    WRAP_HINT = {True: "wrap on (alt+z)", False: "wrap off (alt+z)"}

    def on_mount(self) -> None:
        self.border_subtitle = self.WRAP_HINT[self.soft_wrap]

    # --- indentation ------------------------------------------------------------------------------

    def newline_indent(self) -> str:
        """What Enter inserts: a newline, the current line's indentation, and a level more after ``:``."""
        row, column = self.selection.start
        before = self.document[row][:column]
        indent = before[: leading_spaces(before)] if before.strip() else before
        if before.rstrip().endswith(":"):
            indent += " " * self.indent_width
        return "\n" + indent

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # Escape leaves the editor; where the keyboard goes is the lesson's business (it binds escape).
            self._restart_blink()
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self._restart_blink()
            start, end = self.selection
            self._replace_via_keyboard(self.newline_indent(), start, end)
            return
        await super()._on_key(event)

    def action_delete_left(self) -> None:
        """Backspace; in a line's indentation it removes one level (back to the previous tab stop)."""
        selection = self.selection
        row, column = selection.end
        before = self.document[row][:column]
        if self.read_only or not selection.is_empty or not before or before.strip(" "):
            super().action_delete_left()
            return
        width = self.indent_width
        remove = (column % width) or width
        self._delete_via_keyboard((row, column - remove), (row, column))

    # --- moving ---------------------------------------------------------------------------------

    def action_cursor_document_start(self) -> None:
        self.move_cursor((0, 0))
        self.scroll_cursor_visible()

    def action_cursor_document_end(self) -> None:
        self.move_cursor(self.document.end)
        self.scroll_cursor_visible()

    def _on_screen(self) -> bool:
        return self.screen.can_view_partial(self)

    def action_cursor_page_up(self) -> None:
        if not self._on_screen():
            raise SkipAction()  # an editor out of sight leaves PageUp to the lesson's scroll
        super().action_cursor_page_up()

    def action_cursor_page_down(self) -> None:
        if not self._on_screen():
            raise SkipAction()
        super().action_cursor_page_down()

    def action_toggle_wrap(self) -> None:
        self.soft_wrap = not self.soft_wrap
        self.border_subtitle = self.WRAP_HINT[self.soft_wrap]


class CodeExercise(ExercisePanel):
    """A Python editor with the starter code (or the learner's draft), graded by the grader.
    ``ctrl+f`` opens what the last check shows in detail (its gradient check)."""

    BINDINGS = [Binding("ctrl+f", "open_view", "Details", show=False)]

    def prepare(self) -> None:
        self._source: str | None = None  # cached so the draft can be saved after the editor is gone

    def decode_draft(self, text: str) -> Any:
        return text

    def build_answer(self, response: Any) -> ComposeResult:
        text = response if isinstance(response, str) else (self.exercise.starter or "")
        self._source = text
        editor = PythonEditor.code_editor(
            text,
            language="python",
            theme=editor_theme(self.app.current_theme),
            soft_wrap=True,
            id=f"editor-{self.exercise.id}",
        )
        editor.border_title = "your code"
        yield editor

    @property
    def editor(self) -> TextArea:
        return self.query_one(TextArea)

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, self._follow_theme)

    def on_unmount(self) -> None:
        super().on_unmount()
        # The signal keeps its callbacks: subscribed, the panel (and its editor) would never be freed.
        self.app.theme_changed_signal.unsubscribe(self)

    def _follow_theme(self, theme: Theme) -> None:
        for editor in self.query(TextArea):
            editor.theme = editor_theme(theme)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        source = event.text_area.text
        if source != self._source:
            self._source = source
            self.draft_changed()

    def response(self) -> str:
        return self._source if self._source is not None else (self.exercise.starter or "")

    def encode_draft(self) -> str:
        return self.response()

    def response_is_initial(self) -> bool:
        return self.response() == (self.exercise.starter or "")

    def solution_markdown(self) -> str:
        return f"**Solution:**\n\n```python\n{self.exercise.solution.rstrip()}\n```"

    def check(self) -> None:
        if self.grading:
            self.notify("Already checking, one moment.")
            return
        if self.get_grader is None:
            self.feedback.show_error("No grader is available.")
            return
        if self.exercise.check is None:  # the lesson loader requires one; this is only a safeguard
            self.feedback.show_error("This exercise names no check.")
            return
        self.flush_draft()
        submission = self.submission()
        if submission is None:
            return  # not gradable yet; submission() has said why
        source, filename = submission
        self.grading = True
        self.check_button.disabled = True
        self.check_started()
        self._grade(self.get_grader, self.exercise.check, source, filename, self.output_listener())

    # Hooks for kinds of code exercise that grade more than the editor holds (see own_classes.py).

    def submission(self) -> tuple[str, str] | None:
        """``(source, filename)`` to grade, or None (after telling the learner why) to grade nothing."""
        return self.response(), "answer.py"

    def check_started(self) -> None:
        """The check is on its way: show that it runs."""
        self.feedback.show_running()

    def output_listener(self) -> Callable[[str], None] | None:
        """Called in the grading thread with each line the learner's code prints; None: not streamed."""
        return None

    def grading_error(self, grader: Grader | None, error: Exception) -> str:
        """What to tell the learner when grading raised ``error`` (called in the grading thread)."""
        return f"The grader failed: {error.__class__.__name__}: {error}"

    def show_result(self, result: CheckResult) -> None:
        """Show a finished check's result (it has been recorded)."""
        self.show_feedback(lambda panel: panel.show_check(result))

    @work(thread=True, exclusive=True, group="grade", exit_on_error=False)
    def _grade(
        self,
        get_grader: Callable[[], Grader],
        check_id: str,
        source: str,
        filename: str,
        on_output: Callable[[str], None] | None,
    ) -> None:
        # Runs in a thread: only call_from_thread and post_message may reach the UI from here.
        started = time.perf_counter()
        options: dict[str, Any] = {"timeout": self.exercise.timeout}
        if filename != "answer.py":
            options["filename"] = filename
        if on_output is not None:
            options["on_output"] = on_output
        grader: Grader | None = None
        try:
            grader = get_grader()
            result = grader.grade(check_id, source, **options)
        except Exception as error:  # the grader's own failure (or a stop), not the learner's code
            self.app.call_from_thread(self._grading_failed, self.grading_error(grader, error))
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.app.call_from_thread(self._graded, result, elapsed_ms)

    def _graded(self, result: CheckResult, elapsed_ms: float) -> None:
        self.store.record_attempt(
            self.exercise.id, bool(result.passed), result.duration_ms, check_diagnosis(result)
        )
        self.grading = False
        if not self.is_attached:
            return  # the learner left the lesson while it ran; the attempt is recorded all the same
        self.check_button.disabled = False
        self.show_result(result)
        self._status_changed(bool(result.passed))  # the lesson says where ctrl+n goes after a pass

    def _grading_failed(self, message: str) -> None:
        self.grading = False
        if not self.is_attached:
            return
        self.check_button.disabled = False
        self.show_feedback(lambda panel: panel.show_error(message))

    def action_open_view(self) -> None:
        if not self.feedback.open_gradient_check():
            self.notify("The last check has no gradient check to show.")

    def edit_externally(self) -> None:
        """Open the current draft in the learner's own editor (``$VISUAL``/``$EDITOR``), the app suspended
        meanwhile; on return the draft is what the editor saved, and it is graded at once."""
        from textual.app import SuspendNotSupported

        from tutor.external_editor import EditorError, edit_text

        if self.grading:
            self.notify("Already checking, one moment.")
            return
        self.flush_draft()
        try:
            if self.app.is_headless:
                # No terminal to hand over (Pilot's headless driver cannot suspend): run the editor
                # as it is. This is how the tests drive an EDITOR script.
                text = edit_text(self.response(), f"{self.exercise.id}.py")
            else:
                with self.app.suspend():
                    text = edit_text(self.response(), f"{self.exercise.id}.py")
        except SuspendNotSupported:
            self.notify("This terminal cannot hand the screen to an editor.", severity="error")
            return
        except EditorError as error:
            self.notify(str(error), title="Editor", severity="error", timeout=8)
            return
        if text != self.response():
            self._source = text  # the change event that load_text posts then has nothing new
            self.editor.load_text(text)
            self.draft_changed()
        self.check()


def edit_externally(panel: ExercisePanel) -> None:
    """The ``e`` key: the current exercise in the learner's own editor (code exercises only)."""
    if isinstance(panel, CodeExercise):
        panel.edit_externally()
    else:
        panel.notify("Only code exercises open in an editor.")
