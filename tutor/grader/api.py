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

This module is the checks' one import: besides ``check`` and ``Submission`` it re-exports what a check
uses from the modules that do the work: :mod:`tutor.grader.failures` (``CaseFailure``, ``StopCheck``),
:mod:`tutor.grader.mistakes` (``Mistake``, ``CAUSES``, the ledger), :mod:`tutor.grader.proofs`
(``expect_given``, ``require_computed``, ``forbid_calls``, ``learner_code``) and
:mod:`tutor.grader.compare` (value comparison and the sentences that describe a difference).
"""

from __future__ import annotations

import difflib
import functools
import types
import warnings
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from tutor.grader import describe, explain, wire
from tutor.grader.compare import (
    as_numbers,
    capital,
    close,
    difference_sentence,
    nonfinite_words,
    same_values,
    shape_sentence,
    try_numbers,
)
from tutor.grader.failures import CaseFailure, StopCheck
from tutor.grader.limits import ATOL, RTOL
from tutor.grader.mistakes import CAUSES, Ledger, Mistake, Pending, current_ledger, proved, weigh
from tutor.grader.proofs import STATE_SENTENCE, expect_given, forbid_calls, learner_code, require_computed
from tutor.grader.results import CaseResult

__all__ = [
    "ATOL",
    "CAUSES",
    "CHECKS",
    "LAST_NAMED",
    "RTOL",
    "STATE_SENTENCE",
    "CaseFailure",
    "LearnerFunction",
    "Ledger",
    "Mistake",
    "StopCheck",
    "Submission",
    "check",
    "expect_given",
    "forbid_calls",
    "learner_code",
    "proved",
    "require_computed",
]

# exercise id -> check function; filled by the @check decorator when the worker imports the checks.
CHECKS: dict[str, Callable[[Submission], None]] = {}

# The mistakes the last check run named (read by benchmarks/bench_diagnosis.py in its own process).
LAST_NAMED: list[Mistake] = []


def check(exercise_id: str):
    """Register the decorated function as the check for ``exercise_id`` (a string literal: the app
    reads the ids from the source without importing the checks)."""

    def register(function: Callable[[Submission], None]) -> Callable[[Submission], None]:
        if exercise_id in CHECKS:
            raise ValueError(f"two checks for {exercise_id!r}")

        @functools.wraps(function)
        def run(submission: Submission) -> None:
            global LAST_NAMED
            ledger = Ledger()
            try:
                with ledger.recording():
                    function(submission)
            finally:
                LAST_NAMED = ledger.settle(submission, lambda: learner_code(submission))

        CHECKS[exercise_id] = run
        return run

    return register


class LearnerFunction:
    """A function (or a method of a learner's object) from the learner's code, called the way a check
    needs it.

    The call runs in the learner's process: the arguments travel there as values (so the learner's
    function works on its own copies and cannot disturb the expected values) and the result comes back
    as a value (:mod:`tutor.grader.wire`). ``unchanged`` names the parameters the contract says must not
    change: their values after the call are sent back and compared. Exceptions become case failures
    with the learner's traceback; returning None is a failure too (unless ``none_ok``: a method that
    stores its results), and so is a generator or iterator (unless ``iterable_ok``: it then comes back
    as a :class:`wire.LearnerObject`, for :meth:`Submission.items`).
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

    def __call__(
        self, *args, unchanged: tuple[str, ...] = (), none_ok: bool = False, iterable_ok: bool = False
    ):
        names = self.parameters[: len(args)]
        self.submission._call_text = self._call_text(args, names)
        keep = [self.parameters.index(name) for name in unchanged]
        reply = self.submission._ask(
            {"op": "call", **self.target, "args": [wire.encode(arg) for arg in args], "keep": keep}
        )
        self.submission.warnings = [str(text) for text in reply.get("warnings") or []]
        if "exit" in reply:
            needs = "the call to return" if none_ok else "your function to return its result"
            raise StopCheck(
                f"`{self.name}` called sys.exit({reply['exit'] or ''}). Remove that call: the grader "
                f"needs {needs}."
            )
        if "error" in reply:
            error = _remote_exception(reply["error"])
            failure = self.submission.exception_failure(error, while_doing=f"calling {self.name}", args=args)
            if isinstance(error, (RecursionError, MemoryError, KeyboardInterrupt)):
                # Each further case would only repeat a slow failure.
                failure = StopCheck(failure.sentence, failure.detail, failure.traceback)
            raise failure
        result = self.submission._decode(reply.get("value"))
        if result is None and not none_ok:
            raise CaseFailure(
                explain.returned_none_sentence(self.name, self.function, self.submission.filename)  # type: ignore[arg-type]
            )
        if (
            not iterable_ok
            and isinstance(result, wire.LearnerObject)
            and result.kind in ("generator", "iterator")
        ):
            raise CaseFailure(
                f"`{self.name}` returned a {result.type_name} object, not the values themselves. "
                "Wrap it in list(...) or build a list or array."
            )
        after = reply.get("after") or []
        for position, (name, index) in enumerate(zip(unchanged, keep)):
            if index < len(args) and position < len(after):
                changed = self.submission._decode(after[position])
                if not same_values(args[index], changed):
                    raise CaseFailure(
                        f"`{self.name}` changed its argument `{name}` in place. The caller still needs the "
                        "original values: work on a copy (.copy() makes one) or build a new array instead.",
                        detail=describe.side_by_side(
                            try_numbers(args[index]),
                            try_numbers(changed),
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

    def items(self, obj: Any, limit: int, *, while_doing: str = "taking the next item") -> list[Any] | None:
        """The items of a learner's iterable ``obj`` (a generator, an iterator or an object with
        ``__iter__``, as a function called with ``iterable_ok=True`` returns it), as a list of values.

        The iteration runs in the learner's process: ``__iter__`` once, then ``__next__`` one item at a
        time until ``StopIteration`` or ``limit`` items (an endless generator stops there). None when
        ``obj`` cannot be iterated over (a value, a function, an object without ``__iter__``): the check
        says what was expected. An exception while iterating fails the case, "while ``while_doing``".
        """
        if not isinstance(obj, wire.LearnerObject) or obj.handle is None:
            return None
        if obj.kind not in ("generator", "iterator", "object"):
            return None
        found = self._lookup({"op": "getattr", "handle": obj.handle, "attribute": "__iter__"})
        if not found.get("defined") or not found.get("callable"):
            return None
        reply = self._ask({"op": "call", "handle": obj.handle, "attribute": "__iter__", "args": []})
        iterator = self._reply_value(reply, f"{obj.type_name}.__iter__", while_doing)
        if not isinstance(iterator, wire.LearnerObject) or iterator.handle is None:
            return None
        items: list[Any] = []
        while len(items) < limit:
            reply = self._ask({"op": "call", "handle": iterator.handle, "attribute": "__next__", "args": []})
            if "error" in reply and reply["error"].get("type") == "StopIteration":
                return items
            items.append(self._reply_value(reply, f"{obj.type_name}.__next__", while_doing))
        return items

    def _reply_value(self, reply: dict, name: str, while_doing: str) -> Any:
        if "exit" in reply:
            raise StopCheck(f"`{name}` called sys.exit(). Remove that call.")
        if "error" in reply:
            raise self.exception_failure(_remote_exception(reply["error"]), while_doing=while_doing)
        return self._decode(reply.get("value"))

    def new_object(self, **attributes: Any) -> wire.LearnerObject:
        """A new plain object in the learner's process whose attributes hold copies of ``attributes``
        (values): a stand-in layer to hand to the learner's optimizer, say. Pass it as an argument to a
        learner's function or method and the learner's code receives the object itself."""
        reply = self._ask({"op": "new", "attributes": wire.encode(dict(attributes))})
        value = self._decode(reply.get("value"))
        if not isinstance(value, wire.LearnerObject) or value.handle is None:
            raise CaseFailure("The grader could not make its test object in your code's process.")
        return value

    def set_attribute(self, obj: wire.LearnerObject, name: str, value: Any) -> None:
        """Set ``obj.name = value`` in the learner's process (the learner's code gets its own copy of
        ``value``): a case fixing a layer's weights, say. An exception (a property that refuses) fails
        the case."""
        reply = self._ask(
            {"op": "setattr", "handle": obj.handle, "attribute": name, "value": wire.encode(value)}
        )
        if "error" in reply:
            error = _remote_exception(reply["error"])
            raise self.exception_failure(error, while_doing=f"setting {obj.type_name}.{name}")

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
        ledger = current_ledger()
        if ledger is not None:
            ledger.shapes.setdefault(len(self.cases), np.shape(expected if inputs is None else inputs))
        if received is None:
            raise CaseFailure(f"{capital(what)} is None.")
        received_array = as_numbers(received, what)
        if expected.ndim == 0 and received_array.size == 1 and (one_element_ok or received_array.ndim == 0):
            received_array = received_array.reshape(())
        right = close(received_array, expected, rtol, atol)
        matched = weigh(mistakes, what, received_array, expected, right, rtol, atol)
        if right:
            return
        detail = self._values_block(what, expected, received_array, reveal)
        if again is not None:
            repeated = try_numbers(again())
            if repeated is None or not close(
                repeated.reshape(received_array.shape) if repeated.size == received_array.size else repeated,
                received_array,
                rtol,
                atol,
            ):
                proved(STATE_SENTENCE, "state")
                raise CaseFailure(STATE_SENTENCE, detail)
        if received_array.shape != expected.shape:
            sentence = shape_sentence(what, expected, received_array, meaning, rtol, atol)
        else:
            bad = ~np.isfinite(received_array) & np.isfinite(expected)
            if bad.any():
                sentence = nonfinite or (
                    f"{capital(what)} contains {nonfinite_words(received_array[bad])} where the answer "
                    "is a finite number."
                )
                if self.warnings and not nonfinite:
                    sentence += f" NumPy warned: {self.warnings[0]}."
            else:
                sentence = difference_sentence(what, expected, received_array, rtol, atol, reveal)
        failure = CaseFailure(sentence, detail)
        if ledger is not None:
            ledger.pending.append(Pending(len(self.cases), failure, what, matched))
        elif matched:  # outside a check run (a check's own test): name the first match at once
            failure.sentence = matched[0].message
        raise failure

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
        arrays = [try_numbers(value) for value in received]
        wanted = [np.asarray(value, dtype=float) for value in expected]
        all_right = all(a is not None and close(a, w, rtol, atol) for a, w in zip(arrays, wanted))
        if not all_right:
            for position, value in enumerate(arrays):
                for index, want in enumerate(wanted):
                    if (
                        index != position
                        and value is not None
                        and close(value, want, rtol, atol)
                        and not close(wanted[position], want, rtol, atol)
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
