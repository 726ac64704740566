"""The source graded for a code exercise that builds on earlier ones (the lesson's ``builds_on``).

An exercise like lesson 10's ``train-spiral`` asks only for a training loop; the classes it uses are
the learner's own answers to earlier exercises. The file graded is those answers (the learner's
drafts, in the order ``builds_on`` lists them), then the loop:

    combined = combine(exercise, loop, draft=store.draft, passed=is_passed)
    if combined.missing:      # an earlier exercise not passed yet, or its code gone: say which
        ...
    grader.grade(exercise.check, combined.text, filename=combined.filename)
    combined.relabel(result.traceback)   # "train-spiral.py", line 57 -> "your dense-layer", line 12

``from_store(exercise, source, store)`` does the same with the progress store. The text is
``Exercise.source_with`` (the lesson model's rule, which ``nntutor validate`` grades solutions with);
this module adds what the app needs around it: which earlier exercise is not ready, which lines
came from which exercise. It imports nothing of the app, so it is tested on its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.curriculum import Exercise
    from tutor.store import Store

NOT_PASSED = "not passed yet"
NO_CODE = "passed, but its code is no longer saved (it was reset): write it again and check it"


@dataclass(frozen=True)
class Piece:
    """One part of the combined file: ``exercise_id``'s code, on lines ``first_line`` to
    ``last_line`` (1-based, inclusive) of the file; ``classes`` are the classes it defines."""

    exercise_id: str
    source: str
    first_line: int
    last_line: int
    classes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``dense-layer: Layer_Dense``: the exercise first, so a narrow screen still shows it."""
        if not self.classes:
            return self.exercise_id
        return f"{self.exercise_id}: {', '.join(self.classes)}"


@dataclass(frozen=True)
class Missing:
    """An earlier exercise whose code cannot be used yet, and why (``NOT_PASSED`` or ``NO_CODE``)."""

    exercise_id: str
    reason: str


@dataclass(frozen=True)
class CombinedSource:
    """The file graded (``text``): the ``pieces`` the exercise builds on, then its ``own`` piece.
    ``missing``: earlier exercises not ready, in ``builds_on`` order; grade only when it is empty."""

    exercise_id: str
    text: str
    pieces: tuple[Piece, ...]
    own: Piece
    missing: tuple[Missing, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.exercise_id}.py"

    def origin(self, line: int) -> tuple[str, int] | None:
        """``(exercise id, line within that exercise's code)`` of line ``line`` of the file, or None
        for a line between the pieces."""
        for piece in (*self.pieces, self.own):
            if piece.first_line <= line <= piece.last_line:
                return piece.exercise_id, line - piece.first_line + 1
        return None

    def relabel(self, text: str | None) -> str | None:
        """``text`` (a traceback, a case's message) with each ``File "<file>", line N`` of the
        combined file named by the exercise it came from and the line in that code:
        ``File "your dense-layer", line 12``."""
        if not text:
            return text
        pattern = re.compile(rf'File "{re.escape(self.filename)}", line (\d+)')

        def name(match: re.Match[str]) -> str:
            place = self.origin(int(match.group(1)))
            if place is None:
                return match.group(0)
            exercise_id, line = place
            return f'File "your {exercise_id}", line {line}'

        return pattern.sub(name, text)


def defined_classes(source: str) -> tuple[str, ...]:
    """The names of the top-level classes ``source`` defines, in order (none if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    return tuple(node.name for node in tree.body if isinstance(node, ast.ClassDef))


def _line_count(source: str) -> int:
    return len(source.splitlines()) or 1


def combine(
    exercise: Exercise,
    source: str,
    *,
    draft: Callable[[str], str | None],
    passed: Callable[[str], bool],
) -> CombinedSource:
    """The file graded for ``exercise``: the learner's code of each exercise it ``builds_on``, in
    order, then ``source`` (this exercise's own code), joined by ``Exercise.source_with``.

    ``draft(id)`` gives an earlier exercise's saved code (None if none), ``passed(id)`` whether it
    has passed. An exercise that has not passed, or whose code is gone, is ``missing``: code that
    cannot work is not graded.
    """
    codes: dict[str, str] = {}
    missing: list[Missing] = []
    for earlier in exercise.builds_on:
        code = draft(earlier)
        if not passed(earlier):
            missing.append(Missing(earlier, NOT_PASSED))
        elif code is None or not code.strip():
            missing.append(Missing(earlier, NO_CODE))
        else:
            codes[earlier] = code
    text = exercise.source_with(source, codes.get)
    # source_with puts one blank line between the pieces, each without its trailing newlines.
    pieces: list[Piece] = []
    line = 1
    for exercise_id, code in [
        *((earlier, codes.get(earlier, "")) for earlier in exercise.builds_on),
        (exercise.id, source),
    ]:
        code = code.rstrip("\n")
        last = line + _line_count(code) - 1
        pieces.append(Piece(exercise_id, code, line, last, defined_classes(code)))
        line = last + 2
    *earlier_pieces, own = pieces
    kept = tuple(piece for piece in earlier_pieces if piece.exercise_id in codes)
    return CombinedSource(exercise.id, text, kept, own, tuple(missing))


def from_store(exercise: Exercise, source: str, store: Store) -> CombinedSource:
    """``combine`` for ``exercise`` with the drafts and statuses of the progress ``store``. An
    exercise passed with its solution seen counts as passed (the store says passed wins)."""
    from tutor.store import Status

    return combine(
        exercise,
        source,
        draft=store.draft,
        passed=lambda exercise_id: store.status(exercise_id) is Status.PASSED,
    )
