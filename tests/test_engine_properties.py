"""Properties of the engine that must hold for any input (hypothesis), and optimizer steps checked
against values worked out by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.activations import ReLU, relu, sigmoid, softmax, step
from engine.layers import Dense
from engine.losses import accuracy, categorical_cross_entropy, softmax_cross_entropy_gradient
from engine.optimizers import (
    SGD,
    Adagrad,
    Adam,
    RMSprop,
    adam_step,
    decayed_learning_rate,
    momentum_step,
    sgd_step,
)

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 6)), elements=finite))
def test_softmax_rows_sum_to_one_without_nan(logits):
    probabilities = softmax(logits)
    assert np.all(np.isfinite(probabilities))
    assert np.all(probabilities >= 0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.floats(1e-3, 1e4), st.floats(1e-3, 1e4))
def test_softmax_with_rows_of_very_different_scales(width, small, large):
    # One row tiny, one row huge: subtracting a single global maximum would make the tiny row 0 / 0.
    rng = np.random.default_rng(width)
    logits = np.vstack([rng.uniform(-1, 1, width) * small - large, rng.uniform(-1, 1, width) * large])
    probabilities = softmax(logits)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-9)


def test_softmax_of_the_notebook_batch():
    batch = np.array([[4.8, 1.21, 2.385], [8.9, -1.81, 0.2], [1.41, 1.051, 0.026]])
    np.testing.assert_allclose(
        softmax(batch),
        [
            [8.95282664e-01, 2.47083068e-02, 8.00090293e-02],
            [9.99811129e-01, 2.23163963e-05, 1.66554348e-04],
            [5.13097164e-01, 3.58333899e-01, 1.28568936e-01],
        ],
        rtol=1e-8,
    )


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 8), st.integers(2, 5)), elements=st.floats(0, 1, allow_nan=False)
    ),
    st.data(),
)
def test_cross_entropy_stays_finite_with_zero_probabilities(predictions, data):
    labels = np.array(
        data.draw(
            st.lists(
                st.integers(0, predictions.shape[1] - 1), min_size=len(predictions), max_size=len(predictions)
            )
        )
    )
    loss = categorical_cross_entropy(predictions, labels)
    one_hot_loss = categorical_cross_entropy(predictions, np.eye(predictions.shape[1])[labels])
    assert math.isfinite(loss) and 0 <= loss <= -math.log(1e-7) + 1e-9
    assert loss == pytest.approx(one_hot_loss)


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-6, 10), st.floats(0, 1), st.integers(0, 10**6))
def test_decay_rule(learning_rate, decay, iteration):
    rate = decayed_learning_rate(learning_rate, decay, iteration)
    assert rate == pytest.approx(learning_rate / (1 + decay * iteration), rel=1e-12)
    assert 0 < rate <= learning_rate
    assert decayed_learning_rate(learning_rate, decay, iteration + 1) <= rate


def test_decay_matches_the_notebook_log_to_the_last_digit():
    assert decayed_learning_rate(0.05, 5e-7, 99) == 0.04999752512250644
    assert decayed_learning_rate(0.05, 5e-7, 9999) == 0.04975126853296942


def test_plain_functions_on_the_notebook_numbers():
    np.testing.assert_array_equal(relu([0, 2, -1, 3.3, -2.7, 1.1, 2.2, -100]), [0, 2, 0, 3.3, 0, 1.1, 2.2, 0])
    np.testing.assert_array_equal(step([-1.0, 0.0, 2.0]), [0, 0, 1])
    assert sigmoid(np.array([0.0]))[0] == 0.5
    assert np.all(np.isfinite(sigmoid(np.array([-1000.0, 1000.0]))))
    predictions = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    assert categorical_cross_entropy(predictions, [0, 1, 1]) == pytest.approx(0.38506088005216804)
    assert accuracy(predictions, [0, 1, 1]) == 1.0
    assert accuracy(predictions, np.eye(3)[[0, 1, 2]]) == pytest.approx(2 / 3)
    gradient = softmax_cross_entropy_gradient(predictions, [0, 1, 1])
    np.testing.assert_allclose(gradient, (predictions - np.eye(3)[[0, 1, 1]]) / 3)


class _Params:
    """A stand-in layer holding one weight array and one bias array."""

    def __init__(self, weights, dweights):
        self.weights = np.array(weights, dtype=float)
        self.dweights = np.array(dweights, dtype=float)
        self.biases = np.zeros((1, 1))
        self.dbiases = np.zeros((1, 1))

    def parameters(self):
        return [(self.weights, self.dweights), (self.biases, self.dbiases)]


def _one_step(optimizer, weights, dweights, steps=1):
    layer = _Params(weights, dweights)
    for _ in range(steps):
        optimizer.pre_update_params()
        optimizer.update_params(layer)
        optimizer.post_update_params()
    return layer.weights


def test_sgd_step_by_hand():
    # w - lr * dw = 1.0 - 0.5 * 0.2 = 0.9 and -2.0 - 0.5 * (-1.0) = -1.5
    np.testing.assert_allclose(_one_step(SGD(0.5), [1.0, -2.0], [0.2, -1.0]), [0.9, -1.5])
    np.testing.assert_allclose(sgd_step([1.0, -2.0], [0.2, -1.0], 0.5), [0.9, -1.5])


def test_sgd_with_decay_and_momentum_by_hand():
    optimizer = SGD(1.0, decay=0.1, momentum=0.9)
    # step 0: lr 1.0, m = 0.9 * 0 - 1.0 * 0.5 = -0.5, w = 2.0 - 0.5 = 1.5
    # step 1: lr 1 / 1.1, m = 0.9 * -0.5 - 0.5 / 1.1 = -0.9045..., w = 1.5 - 0.9045... = 0.5954...
    weights = _one_step(optimizer, [2.0], [0.5], steps=2)
    np.testing.assert_allclose(weights, [1.5 + (0.9 * -0.5 - 0.5 / 1.1)])
    new_w, new_m = momentum_step([2.0], [0.5], [-0.5], 0.1, 0.9)
    np.testing.assert_allclose(new_m, [0.9 * -0.5 - 0.1 * 0.5])
    np.testing.assert_allclose(new_w, [2.0 + 0.9 * -0.5 - 0.1 * 0.5])
    # With momentum 0 the rule still holds: the new momentums are the plain step, -lr * dw.
    new_w, new_m = momentum_step([2.0], [0.5], [-0.5], 0.1, 0.0)
    np.testing.assert_allclose(new_m, [-0.05])
    np.testing.assert_allclose(new_w, [1.95])


def test_adagrad_and_rmsprop_by_hand():
    # Adagrad: cache = 0.25, w = 1 - 0.1 * 0.5 / (0.5 + 1e-7)
    np.testing.assert_allclose(_one_step(Adagrad(0.1), [1.0], [0.5]), [1 - 0.1 * 0.5 / (0.5 + 1e-7)])
    # RMSprop: cache = 0.1 * 0.25 = 0.025, w = 1 - 0.01 * 0.5 / (sqrt(0.025) + 1e-7)
    np.testing.assert_allclose(
        _one_step(RMSprop(0.01), [1.0], [0.5]), [1 - 0.01 * 0.5 / (math.sqrt(0.025) + 1e-7)]
    )


def test_adam_by_hand():
    # First step: m = 0.1 * g, v = 0.001 * g^2; corrected m_hat = g, v_hat = g^2, so the step is
    # lr * g / (|g| + eps): lr in the direction of -sign(g), whatever the size of g.
    np.testing.assert_allclose(
        _one_step(Adam(0.01), [1.0, 1.0], [0.5, -3.0]),
        [1 - 0.01 * 0.5 / (0.5 + 1e-7), 1 + 0.01 * 3.0 / (3.0 + 1e-7)],
    )
    # Second step from given moments, iteration 1 (t + 1 = 2 in the corrections).
    w, m, v = adam_step([1.0], [0.5], [0.05], [0.00025], 1, learning_rate=0.01)
    m_expected = 0.9 * 0.05 + 0.1 * 0.5
    v_expected = 0.999 * 0.00025 + 0.001 * 0.25
    m_hat = m_expected / (1 - 0.9**2)
    v_hat = v_expected / (1 - 0.999**2)
    np.testing.assert_allclose(m, [m_expected])
    np.testing.assert_allclose(v, [v_expected])
    np.testing.assert_allclose(w, [1 - 0.01 * m_hat / (math.sqrt(v_hat) + 1e-7)])


def test_pure_steps_do_not_modify_their_arguments():
    weights, grads, m, v = np.ones(3), np.full(3, 0.5), np.zeros(3), np.zeros(3)
    adam_step(weights, grads, m, v, 0)
    momentum_step(weights, grads, m, 0.1, 0.9)
    sgd_step(weights, grads, 0.1)
    assert np.all(weights == 1) and np.all(grads == 0.5) and np.all(m == 0) and np.all(v == 0)


def test_dense_initialisation_shapes_and_scale():
    np.random.seed(0)
    layer = Dense(2, 64)
    assert layer.weights.shape == (2, 64) and layer.biases.shape == (1, 64)
    assert np.all(layer.biases == 0)
    assert 0.005 < layer.weights.std() < 0.02


# The speed paths promise the textbook's numbers; these hold them to it, bit for bit.


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([np.float32, np.float64]),
    st.integers(1, 40),
    st.integers(1, 7),
    st.integers(0, 2**32 - 1),
)
def test_batch_softmax_is_the_row_wise_formula_bit_for_bit(dtype, samples, classes, seed):
    # softmax works on a class-major copy; below 8 classes that changes no digit.
    scores = (np.random.default_rng(seed).normal(size=(samples, classes)) * 10).astype(dtype)
    exp_values = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    textbook = exp_values / np.sum(exp_values, axis=1, keepdims=True)
    result = softmax(scores)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, textbook)


def test_softmax_with_many_classes_stays_within_rounding_of_the_formula():
    scores = np.random.default_rng(1).normal(size=(50, 20)) * 10
    exp_values = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    np.testing.assert_allclose(
        softmax(scores), exp_values / exp_values.sum(axis=1, keepdims=True), rtol=1e-14
    )


def test_relu_layer_reuses_its_arrays_and_matches_the_formula():
    rng = np.random.default_rng(2)
    layer = ReLU()
    first = rng.normal(size=(30, 8)).astype(np.float32)
    layer.forward(first)
    output_array = layer.output
    np.testing.assert_array_equal(layer.output, np.maximum(0, first))
    second = rng.normal(size=(30, 8)).astype(np.float32)
    layer.forward(second)
    assert layer.output is output_array  # written in place: the first pass's values are gone
    np.testing.assert_array_equal(layer.output, np.maximum(0, second))
    upstream = rng.normal(size=(30, 8)).astype(np.float32)
    layer.backward(upstream)
    np.testing.assert_array_equal(layer.dinputs, np.where(second > 0, upstream, 0))
    layer.forward(np.array([[-1, 0, 2]]))  # integer inputs, another shape: new float arrays
    assert layer.output.dtype == np.float64
    np.testing.assert_array_equal(layer.output, [[0.0, 0.0, 2.0]])


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda: SGD(0.5, decay=0.01),
        lambda: SGD(0.5, decay=0.01, momentum=0.9),
        lambda: Adagrad(0.5, decay=0.01),
        lambda: RMSprop(0.01, decay=0.01),
        lambda: Adam(0.05, decay=0.01),
    ],
)
def test_one_flat_buffer_updates_exactly_like_separate_arrays(make_optimizer):
    # A Network hands its optimizer every parameter as one flat array; the rules are element-wise,
    # so the result must be the same, bit for bit, as updating each array on its own.
    rng = np.random.default_rng(3)
    pieces = [rng.normal(size=size) for size in (12, 4, 6)]
    flat = np.concatenate(pieces)
    together, separately = make_optimizer(), make_optimizer()
    for _ in range(5):
        grads = [rng.normal(size=piece.size) for piece in pieces]
        together.step([(flat, np.concatenate(grads))])
        separately.step(list(zip(pieces, grads)))
    np.testing.assert_array_equal(flat, np.concatenate(pieces))


def test_adam_step_is_the_textbook_expression_bit_for_bit():
    rng = np.random.default_rng(4)
    w, dw, m, v = rng.normal(size=10), rng.normal(size=10), rng.normal(size=10), rng.uniform(0, 1, 10)
    lr, beta_1, beta_2, eps, t = 0.01, 0.9, 0.999, 1e-7, 3
    new_m = beta_1 * m + (1 - beta_1) * dw
    new_v = beta_2 * v + (1 - beta_2) * dw**2
    m_hat, v_hat = new_m / (1 - beta_1 ** (t + 1)), new_v / (1 - beta_2 ** (t + 1))
    expected = w + -lr * m_hat / (np.sqrt(v_hat) + eps)
    got_w, got_m, got_v = adam_step(w, dw, m, v, t, lr, beta_1, beta_2, eps)
    np.testing.assert_array_equal(got_m, new_m)
    np.testing.assert_array_equal(got_v, new_v)
    np.testing.assert_array_equal(got_w, expected)


@pytest.mark.parametrize("columns", [1, 2, 3, 4, 5, 64])
def test_the_bias_gradient_sum_in_the_exact_mode_rounds_as_numpy_sum(columns):
    """Under nnfs.init() the fast column sum must give NumPy's own sum bit for bit (the exact mode
    depends on it), for a one-output head (sigmoid, linear) as well as for the spiral's 3 classes."""
    from engine.datasets import notebook_numpy
    from engine.layers import _sum_over_samples

    rng = np.random.default_rng(columns)
    with notebook_numpy():
        for _ in range(50):
            dvalues = rng.standard_normal((300, columns)).astype(np.float32)
            assert np.array_equal(_sum_over_samples(dvalues), dvalues.sum(axis=0, keepdims=True))


@pytest.mark.parametrize("columns", [1, 3, 64])
def test_the_bias_gradient_sum_outside_the_exact_mode_is_the_sum(columns):
    from engine.layers import _sum_over_samples

    dvalues = np.random.default_rng(columns).standard_normal((300, columns)).astype(np.float32)
    expected = dvalues.astype(np.float64).sum(axis=0, keepdims=True)
    assert _sum_over_samples(dvalues).shape == (1, columns)
    assert np.allclose(_sum_over_samples(dvalues), expected, rtol=1e-5, atol=1e-4)
