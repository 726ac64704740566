"""The quiz exercises: a choice (radio buttons or a checklist), a match (one dropdown per item) and a
number, each graded in-process by ``tutor.curriculum.grade_answer``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import (
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
)
from textual.widgets.selection_list import Selection

if TYPE_CHECKING:
    from tutor.curriculum import Exercise
    from tutor.grader import Grader
    from tutor.store import Store

from tutor.widgets.exercise import ExercisePanel


class _QuizExercise(ExercisePanel):
    """Kinds graded in-process by ``tutor.curriculum.grade_answer``."""

    @property
    def options(self) -> dict[str, str]:
        """The options to choose from (choice and match exercises; the loader requires them)."""
        return self.exercise.options or {}

    def check(self) -> None:
        from tutor.curriculum import grade_answer

        self.flush_draft()
        started = time.perf_counter()
        result = grade_answer(self.exercise, self.response())
        if result.valid:  # "pick an option first" is advice, not an attempt
            self.record(bool(result.passed), (time.perf_counter() - started) * 1000)
        self.show_feedback(lambda panel: panel.show_answer(result))


class ChoiceExercise(_QuizExercise):
    """One answer: radio buttons. Several answers: a checklist where the learner ticks exactly those."""

    @property
    def multiple(self) -> bool:
        return bool(self.exercise.multiple)

    @property
    def option_keys(self) -> list[str]:
        return [str(key) for key in self.options]

    def build_answer(self, response: Any) -> ComposeResult:
        options = self.options
        if self.multiple:
            chosen = set(response) if isinstance(response, list) else set()
            yield Label("Tick every correct option (space toggles):", classes="instructions")
            yield SelectionList[str](
                *(Selection(f"{key}) {text}", str(key), str(key) in chosen) for key, text in options.items())
            )
        else:
            yield RadioSet(
                *(RadioButton(f"{key}) {text}", value=str(key) == response) for key, text in options.items())
            )

    def response(self) -> Any:
        if self.multiple:
            lists = self.query(SelectionList)
            return sorted(lists.first().selected) if lists else []
        radio_sets = self.query(RadioSet)
        if not radio_sets or radio_sets.first().pressed_index < 0:
            return None
        return self.option_keys[radio_sets.first().pressed_index]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.draft_changed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.draft_changed()

    def solution_markdown(self) -> str:
        answer = self.exercise.answer
        keys = answer if isinstance(answer, (list, tuple)) else [answer]
        lines = [f"- {key}) {self.options.get(key, key)}" for key in keys]
        return "**Answer:**\n\n" + "\n".join(lines) + f"\n\n{self.exercise.solution}"


class MatchExercise(_QuizExercise):
    """A dropdown of the right-hand options for each left-hand item."""

    def __init__(
        self,
        exercise: Exercise,
        *,
        number: int,
        total: int,
        store: Store,
        get_grader: Callable[[], Grader] | None = None,
    ) -> None:
        super().__init__(exercise, number=number, total=total, store=store, get_grader=get_grader)
        self._selects: list[tuple[str, Select[str]]] = []  # (item key, its dropdown), set by build_answer

    @property
    def items(self) -> dict[str, str]:
        """The left-hand items (the loader requires them)."""
        return self.exercise.items or {}

    def build_answer(self, response: Any) -> ComposeResult:
        chosen = response if isinstance(response, dict) else {}
        choices = [(text, str(key)) for key, text in self.options.items()]
        option_keys = {key for _, key in choices}
        self._selects = []
        for key, text in self.items.items():
            initial = chosen.get(str(key))
            select: Select[str] = Select(
                choices,
                prompt="choose...",
                compact=True,
                value=initial if initial in option_keys else Select.NULL,
            )
            self._selects.append((str(key), select))
            with Vertical(classes="match-item"):
                yield Label(Text(str(text)))
                yield select

    def response(self) -> dict[str, str]:
        chosen = {}
        for key, select in self._selects:
            value = select.value
            if select.is_attached and isinstance(value, str):  # not Select.NULL: nothing chosen yet
                chosen[key] = value
        return chosen

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.draft_changed()

    def solution_markdown(self) -> str:
        lines = [
            f"- {self.items[item]} → {self.options.get(option, option)}"
            for item, option in self.exercise.answer.items()
        ]
        return "**Answer:**\n\n" + "\n".join(lines) + f"\n\n{self.exercise.solution}"


class NumericExercise(_QuizExercise):
    """A number like 4.8, or a shape like (3, 2, 4)."""

    def decode_draft(self, text: str) -> Any:
        return text

    def build_answer(self, response: Any) -> ComposeResult:
        shape = isinstance(self.exercise.answer, (tuple, list))
        placeholder = "a shape, like (3, 2)" if shape else "a number, like 4.8"
        yield Input(value=response if isinstance(response, str) else "", placeholder=placeholder)

    def response(self) -> str:
        inputs = self.query(Input)
        return inputs.first().value.strip() if inputs else ""

    def encode_draft(self) -> str:
        return self.response()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.draft_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check()

    def solution_markdown(self) -> str:
        from tutor.curriculum import format_numeric

        return f"**Answer:** `{format_numeric(self.exercise.answer)}`\n\n{self.exercise.solution}"
