"""``nntutor list [--json]``: the lessons and their exercises in course order, with your progress.

Each exercise shows its status from the progress store: not started, attempted, passed or solution
revealed; a pass after revealing the solution reads "passed (solution seen)". Broken lessons are listed with the error that keeps them out. ``--json`` prints one object
for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--lessons", metavar="DIR", help="list the lessons of another folder")


def run(args: argparse.Namespace) -> int:
    from tutor.commands.inputs import readable_folder
    from tutor.curriculum import load_curriculum
    from tutor.paths import LESSONS_DIR

    folder = LESSONS_DIR
    if args.lessons is not None:
        folder = readable_folder(args.lessons, missing="no such lessons folder", kind="a lessons folder")
    curriculum = load_curriculum(folder)
    statuses, seen, notice = _statuses()
    if notice:
        sys.stderr.write(f"note: {notice}\n")
    if args.json:
        json.dump(_as_json(curriculum, statuses, seen), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_as_text(curriculum, statuses, _Style.for_stream(sys.stdout), seen))
    return 0


def _statuses():
    """(exercise id -> Status, ids passed after revealing the solution, notice): read only, never
    creating or moving a store."""
    from tutor.store import Status, Store

    store = Store.open_read_only()
    try:
        statuses = store.statuses()
        seen = {
            exercise_id
            for exercise_id, status in statuses.items()
            if status is Status.PASSED and store.revealed(exercise_id)
        }
        return statuses, seen, store.notice
    finally:
        store.close()


def _status(statuses, exercise_id):
    from tutor.store import Status

    return statuses.get(exercise_id, Status.NOT_STARTED)


def _as_json(curriculum, statuses, seen=frozenset()) -> dict:
    from tutor.progress import lesson_progress

    lessons = []
    passed_total = exercises_total = 0
    for lesson in curriculum.lessons:
        exercises = [
            {
                "id": exercise.id,
                "kind": exercise.kind,
                "status": _status(statuses, exercise.id).value,
                "solution_seen": exercise.id in seen or _status(statuses, exercise.id).name == "REVEALED",
            }
            for exercise in lesson.exercises
        ]
        passed, _ = lesson_progress(lesson, statuses)
        passed_total += passed
        exercises_total += len(exercises)
        lessons.append(
            {
                "id": lesson.id,
                "order": lesson.order,
                "title": lesson.title,
                "minutes": lesson.minutes,
                "objectives": lesson.objectives,
                "path": str(lesson.path),
                "passed": passed,
                "total": len(exercises),
                "exercises": exercises,
            }
        )
    broken = [
        {"path": str(item.path), "line": item.line, "error": item.error, "title": item.title}
        for item in curriculum.broken
    ]
    return {
        "lessons": lessons,
        "broken": broken,
        "summary": {"lessons": len(lessons), "exercises": exercises_total, "passed": passed_total},
    }


class _Style:
    """ANSI colours and Unicode marks when the terminal takes them (NO_COLOR respected)."""

    def __init__(self, colour: bool, unicode: bool) -> None:
        self.colour = colour
        self.marks = (
            {"passed": "✓", "attempted": "•", "solution revealed": "◆", "not started": "·"}
            if unicode
            else {"passed": "+", "attempted": "~", "solution revealed": "!", "not started": "-"}
        )
        self.next_mark = "◀ next" if unicode else "<- next"
        self.broken_mark = "✗" if unicode else "x"

    @classmethod
    def for_stream(cls, stream) -> _Style:
        colour = stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        try:
            "✓•◆·◀✗".encode(stream.encoding or "ascii")
            unicode = True
        except (UnicodeEncodeError, LookupError):
            unicode = False
        return cls(colour, unicode)

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


_STATUS_COLOURS = {"passed": "32", "attempted": "33", "solution revealed": "35", "not started": "2"}


def _as_text(curriculum, statuses, style: _Style, seen=frozenset()) -> str:
    from tutor.curriculum import display_path
    from tutor.progress import SOLUTION_SEEN, lesson_progress, next_step
    from tutor.store import Status

    out: list[str] = []
    all_exercises = curriculum.exercises
    passed_total = sum(1 for e in all_exercises if _status(statuses, e.id) is Status.PASSED)
    step = next_step(curriculum, statuses)  # the same "next" as the app's Continue
    next_id = step[1].id if step else None
    out.append(
        style.paint(
            f"{len(curriculum.lessons)} lessons, {passed_total} of {len(all_exercises)} exercises passed", "1"
        )
    )
    id_width = max((len(e.id) for e in all_exercises), default=10)
    for lesson in curriculum.lessons:
        exercises = lesson.exercises
        passed, _ = lesson_progress(lesson, statuses)
        out.append("")
        heading = f"{lesson.order:>2}  {lesson.title}"
        tail = (
            f"{passed}/{len(exercises)} passed · {lesson.minutes} min"
            if style.marks["passed"] == "✓"
            else f"{passed}/{len(exercises)} passed, {lesson.minutes} min"
        )
        done = passed == len(exercises) and exercises
        out.append(style.paint(heading, "1") + "  " + style.paint(tail, "32" if done else "2"))
        for exercise in exercises:
            status = _status(statuses, exercise.id).value
            mark = style.paint(style.marks[status], _STATUS_COLOURS[status])
            label = status + (SOLUTION_SEEN if exercise.id in seen else "")
            line = (
                f"      {mark} {exercise.id:<{id_width}}  {exercise.kind:<8} "
                f"{style.paint(label, _STATUS_COLOURS[status])}"
            )
            if exercise.id == next_id:
                line += "  " + style.paint(style.next_mark, "1;36")
            out.append(line)
    for item in curriculum.broken:
        out.append("")
        name = item.title or item.path.name
        out.append(style.paint(f" {style.broken_mark}  {name} (broken, not loaded)", "1;31"))
        out.append(f"      {display_path(item.path)}:{item.line}: {item.error}")
    if curriculum.broken:
        out.append("")
        out.append(style.paint("Run `nntutor validate` for every problem in the broken lessons.", "2"))
    return "\n".join(out) + "\n"
