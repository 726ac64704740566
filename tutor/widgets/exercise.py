"""One exercise in a lesson: prompt, answer widgets, hints, solution and the check's feedback.

``ExercisePanel.create(exercise, ...)`` returns the panel for the exercise's kind: a Python editor for
``code``, radio buttons or a checklist for ``choice``, one dropdown per item for ``match`` and an input
for ``numeric``. Every panel offers the same actions (check, next hint, reveal, reset) so the lesson
screen can bind keys to whichever exercise is current.

Drafts: whatever the learner enters is saved to the store at most a second after they change it
(a throttle, not a debounce, so steady typing is still saved every second) and again when the panel
goes away, so a killed process loses at most the last second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Markdown,
)

from tutor.progress import status_label
from tutor.store import Status
from tutor.widgets.confirm import ConfirmDialog
from tutor.widgets.feedback import FeedbackPanel
from tutor.widgets.markdown_text import LessonText

if TYPE_CHECKING:
    from textual.theme import Theme

    from tutor.curriculum import Exercise
    from tutor.grader import Grader
    from tutor.store import Store

DRAFT_SAVE_DELAY = 1.0  # seconds; the most typing a crash can lose


def editor_theme(app_theme: Theme) -> str:
    """The code editor's highlighting theme that suits the app's Textual theme."""
    return "css" if app_theme.dark else "github_light"


class ExercisePanel(Vertical):
    """Base class: everything but the answer widgets, which each kind builds in ``build_answer``."""

    DEFAULT_CSS = """
    ExercisePanel {
        height: auto;
        border: round $primary 60%;
        border-title-color: $text-primary;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        margin: 1 0;
    }
    ExercisePanel.-current { border: round $accent; border-title-style: bold; }
    ExercisePanel.-passed { border-subtitle-color: $text-success; }
    ExercisePanel > .prompt { margin: 0; padding: 0; }
    ExercisePanel Markdown > MarkdownBlock:last-child { margin-bottom: 0; }
    ExercisePanel > .answer { height: auto; margin-top: 1; }
    ExercisePanel > .buttons { height: auto; margin-top: 1; }
    ExercisePanel > .buttons Button { margin-right: 2; }
    ExercisePanel > .hints { height: auto; }
    ExercisePanel > .hints .hint {
        margin-top: 1;
        padding: 0 1;
        border-left: thick $warning;
    }
    ExercisePanel > .solution {
        display: none;
        height: auto;
        margin-top: 1;
        padding: 0 1;
        border-left: thick $accent;
    }
    ExercisePanel > .solution.-shown { display: block; }
    ExercisePanel .match-item { height: auto; margin-bottom: 1; }
    ExercisePanel .match-item Select { margin-left: 2; width: 1fr; }
    ExercisePanel TextArea { height: auto; min-height: 5; max-height: 30; }
    ExercisePanel RadioSet, ExercisePanel SelectionList { width: 100%; }
    """

    class StatusChanged(Message):
        """The exercise's status changed (a check was recorded, or the solution revealed).

        ``passed`` is the check's verdict when a check was recorded, None for a reveal.
        """

        def __init__(self, exercise_id: str, passed: bool | None = None) -> None:
            super().__init__()
            self.exercise_id = exercise_id
            self.passed = passed

    def __init__(
        self,
        exercise: Exercise,
        *,
        number: int,
        total: int,
        store: Store,
        get_grader: Callable[[], Grader] | None = None,
    ) -> None:
        super().__init__(id=f"exercise-{exercise.id}", classes="exercise")
        self.exercise = exercise
        self.number = number
        self.total = total
        self.store = store
        self.get_grader = get_grader
        self.grading = False
        self._draft_timer: Timer | None = None
        self._draft_dirty = False
        self._pending_draft = ""
        self.border_title = f"Exercise {number} of {total}"
        self.prepare()

    def prepare(self) -> None:
        """Set up the state a kind of exercise keeps of its own (called at the end of ``__init__``)."""

    @staticmethod
    def create(
        exercise: Exercise,
        *,
        number: int,
        total: int,
        store: Store,
        get_grader: Callable[[], Grader] | None = None,
    ) -> ExercisePanel:
        """The panel for ``exercise``'s kind."""
        from tutor.widgets.code_exercise import CodeExercise
        from tutor.widgets.quiz import ChoiceExercise, MatchExercise, NumericExercise

        if exercise.kind == "code" and exercise.builds_on:
            # The learner's code of earlier exercises runs above this one's (lesson 10's training loop).
            from tutor.widgets.own_classes import BuildsOnExercise

            return BuildsOnExercise(exercise, number=number, total=total, store=store, get_grader=get_grader)
        panel_class: type[ExercisePanel] = {
            "code": CodeExercise,
            "choice": ChoiceExercise,
            "match": MatchExercise,
            "numeric": NumericExercise,
        }[exercise.kind]
        return panel_class(exercise, number=number, total=total, store=store, get_grader=get_grader)

    # --- building -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LessonText(self.exercise.prompt or "", classes="prompt")
        with Vertical(classes="answer"):
            yield from self.build_answer(self.load_response())
        with Horizontal(classes="buttons"):
            yield Button("Check ^r", id="check", variant="primary", compact=True, tooltip="Check your answer")
            yield Button("Hint ^t", id="hint", compact=True, tooltip="Show the next hint")
            yield Button("Solution ^o", id="reveal", compact=True, tooltip="Reveal the solution")
            yield Button("Reset ^l", id="reset", compact=True, tooltip="Start this exercise again")
        yield FeedbackPanel()
        with Vertical(classes="hints"):
            for index in range(self.hints_shown):
                yield self._hint_widget(index)
        yield Vertical(classes="solution")

    def on_mount(self) -> None:
        self.refresh_status()
        self._update_hint_button()
        if self.store.revealed(self.exercise.id):
            self.show_solution()

    def _update_hint_button(self) -> None:
        left = len(self.exercise.hints) - self.hints_shown
        button = self.hint_button
        button.disabled = left <= 0
        button.tooltip = f"{left} hint{'s' if left != 1 else ''} left" if left else "No more hints"

    def build_answer(self, response: Any) -> ComposeResult:
        raise NotImplementedError

    # --- the widgets the actions use ----------------------------------------------------------------

    @property
    def answer_box(self) -> Vertical:
        """The container of the answer widgets (rebuilt on reset)."""
        return self.query_one(".answer", Vertical)

    @property
    def check_button(self) -> Button:
        return self.query_one("#check", Button)

    @property
    def hint_button(self) -> Button:
        return self.query_one("#hint", Button)

    @property
    def feedback(self) -> FeedbackPanel:
        return self.query_one(FeedbackPanel)

    @property
    def solution_box(self) -> Vertical:
        return self.query_one(".solution", Vertical)

    def focus_answer(self, scroll_visible: bool = True) -> None:
        """Put the keyboard in the answer widget (scrolled into view unless ``scroll_visible`` is False)."""
        for widget in self.answer_box.query("*"):
            if widget.focusable:
                widget.focus(scroll_visible=scroll_visible)
                return

    def in_answer(self, widget: Widget | None) -> bool:
        """Whether ``widget`` is one of this exercise's answer widgets (editor, field, list, dropdown)."""
        return widget is not None and self.answer_box in widget.ancestors_with_self

    def controls(self) -> list[Widget]:
        """The widgets Tab visits in this exercise, in order: the answer, then its buttons."""
        answer = [widget for widget in self.answer_box.query("*") if widget.focusable]
        buttons = [widget for widget in self.query(".buttons Button") if widget.focusable]
        return answer + buttons

    def focus_controls(self) -> None:
        """Put the keyboard on the exercise's own buttons (Check first), out of the answer."""
        for button in self.query(".buttons Button"):
            if button.focusable:
                button.focus()
                return
        self.focus()

    async def rebuild_answer(self, response: Any) -> None:
        answer = self.answer_box
        await answer.remove_children()
        await answer.mount_all(list(self.build_answer(response)))

    # --- status -------------------------------------------------------------------------------

    @property
    def hints_shown(self) -> int:
        return min(self.store.hints_shown(self.exercise.id), len(self.exercise.hints))

    def refresh_status(self) -> None:
        status = self.store.status(self.exercise.id)
        seen = status is Status.PASSED and self.store.revealed(self.exercise.id)
        self.border_subtitle = status_label(status, seen)
        self.set_class(status is Status.PASSED, "-passed")

    def _status_changed(self, passed: bool | None = None) -> None:
        """Show the new status and tell the lesson screen (its progress line, where ctrl+n goes)."""
        self.refresh_status()
        self.post_message(self.StatusChanged(self.exercise.id, passed))

    # --- actions (the lesson screen binds keys to these) -----------------------------------------

    @on(Button.Pressed, "#check")
    def _check_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check()

    @on(Button.Pressed, "#hint")
    def _hint_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.next_hint()

    @on(Button.Pressed, "#reveal")
    def _reveal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask_reveal()

    @on(Button.Pressed, "#reset")
    def _reset_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask_reset()

    def check(self) -> None:
        """Grade the current answer and show the result."""
        raise NotImplementedError

    def next_hint(self) -> None:
        shown = self.hints_shown
        hints = self.exercise.hints
        if shown >= len(hints):
            self.notify("No more hints. The solution is one key away (ctrl+o).", title="Hints")
            return
        shown += 1
        self.store.record_hint(self.exercise.id, shown)
        hint = self._hint_widget(shown - 1)
        self.query_one(".hints", Vertical).mount(hint)
        self._update_hint_button()
        self.call_after_refresh(hint.scroll_visible)

    def _hint_widget(self, index: int) -> Widget:
        total = len(self.exercise.hints)
        return Markdown(f"**Hint {index + 1} of {total}:** {self.exercise.hints[index]}", classes="hint")

    def ask_reveal(self) -> None:
        solution = self.solution_box
        if solution.has_class("-shown"):  # already revealed and recorded: just show it
            solution.scroll_visible()
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.store.record_reveal(self.exercise.id)
                self.show_solution()
                self._status_changed()

        self.app.push_screen(
            ConfirmDialog(
                "Reveal the solution?\n\nTry a hint first if you have not. "
                "Your progress will note that you looked.",
                confirm_label="Reveal",
            ),
            answered,
        )

    def show_solution(self) -> None:
        solution = self.solution_box
        if not solution.has_class("-shown"):
            solution.mount(Markdown(self.solution_markdown()))
            solution.add_class("-shown")
        self.call_after_refresh(solution.scroll_visible)

    def solution_markdown(self) -> str:
        return f"**Solution:** {self.exercise.solution}"

    def ask_reset(self) -> None:
        if self.response_is_initial():
            self.notify("Nothing to reset: this is how the exercise starts.")
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.run_worker(self.reset(), exclusive=True, group="reset")

        self.app.push_screen(
            ConfirmDialog(
                "Start this exercise again?\n\nWhat you entered will be replaced.", confirm_label="Reset"
            ),
            answered,
        )

    async def reset(self) -> None:
        """Back to the starter (code) or an empty answer; the saved draft is forgotten."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._draft_dirty = False
        self.store.clear_draft(self.exercise.id)
        await self.rebuild_answer(None)
        self._draft_dirty = False  # rebuilding fires change events; nothing new to save
        self.feedback.clear()
        self.focus_answer()

    def show_feedback(self, show: Callable[[FeedbackPanel], None]) -> None:
        feedback = self.feedback
        show(feedback)
        self.call_after_refresh(feedback.scroll_visible, animate=False)

    # --- drafts ---------------------------------------------------------------------------------

    def load_response(self) -> Any:
        """The saved draft decoded for ``build_answer``, or None for a fresh start."""
        text = self.store.draft(self.exercise.id)
        if text is None:
            return None
        return self.decode_draft(text)

    def decode_draft(self, text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            return None

    def encode_draft(self) -> str:
        return json.dumps(self.response())

    def response(self) -> Any:
        raise NotImplementedError

    def response_is_initial(self) -> bool:
        return self.response() in (None, "", [], {})

    def draft_changed(self) -> None:
        """Called by each kind when the learner changes the answer: saved within a second."""
        # Encoded now, while the answer widgets exist: the last save may run as the panel is removed.
        self._pending_draft = self.encode_draft()
        self._draft_dirty = True
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY, self.flush_draft, name="draft-save")

    def flush_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if not self._draft_dirty:
            return
        self._draft_dirty = False
        self.store.save_draft(self.exercise.id, self._pending_draft)

    def on_unmount(self) -> None:
        self.flush_draft()

    # --- recording ------------------------------------------------------------------------------

    def record(self, passed: bool, duration_ms: float, diagnosis: str | None = None) -> None:
        """Count an attempt; ``diagnosis``: what a failed one was told (kept for the class report)."""
        self.store.record_attempt(self.exercise.id, passed, duration_ms, None if passed else diagnosis)
        self._status_changed(passed)
