"""Checks for lessons 15 and 16: the output layers beyond softmax.

A sigmoid output with binary cross-entropy (``sigmoid-backward``, ``bce-loss``, ``bce-backward``) and a
linear output with squared or absolute error (``mse-loss``, ``mse-backward``, ``mae-backward``). Every
array is ``(n_samples, n_outputs)``; losses are the mean over the samples of the mean over the outputs,
and gradients are divided by both counts.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from engine import losses
from engine.activations import Sigmoid
from tutor.grader.api import Mistake, check, learner_code
from tutor.grader.cases import float32_exact, random_matrix

# Lesson 15's worked example: four samples, one sigmoid output each, labels shaped (4, 1).
BINARY_PREDICTIONS = [[0.9], [0.2], [0.6], [0.35]]
BINARY_LABELS = [[1], [0], [0], [1]]
# Lesson 16's worked example: three samples, one linear output each.
REGRESSION_PREDICTIONS = [[0.5], [-0.25], [1.0]]
REGRESSION_TARGETS = [[0.75], [-0.5], [0.0]]

SEVERAL_OUTPUTS = "each sample here has several outputs, so the mean over the outputs matters."
EXTREMES = (
    "some predictions here are exactly 0 or exactly 1, so log(p), log(1 - p), y / p or "
    "(1 - y) / (1 - p) is infinite or undefined unless p is clipped first."
)
UNCLIPPED_LOSS = (
    "Your loss is inf or nan: a prediction of exactly 0 or 1 went into a log. Clip the predictions to "
    "[1e-7, 1 - 1e-7] first (np.clip): the lower bound protects log(p), the upper one log(1 - p)."
)
HALF_CLIPPED_LOSS = (
    "Your loss is inf or nan although your code clips: check both bounds. The lower one, 1e-7, keeps "
    "log(p) finite; the upper one, 1 - 1e-7, keeps log(1 - p) finite when p is exactly 1."
)
UNCLIPPED_GRADIENT = (
    "Your gradient has inf or nan: a prediction of exactly 0 or 1 was divided by. Clip the "
    "predictions to [1e-7, 1 - 1e-7] first, as the loss does."
)
HALF_CLIPPED_GRADIENT = (
    "Your gradient has inf or nan although your code clips: check both bounds. 1e-7 keeps y / p "
    "finite; 1 - 1e-7 keeps (1 - y) / (1 - p) finite when p is exactly 1."
)


def _clips(submission) -> bool:
    return learner_code(submission).calls_any("clip", "maximum", "minimum")


def _binary_cases(rng: np.random.Generator) -> Iterator[tuple[str, np.ndarray, np.ndarray, str | None]]:
    """(name, y_pred, y_true, note): the lesson's batch, random batches of several shapes, integer and
    float labels, and predictions of exactly 0 and 1 (only where the clip's float32 rounding at
    1 - 1e-7 cannot matter: p = 1 with label 1)."""
    yield "the lesson's batch", float32_exact(BINARY_PREDICTIONS), np.asarray(BINARY_LABELS), None
    for samples, outputs, note in ((1, 1, None), (6, 1, None), (5, 3, SEVERAL_OUTPUTS), (200, 1, None)):
        y_pred = float32_exact(rng.uniform(0.02, 0.98, (samples, outputs)))
        y_true = rng.integers(0, 2, (samples, outputs))
        if samples > 1:
            y_true.flat[0], y_true.flat[1] = 0, 1  # both classes in every batch
        name = f"{samples} sample{'s' if samples > 1 else ''}, {outputs} output{'s' if outputs > 1 else ''}"
        labels = y_true.astype(float) if outputs > 1 else y_true
        yield name, y_pred, labels, note
    y_pred = float32_exact([[0.0], [1.0], [0.0], [0.5], [0.25]])
    y_true = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    yield "predictions of exactly 0 and 1", y_pred, y_true, EXTREMES


def _regression_cases(rng: np.random.Generator) -> Iterator[tuple[str, np.ndarray, np.ndarray, str | None]]:
    """(name, y_pred, y_true, note): the lesson's batch, then random batches of several shapes."""
    yield "the lesson's batch", float32_exact(REGRESSION_PREDICTIONS), float32_exact(REGRESSION_TARGETS), None
    for samples, outputs, note in ((1, 1, None), (7, 1, None), (4, 3, SEVERAL_OUTPUTS), (300, 1, None)):
        name = f"{samples} sample{'s' if samples > 1 else ''}, {outputs} output{'s' if outputs > 1 else ''}"
        yield name, random_matrix(rng, samples, outputs), random_matrix(rng, samples, outputs), note


# ---------------------------------------------------------------------------------------- sigmoid


@check("sigmoid-backward")
def sigmoid_backward_check(submission):
    backward = submission.function("sigmoid_backward", "dvalues, sigmoid_output")
    rng = submission.rng
    lesson = float32_exact([[0.5], [0.875], [0.25]])
    cases = [
        ("the lesson's example", float32_exact([[1.0], [-2.0], [0.5]]), lesson, None),
        ("a single value", float32_exact([[3.0]]), float32_exact([[0.75]]), None),
        (
            "outputs near 0 and near 1",
            random_matrix(rng, 2, 4),
            float32_exact([[0.001, 0.999, 0.5, 0.0625], [0.9990234375, 0.01, 0.3, 0.96875]]),
            "some outputs here are close to 0 or 1, where the sigmoid's slope is nearly 0.",
        ),
        (
            "5 samples, 3 outputs",
            random_matrix(rng, 5, 3),
            float32_exact(rng.uniform(0.01, 0.99, (5, 3))),
            None,
        ),
        (
            "100 samples, 64 values each",
            random_matrix(rng, 100, 64),
            float32_exact(rng.uniform(0.01, 0.99, (100, 64))),
            None,
        ),
    ]
    for name, dvalues, s, note in cases:
        with submission.case(name, note=note):
            sigmoid = Sigmoid()
            sigmoid.output = s
            sigmoid.backward(dvalues)
            mistakes = [
                Mistake(
                    "You returned the sigmoid's slope alone. Multiply it by dvalues, the gradient that "
                    "arrived from the next layer: that is the chain rule.",
                    lambda: s * (1 - s),
                    cause="return",
                ),
                Mistake(
                    "You applied the sigmoid to sigmoid_output again. It already holds the sigmoid's "
                    "outputs s: the slope is s times (1 - s), with s as it is.",
                    lambda: dvalues * (1 / (1 + np.exp(-s))) * (1 - 1 / (1 + np.exp(-s))),
                    cause="formula",
                ),
                Mistake(
                    "You multiplied dvalues by (1 - s) only. The slope is s times (1 - s).",
                    lambda: dvalues * (1 - s),
                    cause="missing-term",
                ),
                Mistake(
                    "You multiplied dvalues by s only. The slope is s times (1 - s).",
                    lambda: dvalues * s,
                    cause="missing-term",
                ),
                Mistake(
                    "You used 1 - s**2, which is the slope of tanh. The sigmoid's slope is s times (1 - s).",
                    lambda: dvalues * (1 - s**2),
                    cause="formula",
                ),
                Mistake(
                    "The two arguments are swapped: the function is sigmoid_backward(dvalues, "
                    "sigmoid_output), gradients first.",
                    lambda: s * dvalues * (1 - dvalues),
                    cause="order",
                ),
            ]
            received = backward(dvalues, s, unchanged=("dvalues", "sigmoid_output"))
            submission.expect(received, sigmoid.dinputs, mistakes=mistakes, meaning="shaped like dvalues")


# ---------------------------------------------------------------------------- binary cross-entropy


@check("bce-loss")
def bce_loss_check(submission):
    bce = submission.function("binary_cross_entropy", "y_pred, y_true")
    clips = _clips(submission)
    for name, y_pred, y_true, note in _binary_cases(submission.rng):
        with submission.case(name, note=note):
            samples, outputs = y_pred.shape
            expected = losses.BinaryCrossEntropy().calculate(y_pred, y_true)
            p = np.clip(y_pred, 1e-7, 1 - 1e-7)
            y = y_true.astype(float)
            per_value = -(y * np.log(p) + (1 - y) * np.log(1 - p))
            mistakes = [
                Mistake(
                    UNCLIPPED_LOSS,
                    lambda: np.mean(-(y * np.log(y_pred) + (1 - y) * np.log(1 - y_pred))),
                    cause="clip",
                    refuted_by=lambda code: code.calls_any("clip", "maximum", "minimum"),
                ),
                Mistake(
                    "You left out the term for label 0: binary cross-entropy adds (1 - y) times "
                    "log(1 - p) to y times log(p), so that a sample labelled 0 is punished for a "
                    "large p.",
                    lambda: np.mean(-y * np.log(p)),
                    cause="missing-term",
                ),
                Mistake(
                    "Your loss has the wrong sign: the logs of probabilities are negative, so the loss "
                    "takes minus their sum.",
                    lambda: np.mean(-per_value),
                    cause="sign",
                ),
                Mistake(
                    "You used log base 10 (np.log10). Cross-entropy uses the natural log: np.log.",
                    lambda: np.mean(per_value) / np.log(10),
                    cause="exp-log",
                ),
                Mistake(
                    "You added up the outputs of each sample. Take their mean: the loss of a sample "
                    "is the mean over its outputs.",
                    lambda: np.mean(np.sum(per_value, axis=1)) if outputs > 1 else None,
                    cause="reduction",
                ),
                Mistake(
                    "Your loss is the sum over the batch. Divide by the number of samples: the mean "
                    "loss (np.mean).",
                    lambda: np.sum(np.mean(per_value, axis=1)) if samples > 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "Your loss is the sum over every value. Take the mean over the outputs, then over "
                    "the samples.",
                    lambda: np.sum(per_value) if per_value.size > 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "You returned one loss per sample. The function returns their mean, a single number.",
                    lambda: np.mean(per_value, axis=1) if samples > 1 else None,
                    cause="reduction",
                ),
                Mistake(
                    "The two arguments are swapped: the function is binary_cross_entropy(y_pred, "
                    "y_true), predictions first.",
                    lambda: np.mean(
                        -(
                            y_pred * np.log(np.clip(y, 1e-7, 1 - 1e-7))
                            + (1 - y_pred) * np.log(1 - np.clip(y, 1e-7, 1 - 1e-7))
                        )
                    ),
                    cause="order",
                ),
            ]
            received = bce(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received,
                expected,
                mistakes=mistakes,
                meaning="the mean loss, a single number",
                inputs=y_pred,
                nonfinite=HALF_CLIPPED_LOSS if clips else UNCLIPPED_LOSS,
            )


def _undivided_mistakes(per_value: np.ndarray, samples: int, outputs: int) -> list[Mistake]:
    """The mistakes of a mean loss's gradient that leaves out one of its two divisions; ``per_value`` is
    the gradient before both (by the number of outputs, then of samples)."""
    return [
        Mistake(
            "You did not divide by the number of samples. The loss is a mean over the batch, so every "
            "gradient is divided by n_samples.",
            lambda: per_value / outputs if samples > 1 else None,
            cause="scale",
        ),
        Mistake(
            "You did not divide by the number of outputs. Each sample's loss is the mean over its "
            "outputs, so the gradient is divided by their number too.",
            lambda: per_value / samples if outputs > 1 else None,
            cause="scale",
        ),
    ]


@check("bce-backward")
def bce_backward_check(submission):
    backward = submission.function("bce_backward", "y_pred, y_true")
    clips = _clips(submission)
    for name, y_pred, y_true, note in _binary_cases(submission.rng):
        with submission.case(name, note=note):
            samples, outputs = y_pred.shape
            bce = losses.BinaryCrossEntropy()
            bce.backward(y_pred, y_true)
            p = np.clip(y_pred, 1e-7, 1 - 1e-7)
            y = y_true.astype(float)
            per_value = -(y / p - (1 - y) / (1 - p))
            mistakes = [
                Mistake(
                    UNCLIPPED_GRADIENT,
                    lambda: -(y / y_pred - (1 - y) / (1 - y_pred)) / outputs / samples,
                    cause="clip",
                    refuted_by=lambda code: code.calls_any("clip", "maximum", "minimum"),
                ),
                *_undivided_mistakes(per_value, samples, outputs),
                Mistake(
                    "The sign is wrong: raising a prediction towards its label 1 lowers the loss, so "
                    "the gradient there is negative.",
                    lambda: -per_value / outputs / samples,
                    cause="sign",
                ),
                Mistake(
                    "You left out the term for label 0, the one with (1 - y) over (1 - p): without it "
                    "samples labelled 0 get no gradient.",
                    lambda: -(y / p) / outputs / samples,
                    cause="missing-term",
                ),
                Mistake(
                    "You added the two terms. The derivative of log(1 - p) is minus 1 / (1 - p), so the "
                    "term for label 0 is subtracted from y / p.",
                    lambda: -(y / p + (1 - y) / (1 - p)) / outputs / samples,
                    cause="sign",
                ),
                Mistake(
                    "You returned the loss's value rather than its gradient. The gradient has one "
                    "value per prediction: the derivative of the loss with respect to it.",
                    lambda: -(y * np.log(p) + (1 - y) * np.log(1 - p)) / outputs / samples,
                    cause="formula",
                ),
            ]
            received = backward(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received,
                bce.dinputs,
                mistakes=mistakes,
                meaning="one row per sample, one column per output",
                nonfinite=HALF_CLIPPED_GRADIENT if clips else UNCLIPPED_GRADIENT,
            )


# ------------------------------------------------------------------------------------ regression


@check("mse-loss")
def mse_loss_check(submission):
    mse = submission.function("mean_squared_error", "y_pred, y_true")
    for name, y_pred, y_true, note in _regression_cases(submission.rng):
        with submission.case(name, note=note):
            samples, outputs = y_pred.shape
            expected = losses.MeanSquaredError().calculate(y_pred, y_true)
            error = y_true - y_pred
            mistakes = [
                Mistake(
                    "You did not square the errors, so positive and negative errors cancel out. Square "
                    "each difference before taking the mean.",
                    lambda: np.mean(error),
                    cause="formula",
                ),
                Mistake(
                    "You did not square the errors, and with the subtraction the other way round. "
                    "Square each difference, then the order does not matter.",
                    lambda: np.mean(-error),
                    cause="formula",
                ),
                Mistake(
                    "You took the absolute values of the errors: that is the mean absolute error. "
                    "Squared error squares each difference.",
                    lambda: np.mean(np.abs(error)),
                    cause="formula",
                ),
                Mistake(
                    "You took the square root of the mean: that is the root mean squared error. "
                    "The loss is the mean of the squares itself.",
                    lambda: np.sqrt(np.mean(error**2)),
                    cause="extra-term",
                ),
                Mistake(
                    "You added up the outputs of each sample. Take their mean: the loss of a sample "
                    "is the mean over its outputs.",
                    lambda: np.mean(np.sum(error**2, axis=1)) if outputs > 1 else None,
                    cause="reduction",
                ),
                Mistake(
                    "Your loss is the sum over the batch. Divide by the number of samples: the mean "
                    "loss (np.mean).",
                    lambda: np.sum(np.mean(error**2, axis=1)) if samples > 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "Your loss is the sum over every value. Take the mean over the outputs, then over "
                    "the samples.",
                    lambda: np.sum(error**2) if error.size > 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "You returned one loss per sample. The function returns their mean, a single number.",
                    lambda: np.mean(error**2, axis=1) if samples > 1 else None,
                    cause="reduction",
                ),
            ]
            received = mse(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received, expected, mistakes=mistakes, meaning="the mean loss, a single number", inputs=y_pred
            )


def _regression_gradient_mistakes(exact, y_pred, y_true, samples, outputs, two):
    """The mistakes both regression gradients share; ``exact(p, y)`` is the gradient before the two
    divisions, ``two`` the factor 2 of squared error (1 for absolute error)."""
    raw = exact(y_pred, y_true)
    return [
        Mistake(
            "The sign is wrong. The error is y minus p, and its derivative with respect to p is -1: "
            "a prediction below its target gets a negative gradient (raising it lowers the loss).",
            lambda: -raw / outputs / samples,
            cause="sign",
        ),
        *_undivided_mistakes(raw, samples, outputs),
        Mistake(
            "You divided by the number of samples twice (or by n_samples squared). Once is enough.",
            lambda: raw / outputs / samples / samples if samples > 1 else None,
            cause="scale",
        ),
    ] + (
        [
            Mistake(
                "You left out the 2 that comes down from the square: the derivative of e**2 is 2e.",
                lambda: raw / two / outputs / samples,
                cause="scale",
            )
        ]
        if two != 1
        else []
    )


@check("mse-backward")
def mse_backward_check(submission):
    backward = submission.function("mse_backward", "y_pred, y_true")
    for name, y_pred, y_true, note in _regression_cases(submission.rng):
        with submission.case(name, note=note):
            samples, outputs = y_pred.shape
            mse = losses.MeanSquaredError()
            mse.backward(y_pred, y_true)
            mistakes = _regression_gradient_mistakes(
                lambda p, y: -2 * (y - p), y_pred, y_true, samples, outputs, two=2
            )
            mistakes.append(
                Mistake(
                    "You returned the squared errors divided like a gradient. The gradient of a square "
                    "is 2 times the error, not the square itself.",
                    lambda: (y_true - y_pred) ** 2 / outputs / samples,
                    cause="formula",
                )
            )
            received = backward(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received, mse.dinputs, mistakes=mistakes, meaning="one row per sample, one column per output"
            )


@check("mae-backward")
def mae_backward_check(submission):
    backward = submission.function("mae_backward", "y_pred, y_true")
    cases = list(_regression_cases(submission.rng))
    tied = random_matrix(submission.rng, 6, 1)
    tied_targets = tied.copy()
    tied_targets[[1, 4]] += float32_exact([[0.5], [-1.5]])
    cases.insert(
        1,
        (
            "some predictions equal their targets",
            tied,
            tied_targets,
            "four predictions here are exactly their targets; there the slope of |y - p| is taken as 0.",
        ),
    )
    for name, y_pred, y_true, note in cases:
        with submission.case(name, note=note):
            samples, outputs = y_pred.shape
            mae = losses.MeanAbsoluteError()
            mae.backward(y_pred, y_true)
            mistakes = _regression_gradient_mistakes(
                lambda p, y: -np.sign(y - p), y_pred, y_true, samples, outputs, two=1
            )
            mistakes += [
                Mistake(
                    "You used the error itself, as squared error's gradient does. The slope of |e| is "
                    "only its sign, +1 or -1 (0 where the error is 0), whatever the error's size.",
                    lambda: -(y_true - y_pred) / outputs / samples,
                    cause="formula",
                ),
                Mistake(
                    "Where a prediction equals its target your gradient is not 0. Use the sign of the "
                    "error (np.sign gives 0 for 0), not a comparison that picks +1 or -1.",
                    lambda: np.where(y_true > y_pred, -1.0, 1.0) / outputs / samples,
                    cause="comparison",
                ),
                Mistake(
                    "Where a prediction equals its target your gradient is not 0. Use the sign of the "
                    "error (np.sign gives 0 for 0), not a comparison that picks +1 or -1.",
                    lambda: np.where(y_true >= y_pred, -1.0, 1.0) / outputs / samples,
                    cause="comparison",
                ),
            ]
            received = backward(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received, mae.dinputs, mistakes=mistakes, meaning="one row per sample, one column per output"
            )
