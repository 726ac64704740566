"""The check API: how the check for one exercise is written.

A check is a function decorated with ``@check("exercise-id")`` in a module under ``tutor/grader/checks/``.
It receives a :class:`Submission` (the learner's code, already run) and runs cases against it::

    @check("relu")
    def relu_check(submission):
        relu = submission.function("relu", "inputs")
        for case in sequence_cases(submission.rng):
            with submission.case(case.name, note=case.note):
                received = relu(case.values)
                submission.expect(received, engine.relu(case.array), mistakes=[
                    Mistake("... used min instead of max ...", lambda: np.minimum(0, case.array)),
                ])

Everything here runs in the grading worker (the judge); the learner's code runs in another process and
only its values come back (``Submission`` and ``LearnerFunction`` reach it). See
docs/checks.md for the full guide (tolerances, case helpers, naming mistakes).
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import difflib
import functools
import types
import warnings
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.grader import describe, explain, wire
from tutor.grader.limits import ATOL, RTOL
from tutor.grader.results import CaseResult

# exercise id -> check function; filled by the @check decorator when the worker imports the checks.
CHECKS: dict[str, Callable[[Submission], None]] = {}


def check(exercise_id: str):
    """Register the decorated function as the check for ``exercise_id`` (a string literal: the app
    reads the ids from the source without importing the checks)."""

    def register(function: Callable[[Submission], None]) -> Callable[[Submission], None]:
        if exercise_id in CHECKS:
            raise ValueError(f"two checks for {exercise_id!r}")

        @functools.wraps(function)
        def run(submission: Submission) -> None:
            ledger = Ledger()
            token = _LEDGER.set(ledger)
            try:
                function(submission)
            finally:
                _LEDGER.reset(token)
                ledger.settle(submission)

        CHECKS[exercise_id] = run
        return run

    return register


def proved(message: str, cause: str) -> None:
    """Record that the check proved ``cause`` itself (see :meth:`Ledger.proved`)."""
    ledger = _LEDGER.get()
    if ledger is not None:
        ledger.proved(message, cause)


def expect_given(submission: Submission, given: dict[str, Any]) -> None:
    """Stop with the entry that differs when the learner's copy of a given input (``inputs``,
    ``weights``...) is not the exercise's: a mistyped number explains every wrong output at once."""
    code = learner_code(submission)
    for name, value in given.items():
        if not code.assigns(name):
            continue
        mine = _try_numbers(submission.value(name, f"the given `{name}`"))
        want = np.asarray(value, dtype=float)
        if mine is None or mine.shape != want.shape or _close(mine, want, 1e-9, 1e-12):
            continue
        index = tuple(int(i) for i in np.argwhere(~np.isclose(mine, want, rtol=1e-9, atol=1e-12))[0])
        where = "".join(f"[{i}]" for i in index)
        sign = " (the sign is different)" if np.sign(mine[index]) == -np.sign(want[index]) else ""
        message = (
            f"Your `{name}` is not the one the exercise gives: `{name}{where}` is "
            f"{describe.number_text(mine[index])}, but the exercise says {describe.number_text(want[index])}"
            f"{sign}. Copy the given numbers exactly."
        )
        proved(message, "sign" if sign else "formula")
        with submission.case(f"`{name}` holds the given numbers"):
            raise StopCheck(message)


def learner_code(submission: Submission) -> explain.LearnerCode:
    """The learner's source, parsed (never run): from ``submission.source`` when there is one, else
    from the text the grader remembered for tracebacks."""
    cached = getattr(submission, "_learner_code", None)
    if cached is None:
        source = getattr(submission, "source", None)
        if isinstance(source, str):
            cached = explain.LearnerCode(source)
        else:
            cached = explain.LearnerCode.of_file(submission.filename)
        with contextlib.suppress(AttributeError):
            submission._learner_code = cached  # type: ignore[attr-defined]
    return cached


def require_computed(submission: Submission, name: str, inputs: tuple[str, ...], what: str) -> None:
    """Stop unless the learner's ``name`` is computed from ``inputs`` rather than typed in."""
    if not learner_code(submission).built_from(name, inputs):
        given = ", ".join(f"`{item}`" for item in inputs)
        failure = StopCheck(
            f"`{name}` is typed in as numbers, not computed. The exercise asks you to compute {what} from "
            f"the given {given} with code, so that the same code works for any inputs."
        )
        with submission.case(f"`{name}` is computed from the inputs"):
            raise failure


def forbid_calls(submission: Submission, names: tuple[str, ...], sentence: str) -> None:
    """Stop when the learner's code calls one of ``names`` (or uses ``@`` when "matmul" is named)."""
    code = learner_code(submission)
    used = [name for name in names if code.calls(name)]
    if "matmul" in names and code.uses_operator(ast.MatMult):
        used.append("@")
    if used:
        with submission.case("uses only what the exercise allows"):
            raise StopCheck(sentence.format(name=used[0]))


class CaseFailure(Exception):
    """A case failed. ``sentence`` names the mistake in plain words; ``detail`` shows the values."""

    def __init__(self, sentence: str, detail: str = "", traceback: str | None = None):
        super().__init__(sentence)
        self.sentence = sentence
        self.detail = detail
        self.traceback = traceback


class StopCheck(CaseFailure):
    """A failure that makes the remaining cases pointless (a missing name, say)."""


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


STATE_SENTENCE = (
    "Called a second time with the same inputs, your function returned something else: it keeps "
    "something from one call to the next (a global variable, a mutable default argument such as "
    "`=[]`, or a total that is never reset). Compute the result from the arguments alone."
)


@dataclass
class _Pending:
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
        self.pending: list[_Pending] = []
        self.named: list[Mistake] = []
        # case index -> the shape of the case's main input (or of its expected value): how close the
        # case is to the lesson's example.
        self.shapes: dict[int, tuple[int, ...]] = {}
        # Mistakes matched on finite numbers at least once: nan matching nan alone proves nothing.
        self.strong: set[tuple[str, str]] = set()

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

    def settle(self, submission: Submission) -> None:
        """Name the mistakes every case agrees with: replace the described failure's headline."""
        global LAST_NAMED
        code = learner_code(submission) if self.pending else None
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
        LAST_NAMED = list(self.named)


# The mistakes the last check run named (read by benchmarks/bench_diagnosis.py in its own process).
LAST_NAMED: list[Mistake] = []
_LEDGER: contextvars.ContextVar[Ledger | None] = contextvars.ContextVar("ledger", default=None)


class LearnerFunction:
    """A function (or a method of a learner's object) from the learner's code, called the way a check
    needs it.

    The call runs in the learner's process: the arguments travel there as values (so the learner's
    function works on its own copies and cannot disturb the expected values) and the result comes back
    as a value (:mod:`tutor.grader.wire`). ``unchanged`` names the parameters the contract says must not
    change: their values after the call are sent back and compared. Exceptions become case failures
    with the learner's traceback; returning None is a failure too.
    """

    def __init__(
        self, submission: Submission, name: str, parameters: tuple[str, ...], target: dict, code=None
    ):
        self.submission = submission
        self.name = name
        self.parameters = parameters
        self.target = target
        # Stands for the function in explain.returned_none_sentence (which reads its __code__).
        self.function = types.SimpleNamespace(
            __code__=types.SimpleNamespace(co_filename=code[0], co_name=code[1], co_firstlineno=code[2])
            if code
            else None
        )

    def __call__(self, *args, unchanged: tuple[str, ...] = ()):
        names = self.parameters[: len(args)]
        self.submission._call_text = self._call_text(args, names)
        keep = [self.parameters.index(name) for name in unchanged]
        reply = self.submission._ask(
            {"op": "call", **self.target, "args": [wire.encode(arg) for arg in args], "keep": keep}
        )
        self.submission.warnings = [str(text) for text in reply.get("warnings") or []]
        if "exit" in reply:
            raise StopCheck(
                f"`{self.name}` called sys.exit({reply['exit'] or ''}). Remove that call: the grader "
                "needs your function to return its result."
            )
        if "error" in reply:
            error = _remote_exception(reply["error"])
            failure = self.submission.exception_failure(error, while_doing=f"calling {self.name}", args=args)
            if isinstance(error, (RecursionError, MemoryError, KeyboardInterrupt)):
                # Each further case would only repeat a slow failure.
                failure = StopCheck(failure.sentence, failure.detail, failure.traceback)
            raise failure
        result = self.submission._decode(reply.get("value"))
        if result is None:
            raise CaseFailure(
                explain.returned_none_sentence(self.name, self.function, self.submission.filename)  # type: ignore[arg-type]
            )
        if isinstance(result, wire.LearnerObject) and result.kind in ("generator", "iterator"):
            raise CaseFailure(
                f"`{self.name}` returned a {result.type_name} object, not the values themselves. "
                "Wrap it in list(...) or build a list or array."
            )
        after = reply.get("after") or []
        for position, (name, index) in enumerate(zip(unchanged, keep)):
            if index < len(args) and position < len(after):
                changed = self.submission._decode(after[position])
                if not _same(args[index], changed):
                    raise CaseFailure(
                        f"`{self.name}` changed its argument `{name}` in place. The caller still needs the "
                        "original values: work on a copy (.copy() makes one) or build a new array instead.",
                        detail=describe.side_by_side(
                            _try_numbers(args[index]),
                            _try_numbers(changed),
                            labels=(f"{name} before", f"{name} after"),
                        ),
                    )
        return result

    def _call_text(self, args, names) -> str:
        lines = [f"Called {self.name}({', '.join(names)}) with"]
        lines.extend(describe.show_argument(name, value) for name, value in zip(names, args))
        return "\n".join(lines)


def _remote_exception(data: dict) -> BaseException:
    from tutor.grader.judge import remote_exception

    return remote_exception(data)


class Submission:
    """The learner's code after it ran, seen from the judge: look up names, run cases, compare values.

    The learner's code lives in another, confined process (``learner``, a
    :class:`tutor.grader.sandbox.LearnerProcess`); :meth:`function` and :meth:`value` reach it through
    values only. ``names`` are the top-level names the learner's file defined. ``rng`` is a NumPy
    Generator seeded per exercise, so a learner sees the same cases each time.
    """

    def __init__(
        self, exercise_id: str, learner, filename: str, rng: np.random.Generator, names: dict | None = None
    ):
        self.exercise_id = exercise_id
        self.learner = learner
        self.namespace = dict(names or {})  # name -> None: what the learner's file defined
        self.filename = filename
        self.rng = rng
        self.cases: list[CaseResult] = []
        self.first_failure: CaseFailure | None = None
        self.warnings: list[str] = []
        self.current_case: str | None = None
        self._call_text = ""
        self._in_case = False

    # -- the learner's process ----------------------------------------------------------------------

    def _ask(self, message: dict) -> dict:
        reply = self.learner.request(message)
        if "too_big" in reply:
            megabytes = wire.MAX_MESSAGE_BYTES >> 20
            raise CaseFailure(
                f"Your code's result is too big to check (over {megabytes} MB of data); the cases are small, "
                "so that is not the expected result."
            )
        if "bad" in reply:
            raise CaseFailure(f"The grader could not use the values it sent: {reply['bad']}.")
        return reply

    def _decode(self, data):
        try:
            return wire.decode(data)
        except wire.WireError as error:
            raise CaseFailure(
                f"Your code's result could not be read as values ({error}). Return numbers, lists or "
                "NumPy arrays."
            ) from None

    def _lookup(self, message: dict) -> dict:
        reply = self._ask(message)
        if "error" in reply:
            error = _remote_exception(reply["error"])
            raise self._record_stop(
                StopCheck(self.exception_failure(error, while_doing="reading a value").sentence)
            )
        return reply

    # -- names --------------------------------------------------------------------------------------

    def _missing(self, name: str, what: str) -> StopCheck:
        defined = [key for key in self.namespace if not key.startswith("__")]
        close = difflib.get_close_matches(name, defined, n=1, cutoff=0.6)
        close += [key for key in defined if key.lower() == name.lower() and key not in close]
        hint = f" You defined `{close[0]}`: is that it, spelled differently?" if close else ""
        return StopCheck(f"Your code doesn't define `{name}`. The exercise asks for {what}.{hint}")

    def value(self, name: str, what: str) -> Any:
        """The value the learner's code gave ``name``; a missing name or None stops the check."""
        reply = self._lookup({"op": "lookup", "name": name})
        if not reply.get("defined"):
            raise self._record_stop(self._missing(name, what))
        if reply.get("callable"):
            raise self._record_stop(
                StopCheck(
                    f"`{name}` is a function; the exercise asks for {what} as a value. Call your function "
                    f"and store its result: {name} = ..."
                )
            )
        value = self._decode(reply.get("value"))
        if value is None:
            raise self._record_stop(
                StopCheck(f"`{name}` is None. Replace None with your calculation of {what}.")
            )
        return value

    def function(self, name: str, parameters: str) -> LearnerFunction:
        """The learner's function ``name``, to be called with ``parameters`` (e.g. "inputs, weights")."""
        parameter_names = tuple(p.strip() for p in parameters.split(",") if p.strip())
        signature = f"{name}({', '.join(parameter_names)})"
        reply = self._lookup({"op": "lookup", "name": name})
        if not reply.get("defined"):
            raise self._record_stop(self._missing(name, f"a function `{signature}`"))
        if not reply.get("callable"):
            value = self._decode(reply.get("value"))
            raise self._record_stop(
                StopCheck(
                    f"`{name}` is {describe.describe(value)}, not a function. Define it with "
                    f"`def {signature}:`."
                )
            )
        return LearnerFunction(self, name, parameter_names, {"name": name}, reply.get("code"))

    def method(self, obj: wire.LearnerObject, name: str, parameters: str) -> LearnerFunction:
        """Method ``name`` of an object the learner's code returned (a class instance, by handle)."""
        parameter_names = tuple(p.strip() for p in parameters.split(",") if p.strip())
        reply = self._lookup({"op": "getattr", "handle": obj.handle, "attribute": name})
        if not reply.get("defined") or not reply.get("callable"):
            raise self._record_stop(
                StopCheck(f"Your {obj.type_name} has no method `{name}({', '.join(parameter_names)})`.")
            )
        target = {"handle": obj.handle, "attribute": name}
        return LearnerFunction(self, f"{obj.type_name}.{name}", parameter_names, target, reply.get("code"))

    def attribute(self, obj: wire.LearnerObject, name: str) -> Any:
        """The value of attribute ``name`` of an object the learner's code returned (None if missing)."""
        reply = self._lookup({"op": "getattr", "handle": obj.handle, "attribute": name})
        return self._decode(reply.get("value")) if reply.get("defined") else None

    def progress(self, name: str) -> None:
        self.current_case = name

    def _record_stop(self, failure: StopCheck) -> StopCheck:
        if not self._in_case:  # inside a case, case() records it
            self._record(
                CaseResult("defines the names the exercise asks for", False, failure.sentence), failure
            )
        return failure

    # -- cases --------------------------------------------------------------------------------------

    @contextmanager
    def case(self, name: str, note: str | None = None):
        """Run one case: a failure inside is recorded (with ``note``, which says what is special about
        this case, shown only when it fails) and the check goes on to the next case."""
        self._call_text = ""
        self.warnings = []
        self.progress(name)
        self._in_case = True
        try:
            # The check's own arithmetic (wrong answers it imagines, say) may overflow: that is not the
            # learner's output. Learner calls record their own warnings (LearnerFunction).
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                yield
        except CaseFailure as failure:
            # The sentence first (one line: it is the case's headline), then the evidence.
            parts = [failure.sentence]
            if self._call_text:
                parts.append(self._call_text)
            if failure.detail:
                parts.append(failure.detail)
            if note:
                parts.append(f"Note: {note}")
            self._record(CaseResult(name, False, "\n".join(parts)), failure)
            if isinstance(failure, StopCheck):
                raise
        else:
            self.cases.append(CaseResult(name, True, ""))
        finally:
            self._in_case = False

    def _record(self, result: CaseResult, failure: CaseFailure) -> None:
        self.cases.append(result)
        if self.first_failure is None:
            self.first_failure = failure

    # -- comparing ----------------------------------------------------------------------------------

    def expect(
        self,
        received,
        expected,
        *,
        what: str = "the result",
        mistakes: Sequence[Mistake] = (),
        one_element_ok: bool = False,
        rtol: float = RTOL,
        atol: float = ATOL,
        meaning: str | None = None,
        nonfinite: str | None = None,
        reveal: bool = True,
        again: Callable[[], Any] | None = None,
        inputs: Any = None,
    ) -> None:
        """Fail the current case unless ``received`` equals ``expected`` within tolerance.

        Accepted as equal: list or array, any float or int dtype, Python or NumPy scalars; with
        ``one_element_ok`` a one-element sequence where a number is expected. ``mistakes`` are weighed
        on every case (see :class:`Mistake`); a failure is described plainly and named at the end of the
        check only if every case agrees. ``meaning`` describes the expected shape in words ("one row per
        sample"); ``nonfinite`` is the sentence for nan/inf where the answer is finite. ``reveal=False``
        never shows the expected value (for exercises whose answer is one fixed value). ``again``
        repeats the learner's call with the same inputs: a different answer proves kept state.
        ``inputs`` is the case's main input when the result is one number (a loss from a batch): its
        shape says how close the case is to the lesson's example (otherwise ``expected``'s does).
        """
        expected = np.asarray(expected, dtype=float)
        ledger = _LEDGER.get()
        if ledger is not None:
            ledger.shapes.setdefault(len(self.cases), np.shape(expected if inputs is None else inputs))
        if received is None:
            raise CaseFailure(f"{_capital(what)} is None.")
        received_array = _as_numbers(received, what)
        if expected.ndim == 0 and received_array.size == 1 and (one_element_ok or received_array.ndim == 0):
            received_array = received_array.reshape(())
        right = _close(received_array, expected, rtol, atol)
        matched = self._weigh(mistakes, what, received_array, expected, right, rtol, atol)
        if right:
            return
        detail = self._values_block(what, expected, received_array, reveal)
        if again is not None:
            repeated = _try_numbers(again())
            if repeated is None or not _close(
                repeated.reshape(received_array.shape) if repeated.size == received_array.size else repeated,
                received_array,
                rtol,
                atol,
            ):
                proved(STATE_SENTENCE, "state")
                raise CaseFailure(STATE_SENTENCE, detail)
        if received_array.shape != expected.shape:
            sentence = _shape_sentence(what, expected, received_array, meaning, rtol, atol)
        else:
            bad = ~np.isfinite(received_array) & np.isfinite(expected)
            if bad.any():
                sentence = nonfinite or (
                    f"{_capital(what)} contains {_nonfinite_words(received_array[bad])} where the answer "
                    "is a finite number."
                )
                if self.warnings and not nonfinite:
                    sentence += f" NumPy warned: {self.warnings[0]}."
            else:
                sentence = _difference_sentence(what, expected, received_array, rtol, atol, reveal)
        failure = CaseFailure(sentence, detail)
        if ledger is not None:
            ledger.pending.append(_Pending(len(self.cases), failure, what, matched))
        elif matched:  # outside a check run (a check's own test): name the first match at once
            failure.sentence = matched[0].message
        raise failure

    def _weigh(self, mistakes, what, received, expected, right, rtol, atol) -> list[Mistake]:
        """Which mistakes this case agrees with; the ledger learns about each. Returns the mistakes the
        learner's (wrong) value matches, in the check's order."""
        ledger = _LEDGER.get()
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
            if _close(wrong, expected, rtol, atol):
                continue
            applicable[mistake.message] = True
            if not right and _close(received, wrong, rtol, atol):
                matches.setdefault(mistake.message, mistake)
                if ledger is not None and np.isfinite(wrong).any():
                    ledger.strong.add((what, mistake.message))
        if ledger is not None:
            # Only a case where the mistake's answer differs from the right one says anything about it.
            for message in applicable:
                ledger.note(what, message, message in matches)
        return list(matches.values())

    def expect_tuple(
        self,
        received,
        expected: tuple,
        names: tuple[str, ...],
        *,
        mistakes: dict[str, Sequence[Mistake]] | None = None,
        order: tuple[str, ...] | None = None,
        **options,
    ) -> None:
        """``received`` must be a tuple (or list) of ``len(names)`` values equal to ``expected``.

        A result returned in the wrong order is recognised and named. ``order`` is the order in which the
        values are compared (compare what others are computed from first, so the message names the cause).
        """
        shown = "(" + ", ".join(names) + ")"
        if not isinstance(received, (tuple, list)) or (
            isinstance(received, list) and len(received) != len(names)
        ):
            raise CaseFailure(
                f"Expected a tuple of {len(names)} values, {shown}, but got "
                f"{describe.describe(received)}. End with `return {', '.join(names)}`."
            )
        if len(received) != len(names):
            raise CaseFailure(
                f"Expected {len(names)} values, {shown}, but got a tuple of {len(received)}. "
                f"End with `return {', '.join(names)}`."
            )
        rtol, atol = options.get("rtol", RTOL), options.get("atol", ATOL)
        arrays = [_try_numbers(value) for value in received]
        wanted = [np.asarray(value, dtype=float) for value in expected]
        all_right = all(a is not None and _close(a, w, rtol, atol) for a, w in zip(arrays, wanted))
        if not all_right:
            for position, value in enumerate(arrays):
                for index, want in enumerate(wanted):
                    if (
                        index != position
                        and value is not None
                        and _close(value, want, rtol, atol)
                        and not _close(wanted[position], want, rtol, atol)
                    ):
                        raise CaseFailure(
                            f"Value number {position + 1} of your tuple is {names[index]}, but that place "
                            f"is for {names[position]}. Return them in the order {shown}."
                        )
        for name in order or names:
            index = names.index(name)
            self.expect(
                received[index],
                expected[index],
                what=f"`{name}`",
                mistakes=(mistakes or {}).get(name, ()),
                **options,
            )

    def _values_block(
        self, what: str, expected: np.ndarray, received: np.ndarray, reveal: bool = True
    ) -> str:
        if reveal:
            block = describe.side_by_side(expected, received)
        else:
            block = describe.without_answer(expected, received)
        if what != "the result":
            return f"For {what}:\n{block}"
        return block

    # -- exceptions ---------------------------------------------------------------------------------

    def exception_failure(self, error: BaseException, *, while_doing: str, args=()) -> CaseFailure:
        """A learner's exception as a failure: trimmed traceback plus a sentence that explains it."""
        trace = explain.learner_traceback(error, self.filename)
        sentence = explain.explain_exception(error, self.namespace, args, filename=self.filename)
        headline = f"Your code raised {type(error).__name__} while {while_doing}"
        line = explain.last_learner_line(error, self.filename)
        headline += f" (line {line})." if line else "."
        detail = trace or f"{type(error).__name__}: {error}"
        return CaseFailure(f"{headline} {sentence}".strip(), detail=detail, traceback=trace)


def _exit_code(error: SystemExit) -> str:
    return "" if error.code is None else repr(error.code)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _same(before, after) -> bool:
    try:
        return np.array_equal(np.asarray(before, dtype=float), np.asarray(after, dtype=float), equal_nan=True)
    except (TypeError, ValueError):
        return before == after


def _close(received: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    if received.shape != expected.shape:
        return False
    return bool(np.all(np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True)))


def _try_numbers(value) -> np.ndarray | None:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _as_numbers(value, what: str) -> np.ndarray:
    if isinstance(value, str):
        raise CaseFailure(f"{_capital(what)} is a string ({value[:40]!r}); it should be numbers.")
    if isinstance(value, dict):
        raise CaseFailure(f"{_capital(what)} is a dict; it should be a number, a list or an array.")
    if isinstance(value, (types.GeneratorType, map, filter, zip)):
        raise CaseFailure(f"{_capital(what)} is a {type(value).__name__} object; wrap it in list(...).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            array = np.asarray(value)
            if array.dtype.kind == "c":
                raise TypeError("complex")
            return array.astype(float)
    except (TypeError, ValueError, np.exceptions.ComplexWarning):
        raise CaseFailure(
            f"{_capital(what)} should be numbers (a number, a list or an array), but it is "
            f"{describe.describe(value)} that NumPy cannot read as a regular array of numbers."
        ) from None


def _difference_sentence(what, expected, received, rtol, atol, reveal) -> str:
    """What differs, in words, naming no cause: a single number higher or lower (and by how much), every
    value scaled by one factor or shifted by one amount, or which rows or columns are wrong."""
    if expected.ndim == 0:
        if reveal:
            return (
                f"{_capital(what)} is {describe.number_text(received)}, not {describe.number_text(expected)}."
            )
        return (
            f"{_capital(what)} is {describe.number_text(received)}: {describe.how_far(expected, received)}."
        )
    differs = ~np.isclose(received, expected, rtol=rtol, atol=atol)
    count = int(differs.sum())
    head = f"{count} of {expected.size} values of {what} differ from the expected ones"
    nonzero = np.abs(expected) > atol
    if nonzero.any() and not (np.abs(received[~nonzero]) > atol * 10).any():
        ratios = received[nonzero] / expected[nonzero]
        factor = float(np.median(ratios))
        if np.allclose(ratios, factor, rtol=1e-3) and count == int(nonzero.sum()):
            if np.isclose(factor, -1.0):
                return f"{head}: every value has the wrong sign (each is -1 times the right one)."
            return f"{head}: every value is {describe.number_text(round(factor, 4))} times the right one."
    shift = received - expected
    if (
        count == expected.size
        and expected.size > 1
        and np.allclose(shift, shift.flat[0], rtol=1e-4, atol=atol)
    ):
        return f"{head}: every value is off by the same amount, {describe.number_text(round(float(shift.flat[0]), 6))}."
    if expected.ndim == 2 and expected.shape[0] > 1 and expected.shape[1] > 1:
        rows = np.flatnonzero(differs.any(axis=1))
        columns = np.flatnonzero(differs.any(axis=0))
        if len(rows) < expected.shape[0]:
            return f"{head}: {_positions('row', rows)} wrong, the other rows are right."
        if len(columns) < expected.shape[1]:
            return f"{head}: {_positions('column', columns)} wrong, the other columns are right."
    return head + "."


def _positions(kind: str, indices) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:6]) + (", ..." if len(indices) > 6 else "")
    return f"{kind} {shown} is" if len(indices) == 1 else f"{kind}s {shown} are"


def _nonfinite_words(values: np.ndarray) -> str:
    kinds = []
    if np.isnan(values).any():
        kinds.append("nan (not a number)")
    if np.isinf(values).any():
        kinds.append("inf")
    return " and ".join(kinds)


def _shape_sentence(what, expected, received, meaning, rtol, atol) -> str:
    wanted = f"{meaning}, shape {expected.shape}" if meaning else f"shape {expected.shape}"
    if expected.ndim == 0:
        return (
            f"Expected a single number for {what}, but got {received.size} values (shape {received.shape})."
        )
    if received.ndim == 0:
        return f"Expected {wanted} for {what}, but got a single number."
    if received.size == 0:
        return (
            f"{_capital(what)} is empty, but {wanted} was expected. Did the loop that should fill it "
            "add nothing?"
        )
    if received.ndim == 2 and received.shape == expected.shape[::-1]:
        if _close(received.T, expected, rtol, atol):
            return (
                f"{_capital(what)} is transposed: the right numbers, but rows and columns swapped. "
                f"Expected {wanted}; got {received.shape}."
            )
        return f"Expected {wanted}; got {received.shape}, rows and columns swapped."
    squeezed = tuple(size for size in expected.shape if size != 1)
    if received.shape == squeezed and _close(received.reshape(expected.shape), expected, rtol, atol):
        return (
            f"The right numbers, but shape {received.shape} instead of {expected.shape}: the length-1 "
            "axis is missing. Keep it when you sum (keepdims=True)."
        )
    if tuple(size for size in received.shape if size != 1) == expected.shape:
        return f"{_capital(what)}: expected {wanted}; got {received.shape}, which has an extra length-1 axis."
    return f"{_capital(what)}: expected {wanted}; got {received.shape}."
