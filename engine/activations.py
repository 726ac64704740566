"""Activation functions: what a neuron does with its weighted sum.

Each class has ``forward(inputs)``, which stores ``output``, and ``backward(dvalues)``, which stores
``dinputs``: the gradient of the loss with respect to this layer's inputs, given ``dvalues``, the gradient
with respect to its outputs (the chain rule, one link at a time). Shapes are ``(n_samples, n_values)`` and
the output has the shape of the input.

The plain functions (``step``, ``sigmoid``, ``relu``, ``softmax``) are the maths alone; the classes wrap them
and add what backpropagation needs.
"""

from __future__ import annotations

import numpy as np


def step(inputs):
    """1 where an input is above 0, else 0 (element-wise)."""
    inputs = np.asarray(inputs)
    return (inputs > 0).astype(inputs.dtype if inputs.dtype.kind == "f" else float)


def sigmoid(inputs):
    """1 / (1 + e^-x), element-wise: squashes any number into (0, 1)."""
    inputs = np.asarray(inputs, dtype=float) if not isinstance(inputs, np.ndarray) else inputs
    # e^-x overflows to inf for x below about -709; 1 / (1 + inf) is 0, the right limit.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-inputs))


def relu(inputs):
    """max(0, x), element-wise: the rectified linear unit."""
    return np.maximum(0, inputs)


def softmax(inputs):
    """Turn scores into probabilities that sum to 1 along the last axis.

    ``inputs`` is ``(n_classes,)`` or ``(n_samples, n_classes)``; the result has the same shape.
    Each row's own maximum is subtracted first: e^x overflows for x above about 709, and
    shifting a row by a constant does not change its softmax. Subtracting one global maximum
    instead is not enough: a row far below it underflows to all zeros, and 0 / 0 is nan.
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 2:
        exp_values = np.exp(inputs - np.max(inputs, axis=-1, keepdims=True))
        return exp_values / np.sum(exp_values, axis=-1, keepdims=True)
    # Speed: NumPy is slow to reduce many short rows (300 samples x 3 classes) and fast along long
    # ones, so work on a transposed copy, one long row per class; max and sum along axis 0 give the
    # same numbers as along axis 1 of the original. The copy is ours, so the steps work in place.
    by_class = np.array(inputs.T, order="C", dtype=np.result_type(inputs, np.float32))
    by_class -= by_class.max(axis=0)
    np.exp(by_class, out=by_class)
    by_class /= by_class.sum(axis=0)
    return by_class.T


def _reusable(owner, name, like):
    """``owner``'s array attribute ``name`` if it has ``like``'s shape and float dtype, else a new one."""
    array = getattr(owner, name, None)
    dtype = like.dtype if like.dtype.kind == "f" else np.float64
    if array is None or array.shape != like.shape or array.dtype != dtype:
        array = np.empty(like.shape, dtype=dtype)
    return array


class Step:
    """The step function. Its slope is 0 everywhere (and undefined at 0), so nothing learns through it:
    that is why networks use smooth or piecewise-linear activations instead."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = step(inputs)

    def backward(self, dvalues):
        self.dinputs = np.zeros_like(dvalues)

    def apply(self, inputs):
        return step(inputs)


class Sigmoid:
    """sigmoid(x); its derivative is sigmoid(x) * (1 - sigmoid(x))."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = sigmoid(inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output) * self.output

    def apply(self, inputs):
        return sigmoid(inputs)


class ReLU:
    """max(0, x); its derivative is 1 where x > 0 and 0 elsewhere.

    Speed: a hidden layer's values are big arrays ((300, 64) floats in the notebook), and allocating
    a fresh one costs more than the arithmetic, so ``output``, ``mask`` and ``dinputs`` are written
    into the same arrays every pass (new ones only when the shape changes). Read them before the next
    pass, or copy them.
    """

    def forward(self, inputs):
        self.inputs = inputs
        # The derivative as a 0./1. mask, kept for backward. Keeping x where x > 0 is then a
        # multiplication by it, which is faster than np.maximum and gives the same numbers.
        self.mask = np.greater(inputs, 0, out=_reusable(self, "mask", inputs))
        self.output = np.multiply(inputs, self.mask, out=_reusable(self, "output", inputs))

    def backward(self, dvalues):
        # Pass the gradient through where the input was positive, block it elsewhere.
        self.dinputs = np.multiply(dvalues, self.mask, out=_reusable(self, "dinputs", dvalues))

    def apply(self, inputs):
        return relu(inputs)


class Linear:
    """y = x: used on regression outputs. Its derivative is 1."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs

    def backward(self, dvalues):
        self.dinputs = dvalues.copy()

    def apply(self, inputs):
        return inputs


class Softmax:
    """Row-wise softmax, for the output layer of a classifier.

    ``backward`` uses each sample's full Jacobian, ``diag(p) - p p^T`` of shape ``(n_classes,
    n_classes)``, the textbook way. When softmax feeds categorical cross-entropy, use
    ``losses.SoftmaxCrossEntropy`` instead: the product of the two derivatives collapses to
    ``(p - onehot) / n``, with no Jacobian at all.
    """

    def forward(self, inputs):
        self.inputs = inputs
        self.output = softmax(inputs)

    def backward(self, dvalues):
        p = self.output[:, :, np.newaxis]  # (n_samples, n_classes, 1)
        # One Jacobian per sample, stacked: (n_samples, n_classes, n_classes).
        jacobians = p * np.eye(p.shape[1], dtype=p.dtype) - p @ p.transpose(0, 2, 1)
        self.dinputs = (jacobians @ dvalues[:, :, np.newaxis])[:, :, 0]

    def apply(self, inputs):
        return softmax(inputs)


ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "step": Step, "linear": Linear}
