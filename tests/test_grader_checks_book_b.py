"""The checks of lessons 15 to 17 (sigmoid and linear outputs, their losses, mini-batches), held to the
standard of the core checks: the reference passes, the starter fails, realistic wrong answers fail with a
message naming the mistake, and correct answers in other styles (loops, float32, generators) pass."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from check_standard import leak_detector, standard_tests

from tutor.grader import check_ids

NP = "import numpy as np\n"


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fn(head: str, body: str, numpy: bool = True) -> str:
    """A learner's file: ``def head:`` with ``body`` (dedented) as its body."""
    return (NP if numpy else "") + f"def {head}:\n" + textwrap.indent(src(body), "    ")


SB = "sigmoid_backward(dvalues, sigmoid_output)"
BCE = "binary_cross_entropy(y_pred, y_true)"
BCEB = "bce_backward(y_pred, y_true)"
MSE = "mean_squared_error(y_pred, y_true)"
MSEB = "mse_backward(y_pred, y_true)"
MAEB = "mae_backward(y_pred, y_true)"
BATCHES = "batches(X, y, batch_size)"

# exercise id -> reference, starter, other correct styles, [(wrong answer, words its message must contain)]
EXERCISES: dict[str, dict[str, Any]] = {
    "sigmoid-backward": dict(
        reference=fn(SB, "return dvalues * sigmoid_output * (1 - sigmoid_output)\n"),
        starter=fn(SB, "dinputs = None\nreturn dinputs\n"),
        styles=[
            fn(SB, "s = sigmoid_output\nd = dvalues.copy()\nd *= s\nd *= 1 - s\nreturn d\n"),
            fn(
                SB,
                """
                out = []
                for drow, srow in zip(dvalues.tolist(), sigmoid_output.tolist()):
                    out.append([d * s * (1 - s) for d, s in zip(drow, srow)])
                return out
                """,
            ),
            fn(
                SB, "s = sigmoid_output.astype(np.float32)\nreturn dvalues.astype(np.float32) * (s - s * s)\n"
            ),
        ],
        wrong=[
            (fn(SB, "return sigmoid_output * (1 - sigmoid_output)\n"), "multiply it by dvalues"),
            (
                fn(SB, "s = 1 / (1 + np.exp(-sigmoid_output))\nreturn dvalues * s * (1 - s)\n"),
                "applied the sigmoid to sigmoid_output again",
            ),
            (fn(SB, "return dvalues * (1 - sigmoid_output ** 2)\n"), "slope of tanh"),
            (fn(SB, "return dvalues * (1 - sigmoid_output)\n"), "by (1 - s) only"),
            (
                fn(SB, "dvalues *= sigmoid_output * (1 - sigmoid_output)\nreturn dvalues\n"),
                "changed its argument `dvalues` in place",
            ),
        ],
    ),
    "bce-loss": dict(
        reference=fn(
            BCE,
            """
            p = np.clip(y_pred, 1e-7, 1 - 1e-7)
            losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
            return float(np.mean(np.mean(losses, axis=-1)))
            """,
        ),
        starter=fn(BCE, "y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)\nreturn None\n"),
        styles=[
            fn(
                BCE,
                """
                total = 0.0
                for prow, yrow in zip(y_pred.tolist(), y_true.tolist()):
                    row = 0.0
                    for p, y in zip(prow, yrow):
                        p = min(max(p, 1e-7), 1 - 1e-7)
                        row += -math.log(p) if y == 1 else -math.log(1 - p)
                    total += row / len(prow)
                return total / len(y_pred)
                """,
                numpy=False,
            ).replace("def ", "import math\n\n\ndef ", 1),
            fn(
                BCE,
                """
                p = np.clip(y_pred.astype(np.float32), 1e-7, 1 - 1e-7)
                y = y_true.astype(np.float32)
                return np.mean(-(y * np.log(p) + (1 - y) * np.log1p(-p)))
                """,
            ),
            fn(
                BCE,
                """
                p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                return -np.mean(np.where(y_true == 1, np.log(p), np.log(1 - p)))
                """,
            ),
        ],
        wrong=[
            (
                fn(BCE, "return np.mean(-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)))\n"),
                "clip the predictions to [1e-7, 1 - 1e-7]",
            ),
            (
                fn(
                    BCE,
                    """
                    p = np.clip(y_pred, 1e-7, 1)
                    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
                    """,
                ),
                "check both bounds",
            ),
            (
                fn(BCE, "p = np.clip(y_pred, 1e-7, 1 - 1e-7)\nreturn np.mean(-y_true * np.log(p))\n"),
                "left out the term for label 0",
            ),
            (
                fn(
                    BCE,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
                    return np.mean(np.sum(losses, axis=1))
                    """,
                ),
                "added up the outputs of each sample",
            ),
            (
                fn(
                    BCE,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return np.sum(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
                    """,
                ),
                "sum over every value",
            ),
            (
                fn(
                    BCE,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return np.mean(-(y_true * np.log10(p) + (1 - y_true) * np.log10(1 - p)))
                    """,
                ),
                "log base 10",
            ),
        ],
    ),
    "bce-backward": dict(
        reference=fn(
            BCEB,
            """
            samples, outputs = y_pred.shape
            p = np.clip(y_pred, 1e-7, 1 - 1e-7)
            return -(y_true / p - (1 - y_true) / (1 - p)) / outputs / samples
            """,
        ),
        starter=fn(
            BCEB, "samples, outputs = y_pred.shape\nclipped = np.clip(y_pred, 1e-7, 1 - 1e-7)\nreturn None\n"
        ),
        styles=[
            fn(
                BCEB,
                """
                p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                return (p - y_true) / (p * (1 - p)) / y_pred.size
                """,
            ),
            fn(
                BCEB,
                """
                p = np.clip(y_pred.astype(np.float32), 1e-7, 1 - 1e-7)
                y = y_true.astype(np.float32)
                return np.where(y == 1, -1 / p, 1 / (1 - p)) / len(p) / p.shape[1]
                """,
            ),
        ],
        wrong=[
            (
                fn(BCEB, "return -(y_true / y_pred - (1 - y_true) / (1 - y_pred)) / y_pred.size\n"),
                "clip the predictions",
            ),
            (
                fn(
                    BCEB,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return -(y_true / p - (1 - y_true) / (1 - p)) / y_pred.shape[1]
                    """,
                ),
                "did not divide by the number of samples",
            ),
            (
                fn(
                    BCEB,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return -(y_true / p - (1 - y_true) / (1 - p)) / len(y_pred)
                    """,
                ),
                "did not divide by the number of outputs",
            ),
            (
                fn(
                    BCEB,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return -(y_true / p + (1 - y_true) / (1 - p)) / y_pred.size
                    """,
                ),
                "you added the two terms",
            ),
            (
                fn(
                    BCEB,
                    """
                    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
                    return (y_true / p - (1 - y_true) / (1 - p)) / y_pred.size
                    """,
                ),
                "the sign is wrong",
            ),
        ],
    ),
    "mse-loss": dict(
        reference=fn(MSE, "return float(np.mean(np.mean((y_true - y_pred) ** 2, axis=-1)))\n"),
        starter=fn(MSE, "errors = y_true - y_pred\nreturn None\n"),
        styles=[
            fn(
                MSE,
                """
                total = 0.0
                for prow, yrow in zip(y_pred.tolist(), y_true.tolist()):
                    total += sum((y - p) ** 2 for p, y in zip(prow, yrow)) / len(prow)
                return total / len(y_pred)
                """,
                numpy=False,
            ),
            fn(MSE, "e = y_pred.astype(np.float32) - y_true.astype(np.float32)\nreturn np.mean(e * e)\n"),
        ],
        wrong=[
            (fn(MSE, "return np.mean(y_true - y_pred)\n"), "did not square the errors"),
            (fn(MSE, "return np.mean(np.abs(y_true - y_pred))\n"), "mean absolute error"),
            (fn(MSE, "return np.sqrt(np.mean((y_true - y_pred) ** 2))\n"), "root mean squared error"),
            (fn(MSE, "return np.mean(np.sum((y_true - y_pred) ** 2, axis=1))\n"), "added up the outputs"),
            (fn(MSE, "return np.sum((y_true - y_pred) ** 2)\n"), "sum over every value"),
        ],
    ),
    "mse-backward": dict(
        reference=fn(
            MSEB,
            """
            samples, outputs = y_pred.shape
            return -2 * (y_true - y_pred) / outputs / samples
            """,
        ),
        starter=fn(MSEB, "samples, outputs = y_pred.shape\nreturn None\n"),
        styles=[
            fn(MSEB, "return 2 * (y_pred - y_true) / y_pred.size\n"),
            fn(
                MSEB,
                """
                n = len(y_pred)
                return [[2 * (p - y) / len(prow) / n for p, y in zip(prow, yrow)]
                        for prow, yrow in zip(y_pred.tolist(), y_true.tolist())]
                """,
                numpy=False,
            ),
        ],
        wrong=[
            (fn(MSEB, "return 2 * (y_true - y_pred) / y_pred.size\n"), "the sign is wrong"),
            (fn(MSEB, "return -(y_true - y_pred) / y_pred.size\n"), "left out the 2"),
            (fn(MSEB, "return -2 * (y_true - y_pred) / y_pred.shape[1]\n"), "number of samples"),
            (fn(MSEB, "return -2 * (y_true - y_pred) / len(y_pred)\n"), "number of outputs"),
        ],
    ),
    "mae-backward": dict(
        reference=fn(
            MAEB,
            """
            samples, outputs = y_pred.shape
            return -np.sign(y_true - y_pred) / outputs / samples
            """,
        ),
        starter=fn(MAEB, "samples, outputs = y_pred.shape\nreturn None\n"),
        styles=[
            fn(MAEB, "return np.sign(y_pred - y_true) / y_pred.size\n"),
            fn(
                MAEB,
                """
                d = np.zeros_like(y_pred, dtype=np.float32)
                d[y_pred > y_true] = 1
                d[y_pred < y_true] = -1
                return d / y_pred.shape[0] / y_pred.shape[1]
                """,
            ),
        ],
        wrong=[
            (fn(MAEB, "return np.sign(y_true - y_pred) / y_pred.size\n"), "the sign is wrong"),
            (fn(MAEB, "return -(y_true - y_pred) / y_pred.size\n"), "only its sign"),
            (fn(MAEB, "return np.where(y_true > y_pred, -1.0, 1.0) / y_pred.size\n"), "is not 0"),
            (fn(MAEB, "return -np.sign(y_true - y_pred) / y_pred.shape[1]\n"), "number of samples"),
        ],
    ),
    "batches": dict(
        reference=fn(
            BATCHES,
            """
            return [
                (X[start : start + batch_size], y[start : start + batch_size])
                for start in range(0, len(X), batch_size)
            ]
            """,
            numpy=False,
        ),
        starter=fn(BATCHES, "steps = len(X) // batch_size\nreturn []\n", numpy=False),
        styles=[
            fn(
                BATCHES,
                """
                steps = len(X) // batch_size
                if steps * batch_size < len(X):
                    steps += 1
                for step in range(steps):
                    yield X[step * batch_size:(step + 1) * batch_size], y[step * batch_size:(step + 1) * batch_size]
                """,
                numpy=False,
            ),
            fn(
                BATCHES,
                """
                cuts = np.arange(batch_size, len(X), batch_size)
                return zip(np.split(X, cuts), np.split(y, cuts))
                """,
            ),
            fn(
                BATCHES,
                """
                out = []
                for start in range(0, len(X), batch_size):
                    out.append([X[start:start + batch_size].astype(np.float32).tolist(),
                                list(y[start:start + batch_size])])
                return out
                """,
            ),
        ],
        wrong=[
            (
                fn(
                    BATCHES,
                    """
                    steps = len(X) // batch_size
                    return [(X[s * batch_size:(s + 1) * batch_size], y[s * batch_size:(s + 1) * batch_size])
                            for s in range(steps)]
                    """,
                    numpy=False,
                ),
                "dropped the last, shorter batch",
            ),
            (
                fn(
                    BATCHES,
                    "return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(len(X))]\n",
                    numpy=False,
                ),
                "your batches overlap",
            ),
            (
                fn(
                    BATCHES,
                    """
                    order = np.random.permutation(len(X))
                    X, y = X[order], y[order]
                    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size)]
                    """,
                ),
                "not in the data's order",
            ),
            (
                fn(
                    BATCHES,
                    "return [(y[i:i + batch_size], X[i:i + batch_size]) for i in range(0, len(X), batch_size)]\n",
                    numpy=False,
                ),
                "the wrong way round",
            ),
            (
                fn(
                    BATCHES,
                    "return [X[i:i + batch_size] for i in range(0, len(X), batch_size)]\n",
                    numpy=False,
                ),
                "is not a pair",
            ),
            (
                fn(
                    BATCHES,
                    """
                    steps = len(X) // batch_size + 1
                    return [(X[s * batch_size:(s + 1) * batch_size], y[s * batch_size:(s + 1) * batch_size])
                            for s in range(steps)]
                    """,
                    numpy=False,
                ),
                "one batch too many",
            ),
            (
                fn(
                    BATCHES,
                    """
                    while True:
                        yield X[:batch_size], y[:batch_size]
                    """,
                    numpy=False,
                ),
                "does its loop ever stop",
            ),
        ],
    ),
}


def test_every_exercise_has_a_check():
    assert set(EXERCISES) <= set(check_ids())


_leaks = leak_detector(EXERCISES, lessons=False)
globals().update(standard_tests(EXERCISES, _leaks, starter_leaks=False))


IN_PLACE = {
    "bce-loss": fn(
        BCE,
        """
        np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
        return np.mean(-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)))
        """,
    ),
    "bce-backward": fn(
        BCEB,
        """
        np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
        return -(y_true / y_pred - (1 - y_true) / (1 - y_pred)) / y_pred.size
        """,
    ),
    "mse-backward": fn(MSEB, "y_pred -= y_true\ny_pred *= 2 / y_pred.size\nreturn y_pred\n"),
    "mae-backward": fn(MAEB, "y_true -= y_pred\nreturn -np.sign(y_true) / y_pred.size\n"),
}


@pytest.mark.parametrize("exercise", sorted(IN_PLACE))
def test_inputs_changed_in_place_are_caught(grader, exercise):
    result = grader.grade(exercise, IN_PLACE[exercise])
    assert not result.passed
    assert "in place" in result.feedback, result.feedback


def test_a_generator_that_raises_midway_is_explained(grader):
    source = fn(
        BATCHES,
        """
        for start in range(0, len(X), batch_size):
            if start > 0:
                raise ValueError("no more")
            yield X[start:start + batch_size], y[start:start + batch_size]
        """,
        numpy=False,
    )
    result = grader.grade("batches", source)
    assert not result.passed
    assert "ValueError" in result.feedback and "taking the next batch" in result.feedback


def test_returning_a_number_is_explained(grader):
    result = grader.grade("batches", fn(BATCHES, "return len(X) // batch_size\n", numpy=False))
    assert not result.passed
    assert "Return (or yield) the batches" in result.feedback
