"""Widgets for a lesson's own blocks: a titled section of text, a button that trains a ``train`` block,
and the recap at the lesson's end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Markdown, Static

from tutor.widgets.markdown_text import LessonText

if TYPE_CHECKING:
    from tutor.curriculum import Lesson, TrainBlock


class Section(LessonText):
    """The text of a lesson from one ``##`` heading to the next; ``heading`` names it in the jump list."""

    def __init__(self, markdown: str, *, heading: str, id: str | None = None) -> None:
        super().__init__(markdown, id=id)
        self.heading = heading


class TrainButton(Button):
    """Opens the playground on a lesson's ``train`` block and starts training."""

    def __init__(self, block: TrainBlock) -> None:
        config = block.config
        title = config.title or f"{config.optimizer} on the {config.dataset} data, {config.epochs} epochs"
        super().__init__(f"▶ Train: {title}", classes="train-button", variant="success")
        self.block = block


class LessonRecap(Vertical):
    """The end of a lesson: what it taught (its objectives) and the next lesson, one key away."""

    DEFAULT_CSS = """
    LessonRecap {
        height: auto;
        border: round $success;
        border-title-style: bold;
        padding: 0 1;
        margin: 1 0 2 0;
    }
    LessonRecap > Markdown { margin: 0; }
    LessonRecap > Button { margin-top: 1; }
    """

    def __init__(self, lesson: Lesson, next_lesson: Lesson | None) -> None:
        super().__init__(id="lesson-recap")
        self.lesson = lesson
        self.next_lesson = next_lesson
        self.border_title = f"End of lesson {lesson.order}"

    def compose(self) -> ComposeResult:
        yield Markdown(self.learned(), classes="recap-text")
        if self.next_lesson is not None:
            label = f"Next: lesson {self.next_lesson.order}, {self.next_lesson.title} (ctrl+n)"
            yield Button(label, id="next-lesson", variant="success", compact=True)
        else:
            yield Static("That was the last lesson. Escape goes home; the playground is there too (p).")

    def learned(self) -> str:
        objectives = self.lesson.objectives
        if not objectives:
            return f"You have reached the end of **{self.lesson.title}**."
        goals = "\n".join(f"- {objective}" for objective in objectives)
        return f"In **{self.lesson.title}** you learned to:\n\n{goals}"

    def show_progress(self, passed: int, finished: int, total: int) -> None:
        """Title the recap with the learner's standing: complete, or how many are left."""
        if not total or finished == total:
            self.border_title = f"Lesson {self.lesson.order} complete"
        else:
            self.border_title = f"End of lesson {self.lesson.order}"
        self.border_subtitle = f"{passed}/{total} passed" if total else ""
