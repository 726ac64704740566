"""The lesson format's schema and the data a lesson file becomes.

Every key a lesson file may hold is declared once here, with its meaning (``FRONT_MATTER``,
``EXERCISE_KEYS``, ``KIND_KEYS``, ``PLOT``); the loader (:mod:`tutor.curriculum.loader`) reads files
into the dataclasses below, and ``lessons/README.md`` explains the same keys to teachers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.names import ACTIVATIONS, DATASETS
from tutor.grader.limits import DEFAULT_TIMEOUT, DEFAULT_TOLERANCE, MAX_TIMEOUT

# --------------------------------------------------------------------------- the schema

FORMAT_VERSION = 1
"""The version of the lesson format this loader reads (``format_version`` in the front matter)."""
KNOWN_FORMAT_VERSIONS = (1,)
MAX_LESSON_BYTES = 1_000_000
"""A bigger lesson file is reported, not parsed: a 5 MB lesson took seconds and hundreds of MB to draw."""
MAX_LESSON_FILE_BYTES = 10_000_000
"""The commands read no more than this of a file given as a lesson (bigger: refused, exit 2)."""
LESSON_SUFFIX = ".md"
"""Lesson files end in exactly this (``*.MD`` is reported, not loaded: it would not load everywhere)."""

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")

# Every key a lesson file may hold, declared once, with its meaning. The loader accepts these keys
# and no others; lessons/README.md explains them to teachers in the same words.

FRONT_MATTER: dict[str, str] = {
    "format_version": "optional: the lesson format the file is written in (1, the default when absent)",
    "id": "the lesson's unique id: lowercase words joined by '-'",
    "title": "shown in the lesson list",
    "order": "the lesson's place in the course: a whole number above 0, unique",
    "minutes": "the estimated time to complete it: a whole number above 0",
    "objectives": "a list of what the learner can do afterwards",
}

EXERCISE: dict[str, str] = {
    "id": "the exercise's id, unique across all lessons (progress is stored by it)",
    "kind": "code, choice, match or numeric",
    "prompt": "markdown shown above the answer area",
    "hints": "a list of hints, revealed one at a time",
    "solution": "code: the reference solution (Python); other kinds: the explanation shown on reveal",
}
KIND_FIELDS: dict[str, dict[str, str]] = {
    "code": {
        "starter": "the Python the editor starts with; it must not pass the check",
        "check": "the id of the grader check that grades the learner's file",
        "timeout": f"optional: seconds a run may take (default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})",
        "builds_on": "optional: a list of ids of earlier code exercises whose code comes first, in that order",
    },
    "choice": {
        "options": "a mapping of short option keys to their text",
        "answer": "the right option key, or a list of keys when several are right",
        "feedback": "a mapping of option keys to the message shown when that option is picked",
    },
    "match": {
        "items": "a mapping of item keys to the left-hand texts",
        "options": "a mapping of option keys to the right-hand texts",
        "answer": "a mapping of each item key to its option key",
        "feedback": "optional: a mapping of item keys to the message shown when that item is wrong",
    },
    "numeric": {
        "answer": "a number like 4.8, or a shape like (3, 2, 4)",
        "tolerance": f"optional: the absolute difference allowed (default {DEFAULT_TOLERANCE:g})",
        "feedback": "optional: a list of {answer, message} entries for expected wrong answers",
    },
}

PLOT: dict[str, str] = {
    "data": "a data set to draw, coloured by class: spiral or vertical (or give 'function')",
    "samples": "data plots: points per class (default 100)",
    "classes": "data plots: the number of classes (default 3)",
    "function": "an activation function to draw: step, sigmoid, relu or linear (or give 'data')",
    "range": "function plots: [low, high] on the x axis (default [-5, 5])",
    "title": "optional: the chart's title",
}
# Train blocks: the keys are TrainConfig's settings (tutor/training_config.py owns them).

KINDS = tuple(KIND_FIELDS)
FRONT_MATTER_KEYS = tuple(FRONT_MATTER)
COMMON_KEYS = tuple(EXERCISE)
KIND_KEYS = {kind: tuple(keys) for kind, keys in KIND_FIELDS.items()}
EVERY_EXERCISE_KEY = frozenset(COMMON_KEYS).union(*KIND_KEYS.values())
PLOT_KEYS = tuple(PLOT)
PLOT_DATASETS = DATASETS
PLOT_FUNCTIONS = ACTIVATIONS
# What a lesson plot can show: more points than this are a solid blot (and slow to draw), and the
# palettes have distinct colours for this many classes.
MAX_PLOT_SAMPLES = 10_000
MAX_PLOT_CLASSES = 20
SPECIAL_BLOCKS = ("exercise", "plot", "train")
"""The info strings of the fenced blocks that hold YAML instead of code."""

Numeric = float | tuple[int, ...]


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file, at a 1-based line."""

    path: Path
    line: int
    message: str

    def format(self) -> str:
        """``FILE:LINE: message`` (FILE relative to the current folder when inside it), the form
        editors and terminals turn into links."""
        return f"{display_path(self.path)}:{self.line}: {self.message}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class MarkdownBlock:
    """Lesson text between the special blocks; ``line`` is where it starts in the file."""

    text: str
    line: int


@dataclass(frozen=True)
class PlotSpec:
    """What a ``plot`` block draws, checked by the loader: exactly one of ``data`` (with ``samples``
    and ``classes``) or ``function`` (with ``range``); ``title`` is None when not given."""

    data: str | None = None
    samples: int = 100
    classes: int = 3
    function: str | None = None
    range: tuple[float, float] = (-5.0, 5.0)
    title: str | None = None


@dataclass(frozen=True)
class PlotBlock:
    """A picture in the text, at file line ``line``."""

    spec: PlotSpec
    line: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class TrainBlock:
    """A training run the learner can start from the lesson (``config.title`` is its caption)."""

    config: Any  # tutor.training_config.TrainConfig, validated
    line: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class Exercise:
    """One exercise. ``kind`` is code, choice, match or numeric; keys that do not apply are None.

    - code: ``starter``, ``check`` (a grader check id), ``timeout`` (seconds), ``builds_on`` (ids of
      earlier code exercises: the source graded is their code, in that order, then this one's; see
      :meth:`source_with`).
    - choice: ``options`` {key: text}, ``answer`` (a key, or a list of keys when several are right),
      ``feedback`` {option key: message}.
    - match: ``items`` {item key: text}, ``options`` {key: text}, ``answer`` {item key: option key},
      ``feedback`` {item key: message}.
    - numeric: ``answer`` (a float, or a shape as a tuple of ints), ``tolerance`` (absolute),
      ``feedback`` [(expected wrong answer, message)].

    ``line`` is the line of the block's opening fence; ``lines`` maps each key to the line of its
    value (for a ``|`` block: its first line of text).
    """

    id: str
    kind: str
    prompt: str
    hints: list[str]
    solution: str
    line: int
    starter: str | None = None
    check: str | None = None
    timeout: float | None = None
    options: dict[str, str] | None = None
    answer: Any = None
    items: dict[str, str] | None = None
    feedback: Any = None
    tolerance: float | None = None
    builds_on: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def source_with(self, code: str, code_of: Callable[[str], str | None]) -> str:
        """The file graded for this exercise: the code of each exercise it ``builds_on``
        (``code_of(exercise_id)``: the learner's draft, or a solution; None counts as empty), in that
        order, then ``code``."""
        parts = [code_of(exercise_id) or "" for exercise_id in self.builds_on]
        return "\n\n".join(part.rstrip("\n") for part in [*parts, code]) + "\n"

    @property
    def multiple(self) -> bool:
        """A choice exercise where several options must be picked."""
        return self.kind == "choice" and isinstance(self.answer, list)


Block = MarkdownBlock | PlotBlock | TrainBlock | Exercise


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class Lesson:
    id: str
    title: str
    order: int
    minutes: int
    objectives: list[str]
    path: Path
    blocks: list[Block]
    format_version: int = FORMAT_VERSION

    @property
    def exercises(self) -> list[Exercise]:
        return [block for block in self.blocks if isinstance(block, Exercise)]


@dataclass(frozen=True)
class BrokenLesson:
    """A lesson file that could not be used: its first problem (``line``, ``error``) and all of them.
    ``title`` is the lesson's title when the front matter was readable enough to tell."""

    path: Path
    line: int
    error: str
    problems: list[Problem] = field(default_factory=list, repr=False)
    title: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.error}"


@dataclass
class Curriculum:
    """Every lesson of a folder: ``lessons`` by order, ``broken`` by file name."""

    path: Path
    lessons: list[Lesson]
    broken: list[BrokenLesson]
    _index: dict[str, tuple[Lesson, Exercise]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for lesson in self.lessons:
            for exercise in lesson.exercises:
                self._index[exercise.id] = (lesson, exercise)

    def exercise(self, exercise_id: str) -> tuple[Lesson, Exercise]:
        """The lesson and exercise with this id; KeyError names the unknown id."""
        try:
            return self._index[exercise_id]
        except KeyError:
            raise KeyError(f"no exercise with id {exercise_id!r}") from None

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(f"no lesson with id {lesson_id!r}")

    @property
    def exercises(self) -> list[Exercise]:
        """Every exercise of the loaded lessons, in course order."""
        return [exercise for lesson in self.lessons for exercise in lesson.exercises]

    @property
    def problems(self) -> list[Problem]:
        return [problem for broken in self.broken for problem in broken.problems]


def display_path(path: Path) -> str:
    """A path as a teacher would type it: relative to the current folder when inside it."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


class ParsedFile:
    """What one file yielded, even when broken: its problems, the front matter values that could be
    read, and the blocks that parsed (ids and lines feed the checks across lessons)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.front: dict[str, Any] = {}
        self.front_lines: dict[str, int] = {}
        self.title: str | None = None
        self.blocks: list[Block] = []
        self.exercise_ids: list[tuple[str, int]] = []
        # Lines whose value already has its problem (a leading zero, a decimal comma): the type
        # checks that follow would only say the same thing again.
        self.explained_lines: set[int] = set()

    def problem(self, line: int, message: str) -> None:
        """Record a problem; the same problem, or a second one about an explained value, is dropped."""
        problem = Problem(self.path, line, message)
        if line not in self.explained_lines and problem not in self.problems:
            self.problems.append(problem)

    def explain(self, line: int, message: str) -> None:
        """Record the one problem of the value at ``line``; later problems at that line are dropped."""
        if line not in self.explained_lines:
            self.problem(line, message)
            self.explained_lines.add(line)

    def lines_with_problems(self) -> set[int]:
        return {problem.line for problem in self.problems}

    def lesson(self) -> Lesson:
        front = self.front
        return Lesson(
            id=front["id"],
            title=front["title"],
            order=front["order"],
            minutes=front["minutes"],
            objectives=front["objectives"],
            path=self.path,
            blocks=self.blocks,
            format_version=front.get("format_version") or FORMAT_VERSION,
        )

    def broken(self) -> BrokenLesson:
        """The file set aside: its problems by line, the first one named."""
        problems = sorted(self.problems, key=lambda p: p.line)
        return BrokenLesson(self.path, problems[0].line, problems[0].message, problems, self.title)
