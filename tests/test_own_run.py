"""The learner's own run as data (tutor.own_run): log lines to curves, comparison with the notebook's
log, and the trained parameters as a network."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.own_run import (
    compare_logs,
    log_history,
    network_from_parameters,
    parse_log_line,
    reference_run,
    trained_regions,
)
from tutor.training_config import NOTEBOOK_CAPSTONE

pytestmark = pytest.mark.trains


def test_a_notebook_log_line_is_a_curve_row_and_other_lines_are_not():
    assert parse_log_line("epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04999752512250644") == (
        100,
        0.705,
        0.670,
        0.04999752512250644,
    )
    row = parse_log_line("  epoch: 5, acc: 0.5, loss: nan")
    assert row is not None and row[0] == 5 and np.isnan(row[1]) and np.isnan(row[3])
    assert parse_log_line("training...") is None
    assert log_history(["hello", "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05"]) == [(0, 1.099, 0.36, 0.05)]


def test_the_reference_is_the_notebooks_101_lines_and_is_cached():
    run = reference_run(NOTEBOOK_CAPSTONE)
    assert len(run.lines) == 101 and len(run.history) == 101
    assert run.lines[0] == "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05"
    assert run.lines[94] == "epoch: 9400, acc: 0.707, loss: 1.982, lr: 0.04976612409979302"
    assert run.lines[-1] == "epoch: 10000, acc: 0.967, loss: 0.074, lr: 0.04975126853296942"
    assert run.X.shape == (300, 2)
    assert reference_run(NOTEBOOK_CAPSTONE) is run


def test_logs_compare_line_by_line_ignoring_other_output():
    expected = [
        "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05",
        "epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04",
    ]
    same = compare_logs(["starting", expected[0] + "  ", expected[1]], expected)
    assert same.equal and same.summary() == "your 2 lines equal the notebook's"
    wrong = compare_logs([expected[0], "epoch: 100, acc: 0.671, loss: 0.705, lr: 0.04"], expected)
    assert not wrong.equal and wrong.line == 2
    assert wrong.yours == "epoch: 100, acc: 0.671, loss: 0.705, lr: 0.04" and wrong.expected == expected[1]
    assert wrong.summary() == "line 2 of 2 differs from the notebook's"
    short = compare_logs(expected[:1], expected)
    assert short.line == 2 and short.yours is None and "stops after 1 lines" in short.summary()
    long = compare_logs([*expected, expected[1]], expected)
    assert long.line == 3 and long.expected is None


def test_trained_parameters_become_a_network_with_those_weights():
    rng = np.random.default_rng(0)
    trained = {
        "dense1.weights": rng.normal(size=(2, 4)).tolist(),
        "dense1.biases": [[0.1, 0.2, 0.3, 0.4]],
        "dense2.weights": rng.normal(size=(4, 3)).tolist(),
        "dense2.biases": [[0.0, 0.5, -0.5]],
    }
    network = network_from_parameters(trained)
    X = rng.normal(size=(7, 2))
    hidden = np.maximum(0, X @ np.array(trained["dense1.weights"]) + np.array(trained["dense1.biases"]))
    scores = hidden @ np.array(trained["dense2.weights"]) + np.array(trained["dense2.biases"])
    np.testing.assert_array_equal(network.predict(X), np.argmax(scores, axis=1))
    grid = trained_regions(trained, X, (10, 6))
    assert grid.classes.shape == (6, 10)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dense2.biases": None}, "no dense2.biases"),
        ({"dense1.biases": [[0.0, 0.0]]}, "shapes"),
        ({"dense1.weights": [["a", "b"]]}, "not arrays of numbers"),
        ({"dense2.weights": [[0.0, 0.0, 0.0]] * 3}, "dense2 takes 3 inputs"),
    ],
)
def test_parameters_that_are_no_such_network_are_refused_with_the_reason(change, message):
    trained = {
        "dense1.weights": [[0.0] * 4] * 2,
        "dense1.biases": [[0.0] * 4],
        "dense2.weights": [[0.0] * 3] * 4,
        "dense2.biases": [[0.0] * 3],
    }
    for key, value in change.items():
        if value is None:
            del trained[key]
        else:
            trained[key] = value
    with pytest.raises(ValueError, match=message):
        network_from_parameters(trained)
