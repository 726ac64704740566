"""Losses: one number that says how wrong the network is, and its gradient.

Every loss class has:

    forward(y_pred, y_true) -> (n_samples,)   one loss per sample
    calculate(y_pred, y_true) -> float        their mean over the batch: the loss
    backward(dvalues, y_true)                 store ``dinputs``, the gradient of the mean loss with
                                              respect to the predictions ``dvalues``

``y_pred``, ``dvalues`` and ``dinputs`` are ``(n_samples, n_outputs)``. Every gradient is divided by
``n_samples`` because the loss is a mean: without that, a bigger batch would mean bigger steps.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from engine.activations import sigmoid, softmax

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log: log(0) is -inf, and one
# infinite sample loss makes the mean infinite. Clipping both ends keeps the mean unbiased.
EPSILON = 1e-7


def _as_probability_rows(y_pred: npt.ArrayLike) -> np.ndarray:
    """``y_pred`` as ``(n_samples, n_classes)``: a single row ``(n_classes,)`` becomes ``(1, n_classes)``."""
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.ndim == 2 else y_pred.reshape(1, -1)


def correct_class_confidences(y_pred: np.ndarray, y_true: npt.ArrayLike) -> np.ndarray:
    """The predicted probability of each sample's true class, ``(n_samples,)``.

    ``y_pred`` is ``(n_samples, n_classes)``; ``y_true`` holds class indices ``(n_samples,)`` or one-hot
    rows ``(n_samples, n_classes)``.
    """
    y_true = np.asarray(y_true)
    if y_true.ndim == 1:
        return y_pred[np.arange(len(y_pred)), y_true]
    return np.sum(y_pred * y_true, axis=1)


def to_one_hot(y_true: npt.ArrayLike, n_classes: int, dtype: npt.DTypeLike = float) -> np.ndarray:
    """Class indices ``(n_samples,)`` to one-hot rows ``(n_samples, n_classes)``; one-hot passes through."""
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        return y_true.astype(dtype, copy=False)
    return np.eye(n_classes, dtype=dtype)[y_true]


class Loss:
    """What every loss shares: ``calculate``, the mean of ``forward`` over the batch."""

    def calculate(self, output: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """The mean loss of the batch: ``output`` are the predictions, ``y`` the targets."""
        return float(np.mean(self.forward(output, y)))

    def forward(self, y_pred, y_true) -> np.ndarray:
        """One loss per sample, ``(n_samples,)``."""
        raise NotImplementedError

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """Store ``dinputs (n_samples, n_outputs)``, the gradient of the mean loss."""
        raise NotImplementedError


class CategoricalCrossEntropy(Loss):
    """Categorical cross-entropy: ``loss = -log(p[true class])``, for probabilities from a softmax.

    0 when the network is certain and right, large when it is confidently wrong. ``y_pred`` is
    ``(n_samples, n_classes)`` (or one row ``(n_classes,)``); ``y_true`` is class indices ``(n_samples,)``
    or one-hot rows ``(n_samples, n_classes)``. With one-hot targets ``y`` the loss is
    ``-sum_k y[k] * log(p[k])``, the same number, since only the true class's term is not 0.
    """

    def forward(self, y_pred, y_true) -> np.ndarray:
        clipped = np.clip(_as_probability_rows(y_pred), EPSILON, 1 - EPSILON)
        return -np.log(correct_class_confidences(clipped, y_true))

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """From ``loss = -sum_k y[k] * log(p[k])``: ``d loss / d p[k] = -y[k] / p[k]``, which is
        ``-1 / p`` at the true class and 0 elsewhere; divided by ``n_samples`` for the mean. ``p`` is
        clipped as in the forward pass."""
        samples, n_classes = dvalues.shape
        y_true = to_one_hot(y_true, n_classes, dvalues.dtype)
        self.dinputs = -y_true / np.clip(dvalues, EPSILON, 1 - EPSILON) / samples


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy, for independent yes/no outputs (sigmoid), averaged over the outputs:

        loss = -mean_j ( y[j] * log(p[j]) + (1 - y[j]) * log(1 - p[j]) )

    ``y_pred`` and ``y_true`` (0s and 1s) are ``(n_samples, n_outputs)``.
    """

    def forward(self, y_pred, y_true) -> np.ndarray:
        y_pred = np.clip(y_pred, EPSILON, 1 - EPSILON)
        losses = -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
        return np.mean(losses, axis=-1)

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """``d log(p) / dp = 1 / p`` and ``d log(1 - p) / dp = -1 / (1 - p)``, so
        ``d loss / d p[j] = -(y[j] / p[j] - (1 - y[j]) / (1 - p[j])) / n_outputs``; divided by
        ``n_samples`` for the mean. ``p`` is clipped as in the forward pass."""
        samples, outputs = dvalues.shape
        clipped = np.clip(dvalues, EPSILON, 1 - EPSILON)
        self.dinputs = -(y_true / clipped - (1 - y_true) / (1 - clipped)) / outputs / samples


class MeanSquaredError(Loss):
    """``loss = mean_j (y[j] - p[j])^2``, for regression: punishes big misses hardest.

    ``y_pred`` and ``y_true`` are ``(n_samples, n_outputs)``.
    """

    def forward(self, y_pred, y_true) -> np.ndarray:
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """``d (y - p)^2 / dp = -2 * (y - p)``; divided by ``n_outputs`` (the mean over outputs) and by
        ``n_samples`` (the mean over the batch)."""
        samples, outputs = dvalues.shape
        self.dinputs = -2 * (y_true - dvalues) / outputs / samples


class MeanAbsoluteError(Loss):
    """``loss = mean_j |y[j] - p[j]|``, for regression: less swayed by outliers than squared error.

    ``y_pred`` and ``y_true`` are ``(n_samples, n_outputs)``.
    """

    def forward(self, y_pred, y_true) -> np.ndarray:
        return np.mean(np.abs(y_true - y_pred), axis=-1)

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """``d |y - p| / dp = -sign(y - p)`` (undefined where ``p == y``; sign gives 0 there); divided
        by ``n_outputs`` and ``n_samples`` for the means."""
        samples, outputs = dvalues.shape
        self.dinputs = -np.sign(y_true - dvalues) / outputs / samples


def regularization_loss(layer) -> float:
    """The L1 and L2 penalties of a Dense layer, 0 when it has none:

        l1_w * sum|weights| + l2_w * sum weights^2 + l1_b * sum|biases| + l2_b * sum biases^2

    Their gradients are added in ``Dense.backward``.
    """
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


class SoftmaxCrossEntropy:
    """Softmax on the last layer's scores, then categorical cross-entropy, with one fused gradient.

        scores (n_samples, n_classes) -> softmax -> probabilities (n_samples, n_classes) -> mean loss

    The gradient with respect to the scores is ``(probabilities - onehot) / n_samples``: see
    ``softmax_cross_entropy_gradient``. Going through ``Softmax.backward`` and
    ``CategoricalCrossEntropy.backward`` gives the same values, slower and less accurately.
    """

    def __init__(self) -> None:
        self.loss = CategoricalCrossEntropy()

    def forward(self, inputs: np.ndarray, y_true=None) -> float | None:
        """Store the probabilities in ``output (n_samples, n_classes)``; return the mean loss when
        ``y_true`` (class indices or one-hot rows) is given, else None."""
        self.output = softmax(inputs)
        if y_true is not None:
            return self.loss.calculate(self.output, y_true)
        return None

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """Store ``dinputs = (p - onehot) / n_samples`` ``(n_samples, n_classes)``; ``dvalues`` are the
        probabilities ``p`` (the forward ``output``)."""
        self.dinputs = softmax_cross_entropy_gradient(dvalues, y_true)

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        """The probabilities ``softmax(inputs)`` ``(n_samples, n_classes)``, remembering nothing."""
        return softmax(inputs)

    def classify(self, scores: np.ndarray) -> np.ndarray:
        """The class with the highest score: softmax keeps the order, so no need to compute it."""
        return np.argmax(scores, axis=1)

    def accuracy(self, y_pred: np.ndarray, y_true: npt.ArrayLike) -> float:
        """The share of samples whose most probable class is the true one."""
        return accuracy(y_pred, y_true)

    def targets(self, y_true: npt.ArrayLike, n_outputs: int, dtype: npt.DTypeLike) -> np.ndarray:
        """One-hot rows, built once: the fused gradient ``(p - onehot) / n_samples`` uses them."""
        return to_one_hot(y_true, n_outputs, dtype)


def softmax_cross_entropy_gradient(probabilities: npt.ArrayLike, y_true: npt.ArrayLike) -> np.ndarray:
    """The gradient of mean cross-entropy with respect to the scores ``z`` that softmax turned into
    ``probabilities (n_samples, n_classes)``: ``(p - onehot) / n_samples``, ``(n_samples, n_classes)``.
    ``y_true`` is class indices or one-hot rows. The inputs are not modified.

    For one sample, with one-hot targets ``y``, the loss is ``L = -sum_k y[k] * log(p[k])``, and
    softmax's derivative is ``d p[k] / d z[j] = p[k] * (delta_kj - p[j])``. By the chain rule:

        dL/dz[j] = sum_k (-y[k] / p[k]) * p[k] * (delta_kj - p[j])
                 = -y[j] + p[j] * sum_k y[k]
                 = p[j] - y[j]                  (the targets sum to 1)

    One subtraction instead of a ``(n_classes, n_classes)`` Jacobian per sample.
    """
    probabilities = np.asarray(probabilities)
    samples, n_classes = probabilities.shape
    gradient = probabilities - to_one_hot(y_true, n_classes, probabilities.dtype)
    gradient /= samples  # in place: the subtraction above already made a new array
    return gradient


def categorical_cross_entropy(y_pred: npt.ArrayLike, y_true: npt.ArrayLike) -> float:
    """Mean categorical cross-entropy of ``y_pred (n_samples, n_classes)``, with clipping.
    ``y_true``: class indices ``(n_samples,)`` or one-hot rows."""
    return CategoricalCrossEntropy().calculate(y_pred, y_true)


def accuracy(y_pred: npt.ArrayLike, y_true: npt.ArrayLike) -> float:
    """The fraction of rows of ``y_pred (n_samples, n_classes)`` whose largest value is at the true class.

    ``y_true``: class indices ``(n_samples,)`` or one-hot rows ``(n_samples, n_classes)``.
    """
    predictions = np.argmax(_as_probability_rows(y_pred), axis=1)
    y_true = np.asarray(y_true)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return float(np.mean(predictions == y_true))


# ---------------------------------------------------------------------------------------------
# Output heads: the last activation and its loss, as a network ends. Each has the interface of
# ``SoftmaxCrossEntropy`` above (``forward``, ``backward``, ``output``, ``dinputs``) and:
#
#     loss                         the Loss whose ``calculate`` gives the data loss
#     apply(scores) -> output      the last activation alone (for predictions)
#     classify(scores) -> classes  the predicted class of each sample (classifiers only)
#     accuracy(output, y) -> float the share of samples the network gets right
#     targets(y, n_outputs, dtype) ``y`` in the form ``backward`` takes, built once per run


class SigmoidBinaryCrossEntropy:
    """Binary logistic regression's head: a sigmoid on each output, then binary cross-entropy.

        scores (n_samples, 1) -> sigmoid -> p (n_samples, 1), the probability of class 1

    ``y_true`` holds 0s and 1s shaped ``(n_samples, 1)``. The gradient goes back through the two
    links one after the other, as the book writes it (``BinaryCrossEntropy.backward``, then
    sigmoid's ``s * (1 - s)``), so that ``nnfs.init()`` runs give the book's numbers.
    """

    def __init__(self) -> None:
        self.loss = BinaryCrossEntropy()

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return sigmoid(inputs)

    def forward(self, inputs: np.ndarray, y_true=None) -> float | None:
        """Store ``output = sigmoid(inputs)``; return the mean loss when ``y_true`` is given."""
        self.output = sigmoid(inputs)
        return self.loss.calculate(self.output, y_true) if y_true is not None else None

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """``dinputs = dL/dp * p * (1 - p)``, with ``dL/dp`` from ``BinaryCrossEntropy.backward``."""
        self.loss.backward(dvalues, y_true)
        self.dinputs = self.loss.dinputs * (1 - self.output) * self.output

    def classify(self, scores: np.ndarray) -> np.ndarray:
        """Class 1 where ``sigmoid(score) > 0.5`` (the accuracy's rule), class 0 elsewhere."""
        return (sigmoid(scores[:, 0]) > 0.5).astype(np.int64)

    def accuracy(self, y_pred: np.ndarray, y_true: npt.ArrayLike) -> float:
        """The share of outputs where ``(p > 0.5) == y``."""
        return float(np.mean((np.asarray(y_pred) > 0.5) == np.asarray(y_true)))

    def targets(self, y_true: npt.ArrayLike, n_outputs: int, dtype: npt.DTypeLike) -> np.ndarray:
        return np.asarray(y_true).reshape(-1, n_outputs).astype(dtype, copy=False)


class LinearMeanSquaredError:
    """Regression's head: the scores are the predictions (a linear activation), and the loss is the
    mean squared error.

        scores (n_samples, n_outputs) = predictions;   loss = mean (y - p)^2

    A prediction counts as right when ``|p - y| < precision``; ``precision`` is ``std(y) / 250`` of the
    training targets (the book's choice), set by the trainer, or of the targets given while it is None.
    """

    def __init__(self) -> None:
        self.loss = MeanSquaredError()
        self.precision: float | None = None

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return inputs

    def forward(self, inputs: np.ndarray, y_true=None) -> float | None:
        self.output = inputs
        return self.loss.calculate(self.output, y_true) if y_true is not None else None

    def backward(self, dvalues: np.ndarray, y_true) -> None:
        """The linear activation's derivative is 1: the gradient is the loss's ``-2 (y - p) / n``."""
        self.loss.backward(dvalues, y_true)
        self.dinputs = self.loss.dinputs

    def accuracy(self, y_pred: np.ndarray, y_true: npt.ArrayLike) -> float:
        y_true = np.asarray(y_true)
        precision = self.precision if self.precision is not None else regression_precision(y_true)
        return float(np.mean(np.abs(np.asarray(y_pred) - y_true) < precision))

    def targets(self, y_true: npt.ArrayLike, n_outputs: int, dtype: npt.DTypeLike) -> np.ndarray:
        return np.asarray(y_true).reshape(-1, n_outputs).astype(dtype, copy=False)


def regression_precision(y_true: npt.ArrayLike) -> float:
    """``std(y) / 250``: how close a regression prediction must be to count as right."""
    return float(np.std(y_true) / 250)


# Head name -> its class (``engine.names.OUTPUTS`` lists the same names without NumPy).
HEADS = {
    "softmax": SoftmaxCrossEntropy,
    "sigmoid": SigmoidBinaryCrossEntropy,
    "linear": LinearMeanSquaredError,
}
