"""The quiz exercises: a choice (radio buttons or a checklist), a match (one dropdown per item) and a
number, each graded in-process by ``tutor.curriculum.grade_answer``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
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
    pass

from tutor.progress import shown_diagnosis
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.markdown_text import inline_content

_NOT_GRADED = object()  # no verdict on show


class OptionButton(RadioButton):
    """A radio button whose label (inline markdown) wraps under itself instead of ending in "…"."""

    DEFAULT_CSS = """
    OptionButton { height: auto; }
    """

    def _label_lines(self, width: int) -> list[Content]:
        button_width = self._button.cell_length + 1  # the button and the space after it
        return self._label.wrap(max(width - button_width - 1, 8)) or [Content("")]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._label_lines(width))

    def render(self) -> Content:
        button = self._button
        label_style = self.get_visual_style("toggle--label")
        indent = Content(" " * button.cell_length)
        lines = [
            Content.assemble(button if number == 0 else indent, line.pad(1, 1).stylize_before(label_style))
            for number, line in enumerate(self._label_lines(self.content_region.width or self.size.width))
        ]
        return Content("\n").join(lines)


class _QuizExercise(ExercisePanel):
    """Kinds graded in-process by ``tutor.curriculum.grade_answer``."""

    _graded: Any = _NOT_GRADED  # the response the verdict on show is about

    def answer_changed(self) -> None:
        """The learner changed the answer: save the draft, and drop a verdict about another answer."""
        self.draft_changed()
        if self._graded is not _NOT_GRADED and self.response() != self._graded:
            self._graded = _NOT_GRADED
            self.feedback.clear()

    async def reset(self) -> None:
        await super().reset()
        self._graded = _NOT_GRADED

    @property
    def options(self) -> dict[str, str]:
        """The options to choose from (choice and match exercises; the loader requires them)."""
        return self.exercise.options or {}

    def check(self) -> None:
        from tutor.curriculum import grade_answer

        self.flush_draft()
        started = time.perf_counter()
        response = self.response()
        result = grade_answer(self.exercise, response)
        self._graded = response
        if result.valid:  # "pick an option first" is advice, not an attempt
            self.record(
                bool(result.passed), (time.perf_counter() - started) * 1000, shown_diagnosis(result.message)
            )
        self.show_feedback(lambda panel: panel.show_answer(result))


def chosen_index(radio_set: RadioSet) -> int:
    """The index of the button pressed last, or -1.

    A key that presses a button changes its value at once, but the set learns of it from a message
    handled later; a check key in the same burst of keys must already see the new choice."""
    buttons = list(radio_set.query_children(RadioButton))
    pressed = radio_set.pressed_button
    for index, button in enumerate(buttons):
        if button.value and button is not pressed:
            return index
    return buttons.index(pressed) if pressed in buttons else -1


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
                *(
                    Selection(self.label(key, text), str(key), str(key) in chosen)
                    for key, text in options.items()
                )
            )
        else:
            yield RadioSet(
                *(
                    OptionButton(self.label(key, text), value=str(key) == response)
                    for key, text in options.items()
                )
            )

    @staticmethod
    def label(key: object, text: object) -> Content:
        """An option's label: its key, then its text with inline markdown."""
        return Content(f"{key}) ") + inline_content(str(text))

    def response(self) -> Any:
        if self.multiple:
            lists = self.query(SelectionList)
            return sorted(lists.first().selected) if lists else []
        radio_sets = self.query(RadioSet)
        if not radio_sets:
            return None
        index = chosen_index(radio_sets.first())
        return self.option_keys[index] if index >= 0 else None

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.answer_changed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.answer_changed()

    def solution_markdown(self) -> str:
        answer = self.exercise.answer
        keys = answer if isinstance(answer, (list, tuple)) else [answer]
        lines = [f"- {key}) {self.options.get(key, key)}" for key in keys]
        return "**Answer:**\n\n" + "\n".join(lines) + f"\n\n{self.exercise.solution}"


class MatchExercise(_QuizExercise):
    """A dropdown of the right-hand options for each left-hand item."""

    def prepare(self) -> None:
        self._selects: list[tuple[str, Select[str]]] = []  # (item key, its dropdown), set by build_answer

    @property
    def items(self) -> dict[str, str]:
        """The left-hand items (the loader requires them)."""
        return self.exercise.items or {}

    def build_answer(self, response: Any) -> ComposeResult:
        chosen = response if isinstance(response, dict) else {}
        choices = [(inline_content(str(text)), str(key)) for key, text in self.options.items()]
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
                yield Label(inline_content(str(text)))
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
        self.answer_changed()

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
        self.answer_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check()

    def solution_markdown(self) -> str:
        from tutor.curriculum import format_numeric

        return f"**Answer:** `{format_numeric(self.exercise.answer)}`\n\n{self.exercise.solution}"
