"""The training loop: forward, backward, update, over and over.

One epoch is one pass over the whole data set (the notebook trains on all 300 samples at once):

    probabilities = network.forward(X)      # what the network thinks now
    on_epoch(report)                        # whoever watches: logs, live plots
    network.backward(y)                     # who is to blame, and how much
    optimizer.step(network.parameters())    # nudge every parameter downhill

Loss and accuracy are computed only when a report's ``loss`` or ``accuracy`` is read: the update needs
neither, and most epochs nobody looks.

With ``batch_size`` an epoch is several steps, one per slice of ``batch_size`` samples in order (the
last may be shorter), and a report's predictions are made on the whole training set before the
epoch's first step. With ``validation`` data a report also gives the loss and accuracy on it:
samples the network never trains on, which show whether it learned the pattern or the points.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.losses import SoftmaxCrossEntropy, regression_precision


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
    validation: tuple[np.ndarray, np.ndarray] | None = None  # (X_val, y_val), if the run has them

    @cached_property
    def loss(self) -> float:
        """The head's mean loss (categorical cross-entropy for softmax): the data loss, without
        regularisation."""
        return _head(self.network).loss.calculate(self.probabilities, self.targets)

    @cached_property
    def accuracy(self) -> float:
        """The share of samples the network gets right (for softmax: whose most probable class is
        the true one)."""
        return _head(self.network).accuracy(self.probabilities, self.targets)

    @cached_property
    def regularization_loss(self) -> float:
        """The L1 and L2 penalties of the parameters (0 without regularisation)."""
        penalties = getattr(self.network, "regularization_loss", None)
        return float(penalties()) if penalties is not None else 0.0

    @cached_property
    def validation_outputs(self) -> np.ndarray | None:
        """The network's outputs on the validation inputs (read it in the callback: later the
        parameters have moved on)."""
        if self.validation is None:
            return None
        return self.network.predict_proba(self.validation[0])  # type: ignore[attr-defined]

    @property
    def validation_loss(self) -> float | None:
        """The data loss on the validation samples, or None without them."""
        outputs = self.validation_outputs
        if outputs is None or self.validation is None:
            return None
        return _head(self.network).loss.calculate(outputs, self.validation[1])

    @property
    def validation_accuracy(self) -> float | None:
        """The accuracy on the validation samples, or None without them."""
        outputs = self.validation_outputs
        if outputs is None or self.validation is None:
            return None
        return _head(self.network).accuracy(outputs, self.validation[1])

    def log_line(self) -> str:
        """The notebook's log format: ``epoch: 100, acc: 0.670, loss: 0.705, lr: 0.0499...``, then
        ``reg_loss`` when the network is regularised and ``val_acc``, ``val_loss`` with validation data."""
        loss = _loss_text(self.network)
        line = f"epoch: {self.epoch}, acc: {self.accuracy:.3f}, loss: {loss(self.loss)}, lr: {self.learning_rate}"
        if _regularised(self.network):
            line += f", reg_loss: {loss(self.regularization_loss)}"
        if self.validation is not None:
            line += f", val_acc: {self.validation_accuracy:.3f}, val_loss: {loss(self.validation_loss)}"
        return line


def _head(network) -> object:
    """The network's head (``losses.HEADS``): what turns its scores into a loss and an accuracy."""
    head = getattr(network, "output_loss", None)
    return head if head is not None else SoftmaxCrossEntropy()


def _loss_text(network) -> Callable[[float | None], str]:
    """How a log line writes a loss: three decimals, as the notebook; a regression's squared errors
    fall far below 0.001, so they get three significant digits instead (``2.07e-05``)."""
    if hasattr(_head(network), "precision"):
        return lambda value: f"{value:.3g}"
    return lambda value: f"{value:.3f}"


def _regularised(network) -> bool:
    return any(
        layer.weight_regularizer_l1
        or layer.weight_regularizer_l2
        or layer.bias_regularizer_l1
        or layer.bias_regularizer_l2
        for layer in getattr(network, "dense_layers", ())
    )


class Trainer:
    """Trains ``network`` on ``X (n_samples, n_inputs)`` and ``y`` (class indices ``(n_samples,)`` or
    one-hot for softmax; ``(n_samples, 1)`` for the sigmoid and linear heads) with ``optimizer``.
    ``run`` may be called again to continue where it stopped.

    ``batch_size``: None trains on the whole set at each step; N takes steps of N samples in order.
    ``validation``: ``(X_val, y_val)``, held-out samples the reports are also measured on.
    """

    def __init__(self, network, optimizer, X, y, *, batch_size: int | None = None, validation=None):
        self.network = network
        self.optimizer = optimizer
        self.X = X
        self.y = np.asarray(y)
        self.batch_size = batch_size if batch_size and batch_size < len(self.y) else None
        self.validation = validation
        head = _head(network)
        n_outputs = network.dense_layers[-1].weights.shape[1]
        # Speed: the targets in the form the head's gradient takes (one-hot rows for softmax), built
        # once instead of every epoch.
        self._targets = head.targets(self.y, n_outputs, network.flat_parameters.dtype)  # type: ignore[attr-defined]
        if hasattr(head, "precision"):
            head.precision = regression_precision(self.y)  # from the training targets, as the book
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
            due = epoch == last or (on_epoch is not None and epoch % every == 0)
            if self.batch_size is None:
                probabilities = network.forward(self.X)
            elif due:
                probabilities = network.predict_proba(self.X)  # the whole set, before this epoch's steps
            report = None
            if due:
                report = EpochReport(
                    epoch, probabilities, self.y, optimizer.current_learning_rate, network, self.validation
                )
                if on_epoch is not None:
                    on_epoch(report)
                if epoch == last:
                    report.validation_outputs  # noqa: B018 -- measured now, before the update
            learning_rate = optimizer.current_learning_rate
            if self.batch_size is None:
                self._step(epoch, self._targets)
            else:
                for X_batch, y_batch in self._batches():
                    network.forward(X_batch)
                    self._step(epoch, y_batch)
            self.epoch = epoch + 1
        if report is None and self.epoch > first:
            # Stopped early: describe the last epoch that ran.
            if self.batch_size is not None:
                probabilities = network.predict_proba(self.X)
            report = EpochReport(
                self.epoch - 1, probabilities, self.y, learning_rate, network, self.validation
            )
        return report

    def _step(self, epoch: int, targets: np.ndarray) -> None:
        """Backward from the last ``forward``'s outputs and ``targets``, then one optimizer update."""
        self.network.backward(targets)
        if _diverged(self.network):
            raise TrainingDiverged(epoch)
        self.optimizer.step(self.network.parameters())

    def _batches(self):
        """``(X_batch, targets_batch)`` slices of ``batch_size`` samples, in order; the last may be shorter."""
        size = self.batch_size or len(self.X)
        for start in range(0, len(self.X), size):
            yield self.X[start : start + size], self._targets[start : start + size]


def _diverged(network) -> bool:
    """Whether the loss of the last ``forward`` is nan or inf, judged from the gradients ``backward`` left.

    Speed: computing the loss every epoch only to test it would cost a log per sample. Clipping keeps
    the loss finite unless some sample's probabilities are nan, and then the last bias's gradient, a
    sum over all samples, is nan too: one number to test, and the same verdict.
    """
    gradients = network.flat_gradients
    return bool(gradients.size) and not math.isfinite(gradients[-1])
