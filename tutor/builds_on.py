"""The source graded for a code exercise that builds on earlier ones (the lesson's ``builds_on``).

An exercise like lesson 10's ``train-spiral`` asks only for a training loop; the classes it uses are
the learner's own answers to earlier exercises. The file graded is those answers (the learner's
drafts, in the order ``builds_on`` lists them), then the loop:

    combined = combine(exercise.builds_on, loop, draft=store.draft, passed=is_passed)
    if combined.missing:      # an earlier exercise not passed yet, or its code gone: say which
        ...
    grader.grade(exercise.check, combined.text, filename=combined.filename)
    combined.relabel(result.traceback)   # "train-spiral.py", line 57 -> "your dense-layer", line 12

``from_store(exercise, source, store)`` does the same with the progress store. This module is the one
place that decides what is graded; it imports nothing of the app, so it is tested on its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.curriculum import Exercise
    from tutor.store import Store

# The line above each piece in the combined file, so a reader of the file knows where each part came from.
PIECE_HEADER = "# ---- your {exercise_id} " + "-" * 40

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
        """``Layer_Dense, from dense-layer`` (or the exercise alone when it defines no class)."""
        if not self.classes:
            return f"from {self.exercise_id}"
        return f"{', '.join(self.classes)}, from {self.exercise_id}"


@dataclass(frozen=True)
class Missing:
    """An earlier exercise whose code cannot be used yet, and why (``NOT_PASSED`` or ``NO_CODE``)."""

    exercise_id: str
    reason: str


@dataclass(frozen=True)
class CombinedSource:
    """The file graded: the ``pieces`` the exercise builds on, then its ``own`` piece (the last).
    ``missing``: earlier exercises not ready, in ``builds_on`` order; grade only when it is empty."""

    exercise_id: str
    pieces: tuple[Piece, ...]
    own: Piece
    missing: tuple[Missing, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.exercise_id}.py"

    @property
    def text(self) -> str:
        parts = [f"{_header(piece)}\n{piece.source}\n" for piece in (*self.pieces, self.own)]
        return "\n".join(parts)

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


def _header(piece: Piece) -> str:
    return PIECE_HEADER.format(exercise_id=piece.exercise_id)


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
    exercise_id: str,
    builds_on: Sequence[str],
    source: str,
    *,
    draft: Callable[[str], str | None],
    passed: Callable[[str], bool],
) -> CombinedSource:
    """The file graded for exercise ``exercise_id``: the learner's code of each exercise of
    ``builds_on``, in order, then ``source`` (this exercise's own code).

    ``draft(id)`` gives an earlier exercise's saved code (None if none), ``passed(id)`` whether it
    has passed. An exercise that has not passed, or whose code is gone, is ``missing``: code that
    cannot work is not graded.
    """
    pieces: list[Piece] = []
    missing: list[Missing] = []
    line = 1
    for earlier in builds_on:
        code = draft(earlier)
        if not passed(earlier):
            missing.append(Missing(earlier, NOT_PASSED))
            continue
        if code is None or not code.strip():
            missing.append(Missing(earlier, NO_CODE))
            continue
        code = code.rstrip("\n")
        first = line + 1  # below the piece's header
        last = first + _line_count(code) - 1
        pieces.append(Piece(earlier, code, first, last, defined_classes(code)))
        line = last + 2  # the blank line after the piece
    source = source.rstrip("\n")
    own = Piece(exercise_id, source, line + 1, line + _line_count(source), defined_classes(source))
    return CombinedSource(exercise_id, tuple(pieces), own, tuple(missing))


def from_store(exercise: Exercise, source: str, store: Store) -> CombinedSource:
    """``combine`` for ``exercise`` with the drafts and statuses of the progress ``store``. An
    exercise passed with its solution seen counts as passed (the store says passed wins)."""
    from tutor.store import Status

    return combine(
        exercise.id,
        builds_on(exercise),
        source,
        draft=store.draft,
        passed=lambda exercise_id: store.status(exercise_id) is Status.PASSED,
    )


def builds_on(exercise: Exercise) -> tuple[str, ...]:
    """The ids of the earlier exercises ``exercise`` builds on (none for most)."""
    return tuple(getattr(exercise, "builds_on", ()) or ())
