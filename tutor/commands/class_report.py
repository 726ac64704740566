"""``nntutor progress --class DIR [--json | --csv]``: where a class stands, and where it is stuck.

Every learner of the class folder (``DIR/learners/<name>/``, see ``tutor.classroom``) is read with
``progress_rows`` (the rows of ``nntutor progress``), from a read-only snapshot of their store, so the
report can run while the class works. Per exercise, ``summarise`` adds: how many learners passed it
and their share of the class, the median number of attempts of the learners who tried it, and the
diagnoses most often shown to the learners who have not passed it yet ("3 learners: missing keepdims").

Text: a table of learners by lesson (exercises passed of each lesson), then the exercises. ``--json``:
one object with every learner's rows and the per-exercise summary. ``--csv``: one row per learner and
exercise, the columns of ``nntutor progress --csv`` after a ``learner`` column.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.commands.progress import COLUMNS, ProgressRow, csv_values, progress_rows

if TYPE_CHECKING:
    from tutor.curriculum import Curriculum

PASSED = "passed"  # the store Status value a passed row carries
STUCK_SHOWN = 3  # diagnoses shown per exercise in the text table


@dataclass(frozen=True)
class ExerciseSummary:
    """One exercise across the class."""

    lesson: str
    exercise: str
    kind: str
    learners: int
    passed: int
    share_passed: float  # passed / learners (0 for an empty class)
    median_attempts: float | None  # over the learners who attempted it; None when nobody did
    stuck: list[tuple[str, int]]  # (diagnosis, learners not passed yet who were shown it), most first


def class_rows(curriculum: Curriculum, class_dir: Path) -> tuple[dict[str, list[ProgressRow]], list[str]]:
    """``({learner: rows}, notices)`` for every learner of ``class_dir``, by name."""
    from tutor.classroom import learners
    from tutor.store import Store

    by_learner: dict[str, list[ProgressRow]] = {}
    notices = []
    for name, folder in learners(class_dir):
        store = Store.open_read_only(folder)
        try:
            by_learner[name] = progress_rows(curriculum, store)
            if store.notice:
                notices.append(f"{name}: {store.notice}")
        finally:
            store.close()
    return by_learner, notices


def summarise(by_learner: dict[str, list[ProgressRow]]) -> list[ExerciseSummary]:
    """Per exercise (in course order) across the learners: passes, median attempts, where stuck."""
    columns = list(zip(*by_learner.values())) if by_learner else []
    summaries = []
    for rows in columns:
        first = rows[0]
        passed = sum(row.status == PASSED for row in rows)
        tried = [row.attempts for row in rows if row.attempts > 0]
        stuck: Counter[str] = Counter()
        for row in rows:
            if row.status != PASSED:
                stuck.update(set(row.diagnoses))
        summaries.append(
            ExerciseSummary(
                lesson=first.lesson,
                exercise=first.exercise,
                kind=first.kind,
                learners=len(rows),
                passed=passed,
                share_passed=passed / len(rows),
                median_attempts=statistics.median(tried) if tried else None,
                stuck=sorted(stuck.items(), key=lambda item: (-item[1], item[0])),
            )
        )
    return summaries


def run_class(args: argparse.Namespace) -> int:
    from tutor.commands.inputs import readable_folder
    from tutor.curriculum import load_curriculum

    class_dir = readable_folder(args.class_dir, missing="no such class folder", kind="a class folder")
    curriculum = load_curriculum()
    by_learner, notices = class_rows(curriculum, class_dir)
    for notice in notices:
        sys.stderr.write(f"note: {notice}\n")
    summaries = summarise(by_learner)
    if args.json:
        import json

        json.dump(as_json(class_dir, by_learner, summaries), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.csv:
        write_csv(by_learner, sys.stdout)
    else:
        sys.stdout.write(as_text(curriculum, class_dir, by_learner, summaries))
    return 0


def as_json(
    class_dir: Path, by_learner: dict[str, list[ProgressRow]], summaries: list[ExerciseSummary]
) -> dict[str, Any]:
    return {
        "class_dir": str(class_dir),
        "learners": [
            {
                "name": name,
                "passed": sum(row.status == PASSED for row in rows),
                "exercises": [asdict(row) for row in rows],
            }
            for name, rows in by_learner.items()
        ],
        "exercises": [
            {**asdict(summary), "stuck": [{"diagnosis": d, "learners": n} for d, n in summary.stuck]}
            for summary in summaries
        ],
    }


def write_csv(by_learner: dict[str, list[ProgressRow]], stream: Any) -> None:
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["learner", *COLUMNS])
    for name, rows in by_learner.items():
        for row in rows:
            writer.writerow([name, *csv_values(row)])


def _learners(count: int) -> str:
    return f"{count} learner{'s' if count != 1 else ''}"


NAME_COLUMN = 16  # a longer learner name is cut (with "…") in the text report; --csv/--json keep it whole


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def as_text(
    curriculum: Curriculum,
    class_dir: Path,
    by_learner: dict[str, list[ProgressRow]],
    summaries: list[ExerciseSummary],
) -> str:
    """Fits 80 columns: learners by lesson, then each exercise with where the class is stuck."""
    if not by_learner:
        return f"No learners yet in {class_dir} (they appear once they type their name in `nntutor serve`).\n"
    lessons = curriculum.lessons
    # One narrow column per lesson, so that 17 lessons and a name fit 80 columns: the number of its
    # exercises passed, "✓" when all are, "·" when none; the row under the header gives each total.
    name_width = min(NAME_COLUMN, max(11, *(len(name) for name in by_learner)))
    out = [f"{_learners(len(by_learner))} in {class_dir}", ""]
    out.append(
        f"{'learner':<{name_width}} "
        + "".join(f"{lesson.order:>3}" for lesson in lessons)
        + f"  {'passed':>7}"
    )
    totals = [len(lesson.exercises) for lesson in lessons]
    out.append(
        f"{'(exercises)':<{name_width}} " + "".join(f"{total:>3}" for total in totals) + f"  {sum(totals):>7}"
    )
    for name, rows in by_learner.items():
        cells = []
        for lesson, total in zip(lessons, totals):
            count = sum(row.status == PASSED and row.lesson == lesson.id for row in rows)
            cells.append(f"{'✓' if count == total else count or '·':>3}")
        done = f"{sum(row.status == PASSED for row in rows)}/{len(rows)}"
        out.append(f"{_cut(name, name_width):<{name_width}} " + "".join(cells) + f"  {done:>7}")
    out.append("")
    width = max((len(summary.exercise) for summary in summaries), default=8)
    out.append(f"{'exercise':<{width}}  {'passed':>12}  {'median tries':>12}")
    lesson_id = None
    for summary in summaries:
        if summary.lesson != lesson_id:
            lesson_id = summary.lesson
            out.append(f"[{lesson_id}]")
        passed = f"{summary.passed}/{summary.learners} {summary.share_passed:>4.0%}"
        median = "-" if summary.median_attempts is None else f"{summary.median_attempts:g}"
        out.append(f"{summary.exercise:<{width}}  {passed:>12}  {median:>12}")
        for diagnosis, count in summary.stuck[:STUCK_SHOWN]:
            label = f"    {_learners(count)}: "
            out.append(label + _cut(diagnosis, 80 - len(label)))
    out.append("")
    out.append("Lessons: how many of their exercises each learner passed (✓ all, · none).")
    out.append("Exercises: passed = learners who passed it; median tries: of those who tried it.")
    out.append("Under an exercise: the feedback most often shown to those not past it yet.")
    return "\n".join(out) + "\n"
