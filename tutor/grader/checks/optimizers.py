"""Checks for lessons 7 to 9: SGD, learning-rate decay, momentum and Adam."""

from __future__ import annotations

import ast

import numpy as np

from engine import optimizers
from tutor.grader.api import Mistake, check
from tutor.grader.cases import random_matrix
from tutor.grader.checks.adam_mistakes import adam_mistakes


def _parameter_shapes(rng):
    """(name, weights, dweights) for the update exercises: a layer's weights, its biases, a big layer."""
    return [
        ("weights of shape (4, 3)", random_matrix(rng, 4, 3), random_matrix(rng, 4, 3)),
        ("biases of shape (1, 3)", random_matrix(rng, 1, 3), random_matrix(rng, 1, 3)),
        ("a 1-D array of 5 values", random_matrix(rng, 1, 5)[0], random_matrix(rng, 1, 5)[0]),
        ("weights of shape (2, 64)", random_matrix(rng, 2, 64), random_matrix(rng, 2, 64)),
    ]


@check("sgd-update")
def sgd_update_check(submission):
    sgd_update = submission.function("sgd_update", "weights, dweights, learning_rate")
    for (name, w, dw), lr in zip(_parameter_shapes(submission.rng), (0.1, 1.0, 0.05, 0.5)):
        with submission.case(f"{name}, learning rate {lr:g}"):
            mistakes = [
                Mistake(
                    "You stepped with the gradient instead of against it: the gradient points uphill, "
                    "so the step is subtracted from the weights, not added.",
                    lambda: w + lr * dw,
                    cause="sign",
                ),
                Mistake(
                    "You left out the learning rate: it scales the gradient to make the step.",
                    lambda: w - dw if lr != 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "You returned the step alone. Return the new weights: the old weights moved by "
                    "that step.",
                    lambda: -lr * dw,
                    cause="return",
                ),
                Mistake(
                    "You returned the weights unchanged: they should move one step against the gradient.",
                    lambda: w,
                    cause="return",
                ),
            ]
            received = sgd_update(w, dw, lr, unchanged=("weights", "dweights"))
            submission.expect(
                received,
                optimizers.sgd_step(w, dw, lr),
                mistakes=mistakes,
                meaning="the same shape as weights",
            )


@check("lr-decay")
def lr_decay_check(submission):
    decayed = submission.function("decayed_learning_rate", "learning_rate, decay, iteration")
    cases = [
        (1.0, 0.1, 1),
        (1.0, 0.1, 0),
        (1.0, 1e-3, 100),
        (0.05, 5e-7, 10000),
        (0.02, 1e-5, 9999),
        (1.0, 0.0, 50),
        (0.5, 0.1, 3),
    ]
    for lr, decay, iteration in cases:
        with submission.case(f"learning_rate={lr:g}, decay={decay:g}, iteration={iteration}"):
            expected = optimizers.decayed_learning_rate(lr, decay, iteration)
            mistakes = [
                Mistake(
                    "You subtracted decay * iteration in the divisor; it is added: the divisor "
                    "1 + decay * iteration grows, so the learning rate shrinks.",
                    lambda: lr / (1 - decay * iteration) if decay * iteration != 1 else None,
                    cause="sign",
                ),
                Mistake(
                    "Your iterations are off by one: they count from 0, and the first update "
                    "(iteration 0) uses the full learning rate. Use decay * iteration, not "
                    "decay * (iteration + 1).",
                    lambda: lr / (1 + decay * (iteration + 1)),
                    cause="off-by-one",
                ),
                Mistake(
                    "Check the brackets: you computed learning_rate / 1 + decay * iteration. Division "
                    "comes before addition, so only the 1 was divided: put brackets around the whole "
                    "divisor.",
                    lambda: lr + decay * iteration,
                    cause="formula",
                    refuted_by=lambda code: not code.uses_operator(ast.Div),
                ),
                Mistake(
                    "You added decay * iteration to the learning rate. This rule divides the learning "
                    "rate by a divisor that grows by decay with every iteration.",
                    lambda: lr + decay * iteration,
                    cause="formula",
                ),
                Mistake(
                    "Check the brackets: you computed learning_rate / (1 + decay) * iteration, which "
                    "multiplies by the iteration. decay and iteration belong together inside the "
                    "divisor.",
                    lambda: lr / (1 + decay) * iteration,
                    cause="formula",
                    refuted_by=lambda code: not code.multiplies_a_quotient(),
                ),
                Mistake(
                    "You multiplied the learning rate by the iteration, so it grows as the iterations go "
                    "by. The iteration belongs inside the divisor, multiplied by decay.",
                    lambda: lr / (1 + decay) * iteration,
                    cause="formula",
                ),
                Mistake(
                    "You decayed exponentially (a power of 1 / (1 + decay)). This rule divides once, "
                    "by a divisor that grows by decay with every iteration.",
                    lambda: lr * (1 / (1 + decay)) ** iteration,
                    cause="exp-log",
                ),
                Mistake(
                    "You multiplied by (1 - decay * iteration), which reaches 0 and then goes negative. "
                    "This rule divides, by a divisor that grows with every iteration.",
                    lambda: lr * (1 - decay * iteration),
                    cause="formula",
                ),
                Mistake(
                    "You returned the learning rate unchanged: it should shrink as the iterations go "
                    "by, following the lesson's decay rule.",
                    lambda: lr,
                    cause="scale",
                ),
            ]
            received = decayed(lr, decay, iteration)
            submission.expect(
                received,
                expected,
                mistakes=mistakes,
                meaning="a single number",
                again=lambda: decayed(lr, decay, iteration),
            )


@check("momentum-update")
def momentum_update_check(submission):
    momentum_update = submission.function(
        "momentum_update", "weights, dweights, momentums, learning_rate, momentum"
    )
    rng = submission.rng
    settings = [(0.1, 0.9, "random"), (0.5, 0.5, "zeros"), (0.05, 0.0, "random"), (1.0, 0.9, "random")]
    names = ("new_weights", "new_momentums")
    for (name, w, dw), (lr, beta, start) in zip(_parameter_shapes(rng), settings):
        m = np.zeros_like(w) if start == "zeros" else random_matrix(rng, 1, w.size).reshape(w.shape) * 0.1
        label = f"{name}, learning rate {lr:g}, momentum {beta:g}" + (
            ", momentums all 0 (the first step)" if start == "zeros" else ""
        )
        with submission.case(label):
            expected = optimizers.momentum_step(w, dw, m, lr, beta)
            new_m = beta * m - lr * dw
            mistakes = {
                "new_momentums": [
                    Mistake(
                        "new_momentums has the wrong sign on the gradient: the gradient's part is "
                        "subtracted, so the momentums point against the gradient.",
                        lambda: beta * m + lr * dw,
                        cause="sign",
                    ),
                    Mistake(
                        "new_momentums ignores the old momentums: start from the old momentums, scaled "
                        "by the momentum factor.",
                        lambda: -lr * dw if np.any(m) and beta else None,
                        cause="scale",
                    ),
                    Mistake(
                        "new_momentums adds the old momentums without scaling them by the momentum factor.",
                        lambda: m - lr * dw if beta != 1 and np.any(m) else None,
                        cause="scale",
                    ),
                    Mistake(
                        "new_momentums leaves out the gradient: the old momentums, scaled by the momentum "
                        "factor, minus the learning rate times the gradient.",
                        lambda: beta * m if np.any(dw) else None,
                        cause="missing-term",
                    ),
                    Mistake(
                        "new_momentums leaves out the learning rate: it scales the gradient's part.",
                        lambda: beta * m - dw if lr != 1 else None,
                        cause="scale",
                    ),
                    Mistake(
                        "new_momentums is still all zeros: compute them from the old momentums and "
                        "the gradient.",
                        lambda: np.zeros_like(w),
                        cause="return",
                    ),
                ],
                "new_weights": [
                    Mistake(
                        "new_weights moves the wrong way: you subtracted the new momentums, but they "
                        "already point against the gradient, so they are added.",
                        lambda: w - new_m,
                        cause="sign",
                    ),
                    Mistake(
                        "new_weights ignores momentum: it is a plain SGD step. The weights move by the "
                        "new momentums instead.",
                        lambda: w - lr * dw if np.any(m) and beta else None,
                        cause="return",
                    ),
                    Mistake(
                        "new_weights is the old weights unchanged: move them by the new momentums.",
                        lambda: w,
                        cause="return",
                    ),
                    Mistake(
                        "new_weights uses the old momentums. Compute new_momentums first, then move the "
                        "weights by those.",
                        lambda: w + m if np.any(m) else None,
                        cause="return",
                    ),
                ],
            }
            received = momentum_update(w, dw, m, lr, beta, unchanged=("weights", "dweights", "momentums"))
            submission.expect_tuple(
                received, expected, names, mistakes=mistakes, order=("new_momentums", "new_weights")
            )


@check("adam-update")
def adam_update_check(submission):
    adam_update = submission.function(
        "adam_update", "weights, dweights, m, v, iteration, learning_rate, beta_1, beta_2, epsilon"
    )
    rng = submission.rng
    w1, dw1 = random_matrix(rng, 3, 4), random_matrix(rng, 3, 4)
    w5, dw5 = random_matrix(rng, 4, 3), random_matrix(rng, 4, 3)
    m5, v5 = 0.1 * random_matrix(rng, 4, 3), 0.1 * np.abs(random_matrix(rng, 4, 3))
    wt, dwt = random_matrix(rng, 2, 5), 1e-6 * random_matrix(rng, 2, 5)
    wb, dwb = random_matrix(rng, 1, 8), random_matrix(rng, 1, 8)
    mb, vb = 0.1 * random_matrix(rng, 1, 8), 0.1 * np.abs(random_matrix(rng, 1, 8))
    wl, dwl = random_matrix(rng, 2, 64), random_matrix(rng, 2, 64)
    zeros = np.zeros_like
    cases = [
        ("the first step (iteration 0), default settings", (w1, dw1, zeros(w1), zeros(w1), 0), None),
        ("iteration 5, learning rate 0.01", (w5, dw5, m5, v5, 5, 0.01, 0.9, 0.999, 1e-7), None),
        (
            "tiny gradients (about 1e-6)",
            (wt, dwt, zeros(wt), zeros(wt), 0, 0.001, 0.9, 0.999, 1e-7),
            "the gradients here are tiny, so where epsilon goes matters: it is added after the square root.",
        ),
        (
            "biases (1, 8), iteration 99, beta_1=0.8, beta_2=0.99, epsilon=1e-5",
            (wb, dwb, mb, vb, 99, 0.02, 0.8, 0.99, 1e-5),
            None,
        ),
        ("weights (2, 64), iteration 2", (wl, dwl, zeros(wl), zeros(wl), 2, 0.05, 0.9, 0.999, 1e-7), None),
    ]
    names = ("new_weights", "new_m", "new_v")
    for name, args, note in cases:
        with submission.case(name, note=note):
            w, dw, m, v, iteration = args[:5]
            lr, b1, b2, eps = args[5:] if len(args) > 5 else (0.001, 0.9, 0.999, 1e-7)
            expected = optimizers.adam_step(w, dw, m, v, iteration, lr, b1, b2, eps)
            step = expected[0] - w
            mistakes = adam_mistakes(w, dw, m, v, int(iteration), float(lr), float(b1), float(b2), float(eps))
            mistakes = {"new_m": mistakes["m"], "new_v": mistakes["v"], "new_weights": mistakes["weights"]}
            received = adam_update(*args, unchanged=("weights", "dweights", "m", "v"))
            # The step is small next to the weights: judge the weights by the size of the step.
            atol = 1e-4 * float(np.max(np.abs(step))) + 1e-12
            submission.expect_tuple(
                received,
                expected,
                names,
                mistakes=mistakes,
                order=("new_m", "new_v", "new_weights"),
                rtol=1e-6,
                atol=atol,
            )
