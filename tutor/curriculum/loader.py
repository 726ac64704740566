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
from tutor.curriculum.fences import report_lost_blocks
from tutor.curriculum.files import lesson_files, read_lesson_text, skipped_files
from tutor.curriculum.model import (
    FORMAT_VERSION,
    FRONT_MATTER_KEYS,
    KNOWN_FORMAT_VERSIONS,
    LESSON_SUFFIX,
    SPECIAL_BLOCKS,
    BrokenLesson,
    Curriculum,
    Exercise,
    Lesson,
    MarkdownBlock,
    ParsedFile,
)
from tutor.curriculum.yaml_fields import YamlMapping, close_match, is_int, load_yaml


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
    for file, reason in skipped_files(path):
        skipped = ParsedFile(file)
        skipped.problem(1, reason)
        parsed.append(skipped)
    parsed.sort(key=lambda result: result.path.name)
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
        if isinstance(order, int) and is_int(order):
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
    _check_builds_on(parsed)


def _check_builds_on(parsed: list[ParsedFile]) -> None:
    """Each id a code exercise ``builds_on`` must be a code exercise that comes earlier in the course
    (an earlier lesson by order, or earlier in the same lesson)."""

    def order_of(result: ParsedFile) -> float:
        order = result.front.get("order")
        return order if isinstance(order, int) and is_int(order) else float("inf")

    exercises = [
        (result, block)
        for result in sorted(parsed, key=order_of)
        for block in result.blocks
        if isinstance(block, Exercise)
    ]
    where = {exercise.id: (result, exercise) for result, exercise in exercises}
    earlier: set[str] = set()
    for result, exercise in exercises:
        for position, other_id in enumerate(exercise.builds_on):
            line = exercise.lines.get(f"builds_on.{position}", exercise.line)
            if other_id in earlier:
                continue
            if other_id not in where:
                near = close_match(other_id, list(where))
                hint = f" (did you mean {near!r}?)" if near else ""
                result.problem(line, f"builds_on names {other_id!r}, which is no exercise{hint}")
            elif where[other_id][1].kind != "code":
                result.problem(
                    line,
                    f"builds_on names {other_id!r}, a {where[other_id][1].kind} exercise, not a code exercise",
                )
            else:
                other_file, other = where[other_id]
                result.problem(
                    line,
                    f"builds_on names {other_id!r} ({other_file.path.name}:{other.line}), which comes after "
                    f"this exercise: it must come earlier",
                )
        if exercise.kind == "code":
            earlier.add(exercise.id)


_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)\Z")
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
    if path.suffix != LESSON_SUFFIX and path.suffix.lower() == LESSON_SUFFIX:
        result.problem(
            1,
            f"the name ends in {path.suffix!r}, not '.md', so the lesson is not loaded from its folder: "
            f"rename it to {path.stem}.md",
        )
    text = read_lesson_text(path, result)
    if text is None:
        return result
    lines = text.split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    body_start = _parse_front_matter(result, lines)
    if result.front.get("format_version", FORMAT_VERSION) not in KNOWN_FORMAT_VERSIONS:
        return result  # a newer format: its blocks cannot be judged by these rules
    layout = _parse_body(result, lines, body_start)
    report_lost_blocks(result, lines, body_start, layout)
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
    heading = next((i for i in range(1, end) if re.match(r"#{1,6} ", lines[i])), None)
    prose = heading is not None and any(
        line.strip() and not line.startswith((" ", "\t", "#", "-")) and ":" not in line
        for line in lines[heading + 1 : end]
    )
    if prose and heading is not None:
        # YAML takes '# Title' for a comment: the front matter ran on into the lesson's text.
        result.problem(
            1,
            f"the front matter is never closed: add a '---' line before line {heading + 1} (the '---' at "
            f"line {end + 1} ends it instead, so the lesson's text is read as front matter)",
        )
        return end + 1
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
    version = _format_version(values)
    result.front["format_version"] = version
    if version not in KNOWN_FORMAT_VERSIONS:
        return end + 1
    values.reject_unknown(FRONT_MATTER_KEYS, "front matter")
    lesson_id = values.identifier("id", "lesson id")
    title = values.text("title")
    order = values.positive_int("order")
    minutes = values.positive_int("minutes")
    objectives = values.text_list("objectives", what="objective")
    result.front_lines = {key: values.line(key) for key in data if isinstance(key, str)}
    result.title = title
    result.front = {
        "format_version": version,
        "id": lesson_id,
        "title": title,
        "order": order,
        "minutes": minutes,
        "objectives": objectives,
    }
    return end + 1


def _format_version(values: YamlMapping) -> int | None:
    """The lesson format the file says it is written in (1 when it does not say); None when it is
    not a version this loader reads (reported at its line)."""
    version = values.get("format_version", FORMAT_VERSION)
    known = ", ".join(map(str, KNOWN_FORMAT_VERSIONS))
    if not is_int(version):
        values.bad(
            "format_version", f"must be a whole number (this nntutor reads version {known}), not {version!r}"
        )
        return None
    if version not in KNOWN_FORMAT_VERSIONS:
        values.bad(
            "format_version",
            f"{version} is a lesson format this nntutor does not know (it reads version {known}): "
            "update nntutor, or write the lesson in a version it reads",
        )
        return None
    return version


class Layout:
    """Where the body's fenced blocks are (0-based line indices), for :func:`report_lost_blocks`."""

    __slots__ = ("code_blocks", "openings", "special_blocks")

    def __init__(self) -> None:
        self.openings: set[int] = set()
        self.code_blocks: list[tuple[int, int, str]] = []  # (open, close, fence)
        self.special_blocks: list[tuple[int, int, int]] = []  # (open, close, indent)


def _parse_body(result: ParsedFile, lines: list[str], start: int) -> Layout:
    markdown: list[str] = []
    markdown_start = start
    seen_exercises: dict[str, int] = {}
    layout = Layout()

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
        special = kind in SPECIAL_BLOCKS
        close, resume = _find_close(result, lines, index, indent, fence, kind if special else None)
        if not special:
            if kind and kind not in _COMMON_LANGUAGES:
                near = close_match(kind, SPECIAL_BLOCKS)
                if near and kind != near:
                    result.problem(index + 1, f"unknown block type {kind!r} (did you mean {near!r}?)")
            if close is None:
                result.problem(index + 1, _never_closed("code", fence, lines, index, 3))
                close = len(lines) - 1
            layout.code_blocks.append((index, close, fence))
            markdown.extend(lines[index : close + 1])
            index = close + 1
            continue
        layout.openings.add(index)
        flush(index)
        if close is None:
            # Its YAML would run to the end of the file, prose and all: only the missing fence is said.
            result.problem(index + 1, _never_closed(kind, fence, lines, index, len(indent)))
            layout.special_blocks.append((index, len(lines), len(indent)))
            break
        layout.special_blocks.append((index, close, len(indent)))
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
        index = resume
        markdown_start = index
    flush(len(lines))
    return layout


def _find_close(
    result: ParsedFile, lines: list[str], index: int, indent: str, fence: str, special: str | None
) -> tuple[int | None, int]:
    """The closing fence of the block opened at ``index`` (same character, at least as long), and the
    index to go on from. A special block's YAML may hold indented code fences of its own (in a prompt),
    so only a fence no more indented than the opening one closes it; and there a shorter fence, or the
    opening fence of the next block, is where the teacher meant the block to end: reported, and taken
    as its end, so the rest of the lesson is read as the teacher meant."""
    max_indent = len(indent) if special else 3
    indented_close = None  # the last fence that would close the block but for its indentation
    for j in range(index + 1, len(lines)):
        candidate = lines[j]
        stripped = candidate.lstrip(" ")
        if not stripped or stripped[0] not in "`~":
            continue
        deeper = len(candidate) - len(stripped) > max_indent
        stripped = stripped.rstrip()
        closes = set(stripped) == {fence[0]} and len(stripped) >= len(fence)
        if deeper:
            indented_close = j if closes else indented_close
            continue
        if closes:
            return j, j + 1
        if special is None:
            continue
        if len(set(stripped)) == 1 and stripped[0] in "`~" and len(stripped) >= 3:
            result.problem(
                index + 1,
                f"this {special} block opens with {fence} but is closed at line {j + 1} with {stripped}: "
                f"a block ends only at a fence at least as long as its opening one, so make both {fence}",
            )
            return j, j + 1
        following = _FENCE.match(candidate)
        if following is not None and following.group(3).strip():
            if _ends_just_before(lines, indented_close, j):
                return _indented_close(result, index, special, indented_close)
            what = following.group(3).strip().split()[0].lower()
            result.problem(
                index + 1,
                f"this {special} block is not closed before the {what} block at line {j + 1}: "
                f"add a {fence} line before line {j + 1}",
            )
            return j, j
    if special is not None and _ends_just_before(lines, indented_close, len(lines)):
        return _indented_close(result, index, special, indented_close)
    return None, len(lines)


def _ends_just_before(lines: list[str], fence_index: int | None, stop: int) -> bool:
    """Whether only blank lines come between the fence at ``fence_index`` and ``stop``."""
    return fence_index is not None and not any(line.strip() for line in lines[fence_index + 1 : stop])


def _indented_close(result: ParsedFile, index: int, special: str, fence_index: int | None) -> tuple[int, int]:
    assert fence_index is not None
    result.problem(
        index + 1,
        f"this {special} block's closing fence at line {fence_index + 1} is indented, so it does not close "
        "the block: start it at the left margin, like the opening fence",
    )
    return fence_index, fence_index + 1


def _never_closed(kind: str, fence: str, lines: list[str], index: int, max_indent: int) -> str:
    """The message for a block that is never closed, naming a shorter fence that looks meant to close it."""
    for j in range(index + 1, len(lines)):
        stripped = lines[j].strip()
        if (
            len(lines[j]) - len(lines[j].lstrip(" ")) <= max_indent
            and stripped
            and set(stripped) == {fence[0]}
            and 3 <= len(stripped) < len(fence)
        ):
            return (
                f"this {kind} block opens with {fence} but the fence at line {j + 1} is shorter ({stripped}), "
                f"so it does not close it: a block ends only at a fence at least as long as its opening one"
            )
    return f"this {kind} block is never closed: add a {fence} line after it"
