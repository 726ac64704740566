"""Lessons as data: parse the lesson files into dataclasses, grade non-code answers.

A lesson file is markdown with YAML front matter and fenced ``exercise``, ``plot`` and ``train``
blocks holding YAML (the format is documented for teachers in ``lessons/README.md``).
:func:`load_curriculum` parses every lesson of a folder; a lesson with any problem is set aside as a
:class:`BrokenLesson` (with file, line and error) and the others load as usual.

Loading must stay fast (it runs at app start-up): no numpy and no grader here. The checks that need
the grader live in :mod:`tutor.validation`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.names import ACTIVATIONS, DATASETS

try:  # libyaml is many times faster; PyYAML's pure-Python loader gives the same results
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

KINDS = ("code", "choice", "match", "numeric")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 120.0
MAX_LESSON_BYTES = 10 << 20  # a lesson file; the longest real lesson is a few dozen KB
DEFAULT_TOLERANCE = 1e-6

FRONT_MATTER_KEYS = ("id", "title", "order", "minutes", "objectives")
COMMON_KEYS = ("id", "kind", "prompt", "hints", "solution")
KIND_KEYS = {
    "code": ("starter", "check", "timeout"),
    "choice": ("options", "answer", "feedback"),
    "match": ("items", "options", "answer", "feedback"),
    "numeric": ("answer", "tolerance", "feedback"),
}
EVERY_EXERCISE_KEY = frozenset(COMMON_KEYS).union(*KIND_KEYS.values())
PLOT_DATASETS = DATASETS
PLOT_FUNCTIONS = ACTIVATIONS
# What a lesson plot can show: more points than this are a solid blot (and slow to draw), and the
# palettes have distinct colours for this many classes. tutor/plotting.py applies the same limits.
MAX_PLOT_SAMPLES = 10_000
MAX_PLOT_CLASSES = 20
PLOT_KEYS = ("data", "samples", "classes", "function", "range", "title")
_TRAIN_FLOATS = ("learning_rate", "decay", "momentum", "beta_1", "beta_2")

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


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class PlotBlock:
    """A picture in the text: ``spec`` has ``data`` (with ``samples``, ``classes``) or ``function``
    (with ``range``), and ``title`` (None when not given). Defaults are filled in."""

    spec: dict
    line: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class TrainBlock:
    """A training run the learner can start from the lesson (``config.title`` is its caption)."""

    config: Any  # tutor.training_config.TrainConfig, validated
    line: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: fields hold lists
class Exercise:
    """One exercise. ``kind`` is code, choice, match or numeric; keys that do not apply are None.

    - code: ``starter``, ``check`` (a grader check id), ``timeout`` (seconds).
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
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

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


# --------------------------------------------------------------------------- loading


def lesson_files(path: Path) -> list[Path]:
    """The lesson files of a folder (every ``*.md`` but the README), by name; a file is itself."""
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.md") if p.name.lower() != "readme.md" and p.is_file())


def load_curriculum(path: str | Path | None = None) -> Curriculum:
    """Parse every lesson under ``path`` (default: the installed lessons). Never raises for a bad
    lesson: it goes to ``broken``. A missing folder raises FileNotFoundError."""
    if path is None:
        from tutor.paths import LESSONS_DIR

        path = LESSONS_DIR
    path = Path(path)
    lessons, broken = [], []
    for result in parse_lesson_files(path):
        if result.problems:
            broken.append(result.broken())
        else:
            lessons.append(result.lesson())
    lessons.sort(key=lambda lesson: (lesson.order, lesson.path.name))
    return Curriculum(path, lessons, broken)


def parse_lesson_files(path: str | Path) -> list[ParsedFile]:
    """What every lesson file under ``path`` yielded, broken or not, with the checks across lessons
    done (the validator wants the good exercises of a broken file too)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such lessons folder: {path}")
    parsed = [_parse_file(file) for file in lesson_files(path)]
    _check_across_lessons(parsed)
    return parsed


def parse_lesson(path: str | Path) -> Lesson | BrokenLesson:
    """One lesson file on its own (no checks across lessons)."""
    result = _parse_file(Path(path))
    return result.broken() if result.problems else result.lesson()


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

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

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
        )

    def broken(self) -> BrokenLesson:
        """The file set aside: its problems by line, the first one named."""
        problems = sorted(self.problems, key=lambda p: p.line)
        return BrokenLesson(self.path, problems[0].line, problems[0].message, problems, self.title)


def _check_across_lessons(parsed: list[ParsedFile]) -> None:
    """Lesson ids, orders and exercise ids must be unique; the first file by name keeps its own."""
    lesson_ids: dict[str, ParsedFile] = {}
    orders: dict[int, ParsedFile] = {}
    exercise_ids: dict[str, tuple[ParsedFile, int]] = {}
    for result in parsed:
        lesson_id, order = result.front.get("id"), result.front.get("order")
        if isinstance(lesson_id, str):
            if lesson_id in lesson_ids:
                result.problem(
                    result.front_lines["id"],
                    f"lesson id {lesson_id!r} is already used by {lesson_ids[lesson_id].path.name}",
                )
            else:
                lesson_ids[lesson_id] = result
        if _is_int(order):
            if order in orders:
                result.problem(
                    result.front_lines["order"], f"order {order} is already used by {orders[order].path.name}"
                )
            else:
                orders[order] = result
        for exercise_id, line in result.exercise_ids:
            if exercise_id in exercise_ids:
                other, other_line = exercise_ids[exercise_id]
                if other is not result:  # duplicates within one file are reported by the parser
                    result.problem(
                        line, f"exercise id {exercise_id!r} is already used in {other.path.name}:{other_line}"
                    )
            else:
                exercise_ids[exercise_id] = (result, line)


# --------------------------------------------------------------------------- one file

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)\Z")
_SPECIAL_BLOCKS = ("exercise", "plot", "train")
# Code block languages that are surely not a misspelt special block (skips the fuzzy match).
_COMMON_LANGUAGES = frozenset(
    {
        "python",
        "py",
        "pycon",
        "text",
        "txt",
        "console",
        "bash",
        "sh",
        "shell",
        "markdown",
        "md",
        "yaml",
        "json",
        "toml",
        "diff",
        "output",
    }
)


def _parse_file(path: Path) -> ParsedFile:
    result = ParsedFile(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_LESSON_BYTES + 1)  # never more: a lesson is far smaller
        if len(data) > MAX_LESSON_BYTES:
            result.problem(1, f"the file is bigger than {MAX_LESSON_BYTES >> 20} MB, too big for a lesson")
            return result
        # Universal newlines, as reading in text mode gives.
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        result.problem(1, f"the file is not UTF-8 text ({error.reason} at byte {error.start})")
        return result
    except OSError as error:
        result.problem(1, f"cannot read the file: {error.strerror or error}")
        return result
    lines = text.lstrip("\ufeff").split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    body_start = _parse_front_matter(result, lines)
    _parse_body(result, lines, body_start)
    return result


def _parse_front_matter(result: ParsedFile, lines: list[str]) -> int:
    """Read the front matter into ``result.front``; return the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        result.problem(
            1,
            "no front matter: the file must start with a '---' line, then id, title, "
            "order, minutes and objectives, then another '---' line",
        )
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        result.problem(1, "the front matter is never closed: add a '---' line after it")
        return len(lines)
    loaded = _load_yaml(result, "\n".join(lines[1:end]), first_line=2, what="front matter")
    if loaded is None:
        return end + 1
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            2 if data is not None else 1,
            "the front matter must be 'key: value' lines (id, title, order, minutes, objectives)",
        )
        return end + 1
    values = _Mapping(result, data, node, first_line=2, missing_line=1, what="front matter")
    values.reject_unknown(FRONT_MATTER_KEYS, "front matter")
    lesson_id = values.identifier("id", "lesson id")
    title = values.text("title")
    order = values.positive_int("order")
    minutes = values.positive_int("minutes")
    objectives = values.text_list("objectives", what="objective")
    result.front_lines = {key: values.line(key) for key in data if isinstance(key, str)}
    result.title = title
    result.front = {
        "id": lesson_id,
        "title": title,
        "order": order,
        "minutes": minutes,
        "objectives": objectives,
    }
    return end + 1


def _parse_body(result: ParsedFile, lines: list[str], start: int) -> None:
    markdown: list[str] = []
    markdown_start = start
    seen_exercises: dict[str, int] = {}

    def flush(until: int) -> None:
        nonlocal markdown
        text_lines = markdown
        first = markdown_start
        while text_lines and not text_lines[0].strip():
            text_lines = text_lines[1:]
            first += 1
        while text_lines and not text_lines[-1].strip():
            text_lines = text_lines[:-1]
        if text_lines:
            result.blocks.append(MarkdownBlock("\n".join(text_lines) + "\n", first + 1))
        markdown = []

    index = start
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if opening is None or (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            markdown.append(line)
            index += 1
            continue
        indent, fence, info = opening.group(1), opening.group(2), opening.group(3).strip()
        kind = info.split()[0].lower() if info else ""
        special = kind in _SPECIAL_BLOCKS
        # The closing fence: same character, at least as long. A special block's YAML may hold
        # indented code fences of its own (in a prompt), so only a fence no more indented than
        # the opening one closes it.
        max_indent = len(indent) if special else 3
        close = None
        for j in range(index + 1, len(lines)):
            candidate = lines[j]
            stripped = candidate.lstrip(" ")
            if (
                len(candidate) - len(stripped) <= max_indent
                and stripped.rstrip()
                and set(stripped.rstrip()) == {fence[0]}
                and len(stripped.rstrip()) >= len(fence)
            ):
                close = j
                break
        if not special:
            if kind and kind not in _COMMON_LANGUAGES:
                near = _close_match(kind, _SPECIAL_BLOCKS)
                if near and kind != near:
                    result.problem(index + 1, f"unknown block type {kind!r} (did you mean {near!r}?)")
            if close is None:
                result.problem(index + 1, f"this code block is never closed: add a {fence} line after it")
                close = len(lines) - 1
            markdown.extend(lines[index : close + 1])
            index = close + 1
            continue
        if close is None:
            result.problem(index + 1, f"this {kind} block is never closed: add a {fence} line after it")
            close = len(lines)
        flush(index)
        body = "\n".join(
            line[len(indent) :] if line.startswith(indent) else line.lstrip(" ")
            for line in lines[index + 1 : close]
        )
        block_line = index + 1
        if kind == "exercise":
            exercise = _parse_exercise(result, body, block_line, seen_exercises)
            if exercise is not None:
                result.blocks.append(exercise)
        elif kind == "plot":
            plot = _parse_plot(result, body, block_line)
            if plot is not None:
                result.blocks.append(plot)
        else:
            train = _parse_train(result, body, block_line)
            if train is not None:
                result.blocks.append(train)
        index = close + 1
        markdown_start = index
    flush(len(lines))


def _parse_exercise(result: ParsedFile, body: str, block_line: int, seen: dict[str, int]) -> Exercise | None:
    loaded = _load_yaml(result, body, first_line=block_line + 1, what="exercise block")
    if loaded is None:
        return None
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            block_line,
            "an exercise block must hold 'key: value' lines (id, kind, prompt, hints, solution, ...)",
        )
        return None
    values = _Mapping(result, data, node, first_line=block_line + 1, missing_line=block_line, what="exercise")
    before = len(result.problems)
    exercise_id = values.identifier("id", "exercise id")
    if exercise_id is not None:
        if exercise_id in seen:
            result.problem(
                values.line("id"), f"exercise id {exercise_id!r} is already used at line {seen[exercise_id]}"
            )
        else:
            seen[exercise_id] = values.line("id")
            result.exercise_ids.append((exercise_id, values.line("id")))
    kind = values.get("kind")
    if kind is None:
        values.require("kind")
    elif kind not in KINDS:
        near = _close_match(str(kind), KINDS)
        hint = f" (did you mean {near!r}?)" if near else ""
        result.problem(
            values.line("kind"), f"unknown exercise kind {kind!r}{hint}: use one of " + ", ".join(KINDS)
        )
        kind = None
    if kind is not None:
        values.reject_unknown(COMMON_KEYS + KIND_KEYS[kind], f"{kind} exercise", other_kinds=True)
    prompt = values.text("prompt")
    hints = values.text_list("hints", what="hint")
    solution = values.text("solution")
    fields: dict[str, Any] = {}
    if kind == "code":
        fields["starter"] = values.text("starter", allow_empty=True)
        fields["check"] = values.identifier("check", "check id")
        timeout = _number(values.get("timeout", DEFAULT_TIMEOUT))
        if timeout is None or not 0 < timeout <= MAX_TIMEOUT:
            values.bad("timeout", f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}")
        else:
            fields["timeout"] = float(timeout)
    elif kind == "choice":
        options = values.options("options")
        fields["options"] = options
        fields["answer"] = _choice_answer(values, options)
        fields["feedback"] = values.messages("feedback", options, "option")
    elif kind == "match":
        items = values.options("items", noun="item")
        options = values.options("options")
        fields["items"], fields["options"] = items, options
        fields["answer"] = _match_answer(values, items, options)
        fields["feedback"] = values.messages("feedback", items, "item") if "feedback" in data else {}
    elif kind == "numeric":
        fields.update(_numeric_fields(values))
    if len(result.problems) > before or kind is None:
        return None
    return Exercise(
        id=exercise_id,
        kind=kind,
        prompt=prompt,
        hints=hints,
        solution=solution,
        line=block_line,
        lines=values.value_lines(),
        **fields,
    )


def _choice_answer(values: _Mapping, options: dict[str, str] | None) -> str | list[str] | None:
    if not values.has("answer"):
        return None
    raw = values.data["answer"]
    many = isinstance(raw, list)
    keys = raw if many else [raw]
    if many and not keys:
        values.bad("answer", "must name at least one option")
        return None
    answer = []
    for key in keys:
        name = _key_name(key)
        if name is None:
            values.bad("answer", f"{key!r} is not an option key (keys are short words like a, b, c)")
            return None
        if options is not None and name not in options:
            values.bad(
                "answer", f"names option {name!r}, which does not exist (options: {', '.join(options)})"
            )
            return None
        if name in answer:
            values.bad("answer", f"names option {name!r} twice")
            return None
        answer.append(name)
    return answer if many else answer[0]


def _match_answer(values: _Mapping, items: dict | None, options: dict | None) -> dict[str, str] | None:
    if not values.has("answer"):
        return None
    raw = values.data["answer"]
    if not isinstance(raw, dict):
        values.bad("answer", "must map each item key to its option key, one 'item: option' line each")
        return None
    answer = {}
    for item, option in raw.items():
        item_name, option_name = _key_name(item), _key_name(option)
        line = values.line("answer", item)
        if item_name is None or (items is not None and item_name not in items):
            values.problem(
                line,
                f"answer names item {item!r}, which does not exist"
                + (f" (items: {', '.join(items)})" if items else ""),
            )
            return None
        if option_name is None or (options is not None and option_name not in options):
            values.problem(
                line,
                f"answer for item {item_name!r} names option {option!r}, which does "
                "not exist" + (f" (options: {', '.join(options)})" if options else ""),
            )
            return None
        answer[item_name] = option_name
    if items is not None:
        missing = [item for item in items if item not in answer]
        if missing:
            values.bad("answer", "gives no option for item " + ", ".join(repr(m) for m in missing))
            return None
    return answer


def _numeric_fields(values: _Mapping) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if not values.has("answer"):
        return fields
    try:
        answer = _numeric_value(values.data["answer"])
    except ValueError as error:
        values.bad("answer", str(error))
        return fields
    fields["answer"] = answer
    tolerance = _number(values.get("tolerance", DEFAULT_TOLERANCE))
    if tolerance is None or tolerance < 0:
        values.bad("tolerance", "must be a number of at least 0 (an absolute difference)")
        return fields
    fields["tolerance"] = float(tolerance)
    entries = values.get("feedback", [])
    if not isinstance(entries, list):
        values.bad("feedback", "must be a list of '- answer: ...' / '  message: ...' entries")
        return fields
    feedback = []
    for position, entry in enumerate(entries):
        line = values.line("feedback", position)
        if not isinstance(entry, dict) or set(entry) != {"answer", "message"}:
            values.problem(line, "each feedback entry needs exactly two keys: answer and message")
            continue
        try:
            expected = _numeric_value(entry["answer"])
        except ValueError as error:
            values.problem(line, f"feedback answer: {error}")
            continue
        if isinstance(expected, tuple) != isinstance(answer, tuple):
            values.problem(
                line,
                "feedback answer must be a "
                + ("shape" if isinstance(answer, tuple) else "number")
                + " like the answer",
            )
            continue
        if _numeric_equal(expected, answer, tolerance):
            values.problem(line, "feedback answer is the correct answer: feedback is for wrong answers")
            continue
        message = entry["message"]
        if not isinstance(message, str) or not message.strip():
            values.problem(line, "feedback message must be text")
            continue
        feedback.append((expected, message.strip()))
    fields["feedback"] = feedback
    return fields


def _parse_plot(result: ParsedFile, body: str, block_line: int) -> PlotBlock | None:
    loaded = _load_yaml(result, body, first_line=block_line + 1, what="plot block")
    if loaded is None:
        return None
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            block_line, "a plot block must hold 'key: value' lines (data: spiral, or function: relu)"
        )
        return None
    values = _Mapping(result, data, node, first_line=block_line + 1, missing_line=block_line, what="plot")
    before = len(result.problems)
    values.reject_unknown(PLOT_KEYS, "plot block")
    spec: dict[str, Any] = {"title": None}
    if "title" in data:
        spec["title"] = values.text("title")
    if ("data" in data) == ("function" in data):
        result.problem(
            block_line,
            "a plot block needs exactly one of 'data' (spiral or vertical) "
            "or 'function' (step, sigmoid, relu or linear)",
        )
    elif "data" in data:
        if data["data"] not in PLOT_DATASETS:
            values.bad("data", "must be one of " + ", ".join(PLOT_DATASETS))
        for key in ("function", "range"):
            if key in data:
                values.bad(key, "applies to function plots only")
        spec["data"] = data["data"]
        spec["samples"] = values.get("samples", 100)
        spec["classes"] = values.get("classes", 3)
        if not (_is_int(spec["samples"]) and 0 < spec["samples"] <= MAX_PLOT_SAMPLES):
            values.bad("samples", f"must be a whole number from 1 to {MAX_PLOT_SAMPLES}")
        if not (_is_int(spec["classes"]) and 2 <= spec["classes"] <= MAX_PLOT_CLASSES):
            values.bad("classes", f"must be a whole number from 2 to {MAX_PLOT_CLASSES}")
    else:
        if data["function"] not in PLOT_FUNCTIONS:
            values.bad("function", "must be one of " + ", ".join(PLOT_FUNCTIONS))
        for key in ("samples", "classes"):
            if key in data:
                values.bad(key, "applies to data plots only")
        spec["function"] = data["function"]
        bounds = values.get("range", [-5, 5])
        bounds = [_number(b) for b in bounds] if isinstance(bounds, list) else None
        spec["range"] = bounds
        if not (bounds and len(bounds) == 2 and None not in bounds and bounds[0] < bounds[1]):
            values.bad("range", "must be two numbers, smallest first, like [-5, 5]")
    if len(result.problems) > before:
        return None
    return PlotBlock(spec, block_line)


def _parse_train(result: ParsedFile, body: str, block_line: int) -> TrainBlock | None:
    from tutor.training_config import ConfigError, TrainConfig

    loaded = _load_yaml(result, body, first_line=block_line + 1, what="train block")
    if loaded is None:
        return None
    data, node = loaded
    if data is None:
        data = {}  # an empty train block means "the defaults"
    if not isinstance(data, dict):
        result.problem(block_line, "a train block must hold 'key: value' lines (optimizer: adam, ...)")
        return None
    values = _Mapping(result, data, node, first_line=block_line + 1, missing_line=block_line, what="train")
    settings = {}
    for key, value in data.items():
        if key in _TRAIN_FLOATS and _number(value) is not None:
            value = float(_number(value))  # YAML reads 5e-7 as text and 1 as an int
        settings[str(key)] = value
    # TrainConfig owns the rules for training settings; we only point at the line.
    try:
        config = TrainConfig.from_mapping(settings)
    except ConfigError as error:
        if error.setting in settings:
            values.bad(error.setting, error.problem)
        else:
            result.problem(block_line, str(error))
        return None
    except (TypeError, ValueError) as error:
        result.problem(block_line, f"bad training settings: {error}")
        return None
    return TrainBlock(config, block_line)


# --------------------------------------------------------------------------- YAML with lines


def _load_yaml(result: ParsedFile, text: str, *, first_line: int, what: str):
    """Parse ``text`` (whose first line is file line ``first_line``): (data, root node) or None
    after recording the problem at the file line where YAML found it."""
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark is not None and "end of stream" in (error.problem or ""):
            mark = error.context_mark  # an unclosed quote: point at where it opened, not at the end
        line = first_line + (mark.line if mark is not None else 0)
        detail = error.problem or "cannot be read"
        if error.context:
            detail = f"{detail} {error.context}"
        culprit = _character_at(text, error.problem_mark)
        result.problem(line, f"bad YAML in the {what}: {detail}" + _yaml_advice(detail, culprit))
        return None
    except yaml.YAMLError as error:
        result.problem(first_line, f"bad YAML in the {what}: {error}")
        return None
    finally:
        loader.dispose()
    _check_duplicate_keys(result, node, first_line, what)
    return data, node


def _character_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _yaml_advice(detail: str, culprit: str) -> str:
    if culprit == "\t":
        return " (a tab: indent with spaces only)"
    if culprit in ("`", "@"):
        return f" (text starting with {culprit} must be quoted)"
    if "mapping values are not allowed" in detail:
        return " (text with ': ' in it must be quoted, or written as a '|' block)"
    if "end of stream" in detail and "quoted" in detail:
        return " (a quote is opened here and never closed)"
    return ""


def _check_duplicate_keys(result: ParsedFile, node, first_line: int, what: str) -> None:
    """YAML quietly keeps the last of two equal keys; a teacher would rather hear about it."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = first_line + key_node.start_mark.line
            if key in seen:
                result.problem(line, f"key {key!r} appears twice in the {what} (first at line {seen[key]})")
            else:
                seen[key] = line
            _check_duplicate_keys(result, value_node, first_line, what)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _check_duplicate_keys(result, child, first_line, what)


class _Mapping:
    """A parsed YAML mapping with the file line of every key, and typed accessors that record
    a problem (at the right line) and return None when a value is wrong."""

    def __init__(
        self, result: ParsedFile, data: dict, node, *, first_line: int, missing_line: int, what: str
    ) -> None:
        self.result = result
        self.data = data
        self.node = node
        self.first_line = first_line
        self.missing_line = missing_line
        self.what = what

    # lines

    def _value_node(self, key):
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                if key_node.value == str(key) or key_node.value == key:
                    return key_node, value_node
        return None, None

    def line(self, key, child=None) -> int:
        """The file line of ``key`` (or of its entry ``child``: a list index or a mapping key)."""
        key_node, value_node = self._value_node(key)
        if key_node is None:
            return self.missing_line
        if child is not None:
            if (
                isinstance(value_node, yaml.SequenceNode)
                and isinstance(child, int)
                and child < len(value_node.value)
            ):
                return self.first_line + value_node.value[child].start_mark.line
            if isinstance(value_node, yaml.MappingNode):
                for child_key, _ in value_node.value:
                    if child_key.value == str(child):
                        return self.first_line + child_key.start_mark.line
        return self.first_line + key_node.start_mark.line

    def value_lines(self) -> dict[str, int]:
        lines = {}
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                line = value_node.start_mark.line
                if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                    line += 1  # the text starts on the line after the '|'
                lines[str(key_node.value)] = self.first_line + line
        return lines

    # problems

    def problem(self, line: int, message: str) -> None:
        self.result.problem(line, message)

    def bad(self, key: str, message: str) -> None:
        self.problem(self.line(key), f"{key} {message}")

    def require(self, key: str) -> None:
        self.problem(self.missing_line, f"the {self.what} has no {key!r}")

    def has(self, key: str) -> bool:
        """Whether ``key`` is there; a missing one is recorded as a problem."""
        if key in self.data:
            return True
        self.require(key)
        return False

    def reject_unknown(self, allowed: tuple[str, ...], where: str, other_kinds: bool = False) -> None:
        for key in self.data:
            if key in allowed:
                continue
            if other_kinds and key in EVERY_EXERCISE_KEY:
                message = f"key {key!r} does not belong in a {where}"
            else:
                near = _close_match(str(key), allowed)
                message = f"unknown key {key!r} in the {where}" + (
                    f" (did you mean {near!r}?)" if near else ""
                )
            self.problem(self.line(key), message)

    # typed values

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def text(self, key: str, allow_empty: bool = False) -> str | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if allow_empty and value is None:
            return ""
        if not isinstance(value, str):
            self.bad(
                key,
                f"must be text, not {_describe(value)}"
                + (" (quote it)" if _is_number(value) or isinstance(value, bool) else ""),
            )
            return None
        if not value.strip() and not allow_empty:
            self.bad(key, "is empty")
            return None
        return value.strip("\n") + ("\n" if value.endswith("\n") else "")

    def text_list(self, key: str, what: str = "entry") -> list[str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if isinstance(value, str):
            self.bad(key, f"must be a list, one '- ' line per {what}, not a single piece of text")
            return None
        if not isinstance(value, list) or not value:
            self.bad(key, f"must be a list with at least one {what}")
            return None
        for position, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.problem(
                    self.line(key, position),
                    f"{key} entry {position + 1} must be text, not {_describe(entry)}"
                    + (" (quote it)" if isinstance(entry, dict) else ""),
                )
                return None
        return [entry.strip() for entry in value]

    def identifier(self, key: str, what: str) -> str | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.bad(
                key,
                f"{value!r} is not a valid {what}: use lowercase words joined by '-', like 'batch-softmax'",
            )
            return None
        return value

    def positive_int(self, key: str) -> int | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not (_is_int(value) and value > 0):
            self.bad(key, f"must be a whole number above 0, not {value!r}")
            return None
        return value

    def options(self, key: str, noun: str = "option") -> dict[str, str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, dict) or len(value) < 2:
            self.bad(key, f"must map at least two {noun} keys to their text, one 'key: text' line each")
            return None
        options = {}
        for option_key, text in value.items():
            name = _key_name(option_key)
            line = self.line(key, option_key)
            if name is None:
                self.problem(
                    line,
                    f"{noun} key {option_key!r} is read by YAML as {_describe(option_key)}: "
                    "put it in quotes or use a letter",
                )
                return None
            if not _is_scalar_text(text):
                self.problem(line, f"{noun} {name!r} must be text, not {_describe(text)} (quote it)")
                return None
            options[name] = str(text).strip()
        return options

    def messages(self, key: str, keys: dict[str, str] | None, noun: str) -> dict[str, str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, dict) or not value:
            self.bad(key, f"must map {noun} keys to messages, one 'key: message' line each")
            return None
        messages = {}
        for message_key, text in value.items():
            name = _key_name(message_key)
            line = self.line(key, message_key)
            if name is None or (keys is not None and name not in keys):
                self.problem(
                    line,
                    f"feedback names {noun} {message_key!r}, which does not exist"
                    + (f" ({noun}s: {', '.join(keys)})" if keys else ""),
                )
                return None
            if not isinstance(text, str) or not text.strip():
                self.problem(line, f"feedback for {noun} {name!r} must be text, not {_describe(text)}")
                return None
            messages[name] = " ".join(text.split())
        return messages


def _key_name(key: Any) -> str | None:
    """Option and item keys are text; YAML reads ``1`` as a number (fine) and ``yes`` as a boolean (not)."""
    if isinstance(key, bool) or key is None:
        return None
    if isinstance(key, (str, int)):
        return str(key)
    return None


def _is_scalar_text(value: Any) -> bool:
    return (isinstance(value, str) and value.strip() != "") or (_is_number(value))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> float | int | None:
    """A number, also from text: YAML reads ``1e-6`` (no dot) as a string, not a float."""
    if _is_number(value):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a 'key: value' mapping"
    return type(value).__name__


def _close_match(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.7)
    return matches[0] if matches else None


# --------------------------------------------------------------------------- numeric answers

_SHAPE_BY_X = re.compile(r"\d+(?:\s*[x×]\s*\d+)+\Z")


def parse_numeric(text: str) -> Numeric:
    """A learner's or teacher's numeric answer: a number (``4.8``, ``-1e-3``) or a shape
    (``(3, 2, 4)``, ``3,2,4``, ``[3, 2, 4]``, ``3x2x4``, ``(3,)``). ValueError says what is wrong."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the answer is empty")
    inner = stripped
    bracketed = len(stripped) >= 2 and (stripped[0], stripped[-1]) in (("(", ")"), ("[", "]"))
    if bracketed:
        inner = stripped[1:-1]
    if bracketed or "," in inner:
        parts = [part.strip() for part in inner.split(",")]
        if parts and parts[-1] == "" and len(parts) > 1:
            parts = parts[:-1]  # "(3,)" is the shape of a 1-D array
        if not parts or any(not part.isdigit() for part in parts):
            raise ValueError(
                f"{stripped!r} is not a shape: a shape is whole numbers separated by commas, like (3, 2, 4)"
            )
        return tuple(int(part) for part in parts)
    if _SHAPE_BY_X.match(inner):
        return tuple(int(part) for part in re.split(r"\s*[x×]\s*", inner))
    try:
        number = float(inner.replace("−", "-"))
    except ValueError:
        raise ValueError(f"{stripped!r} is not a number: write it like 4.8, -0.5 or 1e-7") from None
    if not math.isfinite(number):
        raise ValueError(f"{stripped!r} is not a finite number")
    return number


def _numeric_value(value: Any) -> Numeric:
    """A numeric answer as written in YAML: a number, a list of sizes, or text to parse."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not a number or a shape")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return float(value)
    if isinstance(value, list):
        if not value or not all(_is_int(size) and size >= 0 for size in value):
            raise ValueError(f"{value!r} is not a shape: a shape is whole numbers, like (3, 2, 4)")
        return tuple(value)
    if isinstance(value, str):
        return parse_numeric(value)
    raise ValueError(f"{value!r} is not a number or a shape")


def _numeric_equal(given: Numeric, expected: Numeric, tolerance: float) -> bool:
    if isinstance(given, tuple) or isinstance(expected, tuple):
        return given == expected
    # A hair of slack so that 4.79 is within 0.01 of 4.8 despite binary floating point.
    return abs(given - expected) <= tolerance * (1 + 1e-9) + 1e-12


def format_numeric(value: Numeric) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "") + ")"
    return f"{value:.10g}"


# --------------------------------------------------------------------------- grading answers


@dataclass(frozen=True)
class AnswerResult:
    """The verdict on a non-code answer. ``valid`` is False when the response is not an answer at
    all (nothing picked, not a number): tell the learner, but do not count it as an attempt."""

    passed: bool
    message: str
    valid: bool = True


def grade_answer(exercise: Exercise, response: Any) -> AnswerResult:
    """Grade a choice, match or numeric answer.

    ``response``: choice -> an option key (or a list/set of keys for several answers);
    match -> a mapping {item key: option key}; numeric -> the text the learner typed (or a number).
    """
    if exercise.kind == "choice":
        return _grade_choice(exercise, response)
    if exercise.kind == "match":
        return _grade_match(exercise, response)
    if exercise.kind == "numeric":
        return _grade_numeric(exercise, response)
    raise ValueError(f"{exercise.id} is a {exercise.kind} exercise: the grader checks it, not grade_answer")


def _grade_choice(exercise: Exercise, response: Any) -> AnswerResult:
    options = exercise.options or {}
    feedback = exercise.feedback or {}
    picked = [response] if isinstance(response, str) else list(response or [])
    picked = [str(key) for key in picked]
    if not picked:
        return AnswerResult(
            False,
            "Pick an option first."
            if not exercise.multiple
            else "Pick the options you think are right first.",
            valid=False,
        )
    unknown = [key for key in picked if key not in options]
    if unknown:
        return AnswerResult(
            False, f"{unknown[0]!r} is not one of the options ({', '.join(options)}).", valid=False
        )
    if not exercise.multiple:
        if len(picked) > 1:
            return AnswerResult(False, "Pick only one option.", valid=False)
        key = picked[0]
        if key == exercise.answer:
            return AnswerResult(True, feedback.get(key, "Correct."))
        return AnswerResult(False, feedback.get(key, "Not quite. Have another look at the options."))
    expected, chosen = set(exercise.answer), set(picked)
    if chosen == expected:
        messages = [feedback[key] for key in exercise.answer if key in feedback]
        return AnswerResult(
            True, " ".join(messages) if messages else "Correct: you picked exactly the right options."
        )
    wrong = [key for key in picked if key not in expected]
    if wrong:
        message = feedback.get(wrong[0], f"Option {wrong[0]} is not right.")
        if len(wrong) > 1:
            message += f" ({len(wrong)} of your picks are wrong.)"
        return AnswerResult(False, message)
    missing = len(expected - chosen)
    return AnswerResult(
        False,
        f"Everything you picked is right, but {missing} more option"
        f"{' is' if missing == 1 else 's are'} right too.",
    )


def _grade_match(exercise: Exercise, response: Any) -> AnswerResult:
    items = exercise.items or {}
    options = exercise.options or {}
    if not isinstance(response, Mapping):
        raise TypeError("a match answer is a mapping {item key: option key}")
    chosen = {
        str(item): str(option)
        for item, option in response.items()
        if option is not None and str(option) != ""
    }
    unknown_items = [item for item in chosen if item not in items]
    if unknown_items:
        return AnswerResult(False, f"{unknown_items[0]!r} is not one of the items.", valid=False)
    unknown_options = [option for option in chosen.values() if option not in options]
    if unknown_options:
        return AnswerResult(False, f"{unknown_options[0]!r} is not one of the options.", valid=False)
    unmatched = [item for item in items if item not in chosen]
    if unmatched:
        return AnswerResult(
            False,
            f"Match every item first ({len(items) - len(unmatched)} of {len(items)} matched).",
            valid=False,
        )
    wrong = [item for item in items if chosen[item] != exercise.answer[item]]
    if not wrong:
        return AnswerResult(True, f"Correct: all {len(items)} pairs match.")
    right = len(items) - len(wrong)
    first = wrong[0]
    detail = (exercise.feedback or {}).get(first) or f"Look again at {items[first]!r}."
    return AnswerResult(False, f"{right} of {len(items)} pairs are right. {detail}")


def _grade_numeric(exercise: Exercise, response: Any) -> AnswerResult:
    expected = exercise.answer
    wants_shape = isinstance(expected, tuple)
    try:
        given = (
            float(response)
            if isinstance(response, (int, float)) and not isinstance(response, bool)
            else parse_numeric(str(response))
        )
    except ValueError as error:
        return AnswerResult(False, f"{str(error)[0].upper()}{str(error)[1:]}.", valid=False)
    if wants_shape and not isinstance(given, tuple):
        if given.is_integer() and given >= 0:
            given = (int(given),)  # "3" for the shape (3,)
        else:
            return AnswerResult(
                False, "The answer is a shape: whole numbers separated by commas, like (3, 2).", valid=False
            )
    if not wants_shape and isinstance(given, tuple):
        return AnswerResult(False, "The answer is a single number, not a shape.", valid=False)
    tolerance = exercise.tolerance if exercise.tolerance is not None else DEFAULT_TOLERANCE
    if _numeric_equal(given, expected, tolerance):
        return AnswerResult(True, f"Correct: {format_numeric(expected)}.")
    for wrong, message in exercise.feedback or []:
        # Expected mistakes are recognised a little more loosely, to allow for the learner's rounding.
        slack = tolerance if wants_shape else max(tolerance, 0.01 * abs(wrong))
        if _numeric_equal(given, wrong, slack):
            return AnswerResult(False, message)
    if wants_shape:
        if len(given) != len(expected):
            return AnswerResult(
                False,
                f"Not quite: the answer has {len(expected)} dimension"
                f"{'s' if len(expected) != 1 else ''}; yours has {len(given)}.",
            )
        if sorted(given) == sorted(expected):
            return AnswerResult(False, "Right sizes, wrong order: which axis comes first?")
        return AnswerResult(False, f"Not quite: {format_numeric(given)} is not the shape.")
    return AnswerResult(False, f"Not quite: {format_numeric(given)} is not the answer.")
