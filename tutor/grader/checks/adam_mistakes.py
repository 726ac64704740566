"""Adam's step gone wrong: one set of mistake models for lesson 9's ``adam_update`` function and lesson
10's ``Optimizer_Adam`` class, each told in the names that exercise uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.grader.api import Mistake


@dataclass(frozen=True)
class AdamNames:
    """How the feedback calls Adam's quantities. The defaults are ``adam_update``'s."""

    m: str = "new_m"
    """The first moment after the step (the running average of the gradients)."""
    v: str = "new_v"
    """The second moment after the step (the running average of the squared gradients)."""
    old_m: str = "the old m"
    """The first moment before the step."""
    old_v: str = "the old v"
    """The second moment before the step."""
    m_hat: str = "m_hat"
    """The bias-corrected first moment."""
    v_hat: str = "v_hat"
    """The bias-corrected second moment."""
    iteration: str = "iteration"
    """The step counter, counted from 0."""
    returned: str = "You returned the"
    """How a value the learner gave back (returned, or stored) is spoken of."""
    keep: str = "Return"
    """How keeping the running average is asked for."""
    unchanged: str = "new_weights is the old weights unchanged: move them by the step."
    """The sentence for a parameter that did not move."""


def _class_names(part: str, parameter: str) -> AdamNames:
    """``Optimizer_Adam``'s names for the layer's ``parameter`` (weights or biases), whose slots are
    called ``layer.{part}_momentums`` and ``layer.{part}_cache``."""
    return AdamNames(
        m=f"layer.{part}_momentums",
        v=f"layer.{part}_cache",
        old_m="the old momentums",
        old_v="the old cache",
        m_hat=f"{part}_momentums_corrected",
        v_hat=f"{part}_cache_corrected",
        iteration="self.iterations",
        returned="You kept the",
        keep="Keep",
        unchanged=f"The layer's {parameter} did not change: update_params(layer) moves them by the step.",
    )


CLASS_NAMES = {"weights": _class_names("weight", "weights"), "biases": _class_names("bias", "biases")}
"""``Optimizer_Adam``'s names, for a layer's weights and for its biases."""


def adam_mistakes(
    w: Any,
    dw: Any,
    m: Any,
    v: Any,
    iteration: int,
    lr: float,
    b1: float,
    b2: float,
    eps: float,
    names: AdamNames = AdamNames(),
) -> dict[str, list[Mistake]]:
    """The mistakes of one Adam step from ``w`` with gradient ``dw`` and moments ``m``, ``v`` (before the
    step) at step ``iteration`` (from 0): for the new first moment (``"m"``), the new second moment
    (``"v"``) and the new parameter (``"weights"``)."""
    n = names
    new_m = b1 * m + (1 - b1) * dw
    new_v = b2 * v + (1 - b2) * dw**2
    t = iteration + 1
    m_hat = new_m / (1 - b1**t)
    v_hat = new_v / (1 - b2**t)
    with np.errstate(all="ignore"):
        m_hat_off = new_m / (1 - b1**iteration)
        v_hat_off = new_v / (1 - b2**iteration)
        corrections = {
            "1 + beta ** t": (1 + b1**t, 1 + b2**t, "sign"),
            "beta ** t without the 1 -": (b1**t, b2**t, "sign"),
            f"beta ** ({n.iteration} + 2)": (1 - b1 ** (t + 1), 1 - b2 ** (t + 1), "off-by-one"),
        }

    def corrected_by(d1: Any, d2: Any) -> Callable[[], Any]:
        """The new weights when m_hat divides by ``d1`` and v_hat by ``d2``."""
        return lambda: w - lr * (new_m / d1) / (np.sqrt(new_v / d2) + eps)

    correction_mistakes = [
        Mistake(
            f"The bias correction divides by {wrong_form} instead of 1 - beta ** ({n.iteration} + 1).",
            corrected_by(d1, d2),
            cause=cause,
        )
        for wrong_form, (d1, d2, cause) in corrections.items()
    ]
    # One of the two corrections wrong, the other right: name which one and how.
    with np.errstate(all="ignore"):
        one_side = {
            f"1 + beta ** ({n.iteration} + 1): the sign is wrong, it is 1 - beta": (
                1 + b1**t,
                1 + b2**t,
                "sign",
            ),
            f"1, so it corrects nothing: it is 1 - beta ** ({n.iteration} + 1)": (1.0, 1.0, "bias"),
            f"1 - beta ** ({n.iteration} + 2): the power is one too high, it is {n.iteration} + 1": (
                1 - b1 ** (t + 1),
                1 - b2 ** (t + 1),
                "off-by-one",
            ),
            f"1 - beta ** {n.iteration}: the power is one too low, it is {n.iteration} + 1": (
                1 - b1 ** (t - 1),
                1 - b2 ** (t - 1),
                "off-by-one",
            ),
            f"1 - beta ** ({n.iteration} - 1): the 1 is subtracted from the {n.iteration}, not added": (
                1 - b1 ** (t - 2),
                1 - b2 ** (t - 2),
                "sign",
            ),
        }
    for wrong_form, (d1, d2, cause) in one_side.items():
        correction_mistakes += [
            Mistake(
                f"{n.m_hat} (the correction of {n.m} with beta_1) divides by {wrong_form}.",
                corrected_by(d1, 1 - b2**t),
                cause=cause,
            ),
            Mistake(
                f"{n.v_hat} (the correction of {n.v} with beta_2) divides by {wrong_form}.",
                corrected_by(1 - b1**t, d2),
                cause=cause,
            ),
        ]
    old_m, old_v = n.old_m.removeprefix("the "), n.old_v.removeprefix("the ")
    return {
        "m": [
            Mistake(
                f"{n.m} subtracts the gradient's part; it is added: beta_1 * m plus (1 - beta_1) "
                "times the gradient.",
                lambda: b1 * m - (1 - b1) * dw,
                cause="sign",
            ),
            Mistake(
                f"{n.m} leaves out the gradient: it mixes {n.old_m} with (1 - beta_1) times the gradient.",
                lambda: b1 * m if np.any(m) else None,
                cause="missing-term",
            ),
            Mistake(
                f"{n.m} adds {n.old_m} without scaling it by beta_1.",
                lambda: m + (1 - b1) * dw if np.any(m) else None,
                cause="missing-term",
            ),
            Mistake(
                f"{n.m} adds the whole gradient: weight it by 1 - beta_1, so that the average "
                f"mixes beta_1 of {n.old_m} with 1 - beta_1 of the gradient.",
                lambda: b1 * m + dw,
                cause="missing-term",
            ),
            Mistake(
                f"{n.m} weights the gradient by 1 + beta_1; it is 1 - beta_1.",
                lambda: b1 * m + (1 + b1) * dw,
                cause="sign",
            ),
            Mistake(
                f"{n.m} has beta_1 and 1 - beta_1 swapped: {n.old_m} is weighted by beta_1, the "
                "gradient by 1 - beta_1.",
                lambda: (1 - b1) * m + b1 * dw,
                cause="order",
            ),
            Mistake(
                f"{n.returned} bias-corrected {old_m.removeprefix('old ')} ({n.m_hat}). {n.keep} the running "
                "average itself; the correction is only for this step.",
                lambda: m_hat,
                cause="bias",
            ),
            Mistake(
                f"{n.m} was not updated: it is a running average that mixes {n.old_m} with the gradient.",
                lambda: m,
                cause="return",
            ),
        ],
        "v": [
            Mistake(
                f"{n.v} subtracts the squared gradient's part; it is added.",
                lambda: b2 * v - (1 - b2) * dw**2,
                cause="sign",
            ),
            Mistake(
                f"{n.v} leaves out the squared gradient: it mixes {n.old_v} with (1 - beta_2) times "
                "the squared gradient.",
                lambda: b2 * v if np.any(v) else None,
                cause="missing-term",
            ),
            Mistake(
                f"{n.v} adds {n.old_v} without scaling it by beta_2.",
                lambda: v + (1 - b2) * dw**2 if np.any(v) else None,
                cause="missing-term",
            ),
            Mistake(
                f"{n.v} adds the whole squared gradient: weight it by 1 - beta_2, so that the "
                f"average mixes beta_2 of {n.old_v} with 1 - beta_2 of the squared gradient.",
                lambda: b2 * v + dw**2,
                cause="missing-term",
            ),
            Mistake(
                f"{n.v} weights the squared gradient by 1 + beta_2; it is 1 - beta_2.",
                lambda: b2 * v + (1 + b2) * dw**2,
                cause="sign",
            ),
            Mistake(
                f"{n.v} uses the gradient cubed; it averages the squared gradients (power 2).",
                lambda: b2 * v + (1 - b2) * dw**3,
                cause="off-by-one",
            ),
            Mistake(
                f"{n.v} uses the gradient itself; it averages the squared gradients.",
                lambda: b2 * v + (1 - b2) * dw,
                cause="formula",
            ),
            Mistake(
                f"{n.v} has beta_2 and 1 - beta_2 swapped: {n.old_v} is weighted by beta_2, the "
                "squared gradient by 1 - beta_2.",
                lambda: (1 - b2) * v + b2 * dw**2,
                cause="order",
            ),
            Mistake(
                f"{n.returned} bias-corrected {old_v.removeprefix('old ')} ({n.v_hat}). {n.keep} the running "
                "average itself; the correction is only for this step.",
                lambda: v_hat,
                cause="bias",
            ),
            Mistake(
                f"{n.v} was not updated: it is a running average that mixes {n.old_v} with the "
                "squared gradient.",
                lambda: v,
                cause="return",
            ),
        ],
        "weights": [
            *correction_mistakes,
            Mistake(n.unchanged, lambda: w, cause="return"),
            Mistake(
                f"The step leaves out epsilon: add it to the square root of {n.v_hat} (it keeps the "
                f"division safe where {n.v_hat} is 0).",
                lambda: w - lr * m_hat / np.sqrt(v_hat),
                cause="missing-term",
            ),
            Mistake(
                f"The bias correction uses {n.iteration} instead of {n.iteration} + 1. Iterations count "
                "from 0, so at the first step 1 - beta ** 0 = 0 and you divide by zero.",
                lambda: w - lr * m_hat_off / (np.sqrt(v_hat_off) + eps),
                cause="off-by-one",
            ),
            Mistake(
                f"The step subtracts epsilon from the square root of {n.v_hat}; it is added (it keeps "
                "the divisor away from 0).",
                lambda: w - lr * m_hat / (np.sqrt(v_hat) - eps),
                cause="sign",
            ),
            Mistake(
                "Epsilon went inside the square root. Add it after taking the square root.",
                lambda: w - lr * m_hat / np.sqrt(v_hat + eps),
                cause="formula",
            ),
            Mistake(
                f"You left out the bias correction: the step uses {n.m} and {n.v} corrected for "
                f"starting at zero ({n.m_hat} and {n.v_hat}), not the raw averages.",
                lambda: w - lr * new_m / (np.sqrt(new_v) + eps),
                cause="bias",
            ),
            Mistake(
                "The step goes the wrong way: it is subtracted from the weights, against the gradient.",
                lambda: w + lr * m_hat / (np.sqrt(v_hat) + eps),
                cause="sign",
            ),
            Mistake(
                f"The step has no square root on {n.v_hat}: divide by its square root (plus epsilon).",
                lambda: w - lr * m_hat / (v_hat + eps),
                cause="formula",
            ),
            Mistake(
                f"That is a plain SGD step: Adam's step uses {n.m_hat}, scaled down by the square "
                f"root of {n.v_hat}, not the raw gradient.",
                lambda: w - lr * dw,
                cause="return",
            ),
        ],
    }
