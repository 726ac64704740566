"""The training settings of lessons 11-17: each is checked like the others, and each does its job in
the engine (heads, data sets, regularisation, dropout, mini-batches, validation).

Runs are short and compared with tolerances: float32 results differ between BLAS kernels.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.layers import Dense, Dropout
from engine.losses import LinearMeanSquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy
from engine.training import Trainer
from tutor.history import history_arrays, history_row
from tutor.runs import Training
from tutor.training_config import ConfigError, TrainConfig


def trained(epochs=301, **settings):
    """Build ``settings`` and train; return ``(training, first report, last report)``."""
    training = Training.build(TrainConfig(epochs=epochs, **settings).validate())
    reports = []
    training.run(
        epochs, on_epoch=lambda report: reports.append((report.loss, report.accuracy)), every=epochs - 1
    )
    return training, reports[0], reports[-1]


# -- validation of the settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"rho": 0.0},
        {"rho": 0.999},
        {"l1": 0},
        {"l1": 5e-4},
        {"l2": 5e-4},
        {"dropout": 0.0},
        {"dropout": 0.5},
        {"batch_size": 1},
        {"batch_size": 10_000},
        {"validation": 0.0},
        {"validation": 0.9},
        {"dataset": "vertical"},
        {"dataset": "sine"},
        {"dataset": "sine", "output": "linear"},
        {"output": "softmax"},
        {"output": "sigmoid", "classes": 2},
    ],
)
def test_good_values_are_accepted(settings):
    config = TrainConfig(**settings).validate()
    assert config == TrainConfig.from_mapping(settings)


@pytest.mark.parametrize(
    "settings, setting",
    [
        ({"rho": 1.0}, "rho"),
        ({"rho": -0.1}, "rho"),
        ({"rho": float("nan")}, "rho"),
        ({"l1": -1e-4}, "l1"),
        ({"l1": "a lot"}, "l1"),
        ({"l2": -1}, "l2"),
        ({"l2": float("inf")}, "l2"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"dropout": True}, "dropout"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"batch_size": "32"}, "batch_size"),
        ({"validation": 0.95}, "validation"),
        ({"validation": -0.1}, "validation"),
        ({"validation": 0.5, "samples": 1, "dataset": "sine"}, "validation"),
        ({"dataset": "moons"}, "dataset"),
        ({"output": "tanh"}, "output"),
        ({"output": "linear"}, "output"),
        ({"dataset": "sine", "output": "softmax"}, "output"),
        ({"dataset": "sine", "output": "sigmoid"}, "output"),
        ({"output": "sigmoid", "classes": 3}, "classes"),
    ],
)
def test_bad_values_raise_a_config_error_naming_the_setting(settings, setting):
    with pytest.raises(ConfigError) as error:
        TrainConfig(**settings).validate()
    assert error.value.setting == setting


def test_the_head_follows_the_data_set_unless_given():
    assert TrainConfig().head == "softmax"
    assert TrainConfig(dataset="sine").head == "linear"
    assert TrainConfig(output="sigmoid", classes=2).head == "sigmoid"
    assert TrainConfig(dataset="sine").parameter_count() == (1 + 1) * 64 + (64 + 1) * 1
    assert TrainConfig(output="sigmoid", classes=2).parameter_count() == 3 * 64 + 65


def test_describe_and_to_dict_carry_the_new_settings():
    config = TrainConfig(l2=5e-4, dropout=0.1, batch_size=32, validation=0.2, optimizer="rmsprop", rho=0.95)
    text = config.describe()
    for part in ("l2 0.0005", "dropout 0.1", "validation 0.2", "batches of 32", "rho 0.95"):
        assert part in text
    values = config.to_dict()
    assert values["output"] == "softmax" and values["batch_size"] == 32 and values["validation"] == 0.2


# -- what the engine builds ----------------------------------------------------------------------


def test_regularisation_and_dropout_are_on_the_hidden_layers_only():
    training = Training.build(TrainConfig(hidden=(16, 8), l1=1e-4, l2=5e-4, dropout=0.25))
    layers = training.network.layers
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    assert [type(layer).__name__ for layer in layers] == [
        "Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense"
    ]  # fmt: skip
    for layer in dense[:-1]:
        assert layer.weight_regularizer_l1 == layer.bias_regularizer_l1 == 1e-4
        assert layer.weight_regularizer_l2 == layer.bias_regularizer_l2 == 5e-4
    last = dense[-1]
    assert last.weight_regularizer_l1 == last.weight_regularizer_l2 == 0
    assert all(layer.rate == 0.25 for layer in layers if isinstance(layer, Dropout))


def test_the_defaults_build_the_same_network_as_before():
    """No new setting given: the notebook's network, weights drawn in the same order."""
    from engine.network import Network
    from tutor.training_config import numpy_setup

    config = TrainConfig(nnfs_init=True)
    training = Training.build(config)
    with numpy_setup(config):
        from engine.datasets import spiral

        spiral(100, 3)
        reference = Network.classifier(2, (64,), 3, "relu")
    assert isinstance(training.network.output_loss, SoftmaxCrossEntropy)
    assert len(training.network.layers) == 3
    np.testing.assert_array_equal(training.network.layers[0].weights, reference.layers[0].weights)


def test_dropout_acts_in_training_only():
    training = Training.build(TrainConfig(hidden=(32,), dropout=0.5, samples=20))
    network, X = training.network, training.X
    with training.numerics():
        first = network.forward(X).copy()
        second = network.forward(X).copy()
    assert not np.allclose(first, second)  # a new mask each training pass
    dropout = next(layer for layer in network.layers if isinstance(layer, Dropout))
    assert 0.3 < float(np.mean(dropout.mask == 0)) < 0.7
    np.testing.assert_array_equal(network.predict_proba(X), network.predict_proba(X))  # predictions: none


def test_regularisation_adds_its_gradient_and_reports_its_loss():
    plain, _, _ = trained(epochs=2, hidden=(8,), samples=20)
    config = TrainConfig(hidden=(8,), samples=20, l2=0.5, epochs=2)
    training = Training.build(config)
    report = training.run(1)
    assert report is not None and report.regularization_loss > 0
    assert "reg_loss: " in report.log_line()
    dense = training.network.dense_layers[0]
    weights = np.array(dense.weights)
    expected = 0.5 * float(np.sum(weights**2)) + 0.5 * float(np.sum(np.asarray(dense.biases) ** 2))
    assert training.network.regularization_loss() == pytest.approx(expected, rel=1e-5)
    assert "reg_loss" not in plain.run(1).log_line()


def test_validation_splits_the_shuffled_samples_and_is_reported():
    config = TrainConfig(validation=0.2, samples=50, epochs=2)
    training = Training.build(config)
    assert len(training.X) == 120 and training.X_val is not None and len(training.X_val) == 30
    assert len(training.y_val) == 30 and set(np.unique(training.y_val)) <= {0, 1, 2}
    # Shuffled: the held-out samples are not just the last class.
    assert len(np.unique(training.y_val)) > 1
    # The same seed splits the same way; another seed differently.
    again = Training.build(config)
    np.testing.assert_array_equal(again.X_val, training.X_val)
    other = Training.build(TrainConfig(validation=0.2, samples=50, seed=1))
    assert not np.array_equal(other.y_val, training.y_val)
    report = training.run(1)
    assert report is not None and report.validation_loss > 0 and 0 <= report.validation_accuracy <= 1
    assert ", val_acc: " in report.log_line() and ", val_loss: " in report.log_line()
    row = history_row(report)
    assert len(row) == 6 and row[4] == report.validation_loss
    assert history_arrays([row[:4], row]).shape == (2, 6)


def test_without_validation_the_report_says_none():
    report = Training.build(TrainConfig(epochs=1, samples=10)).run(1)
    assert report is not None and report.validation_loss is None and report.validation_accuracy is None
    assert len(history_row(report)) == 4 and "val_" not in report.log_line()


def test_mini_batches_take_one_step_per_batch_the_last_shorter():
    config = TrainConfig(samples=10, batch_size=8, epochs=2)  # 30 samples: 8, 8, 8, 6
    training = Training.build(config)
    report = training.run(2)
    assert training.trainer.optimizer.iterations == 8
    assert [len(batch) for batch, _ in training.trainer._batches()] == [8, 8, 8, 6]
    # The report is over the whole training set.
    assert report is not None and report.probabilities.shape == (30, 3)


def test_a_batch_as_big_as_the_data_is_the_whole_set_at_once():
    whole = Training.build(TrainConfig(samples=10, epochs=3, nnfs_init=True)).run(3)
    batch = Training.build(TrainConfig(samples=10, epochs=3, nnfs_init=True, batch_size=30)).run(3)
    assert whole is not None and batch is not None and whole.log_line() == batch.log_line()


# -- every setting learns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"dataset": "vertical", "output": "sigmoid", "classes": 2, "learning_rate": 0.02, "hidden": (16,)},
        {"output": "sigmoid", "classes": 2, "learning_rate": 0.02, "l2": 5e-4, "hidden": (32,)},
        {"learning_rate": 0.05, "l1": 5e-4, "hidden": (32,)},
        {"dataset": "vertical", "learning_rate": 0.05, "l2": 5e-4, "dropout": 0.1, "hidden": (32,)},
        {"dataset": "vertical", "learning_rate": 0.01, "batch_size": 64, "validation": 0.1, "hidden": (16,)},
        {"dataset": "vertical", "optimizer": "rmsprop", "learning_rate": 0.01, "rho": 0.95, "hidden": (16,)},
        {"dataset": "vertical", "learning_rate": 0.05, "validation": 0.3, "hidden": (16,)},
    ],
)
def test_a_short_run_learns(settings):
    _, (first_loss, first_accuracy), (last_loss, last_accuracy) = trained(epochs=301, **settings)
    assert last_loss < 0.8 * first_loss
    assert last_accuracy > first_accuracy + 0.1


def test_the_sine_regression_learns_the_curve():
    training, (first_loss, _), (last_loss, _) = trained(
        epochs=801, dataset="sine", samples=200, hidden=(32, 32), learning_rate=0.005, decay=1e-3
    )
    assert isinstance(training.network.output_loss, LinearMeanSquaredError)
    assert last_loss < 0.1 * first_loss
    predictions = training.network.predict_proba(training.X)
    assert predictions.shape == (200, 1)
    assert float(np.mean(np.abs(predictions - training.y))) < 0.15  # the sine spans -1 to 1


def test_the_sigmoid_head_outputs_one_probability_and_classifies_by_it():
    training = Training.build(TrainConfig(output="sigmoid", classes=2, samples=20))
    assert isinstance(training.network.output_loss, SigmoidBinaryCrossEntropy)
    assert training.y.shape == (40, 1)
    probabilities = training.network.predict_proba(training.X)
    assert probabilities.shape == (40, 1) and np.all((probabilities > 0) & (probabilities < 1))
    np.testing.assert_array_equal(
        training.network.predict(training.X), (probabilities[:, 0] > 0.5).astype(int)
    )


def test_regression_accuracy_uses_the_training_targets_precision():
    head = LinearMeanSquaredError()
    y = np.linspace(-1, 1, 100).reshape(-1, 1)
    head.precision = float(np.std(y) / 250)
    assert head.accuracy(y + head.precision / 2, y) == 1.0
    assert head.accuracy(y + head.precision * 2, y) == 0.0


def test_the_sigmoid_gradient_matches_a_numerical_one():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(5, 1))
    y = rng.integers(0, 2, size=(5, 1)).astype(float)
    head = SigmoidBinaryCrossEntropy()
    head.forward(scores)
    head.backward(head.output, y)
    step = 1e-6
    numeric = np.zeros_like(scores)
    for index in range(len(scores)):
        up, down = scores.copy(), scores.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (
            head.loss.calculate(1 / (1 + np.exp(-up)), y) - head.loss.calculate(1 / (1 + np.exp(-down)), y)
        ) / (2 * step)
    np.testing.assert_allclose(head.dinputs, numeric, rtol=1e-4, atol=1e-8)


def test_a_trainer_without_the_new_arguments_trains_as_before():
    from engine.network import Network

    np.random.seed(0)
    X = np.random.randn(30, 2).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    network = Network.classifier(2, (8,), 2, dtype=np.float32)
    from engine.optimizers import Adam

    report = Trainer(network, Adam(0.05), X, y).run(200)
    assert report is not None and report.accuracy > 0.8 and report.validation_loss is None
