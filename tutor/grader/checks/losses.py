"""Checks for lesson 5: categorical cross-entropy and accuracy."""

from __future__ import annotations

import ast

import numpy as np

from engine import losses
from tutor.grader.api import Mistake, check, learner_code
from tutor.grader.cases import LabelCase, float32_exact, label_cases, probability_rows

LESSON_PREDICTIONS = [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
ZERO_FOR_TRUE_CLASS = [[0.0, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
LESSON_TARGETS = [0, 1, 1]
ONE_HOT_NOTE = (
    "y_true here holds one-hot rows, shape (n_samples, n_classes), not class indices: handle "
    "both forms (check y_true.ndim or len(y_true.shape))."
)
INDEX_NOTE = "y_true here holds class indices, shape (n_samples,)."
COLUMNS_PICKED = (
    "Indexing with [:, y_true] takes whole columns: every row gets every sample's label, an "
    "(n, n) array for n samples, so the loss is computed from the wrong numbers. Pair each row "
    "with its own label: rows 0, 1, ..., n-1 together with y_true, one confidence per sample."
)

UNCLIPPED_INFINITE = (
    "Your loss is inf or nan: log(0) is -inf. Clip the predictions to [1e-7, 1 - 1e-7] before taking the log."
)
CLIPPED_BUT_INFINITE = (
    "Your loss is inf or nan: a 0 reached the log although your code clips. Look at what is computed "
    "between the clipping and the log: a confidence of 0 means the true class's prediction was not "
    "picked for that sample."
)


def _both_label_forms(cases: list[LabelCase]):
    """Each case once with class indices and once with one-hot rows."""
    for case in cases:
        yield f"{case.name}, labels as indices", case.y_pred, case.indices, INDEX_NOTE
        yield f"{case.name}, labels one-hot", case.y_pred, case.one_hot.astype(int), ONE_HOT_NOTE


def cce_mistakes(y_pred: np.ndarray, y_true: np.ndarray) -> list[Mistake]:
    """Wrong categorical cross-entropies of ``y_pred`` against ``y_true`` (indices or one-hot rows) that
    learners write, named: for the loss function of lesson 5 and the loss of lesson 10's layer."""
    indices = y_true if y_true.ndim == 1 else np.argmax(y_true, axis=1)
    unclipped = y_pred[np.arange(len(y_pred)), indices]
    clipped = np.clip(unclipped, 1e-7, 1 - 1e-7)
    all_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    index_labels = y_true.ndim == 1
    with np.errstate(all="ignore"):
        return [
            Mistake(
                "Your loss is infinite because a prediction of 0 went into the log: clip the "
                "predictions to [1e-7, 1 - 1e-7] first (np.clip).",
                lambda: np.mean(-np.log(unclipped)),
                cause="clip",
                refuted_by=lambda code: code.calls_any("clip", "maximum"),
            ),
            # y_pred[:, y_true] with or without clipping, averaged or not (an infinite loss is
            # left to the clipping message above).
            Mistake(
                COLUMNS_PICKED,
                lambda: np.mean(-np.log(all_clipped[:, y_true])) if index_labels else None,
                cause="formula",
            ),
            Mistake(
                COLUMNS_PICKED,
                lambda: np.mean(-np.log(y_pred[:, y_true])) if index_labels else None,
                cause="formula",
            ),
            Mistake(
                COLUMNS_PICKED,
                lambda: -np.log(all_clipped[:, y_true]) if index_labels else None,
                cause="formula",
            ),
            Mistake(
                "You used log base 10 (np.log10). Cross-entropy uses the natural log: np.log.",
                lambda: np.mean(-np.log10(clipped)),
                cause="exp-log",
            ),
            Mistake(
                "Your loss is the sum over the batch. Divide by the number of samples: the mean "
                "loss (np.mean).",
                lambda: np.sum(-np.log(clipped)) if len(clipped) > 1 else None,
                cause="scale",
            ),
            Mistake(
                "Your loss has the wrong sign: the log of a probability is negative, so the loss is -log(p).",
                lambda: np.mean(np.log(clipped)),
                cause="sign",
            ),
            Mistake(
                "You returned the largest loss in the batch. The loss is the mean over the "
                "samples (np.mean).",
                lambda: np.max(-np.log(clipped)) if len(clipped) > 1 else None,
                cause="reduction",
            ),
            Mistake(
                "You used np.exp where cross-entropy takes the log of the confidences (np.log).",
                lambda: np.mean(-np.exp(clipped)),
                cause="exp-log",
            ),
            Mistake(
                "For one-hot labels you averaged each row of the predictions times y_true; sum "
                "it instead: the row has one entry that is not 0, the true class's confidence.",
                lambda: np.mean(-np.log(np.mean(all_clipped * y_true, axis=1))) if y_true.ndim == 2 else None,
                cause="reduction",
            ),
            Mistake(
                "For one-hot labels you summed the predictions times y_true down the columns "
                "(axis=0): one value per class instead of one per sample. Sum each row (axis=1).",
                lambda: np.mean(-np.log(np.sum(all_clipped * y_true, axis=0))) if y_true.ndim == 2 else None,
                cause="axis",
            ),
            Mistake(
                "You returned one loss per sample. The function returns their mean, a single number.",
                lambda: -np.log(clipped) if len(clipped) > 1 else None,
                cause="reduction",
            ),
            Mistake(
                "y_true here holds one-hot rows, but your code used them as class indices. "
                "Handle both forms: a one-hot row has its 1 at the true class, so multiplying it by "
                "the sample's predictions and summing the row picks that sample's confidence.",
                lambda: (
                    np.mean(-np.log(all_clipped[range(len(y_pred)), y_true])) if y_true.ndim == 2 else None
                ),
                cause="labels",
            ),
            Mistake(
                "You averaged over every entry of the one-hot array (n_samples * n_classes of "
                "them). Sum each row first, then take the mean over the samples.",
                lambda: np.mean(-np.log(all_clipped) * y_true),
                cause="labels",
            ),
        ]


@check("cce-loss")
def cce_loss_check(submission):
    cce = submission.function("categorical_cross_entropy", "y_pred, y_true")
    # Code that clips already does what the usual advice for an infinite loss says.
    clips = learner_code(submission).calls_any("clip", "maximum")
    cases = label_cases(submission.rng, LESSON_PREDICTIONS, LESSON_TARGETS)
    cases.insert(
        1,
        LabelCase(
            "a prediction of 0 for the true class",
            float32_exact(ZERO_FOR_TRUE_CLASS),
            np.asarray(LESSON_TARGETS),
        ),
    )
    for name, y_pred, y_true, note in _both_label_forms(cases):
        if "prediction of 0" in name:
            note = f"{note} One prediction for a true class is exactly 0, and log(0) is -inf."
        with submission.case(name, note=note):
            expected = losses.categorical_cross_entropy(y_pred, y_true)
            mistakes = cce_mistakes(y_pred, y_true)
            received = cce(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received,
                expected,
                mistakes=mistakes,
                meaning="the mean loss, a single number",
                inputs=y_pred,
                nonfinite=CLIPPED_BUT_INFINITE if clips else UNCLIPPED_INFINITE,
            )


def _partly_right(rng: np.random.Generator, rows: int, classes: int, right: int) -> LabelCase:
    """A batch whose first ``right`` samples are predicted correctly and the others not."""
    y_pred = probability_rows(rng, rows, classes)
    labels = np.argmax(y_pred, axis=1)
    labels[right:] = (labels[right:] + 1 + rng.integers(0, classes - 1, rows - right)) % classes
    return LabelCase(f"{rows} samples, {classes} classes, {right} predicted right", y_pred, labels)


@check("accuracy")
def accuracy_check(submission):
    accuracy = submission.function("accuracy", "y_pred, y_true")
    cases = label_cases(submission.rng, ZERO_FOR_TRUE_CLASS, LESSON_TARGETS)
    # An accuracy is one number, and random labels make it near 0 for many wrong answers alike: these
    # batches are partly right by construction, so each wrong answer gives its own number.
    cases += [
        _partly_right(submission.rng, rows, classes, right)
        for rows, classes, right in ((4, 4, 3), (8, 5, 5), (10, 3, 7))
    ]
    for name, y_pred, y_true, note in _both_label_forms(cases):
        with submission.case(name, note=note):
            indices = y_true if y_true.ndim == 1 else np.argmax(y_true, axis=1)
            predictions = np.argmax(y_pred, axis=1)
            expected = losses.accuracy(y_pred, y_true)
            mistakes = [
                Mistake(
                    "np.argmax without axis=1 gives one index into the whole flattened array. Take the "
                    "argmax of each row (axis=1): one predicted class per sample.",
                    lambda: np.mean(np.argmax(y_pred) == indices),
                    cause="axis",
                    # Code with no argmax, or an axis on every argmax, did not flatten anything.
                    refuted_by=lambda code: (
                        not code.calls("argmax") or code.every_call_has("argmax", "axis", 1)
                    ),
                ),
                Mistake(
                    "You compared the largest probability (np.max) with the class index. np.max gives "
                    "the value; the predicted class is its position, which np.argmax gives.",
                    lambda: np.mean(np.max(y_pred, axis=1) == indices),
                    cause="reduction",
                    refuted_by=lambda code: not code.calls_any("max", "amax"),
                ),
                Mistake(
                    "You divided with //, which rounds down to a whole number: 0 unless every prediction "
                    "is right. Use / for the fraction.",
                    lambda: float(np.sum(predictions == indices) // len(indices)),
                    cause="scale",
                    refuted_by=lambda code: not code.uses_operator(ast.FloorDiv),
                ),
                Mistake(
                    "You took the argmax down the columns (axis=0). Each row is one sample: use axis=1.",
                    lambda: np.mean(np.argmax(y_pred, axis=0) == indices),
                    cause="axis",
                ),
                Mistake(
                    "You returned the number of correct predictions. Divide by the number of samples "
                    "to get a fraction between 0 and 1.",
                    lambda: np.sum(predictions == indices) if len(indices) > 1 else None,
                    cause="scale",
                ),
                Mistake(
                    "You returned the largest of the comparisons: 1 as soon as one prediction is right. "
                    "Accuracy is their mean, the fraction of samples predicted correctly.",
                    lambda: float(np.max(predictions == indices)),
                    cause="reduction",
                ),
                Mistake(
                    "Your one-hot targets became the wrong class indices: argmin gives the position of a "
                    "0. A one-hot row's class is the position of its 1, the row's argmax.",
                    lambda: np.mean(predictions == np.argmin(y_true, axis=1)) if y_true.ndim == 2 else None,
                    cause="reduction",
                ),
                Mistake(
                    "You took the argmax of the one-hot targets down the columns (axis=0). Each row is "
                    "one sample: its class is the argmax along axis=1.",
                    lambda: np.mean(predictions == np.argmax(y_true, axis=0)) if y_true.ndim == 2 else None,
                    cause="axis",
                ),
                Mistake(
                    "You returned a percentage. Return the fraction, between 0 and 1.",
                    lambda: 100 * expected,
                    cause="scale",
                ),
                Mistake(
                    "You returned the fraction of wrong predictions. Accuracy counts the right ones.",
                    lambda: 1 - expected,
                    cause="scale",
                ),
                Mistake(
                    "The one-hot targets were compared as they are. Turn each one-hot row into its "
                    "class index first: the position of its 1, which is the row's argmax.",
                    lambda: np.mean(predictions == y_true) if y_true.ndim == 2 else None,
                    cause="labels",
                ),
            ]
            received = accuracy(y_pred, y_true, unchanged=("y_pred", "y_true"))
            submission.expect(
                received,
                expected,
                mistakes=mistakes,
                meaning="a single number between 0 and 1",
                inputs=y_pred,
            )
