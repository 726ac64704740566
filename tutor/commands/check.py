"""``nntutor check EXERCISE_ID FILE [--json]``: grade a Python file against an exercise.

Exit status 0 when the answer passes, 1 when it fails, 2 for a usage error (an unknown exercise id, with
close matches; a missing or unreadable file). The human output is the grader's feedback; ``--json``
prints one JSON object instead (exercise, passed, summary, cases, stdout, duration_ms, gradient_check and
trained where the check attached them, and the feedback).
``--record`` also records the attempt in the learner's progress store, as the app does (off by default,
so that the command has no side effects for scripts).
"""

from __future__ import annotations

import argparse

from tutor.commands import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", metavar="EXERCISE_ID", help="the exercise to check, e.g. relu")
    parser.add_argument("file", metavar="FILE", help="the Python file with your answer")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument(
        "--record", action="store_true", help="record the attempt in your progress (as the app does)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="wall-clock limit for your code (default: the exercise's, usually 5)",
    )


def _resolve(exercise_id: str) -> tuple[str, float | None]:
    """The check id and time limit for ``exercise_id``: a lesson's code exercise names its check and may
    set a timeout; a check id works on its own too."""
    from tutor.commands.inputs import shown
    from tutor.grader import check_ids, has_check

    # exercise id -> (check id, timeout) for the lessons' code exercises
    exercises: dict[str, tuple[str, float | None]] = {}
    try:
        from tutor.curriculum import load_curriculum

        exercises = {
            exercise.id: (exercise.check, exercise.timeout)
            for exercise in load_curriculum().exercises
            if exercise.kind == "code" and exercise.check
        }
    except Exception:
        pass
    if exercise_id in exercises:
        return exercises[exercise_id]
    if has_check(exercise_id):
        return exercise_id, None
    import difflib

    known = sorted(set(exercises) | set(check_ids()))
    # An id far longer than any known one is close to none of them (and slow to compare).
    close = difflib.get_close_matches(exercise_id, known, n=3, cutoff=0.5) if len(exercise_id) < 100 else []
    hint = f"; did you mean {', '.join(close)}?" if close else "; `nntutor validate --checks` lists them"
    raise UsageError(f"unknown exercise id '{shown(exercise_id)}'{hint}")


def _read_source(path_text: str) -> str:
    """The learner's file as text: a regular file of at most 1 MB, UTF-8 (a BOM is allowed)."""
    from tutor.commands.inputs import MAX_ANSWER_BYTES, read_file, shown

    data = read_file(path_text, cap=MAX_ANSWER_BYTES, kind="a Python file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{shown(path_text)} is not UTF-8 text; save it as UTF-8") from None


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from tutor.grader.client import MAX_TIMEOUT

    if args.timeout is not None and not 0 < args.timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be between 0 and {MAX_TIMEOUT:g} seconds")
    check_id, lesson_timeout = _resolve(args.exercise)
    source = _read_source(args.file)

    from tutor.grader import Grader, GraderUnavailable

    timeout = args.timeout if args.timeout is not None else lesson_timeout
    with Grader() as grader:
        try:
            result = grader.grade(check_id, source, filename=Path(args.file).name, timeout=timeout)
        except GraderUnavailable as error:
            import sys

            sys.stderr.write(f"nntutor check: the grader could not start: {error}\n")
            return 1
    data = result.to_json()
    data["exercise"] = args.exercise
    if args.record:
        data["recorded"] = _record(args.exercise, bool(result.passed), result.duration_ms)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(result.feedback)
        if args.record and data["recorded"]:
            print("Recorded in your progress.")
    return 0 if result.passed else 1


def _record(exercise_id: str, passed: bool, duration_ms: float) -> bool:
    """Record the attempt in the progress store; False (and a note on stderr) when it is not saved."""
    import sys

    from tutor.store import Store

    with Store.open() as store:
        store.record_attempt(exercise_id, passed, duration_ms)
        if store.notice:
            sys.stderr.write(f"note: {store.notice}\n")
        return store.saving
