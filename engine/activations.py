"""Activation functions: what a neuron does with its weighted sum.

The plain functions (``step``, ``sigmoid``, ``relu``, ``softmax``) are the maths alone. The classes wrap
them for a network, with the same three methods as the layers:

    apply(inputs) -> output     the function, remembering nothing (for predictions)
    forward(inputs)             the same, storing ``output`` (and what ``backward`` needs)
    backward(dvalues)           store ``dinputs = dvalues * (d output / d inputs)``: the chain rule,
                                one link at a time

``inputs``, ``output``, ``dvalues`` (the gradient of the loss with respect to ``output``) and ``dinputs``
all have one shape, ``(n_samples, n_values)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def step(inputs: npt.ArrayLike) -> np.ndarray:
    """1 where an input is above 0, else 0 (element-wise; any shape)."""
    inputs = np.asarray(inputs)
    return (inputs > 0).astype(inputs.dtype if inputs.dtype.kind == "f" else float)


def sigmoid(inputs: npt.ArrayLike) -> np.ndarray:
    """1 / (1 + e^-x), element-wise (any shape): squashes any number into (0, 1)."""
    inputs = np.asarray(inputs, dtype=float) if not isinstance(inputs, np.ndarray) else inputs
    # e^-x overflows to inf for x below about -709; 1 / (1 + inf) is 0, the right limit.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-inputs))


def relu(inputs: npt.ArrayLike) -> np.ndarray:
    """max(0, x), element-wise (any shape): the rectified linear unit."""
    return np.maximum(0, inputs)


def softmax(inputs: npt.ArrayLike) -> np.ndarray:
    """Turn scores into probabilities that sum to 1 along the last axis:

        softmax(z)[k] = e^(z[k] - max z) / sum_j e^(z[j] - max z)

    ``inputs`` is ``(n_classes,)`` or ``(n_samples, n_classes)``; the result has the same shape.
    Each row's own maximum is subtracted first: e^x overflows for x above about 709, and shifting a
    row by a constant does not change its softmax (the e^-max cancels above and below the line).
    Subtracting one global maximum instead is not enough: a row far below it underflows to all zeros,
    and 0 / 0 is nan.
    """
    inputs = np.asarray(inputs)
    if inputs.ndim == 2:
        return _softmax_by_class(inputs)  # the formula below, one class at a time: faster
    exp_values = np.exp(inputs - np.max(inputs, axis=-1, keepdims=True))
    return exp_values / np.sum(exp_values, axis=-1, keepdims=True)


def _softmax_by_class(scores: np.ndarray) -> np.ndarray:
    """``softmax`` of each row of ``scores (n_samples, n_classes)``, computed on a class-major copy.

    Speed: NumPy is slow to reduce many short rows (300 samples x 3 classes in the notebook) and fast
    at element-wise work on long ones. On the transposed copy ``(n_classes, n_samples)`` the max and
    the sum over the classes become a few element-wise operations between rows of n_samples values.
    The copy is ours, so every step works in place.

    The numbers: the max is exact and exp and the division are element-wise, so those match the
    row-wise formula exactly; the sum adds each sample's values class by class, which is also what
    NumPy does along a row of fewer than 8 values. From 8 classes on NumPy sums a row in a different
    order, so the last bit can differ from ``np.sum(..., axis=1)``.
    """
    by_class = np.array(scores.T, order="C", dtype=np.result_type(scores, np.float32))
    by_class -= by_class.max(axis=0)
    np.exp(by_class, out=by_class)
    by_class /= by_class.sum(axis=0)
    return by_class.T


class Step:
    """step(x) = 1 where x > 0, else 0.

    Its slope is 0 everywhere (and undefined at 0), so ``dinputs`` is all zeros and nothing learns
    through it: that is why networks use smooth or piecewise-linear activations instead.
    """

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return step(inputs)

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = step(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        self.dinputs = np.zeros_like(dvalues)


class Sigmoid:
    """sigmoid(x) = 1 / (1 + e^-x), element-wise.

    Its derivative is ``e^-x / (1 + e^-x)^2``, which rearranges to ``s * (1 - s)`` with
    ``s = sigmoid(x)``: backward reuses the forward ``output`` instead of recomputing an exponential.
    """

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return sigmoid(inputs)

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = sigmoid(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """``dinputs = dvalues * s * (1 - s)``."""
        self.dinputs = dvalues * (1 - self.output) * self.output


class ReLU:
    """relu(x) = max(0, x), element-wise.

    Its derivative is 1 where x > 0 and 0 elsewhere (at exactly 0 it is undefined; 0 is the usual
    choice), so backward lets the gradient through where the input was positive and blocks it
    elsewhere: ``dinputs = dvalues * (inputs > 0)``.

    Speed: ``mask``, ``output`` and ``dinputs`` are written into the same arrays every pass (see
    ``_into_reused``). Read them before the next pass, or copy them.
    """

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return relu(inputs)

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        # mask = (inputs > 0) as 1. and 0.: the derivative, kept for backward. Then max(0, x) is
        # x * mask, which is faster than np.maximum and equal to it (a negative x gives -0.0 == 0.0).
        self.mask = _into_reused(self, "mask", np.greater, inputs, 0)
        self.output = _into_reused(self, "output", np.multiply, inputs, self.mask)

    def backward(self, dvalues: np.ndarray) -> None:
        """``dinputs = dvalues * mask``."""
        self.dinputs = _into_reused(self, "dinputs", np.multiply, dvalues, self.mask)


def _into_reused(
    owner: object, name: str, ufunc: np.ufunc, first: np.ndarray, second: np.ndarray | float
) -> np.ndarray:
    """``ufunc(first, second)``, written into the array ``owner.<name>`` that the previous pass left.

    A new array is made the first time, and whenever ``first``'s shape or float dtype has changed
    (integer inputs give float64).

    Speed: a hidden layer's values are big arrays ((300, 64) floats in the notebook) and allocating a
    fresh one every pass costs more than the arithmetic. The numbers are those of ``ufunc(first,
    second)``; only where they are stored changes, which is why the previous pass's values are gone.
    """
    array = getattr(owner, name, None)
    dtype = first.dtype if first.dtype.kind == "f" else np.dtype(np.float64)
    if array is None or array.shape != first.shape or array.dtype != dtype:
        array = np.empty(first.shape, dtype=dtype)
    return ufunc(first, second, out=array)


class Linear:
    """linear(x) = x: used on regression outputs. Its derivative is 1, so ``dinputs = dvalues``."""

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return inputs

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = inputs

    def backward(self, dvalues: np.ndarray) -> None:
        self.dinputs = dvalues.copy()


class Softmax:
    """Row-wise softmax, for the output layer of a classifier: scores ``(n_samples, n_classes)`` in,
    probabilities of the same shape out.

    Every output of a row depends on every input of that row: ``d p[i] / d z[j] = p[i] * (delta_ij -
    p[j])``, where ``delta_ij`` is 1 when ``i == j``. As a matrix per sample, the Jacobian is
    ``diag(p) - p p^T`` ``(n_classes, n_classes)``, and ``dinputs`` is that Jacobian times the sample's
    ``dvalues`` row. When softmax feeds categorical cross-entropy use ``losses.SoftmaxCrossEntropy``
    instead: the product of the two derivatives collapses to ``(p - onehot) / n_samples``.
    """

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        return softmax(inputs)

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = softmax(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """``dinputs[s] = (diag(p[s]) - p[s] p[s]^T) @ dvalues[s]`` for every sample ``s``."""
        p = self.output[:, :, np.newaxis]  # (n_samples, n_classes, 1)
        # One Jacobian per sample, stacked: (n_samples, n_classes, n_classes).
        jacobians = p * np.eye(p.shape[1], dtype=p.dtype) - p @ p.transpose(0, 2, 1)
        self.dinputs = (jacobians @ dvalues[:, :, np.newaxis])[:, :, 0]


ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "step": Step, "linear": Linear}
