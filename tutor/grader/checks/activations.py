"""Checks for lessons 3 and 4: ReLU, step, sigmoid, softmax and batch softmax."""

from __future__ import annotations

import numpy as np

from engine import activations
from tutor.grader.api import Mistake, check
from tutor.grader.cases import float32_exact, random_matrix, sequence_cases

ONE_PER_INPUT = "one value per input"


@check("relu")
def relu_check(submission):
    relu = submission.function("relu", "inputs")
    for case in sequence_cases(submission.rng, [[0.0, 2.0, -1.0, 3.3, -2.7, 1.1, 2.2, -100.0]]):
        with submission.case(case.name, note=case.note):
            x = case.array
            received = relu(case.values, unchanged=("inputs",))
            submission.expect(
                received,
                activations.relu(x),
                meaning=ONE_PER_INPUT,
                mistakes=[
                    Mistake(
                        "Negative inputs should become 0 but yours came through unchanged, and positive "
                        "ones became 0: that is min(0, x). ReLU is max(0, x).",
                        lambda: np.minimum(0, x),
                        cause="reduction",
                    ),
                    Mistake(
                        "Your function returned 1 for positive inputs: that is the step function. ReLU "
                        "passes a positive input through unchanged.",
                        lambda: activations.step(x),
                        cause="return",
                        refuted_by=lambda code: bool(code.calls("clip")),
                    ),
                    Mistake(
                        "Your function caps positive inputs at 1, as clipping to [0, 1] does. ReLU has "
                        "no upper limit: a positive input passes through unchanged.",
                        lambda: np.clip(x, 0, 1),
                        cause="clip",
                    ),
                    Mistake(
                        "Your function returned the absolute value. ReLU turns negative inputs into 0 "
                        "instead of flipping their sign.",
                        lambda: np.abs(x),
                        cause="formula",
                    ),
                    Mistake(
                        "Your function returned the inputs unchanged. Negative inputs should become 0.",
                        lambda: x,
                        cause="return",
                    ),
                    Mistake(
                        "Your function kept the negative inputs and zeroed the positive ones: the "
                        "comparison is the wrong way round.",
                        lambda: np.where(x < 0, x, 0),
                        cause="comparison",
                    ),
                    Mistake(
                        "Your function left the negative inputs out. ReLU gives one value per input: a "
                        "negative input becomes 0, it is not dropped.",
                        lambda: x[x > 0],
                        cause="formula",
                    ),
                ],
            )


@check("step")
def step_check(submission):
    step = submission.function("step", "inputs")
    # 0.25 and 0.5 lie in (0, 1), where clipping to [0, 1] or rounding differ from the step.
    for case in sequence_cases(submission.rng, [[0.0, 2.0, -1.0, 3.3, -2.7, 0.25, 0.5, -100.0]]):
        with submission.case(case.name, note=case.note):
            x = case.array
            submission.expect(
                step(case.values),
                activations.step(x),
                meaning=ONE_PER_INPUT,
                mistakes=[
                    Mistake(
                        "At exactly 0 your step gives 1. The step is 1 only where x > 0, so use >, not >=.",
                        lambda: (x >= 0).astype(float),
                        cause="comparison",
                    ),
                    Mistake(
                        "Your step is 1 for negative inputs and 0 for positive ones: the comparison is the "
                        "wrong way round.",
                        lambda: (x < 0).astype(float),
                        cause="comparison",
                    ),
                    Mistake(
                        "Below zero your function gives -1: that is the sign function. The step gives 0 "
                        "there.",
                        lambda: np.sign(x),
                        cause="formula",
                    ),
                    Mistake(
                        "Your function passed positive inputs through unchanged: that is ReLU. The step "
                        "gives exactly 1 for every positive input.",
                        lambda: activations.relu(x),
                        cause="return",
                    ),
                ],
            )


@check("sigmoid")
def sigmoid_check(submission):
    sigmoid = submission.function("sigmoid", "inputs")
    # The lesson promises inputs of hundreds or more: e^-x overflows below x = -709.
    for case in sequence_cases(
        submission.rng, [[0.0, 2.0, -1.0, 3.3, -2.7, 1.1, 2.2, -10.0]], scale=8.0, large=1000.0
    ):
        with submission.case(case.name, note=case.note):
            x = case.array
            received = sigmoid(case.values, unchanged=("inputs",))
            submission.expect(
                received,
                activations.sigmoid(x),
                meaning=ONE_PER_INPUT,
                mistakes=[
                    Mistake(
                        "Your sigmoid is mirrored: big inputs give values near 0. The sign of the exponent "
                        "is wrong; it is 1 / (1 + e^(-x)).",
                        lambda: 1 / (1 + np.exp(x)),
                        cause="sign",
                    ),
                    Mistake(
                        "Check the brackets: you computed 1 / 1 + e^(-x). Division comes before addition, "
                        "so only the 1 was divided: put brackets around the whole divisor, 1 + e^(-x).",
                        lambda: 1 + np.exp(-x),
                        cause="formula",
                    ),
                    Mistake(
                        "You computed 1 / (1 + x) without the exponential. The sigmoid is 1 / (1 + e^(-x)).",
                        lambda: 1 / (1 + x) if np.all(x != -1) else None,
                        cause="exp-log",
                    ),
                    Mistake(
                        "The divisor is 1 - e^(-x); it is 1 + e^(-x). With the minus, x = 0 divides by "
                        "zero and negative inputs give negative values.",
                        lambda: 1 / (1 - np.exp(-x)),
                        cause="sign",
                    ),
                    Mistake(
                        "You returned the single number 1, not one value per input: e^(-x) is missing, "
                        "so nothing depends on the inputs.",
                        lambda: 1.0,
                        cause="return",
                    ),
                    Mistake(
                        "You used np.log where the sigmoid takes e^(-x) (np.exp); the log of a negative "
                        "number is nan.",
                        lambda: 1 / (1 + np.log(-x)),
                        cause="exp-log",
                    ),
                    Mistake(
                        "You used 10 as the base. The sigmoid uses e: np.exp(-x) or math.exp(-x).",
                        lambda: 1 / (1 + 10.0 ** (-x)),
                        cause="exp-log",
                    ),
                    Mistake(
                        "You returned e^(-x) without the 1 / (1 + ...) around it.",
                        lambda: np.exp(-x),
                        cause="exp-log",
                    ),
                ],
            )


def _softmax_mistakes(x, axis):
    """Wrong softmaxes of ``x`` that learners write, named."""
    exp = np.exp(x - x.max(axis=axis, keepdims=True))
    return [
        Mistake(
            "You normalised without exponentiating: softmax first takes e^x of every value, then "
            "divides by the sum of those.",
            lambda: x / x.sum(axis=axis, keepdims=True),
            cause="exp-log",
        ),
        Mistake(
            "You exponentiated but did not normalise: divide by the sum of the exponentials so the "
            "probabilities add up to 1.",
            lambda: np.exp(x),
            cause="exp-log",
        ),
        Mistake(
            "You divided by the mean of the exponentials instead of their sum.",
            lambda: exp / exp.mean(axis=axis, keepdims=True),
            cause="reduction",
        ),
        Mistake(
            "You used np.log where softmax takes e^x (np.exp).",
            lambda: (lambda e: e / e.sum(axis=axis, keepdims=True))(
                np.log(x - x.max(axis=axis, keepdims=True))
            ),
            cause="exp-log",
        ),
        Mistake(
            "You divided by the largest exponential instead of the sum of them.",
            lambda: exp / exp.max(axis=axis, keepdims=True),
            cause="reduction",
        ),
    ]


@check("softmax")
def softmax_check(submission):
    softmax = submission.function("softmax", "values")
    examples = [[4.8, 1.21, 2.385], [1.0, 2.0, 3.0, 2.5]]
    # large=800: e^800 overflows (above 709), so a softmax without the max subtraction shows.
    for case in sequence_cases(submission.rng, examples, scale=5.0, large=800.0):
        with submission.case(case.name, note=case.note):
            x = case.array
            submission.expect(
                softmax(case.values, unchanged=("values",)),
                activations.softmax(x),
                meaning=ONE_PER_INPUT,
                mistakes=_softmax_mistakes(x, axis=0),
                nonfinite=(
                    "Your result has nan or inf: e^x overflowed (e^x is too big for a float above x = 709, "
                    "and inf / inf is nan). Subtract the largest value before np.exp; it does not change "
                    "the probabilities."
                ),
            )


LESSON_BATCH = [[4.8, 1.21, 2.385], [8.9, -1.81, 0.2], [1.41, 1.051, 0.026]]


def batch_softmax_mistakes(x: np.ndarray) -> list[Mistake]:
    """Wrong softmaxes of a batch ``x`` (one row per sample) that learners write, named: for lesson 4's
    ``batch_softmax`` and the softmax of lesson 10's layer."""
    exp = np.exp(x - x.max(axis=1, keepdims=True))
    with np.errstate(all="ignore"):
        global_max_exp = np.exp(x - x.max())
    return [
        Mistake(
            "Your probabilities add up to 1 down each column instead of along each row: the "
            "sum (and the maximum) must run over axis=1, one row per sample.",
            lambda: activations.softmax(x.T).T,
            cause="axis",
        ),
        Mistake(
            "Your probabilities add up to 1 down each column instead of along each row: the "
            "sum (and the maximum) must run over axis=1, one row per sample.",
            lambda: exp / exp.sum(axis=0, keepdims=True),
            cause="axis",
        ),
        Mistake(
            "You subtracted each column's maximum (axis=0). Subtract each row's own maximum: "
            "axis=1, keeping the axis (keepdims=True) so it lines up with the rows.",
            lambda: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(x - x.max(axis=0, keepdims=True))),
            cause="axis",
        ),
        Mistake(
            "Each row had the wrong maximum subtracted: without keepdims=True, the row maxima "
            "have shape (n,) and line up with the columns instead of the rows. Keep the axis "
            "(keepdims=True) so the maxima form a column, one per row.",
            lambda: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(x - x.max(axis=1))),
            cause="keepdims",
        ),
        Mistake(
            "Each row was divided by the wrong sums: without keepdims=True, the row sums have "
            "shape (n,) and line up with the columns instead of the rows. Keep the summed axis "
            "(keepdims=True) so the sums form a column, one per row.",
            lambda: exp / exp.sum(axis=1),
            cause="keepdims",
        ),
        Mistake(
            "You normalised over the whole batch, so all the probabilities together add up to "
            "1. Each row (sample) should add up to 1: sum over axis=1.",
            lambda: global_max_exp / global_max_exp.sum() if x.shape[0] > 1 else None,
            cause="axis",
        ),
        Mistake(
            "You subtracted one maximum for the whole batch. A row far below that maximum "
            "becomes e^(very negative) = 0 everywhere, and 0 / 0 is nan. Subtract each row's own "
            "maximum (along axis=1, keeping the axis with keepdims=True).",
            lambda: global_max_exp / global_max_exp.sum(axis=1, keepdims=True),
            cause="keepdims",
        ),
        *_softmax_mistakes(x, axis=1),
    ]


@check("batch-softmax")
def batch_softmax_check(submission):
    batch_softmax = submission.function("batch_softmax", "layer_outputs")
    rng = submission.rng
    big_rows = float32_exact(1e4 - rng.integers(0, 40, (4, 5)) * 0.25)
    mixed_scales = float32_exact(
        np.array(
            [
                [1e4, 1e4 - 1.5, 1e4 - 3.0],
                [-1e4, -1e4 + 2.0, -1e4 + 0.5],
                [0.5, -0.25, 1.0],
                [-5e3, 5e3, 0.0],
            ]
        )
    )
    cases = [
        ("the lesson's batch", float32_exact(LESSON_BATCH), None),
        ("a single sample", random_matrix(rng, 1, 4, 2.0), None),
        ("5 samples, 3 classes", random_matrix(rng, 5, 3, 2.0), None),
        ("2 samples, 6 classes", random_matrix(rng, 2, 6, 2.0), None),
        ("all zeros", np.zeros((3, 4)), "every score here is 0, so every class is equally likely."),
        ("100 samples, 10 classes", random_matrix(rng, 100, 10, 3.0), None),
        (
            "large scores (about 1e4)",
            big_rows,
            "these scores are about 10000: e^10000 overflows to inf unless each row's maximum is subtracted "
            "first.",
        ),
        (
            "rows of different sizes",
            float32_exact([[1, 2, 3], [1000, 1001, 1002]]),
            "the second row's scores are about 1000: e^1000 overflows unless each row's maximum is "
            "subtracted first.",
        ),
        (
            "rows of very different sizes",
            mixed_scales,
            "one row's scores are about 10000, another's about -10000: subtracting one maximum for the whole "
            "batch makes the low rows underflow to 0 / 0.",
        ),
    ]
    for name, x, note in cases:
        with submission.case(name, note=note):
            expected = activations.softmax(x)
            mistakes = batch_softmax_mistakes(x)
            submission.expect(
                batch_softmax(x, unchanged=("layer_outputs",)),
                expected,
                mistakes=mistakes,
                meaning="one row per sample, one column per class",
                nonfinite=(
                    "Your result has nan or inf: e^x overflowed. e^x is too big for a float "
                    "above x = 709, and inf / inf is nan. Subtract each row's maximum "
                    "before np.exp; it does not change the probabilities."
                ),
            )
