"""Checks for lesson 14: a dropout layer's forward pass (a random mask, judged statistically) and its
backward pass.

The learner's mask is random, so ``dropout-forward`` cannot compare it with one expected array. It
checks what every correct mask has, whichever random method drew it: the shape of the inputs, entries
that are 0 or ``1 / (1 - rate)``, a kept share within a few standard deviations of ``1 - rate`` (on
large inputs), a new draw for every value and on every call, and ``output = inputs * mask``.
"""

from __future__ import annotations

import numpy as np

from engine import layers
from tutor.grader.api import CaseFailure, Mistake, check, proved
from tutor.grader.cases import float32_exact, random_matrix

# How many standard deviations the kept share may stray from 1 - rate: a correct mask fails one
# large case about once in two million.
Z_LIMIT = 5.0


def _numbers(value, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CaseFailure(f"{what} should be numbers (a NumPy array), not {type(value).__name__}.") from None


def _pair(received) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(received, (tuple, list)) or len(received) != 2:
        raise CaseFailure(
            "Expected a tuple of 2 values, (output, mask), but got something else. End with "
            "`return output, mask`."
        )
    return _numbers(received[0], "`output`"), _numbers(received[1], "`mask`")


def _fail(message: str, cause: str) -> None:
    proved(message, cause)
    raise CaseFailure(message)


def _check_mask_values(mask: np.ndarray, inputs: np.ndarray, rate: float) -> None:
    """Every entry 0 or 1 / (1 - rate), the mask shaped like the inputs."""
    if mask.shape != inputs.shape:
        raise CaseFailure(
            f"`mask` has shape {mask.shape}; it needs one entry per input, shape {inputs.shape}, so that "
            "each value is kept or dropped on its own."
        )
    scale = 1 / (1 - rate)
    values = mask[~np.isclose(mask, 0.0, atol=1e-12)]
    if values.size == 0 or np.allclose(values, scale, rtol=1e-5):
        return
    if rate and np.allclose(values, 1.0):
        _fail(
            "`mask` holds 0s and 1s: the kept values are not scaled up. Divide the kept entries by "
            "1 - rate so that the expected sum of the outputs stays the same as without dropout.",
            "scale",
        )
    if rate and np.allclose(values, 1 - rate):
        _fail(
            "`mask` multiplies the kept values by 1 - rate; divide by it instead, so that the fewer "
            "values that survive make up for the dropped ones.",
            "scale",
        )
    if rate and np.allclose(values, 1 / rate):
        _fail(
            "`mask` scales the kept values by 1 / rate. `rate` is the share dropped; the share kept is "
            "1 - rate, and the kept values are divided by that.",
            "formula",
        )
    raise CaseFailure(
        f"Every entry of `mask` should be 0 or 1 / (1 - rate) = {scale:.6g}; yours has other values, "
        f"such as {values.flat[0]:.6g}."
    )


def _check_share(mask: np.ndarray, rate: float) -> None:
    """Decisions are not shared by a whole row or column, and the kept share is within Z_LIMIT
    standard deviations of 1 - rate. (Shared decisions first: a mask drawn per row has far fewer
    independent draws, so its share wanders further than the bound for single values allows.)"""
    kept = mask != 0
    rows_alike = kept.shape[1] > 1 and bool(np.all(kept == kept[:, :1]))
    columns_alike = kept.shape[0] > 1 and bool(np.all(kept == kept[:1, :]))
    if rows_alike or columns_alike:
        what = "a whole row (sample)" if rows_alike else "a whole column (neuron) across all samples"
        _fail(
            f"Your mask keeps or drops {what} at once. Draw a separate decision for every single value: "
            "a random array of the inputs' full shape.",
            "formula",
        )
    n = mask.size
    share = float(kept.mean())
    keep = 1 - rate
    spread = np.sqrt(keep * rate / n)
    if abs(share - keep) > Z_LIMIT * spread:
        if abs(share - rate) <= Z_LIMIT * spread:
            _fail(
                f"Your mask keeps about {share:.3f} of the values with rate {rate:g}: it keeps each value "
                "with probability rate. `rate` is the share to drop; keep each with probability 1 - rate.",
                "formula",
            )
        raise CaseFailure(
            f"Your mask keeps {share:.3f} of the {n} values; with rate {rate:g} each value should be kept "
            f"with probability {keep:g}, so about {keep:.3f} of them (give or take {spread * 3:.3f})."
        )


@check("dropout-forward")
def dropout_forward_check(submission):
    dropout_forward = submission.function("dropout_forward", "inputs, rate")
    rng = submission.rng
    lesson = float32_exact([[1.0, -2.0, 3.0, 0.5], [4.0, 0.25, -1.5, 2.0]])
    cases = [
        ("the lesson's batch (2, 4), rate 0.5", lesson, 0.5, False),
        ("a batch (300, 64), rate 0.1", random_matrix(rng, 300, 64), 0.1, True),
        ("a batch (200, 100), rate 0.3", random_matrix(rng, 200, 100), 0.3, True),
        ("a batch (100, 200), rate 0.8", random_matrix(rng, 100, 200), 0.8, True),
        ("rate 0: nothing is dropped", random_matrix(rng, 5, 3), 0.0, False),
        ("a single sample (1, 2000), rate 0.25", random_matrix(rng, 1, 2000), 0.25, True),
    ]
    for name, inputs, rate, large in cases:
        with submission.case(name):
            received = dropout_forward(inputs, rate, unchanged=("inputs",))
            output, mask = _pair(received)
            _check_mask_values(mask, inputs, rate)
            if large and rate:
                _check_share(mask, rate)
            kept = mask != 0
            scale = 1 / (1 - rate)
            submission.expect(
                output,
                inputs * mask,
                what="`output`",
                meaning="one value per input",
                mistakes=[
                    Mistake(
                        "`output` keeps the right values but does not scale them: output is the inputs "
                        "times the mask, scale included.",
                        lambda: inputs * kept if rate else None,
                        cause="scale",
                    ),
                    Mistake(
                        "`output` is the inputs unchanged: multiply them by the mask.",
                        lambda: inputs,
                        cause="return",
                    ),
                    Mistake(
                        "`output` is scaled twice: the mask already holds 1 / (1 - rate), so multiply "
                        "the inputs by the mask alone.",
                        lambda: inputs * mask * scale if rate else None,
                        cause="scale",
                    ),
                ],
            )
            if large:
                again = _pair(dropout_forward(inputs, rate))[1]
                if again.shape == mask.shape and np.array_equal(again, mask):
                    _fail(
                        "Called twice with the same inputs, your function returned the same mask. Every "
                        "call must draw a new one (no fixed seed inside the function, no mask kept from "
                        "an earlier call): each training step drops a different random set of values.",
                        "state",
                    )


@check("dropout-backward")
def dropout_backward_check(submission):
    dropout_backward = submission.function("dropout_backward", "dvalues, mask")
    rng = submission.rng

    def mask_for(shape, rate):
        return (rng.random(shape) >= rate) / (1 - rate)

    cases = [
        (
            "the lesson's gradients (2, 4), rate 0.5",
            float32_exact([[0.5, -1.0, 2.0, 0.25], [1.5, 0.75, -0.5, 1.0]]),
            np.array([[2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 2.0, 2.0]]),
        ),
        ("gradients (3, 3), rate 0.2", random_matrix(rng, 3, 3), mask_for((3, 3), 0.2)),
        ("gradients (50, 64), rate 0.1", random_matrix(rng, 50, 64), mask_for((50, 64), 0.1)),
        ("gradients (4, 6), rate 0: nothing dropped", random_matrix(rng, 4, 6), np.ones((4, 6))),
        ("gradients (1, 10), rate 0.75", random_matrix(rng, 1, 10), mask_for((1, 10), 0.75)),
    ]
    layer = layers.Dropout(0.5)
    for name, dvalues, mask in cases:
        with submission.case(name):
            layer.mask = mask
            layer.backward(dvalues)
            expected = layer.dinputs
            square = mask.shape[0] == mask.shape[1]
            mistakes = [
                Mistake(
                    "The gradient of a dropped value is 0 and the others pass, but unscaled: the mask "
                    "scaled the kept values on the way forward, so it scales their gradients too.",
                    lambda: dvalues * (mask != 0) if np.any((mask != 0) & (mask != 1)) else None,
                    cause="scale",
                ),
                Mistake(
                    "You returned the gradients unchanged. A dropped value did not reach the output, so "
                    "its gradient is 0; multiply by the mask.",
                    lambda: dvalues,
                    cause="return",
                ),
                Mistake(
                    "You returned the mask. The gradient is the incoming gradients times the mask, "
                    "element by element.",
                    lambda: mask,
                    cause="return",
                ),
                Mistake(
                    "You multiplied as matrices. The mask applies to each value separately: multiply "
                    "element by element with *.",
                    (lambda: dvalues @ mask) if square else (lambda: None),
                    cause="formula",
                ),
                Mistake(
                    "Your gradient keeps the dropped values and drops the kept ones: the mask's zeros "
                    "are the dropped values.",
                    lambda: dvalues * (mask == 0),
                    cause="comparison",
                ),
            ]
            received = dropout_backward(dvalues, mask, unchanged=("dvalues", "mask"))
            submission.expect(
                received,
                expected,
                mistakes=mistakes,
                meaning="one value per gradient",
                nonfinite="Your gradient has inf or nan: dividing by the mask divides by its zeros. "
                "Multiply by the mask instead.",
            )
