"""Layers with parameters (Dense) and without (Dropout).

Every layer has the same three methods:

    apply(inputs) -> output     the maths alone, remembering nothing (for predictions)
    forward(inputs)             the same, storing ``output`` and what ``backward`` will need
    backward(dvalues)           given ``dvalues``, the gradient of the loss with respect to ``output``,
                                store ``dinputs`` (passed on to the layer before) and, for Dense,
                                ``dweights`` and ``dbiases`` (used by the optimizer)

Shapes: ``inputs (n_samples, n_inputs)``, ``output`` and ``dvalues (n_samples, n_neurons)``; every
gradient has the shape of the thing it is the gradient of.
"""

from __future__ import annotations

import functools

import numpy as np


class Dense:
    """A fully connected layer: every input feeds every neuron.

        output = inputs @ weights + biases

        inputs  (n_samples, n_inputs)
        weights (n_inputs, n_neurons)    one column per neuron
        biases  (1, n_neurons)           one per neuron, broadcast over the samples
        output  (n_samples, n_neurons)

    Storing one column per neuron lets a batch multiply straight in, without the transpose that one
    row per neuron would need. The optional regularisers add ``l1 * sum|w|`` and ``l2 * sum w^2`` to
    the loss (see ``losses.regularization_loss``) to keep the parameters small.
    """

    def __init__(
        self,
        n_inputs: int,
        n_neurons: int,
        weight_regularizer_l1: float = 0.0,
        weight_regularizer_l2: float = 0.0,
        bias_regularizer_l1: float = 0.0,
        bias_regularizer_l2: float = 0.0,
    ) -> None:
        # Small random weights break the symmetry between neurons; zero biases are a fine start.
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2
        self.dweights = np.zeros_like(self.weights)
        self.dbiases = np.zeros_like(self.biases)
        # A network sets this to False on its first layer: nothing reads the gradient with respect to
        # the data, so computing it would be work for nobody.
        self.needs_dinputs = True

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        """``inputs (n_samples, n_inputs) -> inputs @ weights + biases (n_samples, n_neurons)``."""
        return _add_in_place(_product(inputs, self.weights), self.biases)

    def forward(self, inputs: np.ndarray) -> None:
        """Store ``output (n_samples, n_neurons)``; keep ``inputs (n_samples, n_inputs)`` for backward."""
        self.inputs = inputs
        self.output = self.apply(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """Store ``dweights``, ``dbiases`` and ``dinputs`` from ``dvalues (n_samples, n_neurons)``.

        One sample's output is ``out[j] = sum_i x[i] * w[i, j] + b[j]``, so by the chain rule:

            d out[j] / d w[i, j] = x[i]   ->  dweights = inputs.T @ dvalues    (n_inputs, n_neurons)
            d out[j] / d b[j]    = 1      ->  dbiases  = sum of dvalues over the samples (1, n_neurons)
            d out[j] / d x[i]    = w[i, j] ->  dinputs = dvalues @ weights.T   (n_samples, n_inputs)

        The first two sum over the samples because every sample used the same weights and biases;
        the last sums over the neurons because every neuron used the same input.
        """
        dweights = np.dot(self.inputs.T, dvalues)
        dbiases = _sum_over_samples(dvalues)
        _write_into(self.dweights, dweights)
        _write_into(self.dbiases, dbiases)
        self._add_regularization_gradients()
        if self.needs_dinputs:
            self.dinputs = _product(dvalues, self.weights.T)

    def _add_regularization_gradients(self) -> None:
        """Add the regularisers' share: d(l1 * |w|)/dw = l1 * sign(w), d(l2 * w^2)/dw = 2 * l2 * w."""
        if self.weight_regularizer_l1 > 0:
            self.dweights += self.weight_regularizer_l1 * np.sign(self.weights)
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            self.dbiases += self.bias_regularizer_l1 * np.sign(self.biases)
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``[(weights, dweights), (biases, dbiases)]``: what an optimizer updates, with its gradient."""
        return [(self.weights, self.dweights), (self.biases, self.dbiases)]


# NumPy's own matrix product; nnfs.init() (the notebook's exact mode) replaces np.dot with its own.
_NUMPY_DOT = np.dot


def _notebook_mode() -> bool:
    """Whether ``nnfs.init()`` is in force (it replaces ``np.dot``): the notebook's exact mode, where every
    number must be rounded as the notebook rounds it, so the speed paths that round differently step aside."""
    return np.dot is not _NUMPY_DOT


def _product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``np.dot(left, right)``: the matrix product ``(n, k) @ (k, m) -> (n, m)``.

    Speed: for these small matrices ``np.matmul`` reaches the same BLAS routine with less overhead
    than ``np.dot``, the more so when ``right`` (a layer's weights, or their transpose) is laid out
    row by row; copying a few hundred weights costs less than the strided reads. Under
    ``nnfs.init()`` ``np.dot`` is the notebook's float64 product rounded to float32, and that one is
    used, so the notebook's numbers stay the notebook's.
    """
    if _notebook_mode():
        return np.dot(left, right)
    return np.matmul(left, np.ascontiguousarray(right))


def _add_in_place(total: np.ndarray, addend: np.ndarray) -> np.ndarray:
    """``total + addend``, written into ``total`` (which must be a new array nobody else holds).

    Speed: ``np.dot(inputs, weights) + biases`` would allocate a second ``(n_samples, n_neurons)``
    array for the sum; adding in place reuses the product's. Each element is the same single rounded
    addition either way, so the numbers are identical.
    """
    total += addend
    return total


def _sum_over_samples(dvalues: np.ndarray) -> np.ndarray:
    """``dvalues.sum(axis=0, keepdims=True)``: ``(n_samples, n_neurons) -> (1, n_neurons)``.

    Speed: NumPy sums along the samples one row at a time, a loop call per sample. Outside the
    notebook's exact mode the sum is a matrix product instead, ``ones (1, n_samples) @ dvalues``, one
    BLAS call: several times faster, with float32 rounding of the same size (BLAS may add in another
    order, so the last bit can differ from ``np.sum``). Under ``nnfs.init()`` the notebook's own
    additions are kept: for 2 to 4 columns (the output layer's 3 classes) a running total down each
    column (``np.add.accumulate``) does the same additions in the same order as the row-wise sum, a
    whole column per call, and its last row is the sum; from 5 columns on the row-wise sum is faster.
    One column is left to NumPy: it sums a single column as a flat array, pairwise, which rounds
    differently from a running total (and a one-output head, sigmoid or linear, must stay exact).
    """
    if dvalues.ndim == 2 and len(dvalues) and dvalues.dtype.kind == "f":
        if not _notebook_mode():
            return np.matmul(_ones_row(len(dvalues), dvalues.dtype), dvalues)
        if 2 <= dvalues.shape[1] <= 4:
            return np.add.accumulate(dvalues, axis=0)[-1:]
    return dvalues.sum(axis=0, keepdims=True)


@functools.lru_cache(maxsize=8)
def _ones_row(n_samples: int, dtype: np.dtype) -> np.ndarray:
    """A read-only ``(1, n_samples)`` row of ones, made once per size and dtype (for ``_sum_over_samples``)."""
    ones = np.ones((1, n_samples), dtype=dtype)
    ones.flags.writeable = False
    return ones


def _write_into(gradient: np.ndarray, value: np.ndarray) -> None:
    """``gradient[...] = value``: copy the numbers into the existing array instead of rebinding the name.

    Why: a ``Network`` keeps all its layers' gradients as views into one flat array
    (``Network.flat_gradients``) so that the optimizer updates the whole network in a few NumPy calls.
    ``self.dweights = value`` would make ``dweights`` a new array and leave the flat one stale; the copy
    keeps them the same memory. The numbers are ``value``'s exactly.
    """
    gradient[...] = value


class Dropout:
    """While training, zero a random fraction ``rate`` of the values so that no neuron can rely on any
    one other; scale the survivors by ``1 / (1 - rate)`` so the expected sum stays the same.

        output = inputs * mask,   mask = 0 (probability rate) or 1 / (1 - rate)

    ``inputs``, ``mask`` and ``output`` are ``(n_samples, n_values)``. Thanks to the scaling nothing
    needs rescaling at prediction time: ``apply`` is the identity.
    """

    def __init__(self, rate: float) -> None:
        if not 0 <= rate < 1:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = rate

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        """Prediction: every value passes, unscaled."""
        return inputs

    def forward(self, inputs: np.ndarray) -> None:
        """Draw a new ``mask`` (from NumPy's global generator) and store ``output = inputs * mask``."""
        self.inputs = inputs
        keep = 1 - self.rate
        self.mask = np.random.binomial(1, keep, size=np.shape(inputs)) / keep
        self.output = inputs * self.mask

    def backward(self, dvalues: np.ndarray) -> None:
        """``d output / d inputs = mask``, so ``dinputs = dvalues * mask`` ``(n_samples, n_values)``:
        dropped values did not reach the output and get no gradient; kept ones were scaled."""
        self.dinputs = dvalues * self.mask
