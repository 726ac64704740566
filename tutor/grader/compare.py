"""Comparing a learner's value with the expected one, and saying in words how they differ.

Used by ``Submission.expect`` (:mod:`tutor.grader.api`), the mistake ledger and the proofs: reading a
value as numbers (or failing with a sentence that says what it is instead), equality within the
check's tolerances, and the sentences that describe a difference without naming a cause (a wrong shape,
every value scaled or shifted, which rows or columns are wrong).
"""

from __future__ import annotations

import types
import warnings

import numpy as np

from tutor.grader import describe
from tutor.grader.failures import CaseFailure


def capital(text: str) -> str:
    """``text`` with its first letter upper-case (a sentence that starts with ``what``)."""
    return text[:1].upper() + text[1:]


def same_values(before, after) -> bool:
    """Whether ``after`` holds the numbers of ``before`` (nan equal to nan); non-numbers by ``==``."""
    try:
        return np.array_equal(np.asarray(before, dtype=float), np.asarray(after, dtype=float), equal_nan=True)
    except (TypeError, ValueError):
        return before == after


def close(received: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape and every value within tolerance (nan matches nan)."""
    if received.shape != expected.shape:
        return False
    return bool(np.all(np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True)))


def try_numbers(value) -> np.ndarray | None:
    """``value`` as a float array, or None when NumPy cannot read it as numbers."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def as_numbers(value, what: str) -> np.ndarray:
    """``value`` as a float array; a :class:`CaseFailure` that says what it is when it is no numbers."""
    if isinstance(value, str):
        raise CaseFailure(f"{capital(what)} is a string ({value[:40]!r}); it should be numbers.")
    if isinstance(value, dict):
        raise CaseFailure(f"{capital(what)} is a dict; it should be a number, a list or an array.")
    if isinstance(value, (types.GeneratorType, map, filter, zip)):
        raise CaseFailure(f"{capital(what)} is a {type(value).__name__} object; wrap it in list(...).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            array = np.asarray(value)
            if array.dtype.kind == "c":
                raise TypeError("complex")
            return array.astype(float)
    except (TypeError, ValueError, np.exceptions.ComplexWarning):
        raise CaseFailure(
            f"{capital(what)} should be numbers (a number, a list or an array), but it is "
            f"{describe.describe(value)} that NumPy cannot read as a regular array of numbers."
        ) from None


def difference_sentence(what, expected, received, rtol, atol, reveal) -> str:
    """What differs, in words, naming no cause: a single number higher or lower (and by how much), every
    value scaled by one factor or shifted by one amount, or which rows or columns are wrong."""
    if expected.ndim == 0:
        if reveal:
            return (
                f"{capital(what)} is {describe.number_text(received)}, not {describe.number_text(expected)}."
            )
        return f"{capital(what)} is {describe.number_text(received)}: {describe.how_far(expected, received)}."
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


def nonfinite_words(values: np.ndarray) -> str:
    """ "nan (not a number)", "inf" or both: what non-finite ``values`` hold, in words."""
    kinds = []
    if np.isnan(values).any():
        kinds.append("nan (not a number)")
    if np.isinf(values).any():
        kinds.append("inf")
    return " and ".join(kinds)


def shape_sentence(what, expected, received, meaning, rtol, atol) -> str:
    """What is wrong with the shape of ``received``: transposed, a missing or extra length-1 axis,
    empty, one number for many or many for one."""
    wanted = f"{meaning}, shape {expected.shape}" if meaning else f"shape {expected.shape}"
    if expected.ndim == 0:
        return (
            f"Expected a single number for {what}, but got {received.size} values (shape {received.shape})."
        )
    if received.ndim == 0:
        return f"Expected {wanted} for {what}, but got a single number."
    if received.size == 0:
        return (
            f"{capital(what)} is empty, but {wanted} was expected. Did the loop that should fill it "
            "add nothing?"
        )
    if received.ndim == 2 and received.shape == expected.shape[::-1]:
        if close(received.T, expected, rtol, atol):
            return (
                f"{capital(what)} is transposed: the right numbers, but rows and columns swapped. "
                f"Expected {wanted}; got {received.shape}."
            )
        return f"Expected {wanted}; got {received.shape}, rows and columns swapped."
    squeezed = tuple(size for size in expected.shape if size != 1)
    if received.shape == squeezed and close(received.reshape(expected.shape), expected, rtol, atol):
        return (
            f"The right numbers, but shape {received.shape} instead of {expected.shape}: the length-1 "
            "axis is missing. Keep it when you sum (keepdims=True)."
        )
    if tuple(size for size in received.shape if size != 1) == expected.shape:
        return f"{capital(what)}: expected {wanted}; got {received.shape}, which has an extra length-1 axis."
    return f"{capital(what)}: expected {wanted}; got {received.shape}."
