"""What a lesson screen is made of: one builder per block, in document order, and how many of them the
screen opens with.

Widgets are made only when mounted (``LessonScreen`` mounts the rest in batches after the first
frame). A builder knows, before its widget exists, whether it draws a plot (the first plot loads NumPy
and plotext) and which exercise it holds (so the screen can open at one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Static

from tutor.curriculum import Exercise, MarkdownBlock, PlotBlock, PlotSpec, TrainBlock
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.lesson_blocks import Section, TrainButton
from tutor.widgets.markdown_text import LessonText

if TYPE_CHECKING:
    from tutor.curriculum import Lesson
    from tutor.grader import Grader
    from tutor.store import Store

_FENCE = re.compile(r"^\s*(```|~~~)")

# The screen opens with the first few blocks of text (no plot: drawing one needs NumPy and plotext
# loaded; no exercise: its widgets cost more than the text) and mounts the rest in a few batches after the first frame: the top is readable at once,
# keys keep working, and each batch costs one layout of the lesson.
FIRST_WIDGETS = 4
MOUNT_BATCH = 12


def split_sections(text: str) -> list[tuple[str | None, str]]:
    """Cut markdown at its ``##`` headings (outside code fences).

    Returns ``(heading, chunk)`` pairs in order; the chunk includes its heading line. Text before the
    first ``##`` heading comes with heading None.
    """
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            sections.append((line[3:].strip().strip("#").strip(), []))
        sections[-1][1].append(line)
    return [
        (heading, "\n".join(lines).strip("\n")) for heading, lines in sections if "\n".join(lines).strip()
    ]


def plot_placeholder_text(spec: PlotSpec) -> str:
    """One line saying what a plot block would draw, for a plot that cannot be drawn."""
    if spec.data is not None:
        return f"plot: {spec.data} data ({spec.samples} samples, {spec.classes} classes)"
    low, high = spec.range
    return f"plot: the {spec.function} function from {low:g} to {high:g}"


def plot_widget(spec: PlotSpec) -> Widget:
    """The plot's widget, or a one-line placeholder saying why it cannot be drawn."""
    from tutor.widgets.plots import LessonPlot

    try:
        return LessonPlot(spec)
    except Exception as error:  # a plot that cannot be drawn must not take the lesson down
        return Static(f"{plot_placeholder_text(spec)}: cannot be drawn ({error})", classes="plot-placeholder")


@dataclass(frozen=True)
class BlockBuilder:
    """Makes one block's widget when called."""

    build: Callable[[], Widget]
    plot: bool = False  # the first plot made loads NumPy and plotext
    exercise_id: str | None = None

    def __call__(self) -> Widget:
        return self.build()


def lesson_builders(
    lesson: Lesson, store: Store, get_grader: Callable[[], Grader] | None
) -> Iterator[BlockBuilder]:
    """A builder for each of the lesson's widgets, in order: its objectives, then its blocks."""
    exercises = list(lesson.exercises)
    if lesson.objectives:
        goals = "\n".join(f"- {objective}" for objective in lesson.objectives)
        count = f"{len(exercises)} exercise{'s' if len(exercises) != 1 else ''}"
        yield BlockBuilder(
            partial(
                LessonText,
                f"**In this lesson** (about {lesson.minutes} min, {count}) you learn to:\n\n{goals}",
                classes="objectives",
            )
        )
    section_number = exercise_number = 0
    for block in lesson.blocks:
        match block:
            case MarkdownBlock():
                for heading, chunk in split_sections(block.text):
                    if heading is None:
                        yield BlockBuilder(partial(LessonText, chunk))
                    else:
                        section_number += 1
                        yield BlockBuilder(
                            partial(Section, chunk, heading=heading, id=f"section-{section_number}")
                        )
            case PlotBlock():
                yield BlockBuilder(partial(plot_widget, block.spec), plot=True)
            case TrainBlock():
                yield BlockBuilder(partial(TrainButton, block))
            case Exercise():
                exercise_number += 1
                panel = partial(
                    ExercisePanel.create,
                    block,
                    number=exercise_number,
                    total=len(exercises),
                    store=store,
                    get_grader=get_grader,
                )
                yield BlockBuilder(panel, exercise_id=block.id)


def opening_count(builders: list[BlockBuilder], exercise_id: str | None = None) -> int:
    """How many blocks the screen opens with: the first few text blocks, up to the first plot or
    exercise (an editor or a plot costs more than the text a learner reads first); when it opens at
    exercise ``exercise_id``, every block up to that exercise and a few after it."""
    for index, builder in enumerate(builders):
        if exercise_id is not None and builder.exercise_id == exercise_id:
            return min(index + 1 + FIRST_WIDGETS, len(builders))
    first = 0
    while first < min(FIRST_WIDGETS, len(builders)) and not (
        builders[first].plot or builders[first].exercise_id
    ):
        first += 1
    return first
