"""The ledger of mistakes: a known wrong answer is named only when every case agrees with it.

A check lists :class:`Mistake` s with each ``expect``; :func:`weigh` asks, case by case, whether the
learner's value matches each one, and the :class:`Ledger` of the running check remembers the answers.
When the check ends (``Ledger.settle``) a described failure gets the mistake's sentence as its headline
only if every case where the mistake's answer differs from the right one agreed with it. Causes a check
proves by itself (a second call, the given numbers) are named at once (:func:`proved`).

The ``check`` decorator (:mod:`tutor.grader.api`) opens one ledger per check run.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.grader import explain
from tutor.grader.compare import close
from tutor.grader.failures import CaseFailure

if TYPE_CHECKING:
    from tutor.grader.api import Submission

# What a mistake is about: one word each, so that a tool can tell whether a diagnosis fits a known
# change to the code (benchmarks/bench_diagnosis.py compares them with the mutation that was made).
CAUSES = (
    "axis", "keepdims", "transpose", "sign", "off-by-one", "reduction", "exp-log", "comparison",
    "in-place", "labels", "bias", "scale", "missing-term", "extra-term", "formula", "clip", "return",
    "state", "order",
)  # fmt: skip


@dataclass
class Mistake:
    """A known wrong answer: if the learner's value matches ``wrong_answer()``, say ``message``.

    ``wrong_answer`` computes what that mistake would return for the current case (it may raise or
    return None, in which case this case says nothing about it). The message is shown only when the
    learner's values match the mistake on every case where it differs from the right answer, and
    ``refuted_by(code)`` is not true of the learner's code
    (an :class:`~tutor.grader.explain.LearnerCode`): otherwise the failure is described, not named.
    ``cause`` is one of :data:`CAUSES`.
    """

    message: str
    wrong_answer: Callable[[], Any]
    cause: str = ""
    refuted_by: Callable[[explain.LearnerCode], bool] | None = None


@dataclass
class Pending:
    """A failure ``expect`` raised, to be named once every case has run."""

    index: int
    failure: CaseFailure
    what: str
    matched: list[Mistake]


class Ledger:
    """What every case said about each mistake of a check, so that a mistake is named only when all
    cases agree with it. One per check run (the ``check`` decorator makes it)."""

    def __init__(self) -> None:
        self.agrees: dict[tuple[str, str], bool] = {}
        self.pending: list[Pending] = []
        self.named: list[Mistake] = []
        # case index -> the shape of the case's main input (or of its expected value): how close the
        # case is to the lesson's example.
        self.shapes: dict[int, tuple[int, ...]] = {}
        # Mistakes matched on finite numbers at least once: nan matching nan alone proves nothing.
        self.strong: set[tuple[str, str]] = set()

    @contextmanager
    def recording(self) -> Iterator[Ledger]:
        """Make this the ledger that :func:`weigh`, :func:`proved` and ``expect`` write to, while the
        ``with`` block runs."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def proved(self, message: str, cause: str) -> None:
        """A cause the check proved by itself (a second call, the given numbers): named at once."""
        self.named.append(Mistake(message, lambda: None, cause))

    def closest_first(self, submission: Submission) -> None:
        """Order the failing cases by how close each is to the lesson's worked example (the first case
        named after the lesson, else the first case): the same number of dimensions first, then the
        nearest size, then the check's own order. The learner is shown first the failure most like
        the example they studied. Only failures ``expect`` described are moved: an exception or a
        stopped check keeps its place."""
        cases = submission.cases
        failing = [index for index, case in enumerate(cases) if not case.passed]
        by_index = {pending.index: pending.failure for pending in self.pending}
        if len(failing) < 2 or not all(index in by_index and index in self.shapes for index in failing):
            return
        lesson = next((i for i, case in enumerate(cases) if "lesson" in case.name.lower()), 0)
        reference = self.shapes.get(lesson)
        if reference is None:
            return

        def distance(index: int) -> tuple[bool, float, int]:
            shape = self.shapes[index]
            ratio = max(1, int(np.prod(shape))) / max(1, int(np.prod(reference)))
            return (len(shape) != len(reference), abs(float(np.log(ratio))), index)

        ordered = sorted(failing, key=distance)
        if ordered == failing:
            return
        moved = [cases[index] for index in ordered]
        for slot, case in zip(failing, moved):
            cases[slot] = case
        submission.first_failure = by_index[ordered[0]]

    def note(self, what: str, message: str, agrees: bool) -> None:
        key = (what, message)
        self.agrees[key] = self.agrees.get(key, True) and agrees

    def settle(self, submission: Submission, read_code: Callable[[], explain.LearnerCode]) -> list[Mistake]:
        """Name the mistakes every case agrees with: replace the described failure's headline. A
        mistake that ``refuted_by`` the learner's code (``read_code()``) stays unnamed. Returns the
        mistakes named."""
        code = read_code() if self.pending else None
        renamed: list[CaseFailure] = []
        for pending in self.pending:
            for mistake in pending.matched:
                key = (pending.what, mistake.message)
                if not self.agrees.get(key, False) or key not in self.strong:
                    continue
                if mistake.refuted_by is not None and code is not None and code.readable:
                    try:
                        if mistake.refuted_by(code):
                            continue
                    except Exception:
                        continue
                old = pending.failure.sentence
                if pending.index < len(submission.cases):
                    case = submission.cases[pending.index]
                    if case.message.startswith(old):
                        case.message = mistake.message + case.message[len(old) :]
                pending.failure.sentence = mistake.message
                self.named.append(mistake)
                renamed.append(pending.failure)
                break
        self.closest_first(submission)
        first = submission.first_failure
        described_first = any(first is pending.failure for pending in self.pending)
        if renamed and first is not None and described_first and first not in renamed:
            # The first failing case is only described; a later one names the cause for all.
            first.sentence = renamed[0].sentence
        return list(self.named)


_CURRENT: contextvars.ContextVar[Ledger | None] = contextvars.ContextVar("ledger", default=None)


def current_ledger() -> Ledger | None:
    """The ledger of the check that is running (None outside a check run: a check's own test)."""
    return _CURRENT.get()


def proved(message: str, cause: str) -> None:
    """Record that the check proved ``cause`` itself (see :meth:`Ledger.proved`)."""
    ledger = _CURRENT.get()
    if ledger is not None:
        ledger.proved(message, cause)


def weigh(
    mistakes: Sequence[Mistake],
    what: str,
    received: np.ndarray,
    expected: np.ndarray,
    right: bool,
    rtol: float,
    atol: float,
) -> list[Mistake]:
    """Which mistakes this case agrees with; the running check's ledger learns about each. Returns the
    mistakes the learner's (wrong) value ``received`` matches, in the check's order."""
    ledger = _CURRENT.get()
    applicable: dict[str, bool] = {}
    matches: dict[str, Mistake] = {}
    for mistake in mistakes:
        try:
            wrong = mistake.wrong_answer()
            if wrong is None:
                continue
            with np.errstate(all="ignore"):
                wrong = np.asarray(wrong, dtype=float)
        except Exception:
            continue
        if expected.ndim == 0 and wrong.size == 1:
            wrong = wrong.reshape(())
        if close(wrong, expected, rtol, atol):
            continue
        applicable[mistake.message] = True
        if not right and close(received, wrong, rtol, atol):
            matches.setdefault(mistake.message, mistake)
            if ledger is not None and np.isfinite(wrong).any():
                ledger.strong.add((what, mistake.message))
    if ledger is not None:
        # Only a case where the mistake's answer differs from the right one says anything about it.
        for message in applicable:
            ledger.note(what, message, message in matches)
    return list(matches.values())
