"""Losses: one number that says how wrong the network is, and its gradient.

``forward(y_pred, y_true)`` returns one loss per sample; ``calculate`` averages them over the batch;
``backward(dvalues, y_true)`` stores ``dinputs``, the gradient of the mean loss with respect to the
predictions, shape ``(n_samples, n_outputs)``. Every gradient is divided by the number of samples because
the loss is a mean: without that, a bigger batch would mean bigger steps.
"""

from __future__ import annotations

import numpy as np

from engine.activations import softmax

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log: log(0) is -inf, and one
# infinite sample loss makes the mean infinite. Clipping both ends keeps the mean unbiased.
EPSILON = 1e-7


def _as_probability_rows(y_pred):
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.ndim == 2 else y_pred.reshape(1, -1)


def correct_class_confidences(y_pred, y_true):
    """The predicted probability of each sample's true class, ``(n_samples,)``.

    ``y_pred`` is ``(n_samples, n_classes)``; ``y_true`` holds class indices ``(n_samples,)`` or one-hot
    rows ``(n_samples, n_classes)``.
    """
    y_true = np.asarray(y_true)
    if y_true.ndim == 1:
        return y_pred[np.arange(len(y_pred)), y_true]
    return np.sum(y_pred * y_true, axis=1)


def to_one_hot(y_true, n_classes, dtype=float):
    """Class indices ``(n_samples,)`` to one-hot rows ``(n_samples, n_classes)``; one-hot passes through."""
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        return y_true.astype(dtype, copy=False)
    return np.eye(n_classes, dtype=dtype)[y_true]


class Loss:
    """What every loss shares: the mean over the batch."""

    def calculate(self, output, y):
        return float(np.mean(self.forward(output, y)))


class CategoricalCrossEntropy(Loss):
    """-log(probability given to the true class): 0 when certain and right, large when confidently wrong."""

    def forward(self, y_pred, y_true):
        clipped = np.clip(_as_probability_rows(y_pred), EPSILON, 1 - EPSILON)
        return -np.log(correct_class_confidences(clipped, y_true))

    def backward(self, dvalues, y_true):
        samples, n_classes = dvalues.shape
        y_true = to_one_hot(y_true, n_classes, dvalues.dtype)
        # d(-log p_true)/dp = -1/p for the true class, 0 elsewhere; clipped like the forward pass.
        self.dinputs = -y_true / np.clip(dvalues, EPSILON, 1 - EPSILON) / samples


class BinaryCrossEntropy(Loss):
    """For independent yes/no outputs (sigmoid): the cross-entropy of each output, averaged per sample."""

    def forward(self, y_pred, y_true):
        y_pred = np.clip(y_pred, EPSILON, 1 - EPSILON)
        losses = -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
        return np.mean(losses, axis=-1)

    def backward(self, dvalues, y_true):
        samples, outputs = dvalues.shape
        clipped = np.clip(dvalues, EPSILON, 1 - EPSILON)
        self.dinputs = -(y_true / clipped - (1 - y_true) / (1 - clipped)) / outputs / samples


class MeanSquaredError(Loss):
    """Mean of (y - prediction)^2 over the outputs: for regression. Punishes big misses hardest."""

    def forward(self, y_pred, y_true):
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    def backward(self, dvalues, y_true):
        samples, outputs = dvalues.shape
        self.dinputs = -2 * (y_true - dvalues) / outputs / samples


class MeanAbsoluteError(Loss):
    """Mean of |y - prediction| over the outputs: for regression, less swayed by outliers."""

    def forward(self, y_pred, y_true):
        return np.mean(np.abs(y_true - y_pred), axis=-1)

    def backward(self, dvalues, y_true):
        samples, outputs = dvalues.shape
        self.dinputs = -np.sign(y_true - dvalues) / outputs / samples


def regularization_loss(layer):
    """The L1 and L2 penalties of a Dense layer's weights and biases (0 when it has none)."""
    loss = 0.0
    if layer.weight_regularizer_l1 > 0:
        loss += layer.weight_regularizer_l1 * np.sum(np.abs(layer.weights))
    if layer.weight_regularizer_l2 > 0:
        loss += layer.weight_regularizer_l2 * np.sum(layer.weights * layer.weights)
    if layer.bias_regularizer_l1 > 0:
        loss += layer.bias_regularizer_l1 * np.sum(np.abs(layer.biases))
    if layer.bias_regularizer_l2 > 0:
        loss += layer.bias_regularizer_l2 * np.sum(layer.biases * layer.biases)
    return float(loss)


def softmax_cross_entropy_gradient(probabilities, y_true):
    """The gradient of mean cross-entropy with respect to the scores that softmax turned into
    ``probabilities (n_samples, n_classes)``: ``(p - onehot) / n_samples``. The inputs are not modified.

    Chaining softmax's Jacobian with cross-entropy's -1/p, almost everything cancels and this is what
    remains: one subtraction instead of a (n_classes, n_classes) matrix per sample.
    """
    probabilities = np.asarray(probabilities)
    samples, n_classes = probabilities.shape
    gradient = probabilities - to_one_hot(y_true, n_classes, probabilities.dtype)
    gradient /= samples  # in place: the subtraction above already made a new array
    return gradient


class SoftmaxCrossEntropy:
    """Softmax on the last layer's scores, then categorical cross-entropy, with the fused gradient."""

    def __init__(self):
        self.loss = CategoricalCrossEntropy()

    def forward(self, inputs, y_true=None):
        """Store the probabilities in ``output``; return the mean loss when ``y_true`` is given."""
        self.output = softmax(inputs)
        if y_true is not None:
            return self.loss.calculate(self.output, y_true)
        return None

    def backward(self, dvalues, y_true):
        """``dvalues`` are the softmax probabilities (the forward ``output``)."""
        self.dinputs = softmax_cross_entropy_gradient(dvalues, y_true)


def categorical_cross_entropy(y_pred, y_true):
    """Mean categorical cross-entropy of a batch, with clipping. ``y_true``: indices or one-hot."""
    return CategoricalCrossEntropy().calculate(y_pred, y_true)


def accuracy(y_pred, y_true):
    """The fraction of rows of ``y_pred (n_samples, n_classes)`` whose largest value is at the true class.

    ``y_true``: class indices ``(n_samples,)`` or one-hot rows ``(n_samples, n_classes)``.
    """
    predictions = np.argmax(_as_probability_rows(y_pred), axis=1)
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return float(np.mean(predictions == y_true))
