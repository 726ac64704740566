"""``nntutor progress [--class DIR] [--json | --csv]``: one learner's progress, or a whole class's.

One row per exercise of the course, in course order: lesson, exercise, kind, status, attempts, hints
used, whether the solution was seen, and the first and last attempt times (ISO 8601, UTC). A learner who
has done nothing gets every exercise as "not started". ``--csv`` has a header row; ``--json`` prints one
object. The store is only read (as ``nntutor list`` does): nothing is created or changed.

``progress_rows(curriculum, store)`` builds the rows from any store. ``--class DIR`` (the folder of
``nntutor serve --class-dir DIR``) builds them for every learner in ``DIR/learners/`` and adds, per
exercise, the share of the class that passed it, the median number of attempts of those who tried,
and the diagnoses most often shown to those who have not passed it yet: where the class is stuck.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.curriculum import Curriculum
    from tutor.store import Store


@dataclass(frozen=True)
class ProgressRow:
    """One exercise of one learner."""

    lesson: str
    exercise: str
    kind: str
    status: str  # a store Status value: "not started", "attempted", "passed", "solution revealed"
    attempts: int
    hints_used: int
    solution_seen: bool
    first_attempt: str | None  # ISO 8601 UTC, e.g. 2026-12-01T12:06:50Z
    last_attempt: str | None
    diagnoses: tuple[str, ...] = ()  # what failed checks told the learner, each once, oldest first


COLUMNS = [field.name for field in fields(ProgressRow)]


def iso_utc(timestamp: float | None) -> str | None:
    """A Unix time as ISO 8601 in UTC, to the second (``2026-12-01T12:06:50Z``); None stays None."""
    if timestamp is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def progress_rows(curriculum: Curriculum, store: Store) -> list[ProgressRow]:
    """Every exercise of ``curriculum`` in course order, with what ``store`` holds about it."""
    from tutor.store import Status

    records = store.records()
    rows = []
    for lesson in curriculum.lessons:
        for exercise in lesson.exercises:
            record = records.get(exercise.id)
            if record is None:
                rows.append(
                    ProgressRow(
                        lesson.id,
                        exercise.id,
                        exercise.kind,
                        Status.NOT_STARTED.value,
                        0,
                        0,
                        False,
                        None,
                        None,
                    )
                )
                continue
            rows.append(
                ProgressRow(
                    lesson=lesson.id,
                    exercise=exercise.id,
                    kind=exercise.kind,
                    status=record.status.value,
                    attempts=record.attempts,
                    hints_used=min(record.hints_shown, len(exercise.hints)),
                    solution_seen=record.revealed_at is not None,
                    first_attempt=iso_utc(record.first_attempt),
                    last_attempt=iso_utc(record.last_attempt),
                    diagnoses=record.diagnoses,
                )
            )
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class",
        dest="class_dir",
        metavar="DIR",
        help="report on a whole class: the folder of `nntutor serve --class-dir DIR`",
    )
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print one JSON object")
    formats.add_argument("--csv", action="store_true", help="print CSV with a header row")


def run(args: argparse.Namespace) -> int:
    from tutor.curriculum import load_curriculum
    from tutor.store import Store

    if args.class_dir is not None:
        from tutor.commands.class_report import run_class

        return run_class(args)
    curriculum = load_curriculum()
    store = Store.open_read_only()
    try:
        rows = progress_rows(curriculum, store)
        notice = store.notice
    finally:
        store.close()
    if notice:
        sys.stderr.write(f"note: {notice}\n")
    if args.json:
        import json

        json.dump(as_json(rows), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.csv:
        write_csv(rows, sys.stdout)
    else:
        sys.stdout.write(as_text(rows))
    return 0


def as_json(rows: list[ProgressRow]) -> dict[str, Any]:
    passed = sum(row.status == "passed" for row in rows)
    return {
        "exercises": [asdict(row) for row in rows],
        "summary": {"exercises": len(rows), "passed": passed},
    }


def write_csv(rows: list[ProgressRow], stream: Any) -> None:
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(csv_values(row))


def csv_values(row: ProgressRow) -> list[Any]:
    """One row's CSV cells, in ``COLUMNS`` order (also the class report's, after the learner)."""
    values = asdict(row)
    values["solution_seen"] = "yes" if row.solution_seen else "no"
    values["diagnoses"] = " | ".join(row.diagnoses)
    return ["" if values[name] is None else values[name] for name in COLUMNS]


def as_text(rows: list[ProgressRow]) -> str:
    """A table that fits 80 columns: the times are cut to the minute."""
    width = max((len(row.exercise) for row in rows), default=8)
    head = f"{'exercise':<{width}}  {'status':<17} {'tries':>5} {'hints':>5}  last attempt (UTC)"
    out = [head]
    lesson = None
    for row in rows:
        if row.lesson != lesson:
            lesson = row.lesson
            out.append(f"[{lesson}]")
        status = row.status + (" *" if row.solution_seen and row.status != "solution revealed" else "")
        last = (row.last_attempt or "-")[:16].replace("T", " ")
        out.append(f"{row.exercise:<{width}}  {status:<17} {row.attempts:>5} {row.hints_used:>5}  {last}")
    passed = sum(row.status == "passed" for row in rows)
    out.append(f"{passed} of {len(rows)} exercises passed (* solution seen)")
    return "\n".join(out) + "\n"
