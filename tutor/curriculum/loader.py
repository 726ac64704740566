"""Read lesson files: the front matter, the markdown, the fenced special blocks.

:func:`load_curriculum` parses every lesson of a folder; a lesson with any problem is set aside as a
:class:`~tutor.curriculum.model.BrokenLesson` (with file, line and error) and the others load as usual.
The blocks' YAML is read by :mod:`tutor.curriculum.blocks`. Loading must stay fast (it runs at app
start-up): no numpy and no grader here; the checks that need the grader live in :mod:`tutor.validation`.
"""

from __future__ import annotations

import re
from pathlib import Path

from tutor.curriculum.blocks import parse_exercise_block, parse_plot_block, parse_train_block
from tutor.curriculum.model import (
    FRONT_MATTER_KEYS,
    BrokenLesson,
    Curriculum,
    Lesson,
    MarkdownBlock,
    ParsedFile,
)
from tutor.curriculum.yaml_fields import YamlMapping, close_match, is_int, load_yaml


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
        if is_int(order):
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
        text = path.read_text(encoding="utf-8")
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
    loaded = load_yaml(result, "\n".join(lines[1:end]), first_line=2, what="front matter")
    if loaded is None:
        return end + 1
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            2 if data is not None else 1,
            "the front matter must be 'key: value' lines (id, title, order, minutes, objectives)",
        )
        return end + 1
    values = YamlMapping(result, data, node, first_line=2, missing_line=1, what="front matter")
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
                near = close_match(kind, _SPECIAL_BLOCKS)
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
            exercise = parse_exercise_block(result, body, block_line, seen_exercises)
            if exercise is not None:
                result.blocks.append(exercise)
        elif kind == "plot":
            plot = parse_plot_block(result, body, block_line)
            if plot is not None:
                result.blocks.append(plot)
        else:
            train = parse_train_block(result, body, block_line)
            if train is not None:
                result.blocks.append(train)
        index = close + 1
        markdown_start = index
    flush(len(lines))
