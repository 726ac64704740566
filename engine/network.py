"""A network: Dense and activation layers in a stack, ending in a head (softmax + cross-entropy by
default; sigmoid + binary cross-entropy, or linear + mean squared error, from ``losses.HEADS``).

    X (n_samples, n_inputs) -> Dense -> ReLU -> ... -> Dense -> scores (n_samples, n_classes)
                            -> softmax -> probabilities (n_samples, n_classes)

``forward`` runs the layers in order; ``backward`` runs them in reverse, each turning the gradient
with respect to its output into the gradient with respect to its input (the chain rule).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from engine.activations import ACTIVATIONS
from engine.layers import Dense, Dropout
from engine.losses import HEADS, SoftmaxCrossEntropy, regularization_loss


class Network:
    """``layers`` run in order; the last produces one score per class, which the fused softmax +
    cross-entropy (``output_loss``) turns into probabilities and, going back, into gradients.

    Speed: every weight and bias lives in one flat array, ``flat_parameters``, and every gradient in
    another, ``flat_gradients`` (see ``_share_flat_buffers``); the layers hold views into them.
    """

    def __init__(self, layers, dtype: npt.DTypeLike | None = None, output_loss=None) -> None:
        """``dtype``: the float type for every parameter and gradient (default: the layers' own).
        ``output_loss``: the head the scores go through (default the fused softmax + cross-entropy;
        see ``losses.HEADS`` for the sigmoid and linear heads)."""
        self.layers = list(layers)
        self.output_loss = output_loss if output_loss is not None else SoftmaxCrossEntropy()
        self.dense_layers = [layer for layer in self.layers if isinstance(layer, Dense)]
        if self.dense_layers:
            # Nothing reads the gradient with respect to the data itself.
            self.dense_layers[0].needs_dinputs = False
        self.flat_parameters, self.flat_gradients = _share_flat_buffers(self.dense_layers, dtype)

    @classmethod
    def classifier(
        cls,
        n_inputs: int,
        hidden: Sequence[int] = (64,),
        n_classes: int = 3,
        activation: str = "relu",
        dtype: npt.DTypeLike | None = None,
    ) -> Network:
        """Dense layers of the ``hidden`` sizes, each followed by ``activation``, then a Dense layer with
        ``n_classes`` outputs. Weights are drawn in layer order from NumPy's global random generator."""
        layers: list = []
        width = n_inputs
        for size in hidden:
            layers += [Dense(width, size), ACTIVATIONS[activation]()]
            width = size
        layers.append(Dense(width, n_classes))
        return cls(layers, dtype)

    @classmethod
    def stacked(
        cls,
        n_inputs: int,
        hidden: Sequence[int] = (64,),
        n_outputs: int = 3,
        activation: str = "relu",
        *,
        head: str = "softmax",
        l1: float = 0.0,
        l2: float = 0.0,
        dropout: float = 0.0,
        dtype: npt.DTypeLike | None = None,
    ) -> Network:
        """``classifier`` with the rest of the book's pieces: every hidden layer is

            Dense (L1 ``l1`` and L2 ``l2`` on its weights and biases) -> activation -> Dropout(``dropout``)

        (no regulariser when 0, no Dropout layer when ``dropout`` is 0), then a Dense layer with
        ``n_outputs`` outputs, unregularised, into the ``head`` (a key of ``losses.HEADS``). Weights are
        drawn in layer order, as ``classifier`` draws them."""
        layers: list = []
        width = n_inputs
        for size in hidden:
            layers += [
                Dense(
                    width,
                    size,
                    weight_regularizer_l1=l1,
                    weight_regularizer_l2=l2,
                    bias_regularizer_l1=l1,
                    bias_regularizer_l2=l2,
                ),
                ACTIVATIONS[activation](),
            ]
            if dropout:
                layers.append(Dropout(dropout))
            width = size
        layers.append(Dense(width, n_outputs))
        return cls(layers, dtype, HEADS[head]())

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Training pass over ``X (n_samples, n_inputs)``: every layer remembers what backward needs.
        Returns the probabilities ``(n_samples, n_classes)``."""
        values = X
        for layer in self.layers:
            layer.forward(values)
            values = layer.output
        self.output_loss.forward(values)
        return self.output_loss.output

    def backward(self, y_true: npt.ArrayLike) -> None:
        """Fill every layer's gradients for the last ``forward``. ``y_true``: class indices
        ``(n_samples,)`` or one-hot rows ``(n_samples, n_classes)``.

        The gradient starts at the scores, ``(p - onehot) / n_samples``, and each layer, last to
        first, turns the gradient with respect to its output into the one with respect to its input.
        """
        self.output_loss.backward(self.output_loss.output, y_true)
        dvalues: np.ndarray | None = self.output_loss.dinputs
        for layer in reversed(self.layers):
            layer.backward(dvalues)
            # None after the first layer, which skips dinputs (needs_dinputs); nothing reads it.
            dvalues = getattr(layer, "dinputs", None)

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``[(flat_parameters, flat_gradients)]``, for ``optimizer.step``."""
        return [(self.flat_parameters, self.flat_gradients)]

    def scores(self, X: np.ndarray) -> np.ndarray:
        """The last layer's outputs ``(n_samples, n_outputs)`` for ``X``, before the head's activation.
        Dropout lets everything through here. Leaves training state alone."""
        # A diverged network predicts nan; that is an answer here, not something to warn about.
        with np.errstate(over="ignore", invalid="ignore"):
            values = X
            for layer in self.layers:
                values = layer.apply(values)
            return values

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """What the head outputs for new inputs ``X (n_samples, n_inputs)``: probabilities
        ``(n_samples, n_classes)`` for softmax, ``(n_samples, 1)`` for sigmoid, the predicted values for
        linear. Leaves training state alone, so it is safe to call from a training callback."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.output_loss.apply(self.scores(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class indices ``(n_samples,)``: the most probable class of each row of ``X`` (a regression
        network's predicted values instead)."""
        scores = self.scores(X)
        classify = getattr(self.output_loss, "classify", None)
        return classify(scores) if classify is not None else self.output_loss.apply(scores)

    def regularization_loss(self) -> float:
        """The sum of every Dense layer's L1 and L2 penalties (``losses.regularization_loss``)."""
        return sum(regularization_loss(layer) for layer in self.dense_layers)


def _share_flat_buffers(
    dense_layers: list[Dense], dtype: npt.DTypeLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Move every weight and bias of ``dense_layers`` into one flat array, and every gradient into
    another; return ``(flat_parameters, flat_gradients)``.

    Each layer's ``weights``, ``biases``, ``dweights`` and ``dbiases`` become views into these: the
    layers read and write them as before (``Dense.backward`` writes its gradients in place for this
    reason), while an optimizer updates the whole network with a handful of NumPy calls per step
    instead of a handful per array. Fewer, larger NumPy calls are most of what makes small networks
    fast. The numbers are the same: every update rule works element by element, so it does the same
    arithmetic on each parameter whether the arrays are split or joined.
    """
    arrays = [array for layer in dense_layers for array in (layer.weights, layer.biases)]
    if not arrays:
        empty = np.zeros(0)
        return empty, empty
    dtype = np.result_type(*arrays) if dtype is None else np.dtype(dtype)
    flat_parameters = np.concatenate([a.ravel() for a in arrays]).astype(dtype, copy=False)
    flat_gradients = np.zeros_like(flat_parameters)
    offset = 0
    for layer in dense_layers:
        for name in ("weights", "biases"):
            shape = getattr(layer, name).shape
            size = int(np.prod(shape))
            window = slice(offset, offset + size)
            setattr(layer, name, flat_parameters[window].reshape(shape))
            setattr(layer, "d" + name, flat_gradients[window].reshape(shape))
            offset += size
    return flat_parameters, flat_gradients
