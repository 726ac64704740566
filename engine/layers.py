"""Layers with parameters (Dense) and without (Dropout).

``forward(inputs)`` stores ``output``; ``backward(dvalues)`` stores the gradients: ``dweights`` and
``dbiases`` (how the loss changes with each parameter, used by the optimizer) and ``dinputs`` (how it
changes with each input, passed on to the layer before).
"""

from __future__ import annotations

import numpy as np


class Dense:
    """A fully connected layer: every input feeds every neuron.

    ``weights`` has shape ``(n_inputs, n_neurons)``: one column per neuron, so a batch ``(n_samples,
    n_inputs)`` multiplies straight in, ``inputs @ weights``, without the transpose that weights stored one
    row per neuron would need. ``biases`` has shape ``(1, n_neurons)``: one per neuron, broadcast over the
    batch.

    The optional regularisers add ``l1 * sum|w|`` and ``l2 * sum w^2`` to the loss (see
    ``losses.regularization_loss``) to keep the parameters small.
    """

    def __init__(
        self,
        n_inputs,
        n_neurons,
        weight_regularizer_l1=0.0,
        weight_regularizer_l2=0.0,
        bias_regularizer_l1=0.0,
        bias_regularizer_l2=0.0,
    ):
        # Small random weights break the symmetry between neurons; zero biases are a fine start.
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2
        # Gradients are written into these arrays in place, so a network can keep all of its
        # parameters and gradients in one flat buffer each (see network.Network).
        self.dweights = np.zeros_like(self.weights)
        self.dbiases = np.zeros_like(self.biases)
        # The first layer of a network sets this to False: nothing reads the gradient on the data,
        # so computing it would be work for nobody.
        self.needs_dinputs = True

    def apply(self, inputs):
        """``inputs (n_samples, n_inputs) -> (n_samples, n_neurons)``, remembering nothing."""
        output = np.dot(inputs, self.weights)
        output += self.biases  # in place: no second (n_samples, n_neurons) array
        return output

    def forward(self, inputs):
        self.inputs = inputs  # backward needs them for dweights
        self.output = self.apply(inputs)

    def backward(self, dvalues):
        """``dvalues (n_samples, n_neurons)``: the gradient of the loss with respect to ``output``."""
        # Each weight w[i, j] multiplied input i into neuron j, so its gradient sums input i times
        # neuron j's gradient over the batch: inputs.T @ dvalues, shape (n_inputs, n_neurons).
        self.dweights[...] = np.dot(self.inputs.T, dvalues)
        # A bias is added once per sample, so its gradient is the sum over samples.
        self.dbiases[...] = dvalues.sum(axis=0, keepdims=True)
        self._add_regularization_gradients()
        if self.needs_dinputs:
            # Each input fed every neuron through its weight: dvalues @ weights.T, (n_samples, n_inputs).
            self.dinputs = np.dot(dvalues, self.weights.T)

    def _add_regularization_gradients(self):
        # d/dw of l1 * |w| is l1 * sign(w); d/dw of l2 * w^2 is 2 * l2 * w.
        if self.weight_regularizer_l1 > 0:
            self.dweights += self.weight_regularizer_l1 * np.sign(self.weights)
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            self.dbiases += self.bias_regularizer_l1 * np.sign(self.biases)
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases

    def parameters(self):
        """``[(weights, dweights), (biases, dbiases)]``: what an optimizer updates, with its gradient."""
        return [(self.weights, self.dweights), (self.biases, self.dbiases)]


class Dropout:
    """Switch off a random fraction ``rate`` of values while training, so that no neuron can rely on
    any one other. The survivors are scaled by ``1 / (1 - rate)`` so the expected sum stays the same,
    which is why nothing needs rescaling at prediction time (``apply`` is the identity)."""

    def __init__(self, rate):
        if not 0 <= rate < 1:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = rate

    def apply(self, inputs):
        return inputs

    def forward(self, inputs):
        self.inputs = inputs
        keep = 1 - self.rate
        self.mask = np.random.binomial(1, keep, size=np.shape(inputs)) / keep
        self.output = inputs * self.mask

    def backward(self, dvalues):
        # Dropped values did not reach the output, so they get no gradient; kept ones were scaled.
        self.dinputs = dvalues * self.mask
