"""``nntutor validate [PATH]``: check a lessons folder (or one lesson file) for mistakes.

Prints every problem as one line ``FILE:LINE: what is wrong`` and exits 1 when there is any; otherwise
prints a one-line summary and exits 0. ``--no-grade`` skips running the code exercises' solutions and
starters through the grader (a quick structural check); ``--checks`` lists the grader checks a code
exercise may name.
"""

from __future__ import annotations

import argparse
import sys

from tutor.commands import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a lessons folder or one lesson file (default: the installed lessons)",
    )
    parser.add_argument(
        "--no-grade",
        action="store_true",
        help="skip grading the solutions and starters of code exercises (fast)",
    )
    parser.add_argument(
        "--checks", action="store_true", help="list the grader checks a code exercise can name, then exit"
    )


def run(args: argparse.Namespace) -> int:

    if args.checks:
        if args.path is not None:
            raise UsageError("--checks takes no PATH")
        from tutor.grader import check_ids

        for check_id in check_ids():
            print(check_id)
        return 0

    from tutor.commands.inputs import lesson_path, shown
    from tutor.curriculum import MAX_LESSON_FILE_BYTES, lesson_files
    from tutor.paths import LESSONS_DIR
    from tutor.validation import validate

    path = LESSONS_DIR
    if args.path is not None:
        path = lesson_path(args.path, max_bytes=MAX_LESSON_FILE_BYTES)
        if path.is_dir() and not lesson_files(path):
            raise UsageError(f"{shown(args.path)} is not a lessons folder: it holds no lesson files (*.md)")

    show_progress = sys.stderr.isatty() and not args.no_grade

    def progress(done: int, total: int, exercise_id: str) -> None:
        sys.stderr.write(f"\rgrading {done + 1}/{total}: {exercise_id}\x1b[K")
        sys.stderr.flush()

    try:
        report = validate(path, grade=not args.no_grade, progress=progress if show_progress else None)
    finally:
        if show_progress:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
    for problem in report.problems:
        print(problem.format())
    print(report.summary())
    return 0 if report.ok else 1
