"""A classifier network: Dense and activation layers in a stack, ending in softmax + cross-entropy.

X (n_samples, n_inputs) -> Dense -> ReLU -> ... -> Dense -> softmax -> probabilities (n_samples, n_classes)
"""

from __future__ import annotations

import numpy as np

from engine.activations import ACTIVATIONS, softmax
from engine.layers import Dense
from engine.losses import SoftmaxCrossEntropy, regularization_loss


class Network:
    """``layers`` run in order; the last produces one score per class, which the fused softmax +
    cross-entropy (``output_loss``) turns into probabilities and gradients."""

    def __init__(self, layers, dtype=None):
        """``dtype``: the float type for every parameter and gradient (default: the layers' own)."""
        self.layers = list(layers)
        self.output_loss = SoftmaxCrossEntropy()
        self.dense_layers = [layer for layer in self.layers if isinstance(layer, Dense)]
        if self.dense_layers:
            # Nothing reads the gradient with respect to the data itself.
            self.dense_layers[0].needs_dinputs = False
        self._gather_parameters(dtype)

    @classmethod
    def classifier(cls, n_inputs, hidden=(64,), n_classes=3, activation="relu", dtype=None):
        """Dense layers of the ``hidden`` sizes, each followed by ``activation``, then a Dense layer with
        ``n_classes`` outputs. Weights are drawn in layer order from NumPy's global random generator."""
        layers = []
        width = n_inputs
        for size in hidden:
            layers += [Dense(width, size), ACTIVATIONS[activation]()]
            width = size
        layers.append(Dense(width, n_classes))
        return cls(layers, dtype)

    def _gather_parameters(self, dtype=None):
        """Move every weight and bias into one flat array, and every gradient into another.

        Each layer keeps its ``weights``, ``biases``, ``dweights`` and ``dbiases`` as views into these,
        so layers read and write them as before, while the optimizer updates the whole network with a
        handful of array operations per step instead of a handful per array: fewer, larger NumPy calls
        are most of what makes small networks fast.
        """
        arrays = [array for layer in self.dense_layers for array in (layer.weights, layer.biases)]
        if not arrays:
            self.flat_parameters = self.flat_gradients = np.zeros(0)
            return
        dtype = np.result_type(*arrays) if dtype is None else np.dtype(dtype)
        self.flat_parameters = np.concatenate([a.ravel() for a in arrays]).astype(dtype, copy=False)
        self.flat_gradients = np.zeros_like(self.flat_parameters)
        offset = 0
        for layer in self.dense_layers:
            for name in ("weights", "biases"):
                shape = getattr(layer, name).shape
                size = int(np.prod(shape))
                window = slice(offset, offset + size)
                setattr(layer, name, self.flat_parameters[window].reshape(shape))
                setattr(layer, "d" + name, self.flat_gradients[window].reshape(shape))
                offset += size

    def parameters(self):
        """``[(flat_parameters, flat_gradients)]``, for ``optimizer.step``."""
        return [(self.flat_parameters, self.flat_gradients)]

    def forward(self, X):
        """Training pass: every layer remembers what backward needs. Returns probabilities
        ``(n_samples, n_classes)``."""
        values = X
        for layer in self.layers:
            layer.forward(values)
            values = layer.output
        self.output_loss.forward(values)
        return self.output_loss.output

    def backward(self, y_true):
        """Fill every layer's gradients for the last ``forward``. ``y_true``: indices or one-hot."""
        self.output_loss.backward(self.output_loss.output, y_true)
        dvalues = self.output_loss.dinputs
        for layer in reversed(self.layers):
            layer.backward(dvalues)
            dvalues = getattr(layer, "dinputs", None)

    def predict_proba(self, X):
        """Probabilities ``(n_samples, n_classes)`` for new inputs. Leaves training state alone, so
        it is safe to call from a training callback."""
        # A diverged network predicts nan; that is an answer here, not something to warn about.
        with np.errstate(over="ignore", invalid="ignore"):
            values = X
            for layer in self.layers:
                values = layer.apply(values)
            return softmax(values)

    def predict(self, X):
        """Class indices ``(n_samples,)``."""
        return np.argmax(self.predict_proba(X), axis=1)

    def regularization_loss(self):
        return sum(regularization_loss(layer) for layer in self.dense_layers)
