"""Proofs from the learner's code itself: what its source shows, beyond the values it returns.

Each stops the check with one sentence when the code is not what the exercise asks for: a given input
copied wrongly (:func:`expect_given`), an answer typed in rather than computed
(:func:`require_computed`), a call the exercise forbids (:func:`forbid_calls`). The code is parsed,
never run (:func:`learner_code`). A cause proved this way is named at once in the mistake ledger.
"""

from __future__ import annotations

import ast
import contextlib
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.grader import describe, explain
from tutor.grader.compare import close, try_numbers
from tutor.grader.failures import StopCheck
from tutor.grader.mistakes import proved

if TYPE_CHECKING:
    from tutor.grader.api import Submission

# Named when the learner's function, called again with the same inputs, answers differently.
STATE_SENTENCE = (
    "Called a second time with the same inputs, your function returned something else: it keeps "
    "something from one call to the next (a global variable, a mutable default argument such as "
    "`=[]`, or a total that is never reset). Compute the result from the arguments alone."
)


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


def expect_given(submission: Submission, given: dict[str, Any]) -> None:
    """Stop with the entry that differs when the learner's copy of a given input (``inputs``,
    ``weights``...) is not the exercise's: a mistyped number explains every wrong output at once."""
    code = learner_code(submission)
    for name, value in given.items():
        if not code.assigns(name):
            continue
        mine = try_numbers(submission.value(name, f"the given `{name}`"))
        want = np.asarray(value, dtype=float)
        if mine is None or mine.shape != want.shape or close(mine, want, 1e-9, 1e-12):
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
