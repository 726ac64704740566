"""Finite-difference gradient checks for every differentiable piece of the engine.

Each analytic gradient (``backward``) is compared with centred differences, (f(x + h) - f(x - h)) / 2h,
in float64, by relative error.
"""

import numpy as np
import pytest

from engine.activations import Linear, ReLU, Sigmoid, Softmax, Step
from engine.layers import Dense, Dropout
from engine.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
    regularization_loss,
)
from engine.network import Network

H = 1e-6
TOLERANCE = 1e-6


def numerical_gradient(f, x):
    """d f / d x for a scalar function of the array ``x`` (perturbed in place, restored)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + H
        plus = f()
        x[index] = original - H
        minus = f()
        x[index] = original
        grad[index] = (plus - minus) / (2 * H)
    return grad


def relative_error(analytic, numeric):
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
    return float(np.max(np.abs(analytic - numeric) / scale))


def assert_close(analytic, numeric):
    assert analytic.shape == numeric.shape
    assert relative_error(analytic, numeric) < TOLERANCE, (analytic, numeric)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def away_from_zero(rng, shape, margin=0.1):
    """Random values with |x| >= margin: ReLU, MAE and L1 have kinks at 0."""
    values = rng.normal(size=shape)
    return np.where(values >= 0, values + margin, values - margin)


@pytest.mark.parametrize(
    "regularizers",
    [
        {},
        {"weight_regularizer_l1": 0.01, "bias_regularizer_l1": 0.02},
        {"weight_regularizer_l2": 0.03, "bias_regularizer_l2": 0.04},
        {
            "weight_regularizer_l1": 0.01,
            "weight_regularizer_l2": 0.02,
            "bias_regularizer_l1": 0.03,
            "bias_regularizer_l2": 0.04,
        },
    ],
)
def test_dense_gradients_with_and_without_regularization(rng, regularizers):
    np.random.seed(1)
    layer = Dense(4, 3, **regularizers)
    layer.weights[...] = away_from_zero(rng, (4, 3))
    layer.biases[...] = away_from_zero(rng, (1, 3))
    inputs = rng.normal(size=(5, 4))
    upstream = rng.normal(size=(5, 3))

    def loss():
        layer.forward(inputs)
        return np.sum(layer.output * upstream) + regularization_loss(layer)

    loss()
    layer.backward(upstream)
    assert_close(layer.dweights, numerical_gradient(loss, layer.weights))
    assert_close(layer.dbiases, numerical_gradient(loss, layer.biases))
    assert_close(layer.dinputs, numerical_gradient(loss, inputs))


@pytest.mark.parametrize("activation_class", [ReLU, Sigmoid, Linear, Softmax, Step])
def test_activation_gradients(rng, activation_class):
    activation = activation_class()
    inputs = away_from_zero(rng, (4, 5))
    upstream = rng.normal(size=(4, 5))

    def loss():
        activation.forward(inputs)
        return np.sum(activation.output * upstream)

    loss()
    activation.backward(upstream)
    numeric = numerical_gradient(loss, inputs)
    if activation_class is Step:
        assert np.all(activation.dinputs == 0) and np.allclose(numeric, 0)
    else:
        assert_close(activation.dinputs, numeric)


def test_dropout_gradient_uses_the_same_mask(rng):
    dropout = Dropout(0.3)
    inputs = rng.normal(size=(6, 5))
    upstream = rng.normal(size=(6, 5))

    def loss():
        np.random.seed(3)  # the same mask every time
        dropout.forward(inputs)
        return np.sum(dropout.output * upstream)

    loss()
    dropout.backward(upstream)
    assert_close(dropout.dinputs, numerical_gradient(loss, inputs))
    assert set(np.unique(dropout.mask)) <= {0.0, 1 / 0.7}


def probabilities(rng, shape):
    values = rng.uniform(0.05, 1.0, size=shape)
    return values / values.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("one_hot", [False, True])
def test_categorical_cross_entropy_gradient(rng, one_hot):
    predictions = probabilities(rng, (6, 4))
    labels = rng.integers(0, 4, size=6)
    targets = np.eye(4)[labels] if one_hot else labels
    loss_function = CategoricalCrossEntropy()
    loss_function.backward(predictions, targets)
    numeric = numerical_gradient(lambda: loss_function.calculate(predictions, targets), predictions)
    assert_close(loss_function.dinputs, numeric)


@pytest.mark.parametrize("loss_class", [BinaryCrossEntropy, MeanSquaredError, MeanAbsoluteError])
def test_regression_and_binary_loss_gradients(rng, loss_class):
    predictions = rng.uniform(0.1, 0.9, size=(5, 3))
    if loss_class is BinaryCrossEntropy:
        targets = rng.integers(0, 2, size=(5, 3)).astype(float)
    else:
        targets = predictions + away_from_zero(rng, (5, 3), margin=0.05)
    loss_function = loss_class()
    loss_function.backward(predictions, targets)
    numeric = numerical_gradient(lambda: loss_function.calculate(predictions, targets), predictions)
    assert_close(loss_function.dinputs, numeric)


@pytest.mark.parametrize("one_hot", [False, True])
def test_fused_softmax_cross_entropy_gradient(rng, one_hot):
    logits = rng.normal(size=(6, 4)) * 3
    labels = rng.integers(0, 4, size=6)
    targets = np.eye(4)[labels] if one_hot else labels
    fused = SoftmaxCrossEntropy()

    def loss():
        return fused.forward(logits, targets)

    loss()
    probabilities_before = fused.output.copy()
    fused.backward(fused.output, targets)
    assert_close(fused.dinputs, numerical_gradient(loss, logits))
    # The fused gradient equals the long way round: softmax's Jacobian times cross-entropy's -1/p.
    softmax, cross_entropy = Softmax(), CategoricalCrossEntropy()
    softmax.forward(logits)
    cross_entropy.backward(softmax.output, targets)
    softmax.backward(cross_entropy.dinputs)
    np.testing.assert_allclose(fused.dinputs, softmax.dinputs, rtol=1e-6, atol=1e-12)
    # and it does not modify the probabilities it was given
    fused.forward(logits)
    np.testing.assert_array_equal(fused.output, probabilities_before)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_whole_network_gradient_matches_finite_differences(rng, activation):
    np.random.seed(2)
    network = Network.classifier(2, hidden=(5, 4), n_classes=3, activation=activation)
    # Weights of order 1, not 0.01, so that the gradients are well above finite-difference noise (and
    # not much more, or the softmax saturates and some gradients shrink back towards that noise).
    network.flat_parameters[...] = 0.5 * rng.normal(size=network.flat_parameters.shape)
    X = rng.normal(size=(7, 2))
    y = rng.integers(0, 3, size=7)
    cross_entropy = CategoricalCrossEntropy()

    def loss():
        return cross_entropy.calculate(network.forward(X), y)

    loss()
    network.backward(y)
    analytic = network.flat_gradients.copy()
    assert_close(analytic, numerical_gradient(loss, network.flat_parameters))


def test_regularized_network_gradient_includes_the_penalties(rng):
    # Network.backward must give the gradient of the data loss plus Network.regularization_loss().
    np.random.seed(4)
    layers = [
        Dense(3, 6, weight_regularizer_l1=0.01, weight_regularizer_l2=0.02),
        ReLU(),
        Dense(6, 4, bias_regularizer_l1=0.03, bias_regularizer_l2=0.04),
    ]
    network = Network(layers)
    network.flat_parameters[...] = away_from_zero(rng, network.flat_parameters.shape)
    X = rng.normal(size=(8, 3))
    y = rng.integers(0, 4, size=8)
    cross_entropy = CategoricalCrossEntropy()

    def loss():
        return cross_entropy.calculate(network.forward(X), y) + network.regularization_loss()

    loss()
    network.backward(y)
    analytic = network.flat_gradients.copy()
    assert network.regularization_loss() > 0
    assert_close(analytic, numerical_gradient(loss, network.flat_parameters))


def test_relu_gradient_after_the_batch_shape_changes(rng):
    # ReLU writes into the arrays of its previous pass; a pass with another shape must get new ones.
    relu = ReLU()
    relu.forward(away_from_zero(rng, (6, 5)))
    relu.backward(rng.normal(size=(6, 5)))
    inputs = away_from_zero(rng, (3, 5))
    upstream = rng.normal(size=(3, 5))

    def loss():
        relu.forward(inputs)
        return np.sum(relu.output * upstream)

    loss()
    relu.backward(upstream)
    assert relu.output.shape == relu.dinputs.shape == (3, 5)
    assert_close(relu.dinputs, numerical_gradient(loss, inputs))


def test_network_gradient_is_the_same_for_indices_and_one_hot_targets(rng):
    # The trainer passes prebuilt one-hot rows; the gradient must not depend on the form of y.
    np.random.seed(5)
    network = Network.classifier(2, hidden=(6,), n_classes=3)
    X = rng.normal(size=(9, 2))
    y = rng.integers(0, 3, size=9)
    network.forward(X)
    network.backward(y)
    from_indices = network.flat_gradients.copy()
    network.forward(X)
    network.backward(np.eye(3)[y])
    np.testing.assert_array_equal(network.flat_gradients, from_indices)
