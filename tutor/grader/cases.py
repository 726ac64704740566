"""Case helpers: the inputs checks feed to learners' functions.

Every generated number is exactly representable in float32, so an answer that converts its inputs to
float32 loses nothing on the way in and only its own arithmetic is compared (within ``limits.RTOL``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def float32_exact(values) -> np.ndarray:
    """``values`` as float64 numbers that float32 holds exactly."""
    return np.asarray(values, dtype=float).astype(np.float32).astype(float)


@dataclass
class SequenceCase:
    """A 1-D input: ``values`` is what the learner's function receives (a list or an array), ``array``
    the same numbers as a float64 array for the reference."""

    name: str
    values: object
    array: np.ndarray
    note: str | None = None


def sequence_cases(
    rng: np.random.Generator,
    examples: list[list[float]],
    *,
    scale: float = 10.0,
    large: float | None = 1e6,
    zeros: bool = True,
) -> list[SequenceCase]:
    """The 1-D cases every element-wise exercise gets: the lesson's examples as a list and as an array,
    a single value, zeros, only negatives, integers, random lists and arrays of several sizes, and
    (with ``large``) large magnitudes. ``scale`` bounds the random values."""
    cases = []
    for number, example in enumerate(examples, start=1):
        label = "the lesson's example" if len(examples) == 1 else f"the lesson's example {number}"
        cases.append(SequenceCase(f"{label} (a list)", list(example), float32_exact(example)))
        cases.append(SequenceCase(f"{label} (a NumPy array)", float32_exact(example), float32_exact(example)))
    cases.append(SequenceCase("a single value", [-1.5], float32_exact([-1.5])))
    if zeros:
        zero_list = [0.0, 0.0, 0.0]
        cases.append(
            SequenceCase(
                "all zeros", zero_list, float32_exact(zero_list), note="every input here is exactly 0."
            )
        )
    negatives = float32_exact(-rng.uniform(0.1, scale, 6))
    cases.append(SequenceCase("only negative numbers", negatives.tolist(), negatives))
    integers = [int(v) for v in rng.integers(-5, 6, 7)]
    cases.append(SequenceCase("whole numbers (ints in a list)", integers, np.asarray(integers, float)))
    for size, as_list in ((10, True), (100, False), (1000, False)):
        values = float32_exact(rng.uniform(-scale, scale, size))
        values[rng.choice(size, size // 10 + 1, replace=False)] = 0.0
        kind = "list" if as_list else "NumPy array"
        cases.append(
            SequenceCase(f"{size} random values (a {kind})", values.tolist() if as_list else values, values)
        )
    if large is not None:
        extremes = float32_exact(
            np.concatenate([[-large, large, -0.75 * large, 0.75 * large], rng.uniform(-large, large, 4)])
        )
        cases.append(
            SequenceCase(
                "large magnitudes",
                extremes,
                extremes,
                note=f"the inputs here are as large as {large:g} in size.",
            )
        )
    return cases


def random_matrix(rng: np.random.Generator, rows: int, columns: int, scale: float = 1.0) -> np.ndarray:
    return float32_exact(rng.normal(0.0, scale, (rows, columns)))


def probability_rows(rng: np.random.Generator, rows: int, classes: int) -> np.ndarray:
    """``(rows, classes)`` probabilities, each row summing to 1, no ties for the largest."""
    scores = rng.normal(0.0, 1.5, (rows, classes))
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return float32_exact(exp / exp.sum(axis=1, keepdims=True))


@dataclass
class LabelCase:
    """A classification batch: predictions and the true classes as indices and as one-hot rows."""

    name: str
    y_pred: np.ndarray
    indices: np.ndarray
    one_hot: np.ndarray = field(init=False)

    def __post_init__(self):
        self.one_hot = np.eye(self.y_pred.shape[1])[self.indices]


def label_cases(rng: np.random.Generator, lesson_pred, lesson_labels) -> list[LabelCase]:
    """The lesson's batch, then random batches of several sizes (including a single sample and more
    classes than samples)."""
    cases = [LabelCase("the lesson's batch", float32_exact(lesson_pred), np.asarray(lesson_labels))]
    for rows, classes in ((1, 3), (5, 2), (4, 7), (300, 3)):
        cases.append(
            LabelCase(
                f"{rows} sample{'s' if rows > 1 else ''}, {classes} classes",
                probability_rows(rng, rows, classes),
                rng.integers(0, classes, rows),
            )
        )
    return cases
