"""Checks for lesson 13: the L1 and L2 penalties of a layer, and what they add to its gradients."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine import layers, losses
from tutor.grader.api import Mistake, check
from tutor.grader.cases import float32_exact, random_matrix

SETTINGS = ("weight_l1", "weight_l2", "bias_l1", "bias_l2")


def _layer(weights, biases, settings) -> layers.Dense:
    """An engine Dense layer holding these parameters and penalties (the reference's home)."""
    layer = layers.Dense(*np.shape(weights), *settings)
    layer.weights = np.array(weights, dtype=float)
    layer.biases = np.array(biases, dtype=float)
    return layer


def _cases(rng: np.random.Generator):
    """(name, weights, biases, settings, note): the lesson's layer first, then each penalty alone (so
    that every mistake gives its own number), all four at once, none, and exact zeros."""
    w0 = float32_exact([[0.5, -1.0, 0.25], [-0.75, 2.0, 0.0]])
    b0 = float32_exact([[0.5, -0.5, 1.0]])
    w1, b1 = random_matrix(rng, 4, 3), random_matrix(rng, 1, 3)
    w2, b2 = random_matrix(rng, 2, 64), random_matrix(rng, 1, 64)
    w3, b3 = random_matrix(rng, 3, 5), random_matrix(rng, 1, 5)
    wz, bz = random_matrix(rng, 4, 4), random_matrix(rng, 1, 4)
    wz[rng.random(wz.shape) < 0.4] = 0.0
    bz[0, :2] = 0.0
    zeros = "some weights and biases here are exactly 0."
    return [
        ("the lesson's layer, weight_l1=0.01 and weight_l2=0.001", w0, b0, (0.01, 0.001, 0.0, 0.0), None),
        ("weights (4, 3), weight_l1=0.1 only", w1, b1, (0.1, 0.0, 0.0, 0.0), None),
        ("weights (4, 3), weight_l2=0.05 only", w1, b1, (0.0, 0.05, 0.0, 0.0), None),
        ("weights (4, 3), bias_l1=0.2 only", w1, b1, (0.0, 0.0, 0.2, 0.0), None),
        ("weights (4, 3), bias_l2=0.3 only", w1, b1, (0.0, 0.0, 0.0, 0.3), None),
        ("weights (2, 64), all four penalties", w2, b2, (5e-4, 5e-4, 1e-3, 2e-3), None),
        ("weights (3, 5), no penalties (all 0)", w3, b3, (0.0, 0.0, 0.0, 0.0), None),
        ("weights (4, 4) with zeros, all four penalties", wz, bz, (0.01, 0.02, 0.03, 0.04), zeros),
    ]


TERM_NAMES = ("the weights' L1 term", "the weights' L2 term", "the biases' L1 term", "the biases' L2 term")


def _total_with(whole: float, term: float, replacement: float) -> Callable[[], float]:
    """The total loss with one term replaced: what a mistake in that term alone gives."""
    return lambda: whole - term + replacement


def _term_mistakes(settings, sums, values) -> list[Mistake]:
    """One term of the four wrong, the others right: left out, subtracted, or a mean or a maximum
    in place of the sum."""
    terms = [strength * total for strength, total in zip(settings, sums)]
    whole = float(sum(terms))
    mistakes = []
    for index, (name, term, strength, value) in enumerate(zip(TERM_NAMES, terms, settings, values)):
        parts = value * value if index % 2 else np.abs(value)
        label = name[0].upper() + name[1:]
        mistakes += [
            Mistake(
                f"{label} is missing from your total.", _total_with(whole, term, 0.0), cause="missing-term"
            ),
            Mistake(
                f"{label} is subtracted; every penalty is added.",
                _total_with(whole, term, -term),
                cause="sign",
            ),
            Mistake(
                f"{label} takes the mean where the penalty sums over every value.",
                _total_with(whole, term, strength * float(parts.mean())),
                cause="reduction",
            ),
            Mistake(
                f"{label} takes the largest value where the penalty sums over every value.",
                _total_with(whole, term, strength * float(parts.max())),
                cause="reduction",
            ),
        ]
    return mistakes


@check("regularization-loss")
def regularization_loss_check(submission):
    regularization_loss = submission.function(
        "regularization_loss", "weights, biases, weight_l1, weight_l2, bias_l1, bias_l2"
    )
    for name, w, b, settings, note in _cases(submission.rng):
        wl1, wl2, bl1, bl2 = settings
        with submission.case(name, note=note):
            expected = losses.regularization_loss(_layer(w, b, settings))

            def total(weight_terms, bias_terms):
                return (
                    wl1 * weight_terms[0] + wl2 * weight_terms[1] + bl1 * bias_terms[0] + bl2 * bias_terms[1]
                )

            right_w = (np.abs(w).sum(), (w * w).sum())
            right_b = (np.abs(b).sum(), (b * b).sum())
            mistakes = [
                Mistake(
                    "The L1 penalty sums the values themselves; it sums their sizes (absolute values), so "
                    "negative weights are penalised too.",
                    lambda: total((w.sum(), right_w[1]), (b.sum(), right_b[1])),
                    cause="formula",
                ),
                Mistake(
                    "The L2 penalty sums the values themselves, or their sizes; it sums their squares.",
                    lambda: total((right_w[0], np.abs(w).sum()), (right_b[0], np.abs(b).sum())),
                    cause="formula",
                ),
                Mistake(
                    "The L2 penalty takes the square root of the sum of squares (the length of the "
                    "weights). It is the sum of squares itself, with no root.",
                    lambda: total((right_w[0], np.sqrt(right_w[1])), (right_b[0], np.sqrt(right_b[1]))),
                    cause="formula",
                ),
                Mistake(
                    "You took the mean where the penalty is a sum: every weight adds its own share.",
                    lambda: total((np.abs(w).mean(), (w * w).mean()), (np.abs(b).mean(), (b * b).mean())),
                    cause="reduction",
                ),
                Mistake(
                    "The L1 and L2 strengths are swapped: l1 multiplies the sum of absolute values, l2 "
                    "the sum of squares.",
                    lambda: wl2 * right_w[0] + wl1 * right_w[1] + bl2 * right_b[0] + bl1 * right_b[1],
                    cause="order",
                ),
                Mistake(
                    "The biases are left out: they get their own penalties, bias_l1 and bias_l2.",
                    lambda: total(right_w, (0.0, 0.0)),
                    cause="missing-term",
                ),
                Mistake(
                    "The weights are left out: weight_l1 and weight_l2 penalise the weights.",
                    lambda: total((0.0, 0.0), right_b),
                    cause="missing-term",
                ),
                Mistake(
                    "The biases are penalised with the weights' strengths. Use bias_l1 and bias_l2 for "
                    "the biases.",
                    lambda: wl1 * (right_w[0] + right_b[0]) + wl2 * (right_w[1] + right_b[1]),
                    cause="formula",
                ),
                Mistake(
                    "The L2 penalty is halved. Some texts use 0.5 * l2 * sum of squares; this course "
                    "uses l2 * sum of squares, whose gradient is 2 * l2 * w.",
                    lambda: total((right_w[0], right_w[1] / 2), (right_b[0], right_b[1] / 2)),
                    cause="scale",
                ),
                *_term_mistakes(settings, right_w + right_b, (w, w, b, b)),
            ]
            received = regularization_loss(
                *((w, b) + (settings if any(settings) else ())), unchanged=("weights", "biases")
            )
            submission.expect(received, expected, mistakes=mistakes, meaning="a single number", inputs=w)


def _at_zero_as_given(expected: np.ndarray, received, value: np.ndarray, l1: float) -> np.ndarray:
    """``expected`` (with the slope of |w| taken as 0 at w = 0) where the learner took it as +1 instead:
    at exactly 0 the slope is undefined, and both choices are right."""
    try:
        mine = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return expected
    expected = np.asarray(expected, dtype=float)
    other = expected + l1 * (value == 0)
    if mine.shape != other.shape or not l1:
        return expected
    chosen = (value == 0) & np.isclose(mine, other, rtol=1e-4, atol=1e-7)
    return np.where(chosen, other, expected)


def _gradient_mistakes(label, value, grad, l1, l2, received) -> list[Mistake]:
    """The mistakes of one parameter's gradient (``label`` names it in the messages)."""

    def added(l1_term=np.sign, l2_factor=2.0, base=None):
        gradient = grad if base is None else base
        return lambda: _at_zero_as_given(
            gradient + l1 * l1_term(value) + l2_factor * l2 * value, received, value, l1
        )

    return [
        Mistake(
            f"{label} adds l2 * w for the L2 penalty. The derivative of l2 * w ** 2 is 2 * l2 * w: the 2 "
            "is missing.",
            added(l2_factor=1.0),
            cause="scale",
        ),
        Mistake(
            f"{label} adds l1 * w for the L1 penalty. The slope of |w| is the sign of w: +1 for a "
            "positive value, -1 for a negative one.",
            added(l1_term=lambda v: v),
            cause="formula",
        ),
        Mistake(
            f"{label} adds l1 * |w| for the L1 penalty, the penalty itself. Its slope is the sign of w: "
            "+1 or -1.",
            added(l1_term=np.abs),
            cause="formula",
        ),
        Mistake(
            f"{label} adds l1 everywhere. The slope of |w| is -1 where w is negative, so the L1 term "
            "pushes every weight towards 0.",
            added(l1_term=np.ones_like),
            cause="sign",
        ),
        Mistake(
            f"{label} is only the penalties' share. Add it to the gradient you were given: the loss is "
            "the data loss plus the penalty.",
            added(base=np.zeros_like(grad)),
            cause="missing-term",
        ),
        Mistake(
            f"{label} subtracts the penalties' share; it is added, as the penalty is added to the loss.",
            lambda: 2 * grad - added()(),
            cause="sign",
        ),
        Mistake(
            f"{label} is the gradient unchanged: add the slopes of the penalties.",
            lambda: grad,
            cause="return",
        ),
        Mistake(
            f"{label} leaves out the L1 term: add l1 times the sign of each value.",
            added(l1_term=np.zeros_like),
            cause="missing-term",
        ),
        Mistake(
            f"{label} leaves out the L2 term: add 2 * l2 times each value.",
            added(l2_factor=0.0),
            cause="missing-term",
        ),
        Mistake(
            f"{label} subtracts the L1 term; the slope of the penalty is added to the gradient.",
            added(l1_term=lambda v: -np.sign(v)),
            cause="sign",
        ),
        Mistake(
            f"{label} subtracts the L2 term; the slope of the penalty is added to the gradient.",
            added(l2_factor=-2.0),
            cause="sign",
        ),
    ]


@check("regularization-backward")
def regularization_backward_check(submission):
    gradients = submission.function(
        "regularization_gradients",
        "weights, biases, dweights, dbiases, weight_l1, weight_l2, bias_l1, bias_l2",
    )
    names = ("new_dweights", "new_dbiases")
    for name, w, b, settings, note in _cases(submission.rng):
        wl1, wl2, bl1, bl2 = settings
        dw, db = random_matrix(submission.rng, *w.shape), random_matrix(submission.rng, *b.shape)
        with submission.case(name, note=note):
            layer = _layer(w, b, settings)
            layer.dweights, layer.dbiases = dw.copy(), db.copy()
            layer._add_regularization_gradients()
            args = (w, b, dw, db) + (settings if any(settings) else ())
            received = gradients(*args, unchanged=("weights", "biases", "dweights", "dbiases"))
            parts = (
                list(received) if isinstance(received, (tuple, list)) and len(received) == 2 else [None, None]
            )
            mistakes = {
                "new_dweights": _gradient_mistakes("new_dweights", w, dw, wl1, wl2, parts[0]),
                "new_dbiases": _gradient_mistakes("new_dbiases", b, db, bl1, bl2, parts[1]),
            }
            mistakes["new_dbiases"].append(
                Mistake(
                    "new_dbiases uses the weights' strengths. The biases have their own, bias_l1 and "
                    "bias_l2.",
                    lambda: _at_zero_as_given(db + wl1 * np.sign(b) + 2 * wl2 * b, parts[1], b, wl1),
                    cause="formula",
                )
            )
            expected = (
                _at_zero_as_given(layer.dweights, parts[0], w, wl1),
                _at_zero_as_given(layer.dbiases, parts[1], b, bl1),
            )
            submission.expect_tuple(received, expected, names, mistakes=mistakes)
