"""Check for lesson 10's ``train-spiral``: the learner's classes and loop train the notebook's network.

It watches the learner's training log as it is printed and stops the run at the first line that differs
from the notebook's (computed by the engine in its exact ``notebook_numpy()`` mode), and explains a drift
that comes from multiplying with ``@`` instead of ``np.dot``."""

from __future__ import annotations

import ast
import functools
import re

import numpy as np

from engine import optimizers
from tutor.grader import extras, wire
from tutor.grader.api import CaseFailure, StopCheck, Submission, check, learner_code
from tutor.grader.checks.network import CAPSTONE_LINES, EPOCHS, EVERY, described

# -- train-spiral --------------------------------------------------------------------------------------------------


@functools.cache
def notebook_log() -> tuple[str, ...]:
    """The notebook's 101 log lines, from the engine in the exact ``notebook_numpy()`` mode."""
    from engine.datasets import notebook_numpy, spiral
    from engine.network import Network
    from engine.training import Trainer

    lines: list[str] = []
    with notebook_numpy():
        X, y = spiral(100, 3)
        X = X.astype(np.float32, copy=False)
        network = Network.classifier(2, (64,), 3, dtype=np.float32)
        optimizer = optimizers.Adam(0.05, decay=5e-7)
        Trainer(network, optimizer, X, y).run(
            EPOCHS, on_epoch=lambda report: lines.append(report.log_line()), every=EVERY
        )
    return tuple(lines)


class SpiralLog(extras.OutputWatch):
    """Compares each printed line with the notebook's as it comes; stops at the first difference."""

    def __init__(self) -> None:
        super().__init__()
        self.expected = notebook_log()
        self.difference: tuple[int, str, str | None] | None = None  # (index, printed, expected)
        self.other: list[str] = []

    def line(self, text: str) -> bool:
        if not text.strip().lower().startswith("epoch"):
            self.other.append(text)  # a warning or the learner's own note: not part of the log
            return False
        super().line(text)
        index = len(self.lines) - 1
        want = self.expected[index] if index < len(self.expected) else None
        if text.rstrip() != want:
            self.difference = (index, text, want)
            return True
        return False


extras.watch_output("train-spiral")(SpiralLog)

_LOG_LINE = re.compile(r"epoch: (\d+), acc: ([0-9.]+), loss: ([0-9.]+), lr: ([0-9.e-]+)\Z")


def _uses_matmul(submission: Submission) -> bool:
    code = learner_code(submission)
    return bool(code.readable and (code.uses_operator(ast.MatMult) or code.calls("matmul")))


def _drift(printed: str, expected: str) -> bool:
    """The same epoch and learning rate, accuracy and loss a little off: a run in another precision."""
    mine, want = _LOG_LINE.match(printed.strip()), _LOG_LINE.match(expected)
    if not mine or not want:
        return False
    return (
        mine.group(1) == want.group(1)
        and mine.group(4) == want.group(4)
        and abs(float(mine.group(2)) - float(want.group(2))) <= 0.1
        and abs(float(mine.group(3)) - float(want.group(3))) <= 0.1
    )


def _first_difference_sentence(submission: Submission, index: int, printed: str, want: str | None) -> str:
    if want is None:
        return (
            f"Your code printed more than the notebook's {CAPSTONE_LINES} lines: line {index + 1} is extra. "
            "Print once every 100 epochs, from epoch 0 to epoch 10000."
        )
    if index > 0 and _drift(printed, want) and _uses_matmul(submission):
        return (
            f"Line {index + 1} drifts from the notebook's: your layer multiplies with `@`, which nnfs.init() "
            "does not replace, so your network trains in float32 arithmetic instead of the notebook's "
            "float64-then-float32 np.dot and its numbers part after the first lines; use np.dot."
        )
    if not _LOG_LINE.match(printed.strip()):
        return (
            f"Line {index + 1} of your output is not a log line like the notebook's: "
            "print f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate}'."
        )
    if index == 0:
        return (
            "Your first log line differs from the notebook's: check nnfs.init() comes first, then "
            "spiral_data(samples=100, classes=3), then the layers in order, Dense(2, 64) and Dense(64, 3)."
        )
    return (
        f"Line {index + 1} of your log differs from the notebook's: the first {index} lines match, so the "
        "network starts right but a step of training is off (the backward pass, the optimizer's settings "
        "learning_rate=0.05 and decay=5e-7, or the order of the calls in the loop)."
    )


@check("train-spiral")
def train_spiral_check(submission):
    watch = extras.output_watch()
    lines = list(watch.lines) if watch is not None else []
    expected = notebook_log()
    difference = getattr(watch, "difference", None)
    with submission.case(f"the training log: {CAPSTONE_LINES} lines, as the notebook prints them"):
        if difference is not None:
            index, printed, want = difference
            shown = f"Printed:  {printed}\nExpected: {want if want is not None else '(nothing: the log has ended)'}"
            raise StopCheck(_first_difference_sentence(submission, index, printed, want), detail=shown)
        other = getattr(watch, "other", [])
        if not lines and other:
            shown = f"Printed:  {other[0]}\nExpected: {expected[0]}"
            raise StopCheck(
                "None of the lines your code printed is a log line like the notebook's: print "
                "f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate}' "
                "every 100 epochs.",
                detail=shown,
            )
        if len(lines) < len(expected):
            shown = f"Printed:  (nothing)\nExpected: {expected[len(lines)]}"
            raise StopCheck(
                f"Your code printed {len(lines)} of the notebook's {len(expected)} log lines and stopped. Train "
                "for 10001 epochs (range(10001)) and print when epoch % 100 == 0.",
                detail=shown,
            )
    with submission.case("the trained network is kept in dense1 and dense2"):
        trained = {}
        for layer_name in ("dense1", "dense2"):
            layer = submission.value(
                layer_name, f"the {'first' if layer_name == 'dense1' else 'second'} Layer_Dense"
            )
            if not isinstance(layer, wire.LearnerObject):
                raise CaseFailure(f"`{layer_name}` is {described(layer)}, not your Layer_Dense.")
            for attribute in ("weights", "biases"):
                value = submission.attribute(layer, attribute)
                if value is None:
                    raise CaseFailure(f"`{layer_name}` has no `{attribute}`.")
                trained[f"{layer_name}.{attribute}"] = np.asarray(value, dtype=float).tolist()
        extras.attach_trained(trained)
