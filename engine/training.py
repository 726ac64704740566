"""The training loop: forward, backward, update, over and over.

One epoch is one pass over the whole data set (the notebook trains on all 300 samples at once):

    probabilities = network.forward(X)      # what the network thinks now
    on_epoch(report)                        # whoever watches: logs, live plots
    network.backward(y)                     # who is to blame, and how much
    optimizer.step(network.parameters())    # nudge every parameter downhill

Loss and accuracy are computed only when a report's ``loss`` or ``accuracy`` is read: the update needs
neither, and most epochs nobody looks.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.losses import CategoricalCrossEntropy, accuracy, to_one_hot


class TrainingDiverged(RuntimeError):
    """The loss became nan or inf: the steps were too big and the parameters blew up."""

    def __init__(self, epoch):
        super().__init__(f"training diverged at epoch {epoch}: the loss became nan or inf")
        self.epoch = epoch


@dataclass
class EpochReport:
    """The state of training as epoch ``epoch`` begins: the network's predictions on the data before
    this epoch's update, and ``learning_rate``, the rate of the latest update (the notebook logs this one).
    ``probabilities`` is ``(n_samples, n_classes)``; ``network`` can predict new points (the
    parameters may already have moved on if you keep the report past the callback)."""

    epoch: int
    probabilities: np.ndarray
    targets: np.ndarray
    learning_rate: float
    network: object

    @cached_property
    def loss(self) -> float:
        """Mean categorical cross-entropy (the data loss, without regularisation)."""
        return CategoricalCrossEntropy().calculate(self.probabilities, self.targets)

    @cached_property
    def accuracy(self) -> float:
        """The fraction of samples whose most probable class is the true one."""
        return accuracy(self.probabilities, self.targets)

    def log_line(self) -> str:
        """The notebook's log format: ``epoch: 100, acc: 0.670, loss: 0.705, lr: 0.0499...``."""
        return (
            f"epoch: {self.epoch}, acc: {self.accuracy:.3f}, loss: {self.loss:.3f}, lr: {self.learning_rate}"
        )


class Trainer:
    """Trains ``network`` on ``X (n_samples, n_inputs)`` and ``y`` (class indices ``(n_samples,)`` or
    one-hot) with ``optimizer``. ``run`` may be called again to continue where it stopped."""

    def __init__(self, network, optimizer, X, y):
        self.network = network
        self.optimizer = optimizer
        self.X = X
        self.y = np.asarray(y)
        n_classes = network.dense_layers[-1].weights.shape[1]
        # Speed: the targets as one-hot rows (n_samples, n_classes), built once instead of every
        # epoch; the fused gradient (p - onehot) / n_samples builds the same rows from indices.
        self._one_hot = to_one_hot(self.y, n_classes, network.flat_parameters.dtype)
        self.epoch = 0  # the next epoch to run
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """Ask ``run`` to return before its next epoch. Safe to call from any thread."""
        self._stop.set()

    def run(self, epochs: int, on_epoch: Callable[[EpochReport], object] | None = None, every: int = 1):
        """Run up to ``epochs`` more epochs, calling ``on_epoch(report)`` on every ``every``-th epoch
        (counting from 0) and on the last. Returns the report of the last epoch run (None if stopped
        before any). Raises ``TrainingDiverged`` when the loss becomes nan or inf."""
        self._stop.clear()
        # Overflow on the way to divergence is reported once, as TrainingDiverged, not as warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._run(epochs, on_epoch, every)

    def _run(
        self, epochs: int, on_epoch: Callable[[EpochReport], object] | None, every: int
    ) -> EpochReport | None:
        """``run``'s loop: forward, report, backward, divergence test, update (see the module docstring)."""
        network, optimizer = self.network, self.optimizer
        first, last = self.epoch, self.epoch + epochs - 1
        report = None
        for epoch in range(first, last + 1):
            if self._stop.is_set():
                break
            probabilities = network.forward(self.X)
            report = None
            if epoch == last or (on_epoch is not None and epoch % every == 0):
                report = EpochReport(epoch, probabilities, self.y, optimizer.current_learning_rate, network)
                if on_epoch is not None:
                    on_epoch(report)
            network.backward(self._one_hot)
            if _diverged(network):
                raise TrainingDiverged(epoch)
            learning_rate = optimizer.current_learning_rate
            optimizer.step(network.parameters())
            self.epoch = epoch + 1
        if report is None and self.epoch > first:
            # Stopped early: describe the last epoch that ran.
            report = EpochReport(self.epoch - 1, probabilities, self.y, learning_rate, network)
        return report


def _diverged(network) -> bool:
    """Whether the loss of the last ``forward`` is nan or inf, judged from the gradients ``backward`` left.

    Speed: computing the loss every epoch only to test it would cost a log per sample. Clipping keeps
    the loss finite unless some sample's probabilities are nan, and then the last bias's gradient, a
    sum over all samples, is nan too: one number to test, and the same verdict.
    """
    gradients = network.flat_gradients
    return bool(gradients.size) and not math.isfinite(gradients[-1])
