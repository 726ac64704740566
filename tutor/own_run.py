"""The learner's own training run, as data: their printed log read as curves, compared line by line
with the engine's run of the same settings, and their trained parameters as a network to draw.

    history = log_history(lines)                    # "epoch: 100, acc: 0.670, ..." -> curve rows
    reference = reference_run(NOTEBOOK_CAPSTONE)    # the engine's run: 101 lines, history, data (cached)
    comparison = compare_logs(lines, reference.lines)
    grid = trained_regions(result.trained, reference.X, (60, 20))   # the learner's decision regions

``REFERENCE_RUNS`` says which run a check's training loop must reproduce. ``reference_run`` and
``trained_regions`` take a second or so of NumPy: call them from a worker thread. Imports NumPy and
the engine lazily; the rest is plain Python.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.history import HistoryRow  # (epoch, loss, accuracy, learning_rate), as plotting draws
from tutor.training_config import NOTEBOOK_CAPSTONE, TrainConfig

if TYPE_CHECKING:
    import numpy as np

    from tutor.grids import RegionGrid


# The run each check's training loop must reproduce line for line (check id -> settings).
REFERENCE_RUNS: dict[str, TrainConfig] = {"train-spiral": NOTEBOOK_CAPSTONE}

# How often the notebook's loop prints: epochs 0, 100, ..., 10000 are its 101 lines.
LOG_EVERY = 100

_NUMBER = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)"
_LOG_LINE = re.compile(
    rf"^epoch:\s*(?P<epoch>\d+),\s*acc:\s*(?P<acc>{_NUMBER}),\s*loss:\s*(?P<loss>{_NUMBER})"
    rf"(?:,\s*lr:\s*(?P<lr>{_NUMBER}))?"
)


def is_log_line(line: str) -> bool:
    """Whether ``line`` is one of the training log's lines (it starts with ``epoch:``)."""
    return line.lstrip().startswith("epoch:")


def parse_log_line(line: str) -> HistoryRow | None:
    """``(epoch, loss, accuracy, learning_rate)`` of a line like ``epoch: 100, acc: 0.670, loss:
    0.705, lr: 0.0499...``; None for any other line. A missing learning rate reads as nan."""
    match = _LOG_LINE.match(line.strip())
    if match is None:
        return None
    lr = match.group("lr")
    return (
        int(match.group("epoch")),
        float(match.group("loss")),
        float(match.group("acc")),
        float(lr) if lr is not None else float("nan"),
    )


def log_history(lines: Sequence[str]) -> list[HistoryRow]:
    """The curve rows of every log line among ``lines``, in order (other lines are skipped)."""
    rows = (parse_log_line(line) for line in lines)
    return [row for row in rows if row is not None]


@dataclass(frozen=True)
class LogComparison:
    """The learner's log lines against the expected ones: ``equal``, else the first ``line``
    (1-based, among the log lines) that differs, with ``yours`` and ``expected`` there (None where
    one log is shorter)."""

    equal: bool
    count: int  # the learner's log lines
    expected_count: int
    line: int | None = None
    yours: str | None = None
    expected: str | None = None

    def summary(self) -> str:
        """One line: ``your 101 lines equal the notebook's`` or where the first difference is."""
        if self.equal:
            return f"your {self.count} lines equal the notebook's"
        if self.yours is None:
            return f"your log stops after {self.count} lines; the notebook's has {self.expected_count}"
        if self.expected is None:
            return f"your log has {self.count} lines; the notebook's has {self.expected_count}"
        return f"line {self.line} of {self.expected_count} differs from the notebook's"


def compare_logs(lines: Sequence[str], expected: Sequence[str]) -> LogComparison:
    """Compare the log lines among ``lines`` (what the learner printed) with ``expected``, the
    engine's lines for the same run. Lines that are not log lines, and spaces at either end, do not
    count."""
    yours = [line.strip() for line in lines if is_log_line(line)]
    wanted = [line.strip() for line in expected]
    for index in range(max(len(yours), len(wanted))):
        mine = yours[index] if index < len(yours) else None
        theirs = wanted[index] if index < len(wanted) else None
        if mine != theirs:
            return LogComparison(False, len(yours), len(wanted), index + 1, mine, theirs)
    return LogComparison(True, len(yours), len(wanted))


@dataclass(frozen=True)
class ReferenceRun:
    """The engine's run of ``config``: its log ``lines`` every ``LOG_EVERY`` epochs, the same rows
    as ``history``, and the training data ``X``, ``y``."""

    config: TrainConfig
    lines: tuple[str, ...]
    history: tuple[HistoryRow, ...]
    X: np.ndarray
    y: np.ndarray


_references: dict[str, ReferenceRun] = {}
_references_lock = threading.Lock()


def reference_run(config: TrainConfig = NOTEBOOK_CAPSTONE) -> ReferenceRun:
    """The engine's run of ``config`` (about a second for the notebook's; cached for the process).
    Call it from a worker thread."""
    key = repr(config)
    with _references_lock:
        cached = _references.get(key)
        if cached is not None:
            return cached
        from tutor.runs import Training

        training = Training.build(config)
        lines: list[str] = []
        history: list[HistoryRow] = []

        def record(report: Any) -> None:
            if report.epoch % LOG_EVERY == 0:
                lines.append(report.log_line())
                history.append(
                    (
                        int(report.epoch),
                        float(report.loss),
                        float(report.accuracy),
                        float(report.learning_rate),
                    )
                )

        training.run(config.epochs, on_epoch=record, every=LOG_EVERY)
        run = ReferenceRun(config, tuple(lines), tuple(history), training.X, training.y)
        _references[key] = run
        return run


# The parameters a trained two-layer network reports (CheckResult.trained), in layer order.
TRAINED_KEYS = ("dense1.weights", "dense1.biases", "dense2.weights", "dense2.biases")


def network_from_parameters(trained: Mapping[str, Any]) -> Any:
    """The engine's ``Network`` (Dense, ReLU, Dense) holding the learner's trained parameters:
    ``trained`` maps ``TRAINED_KEYS`` to nested lists. Raises ``ValueError`` saying what is wrong."""
    import numpy as np

    from engine.network import Network

    missing = [key for key in TRAINED_KEYS if key not in trained]
    if missing:
        raise ValueError(f"the trained network has no {', '.join(missing)}")
    try:
        arrays = {key: np.asarray(trained[key], dtype=np.float64) for key in TRAINED_KEYS}
    except (TypeError, ValueError) as error:
        raise ValueError(f"the trained parameters are not arrays of numbers ({error})") from None
    w1, b1, w2, b2 = (arrays[key] for key in TRAINED_KEYS)
    if w1.ndim != 2 or w2.ndim != 2 or b1.shape != (1, w1.shape[1]) or b2.shape != (1, w2.shape[1]):
        raise ValueError(
            f"the trained parameters have shapes {w1.shape}, {b1.shape}, {w2.shape}, {b2.shape}; "
            "expected (inputs, hidden), (1, hidden), (hidden, classes), (1, classes)"
        )
    if w2.shape[0] != w1.shape[1]:
        raise ValueError(f"dense2 takes {w2.shape[0]} inputs but dense1 gives {w1.shape[1]}")
    network = Network.classifier(w1.shape[0], (w1.shape[1],), w2.shape[1], "relu", dtype=np.float64)
    first, second = network.dense_layers
    first.weights[...], first.biases[...] = w1, b1
    second.weights[...], second.biases[...] = w2, b2
    return network


def trained_regions(trained: Mapping[str, Any], X: np.ndarray, resolution: tuple[int, int]) -> RegionGrid:
    """The decision regions of the learner's trained network over the data ``X`` (the engine's
    forward pass on a grid). Raises ``ValueError`` for parameters that are not such a network."""
    from tutor.grids import region_grid

    network = network_from_parameters(trained)
    if network.dense_layers[0].weights.shape[0] != X.shape[1]:
        raise ValueError(
            f"the trained network takes {network.dense_layers[0].weights.shape[0]} inputs, not 2"
        )
    return region_grid(network, X, resolution)
