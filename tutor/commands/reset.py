"""``nntutor reset EXERCISE_ID | --all [--yes]``: start an exercise, or the whole course, over.

Forgets the attempts, hints, revealed solution and draft. On a terminal it asks ``y/N`` first; ``--yes``
skips the question (for scripts). Without a terminal and without ``--yes`` it refuses (exit 2), as it
does for an unknown exercise id (with close matches) or for both or neither of EXERCISE_ID and --all.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", metavar="EXERCISE_ID", nargs="?", help="the exercise to start over")
    parser.add_argument("--all", action="store_true", help="start every exercise over")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")


def known_exercise(exercise_id: str, known: set[str]) -> str:
    """``exercise_id`` when it is in ``known``, else a UsageError with close matches."""
    import difflib

    from tutor.commands import UsageError
    from tutor.commands.inputs import shown

    if exercise_id in known:
        return exercise_id
    close = (
        difflib.get_close_matches(exercise_id, sorted(known), n=3, cutoff=0.5)
        if len(exercise_id) < 100
        else []
    )
    hint = f"; did you mean {', '.join(close)}?" if close else "; `nntutor list` shows them"
    raise UsageError(f"unknown exercise id '{shown(exercise_id)}'{hint}")


def run(args: argparse.Namespace) -> int:
    from tutor.commands import UsageError
    from tutor.curriculum import load_curriculum
    from tutor.store import Store

    if args.all == (args.exercise is not None):
        raise UsageError("name one exercise to reset, or --all for every exercise")
    with Store.open() as store:
        if not store.saving:
            sys.stderr.write(f"nntutor reset: {store.notice or 'the progress store cannot be written'}\n")
            return 1
        records = store.records()
        if args.exercise is not None:
            known = {exercise.id for exercise in load_curriculum().exercises} | set(records)
            exercise_id: str | None = known_exercise(args.exercise, known)
            touched = [exercise_id] if exercise_id in records else []
            what = f"your progress on '{exercise_id}'"
        else:
            exercise_id = None
            touched = sorted(records)
            what = f"your progress on all {len(touched)} exercises you have started"
        if not args.yes and not (sys.stdin is not None and sys.stdin.isatty()):
            raise UsageError("no terminal to confirm on: add --yes to reset without asking")
        if not touched:
            print("Nothing to reset: no progress is saved for that.")
            return 0
        attempts = sum(records[name].attempts for name in touched)
        question = (
            f"Forget {what} ({attempts} attempt{'s' if attempts != 1 else ''}, hints, solutions, drafts)?"
        )
        if not args.yes and not _confirm(question):
            print("Nothing was reset.")
            return 1
        store.forget(exercise_id)
        if not store.saving:  # the write failed
            sys.stderr.write(f"nntutor reset: {store.notice or 'the progress store cannot be written'}\n")
            return 1
    print(f"Reset {what}.")
    return 0


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}
