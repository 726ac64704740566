"""Check for lesson 17: splitting a data set into mini-batches.

``batches(X, y, batch_size)`` may return a list of ``(X_batch, y_batch)`` pairs or yield them (a
generator): both are iterables, and the lesson's training loop only iterates. A generator cannot travel
as a value, so the check asks the learner's process for its items one at a time (``__next__`` by
handle) until ``StopIteration``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tutor.grader import wire
from tutor.grader.api import CaseFailure, check
from tutor.grader.cases import float32_exact

# A generator that yields more batches than there are samples is taken to be endless (asked no further).
EXTRA_ITEMS = 2


def _collect(submission, function, args: tuple, limit: int) -> list:
    """What ``function(*args)`` gives when iterated, as a list (at most ``limit`` items from a
    generator or iterator).

    A list, tuple or array comes back as values; a generator, an iterator or an iterable object is
    drained in the learner's process (:meth:`Submission.items`).
    """
    result = function(*args, unchanged=("X", "y"), iterable_ok=True)
    if not isinstance(result, wire.LearnerObject):
        if isinstance(result, np.ndarray):
            return list(result)
        if not isinstance(result, (list, tuple)):
            raise CaseFailure(
                f"`batches` returned {_describe_kind(result)}. Return (or yield) the batches: one "
                "(X_batch, y_batch) pair after another."
            )
        return list(result)
    items = submission.items(result, limit, while_doing="taking the next batch from `batches`")
    if items is None and result.kind == "object":
        raise CaseFailure(
            f"`batches` returned a {result.type_name} object, which cannot be iterated over. Return a "
            "list of (X_batch, y_batch) pairs, or yield them one at a time."
        )
    if items is None:
        raise CaseFailure(
            f"`batches` returned a {result.type_name}. Return a list of (X_batch, y_batch) pairs, or "
            "yield them one at a time."
        )
    return items


def _describe_kind(value: Any) -> str:
    if isinstance(value, (int, float, np.generic)):
        return f"a single number, {value}"
    return f"a {type(value).__name__}"


def _as_array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CaseFailure(f"{what} is not an array of numbers: it should be a slice of the data.") from None
    return array


def _cases(rng: np.random.Generator):
    """(name, X, y, batch_size, note). Rows of X and entries of y are all different, so any sample
    out of place is seen."""
    lesson_X = np.arange(20, dtype=float).reshape(10, 2)
    lesson_y = np.arange(10)
    yield "the lesson's example: 10 samples, batch_size 4", lesson_X, lesson_y, 4, None
    for samples, batch_size, note in (
        (9, 3, "batch_size divides the 9 samples exactly: three full batches, none left over."),
        (7, 1, None),
        (5, 8, "batch_size is larger than the data: one batch holds all 5 samples."),
        (6, 6, None),
        (1000, 128, None),
    ):
        X = float32_exact(rng.normal(0.0, 1.0, (samples, 2)) + np.arange(samples)[:, None] * 10)
        y = rng.permutation(samples)
        name = f"{samples} sample{'s' if samples > 1 else ''}, batch_size {batch_size}"
        yield name, X, y, batch_size, note
    X = np.arange(12, dtype=float).reshape(12, 1) / 4
    yield "regression targets of shape (12, 1), batch_size 5", X, float32_exact(np.sin(X) + 2), 5, None


def _structure_sentence(items: list, X: np.ndarray, batch_size: int) -> str | None:
    """A sentence for a wrong number of batches, naming the usual cause when it is certain."""
    samples = len(X)
    expected = math.ceil(samples / batch_size)
    count = len(items)
    if count == expected:
        return None
    if count == 0:
        return (
            f"`batches` gave no batches at all; {samples} samples in batches of {batch_size} make "
            f"{expected}. Return (or yield) one (X_batch, y_batch) pair per batch."
        )
    if count > samples + 1:
        return (
            f"`batches` gave more than {samples + 1} batches for {samples} samples and batch_size "
            f"{batch_size}, which needs {expected}: does its loop ever stop? Step through the data once."
        )
    if samples % batch_size and count == samples // batch_size:
        return (
            f"You dropped the last, shorter batch: {samples} samples in batches of {batch_size} leave "
            f"{samples % batch_size} over, and they form one more batch. Every sample is used once per "
            "epoch."
        )
    if count == samples - batch_size + 1 or (count == samples and batch_size > 1):
        return (
            "Your batches overlap: each one starts one sample after the previous. Start each batch "
            "batch_size samples after the previous one."
        )
    if count == expected + 1:
        return (
            f"You gave one batch too many: {samples} samples in batches of {batch_size} make {expected}. "
            "Look at the last batch, and at where your loop stops."
        )
    return (
        f"Expected {expected} batches for {samples} samples and batch_size {batch_size} "
        f"(the last one shorter when batch_size does not divide the samples); got {count}."
    )


@check("batches")
def batches_check(submission):
    batches = submission.function("batches", "X, y, batch_size")
    for name, X, y, batch_size, note in _cases(submission.rng):
        with submission.case(name, note=note):
            items = _collect(submission, batches, (X, y, batch_size), len(X) + EXTRA_ITEMS)
            for number, item in enumerate(items, start=1):
                if not isinstance(item, (tuple, list)) or len(item) != 2:
                    raise CaseFailure(
                        f"Batch {number} is not a pair: each batch is (X_batch, y_batch), the samples "
                        "and their targets together."
                    )
            sentence = _structure_sentence(items, X, batch_size) or _order_sentence(items, X)
            if sentence:
                raise CaseFailure(sentence)
            _compare_batches(items, X, y, batch_size)


def _order_sentence(items: list, X: np.ndarray) -> str | None:
    """A sentence when the batches hold every sample once, but not in the data's order."""
    try:
        rows = np.concatenate(
            [np.asarray(X_batch, dtype=float).reshape(-1, *X.shape[1:]) for X_batch, _ in items]
        )
    except (TypeError, ValueError):
        return None
    if rows.shape != X.shape or _same(rows, X):
        return None
    order = np.lexsort(X.reshape(len(X), -1).T[::-1])
    mixed = np.lexsort(rows.reshape(len(rows), -1).T[::-1])
    if not _same(rows[mixed], X[order]):
        return None
    return (
        "Your batches hold every sample once, but not in the data's order. Keep the order: batch 1 "
        "is the first batch_size samples, batch 2 the next, and so on (shuffling, if any, happens "
        "before batching, not inside it)."
    )


def _compare_batches(items: list, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
    for number, (X_got, y_got) in enumerate(items, start=1):
        start = (number - 1) * batch_size
        X_want, y_want = X[start : start + batch_size], y[start : start + batch_size]
        X_got = _as_array(X_got, f"X_batch of batch {number}")
        y_got = _as_array(y_got, f"y_batch of batch {number}")
        if _same(X_got, y_want) and _same(y_got, X_want) and not _same(X_want, y_want):
            raise CaseFailure(
                f"Batch {number} is (y_batch, X_batch), the wrong way round: put the samples first."
            )
        for what, got, want in (("X_batch", X_got, X_want), ("y_batch", y_got, y_want)):
            if got.shape != want.shape:
                raise CaseFailure(
                    f"{what} of batch {number} has shape {got.shape}; it should be {want.shape}: "
                    f"samples {start} to {start + len(want) - 1} of the data, with every column."
                )
            if not _same(got, want):
                raise CaseFailure(_content_sentence(what, number, got, X if what == "X_batch" else y, start))


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-6, atol=0))


def _content_sentence(what: str, number: int, got: np.ndarray, data: np.ndarray, start: int) -> str:
    """Why a batch holds the wrong samples: shuffled, from the wrong place, or something else."""
    flat = data.reshape(len(data), -1)
    rows: list[int] = []
    for row in got.reshape(len(got), -1):
        found = np.flatnonzero(np.all(np.isclose(flat, row, rtol=1e-6, atol=0), axis=1))
        if not len(found):
            break
        rows.append(int(found[0]))
    if len(rows) < len(got):
        return (
            f"{what} of batch {number} holds values that are not samples of the data: a batch is a "
            "slice of the data as it is, not changed."
        )
    wanted = list(range(start, start + len(got)))
    if sorted(rows) == wanted:
        return (
            f"{what} of batch {number} has the right samples in the wrong order. Keep the data's order: "
            "consecutive slices, one after another (shuffling, if any, happens before batching)."
        )
    return f"{what} of batch {number} holds samples {_span(rows)}; it should hold samples {_span(wanted)}."


def _span(indices: list) -> str:
    if len(indices) > 1 and indices == list(range(indices[0], indices[-1] + 1)):
        return f"{indices[0]} to {indices[-1]}"
    shown = ", ".join(str(i) for i in indices[:6])
    return shown + (", ..." if len(indices) > 6 else "")
