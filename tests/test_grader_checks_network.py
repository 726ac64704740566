"""Lesson 10's checks (the notebook's classes and its training run), the gradient checks, printed lines
streamed to ``Grader.grade(on_output=...)`` and the checks' own time limits.

Two tests train the notebook's network to the end (about 10-30 s each; marked ``trains``); every wrong
training loop fails within its first log lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from check_standard import standard_tests

from tutor.curriculum import load_curriculum
from tutor.grader import check_ids
from tutor.grader.limits import DEFAULT_TIMEOUT, check_timeout


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


NP = "import numpy as np\n\n"

DENSE = NP + src("""
    class Layer_Dense:
        def __init__(self, n_inputs, n_neurons):
            self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
            self.biases = np.zeros((1, n_neurons))

        def forward(self, inputs):
            self.inputs = inputs
            self.output = np.dot(inputs, self.weights) + self.biases

        def backward(self, dvalues):
            self.dweights = np.dot(self.inputs.T, dvalues)
            self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
            self.dinputs = np.dot(dvalues, self.weights.T)
""")
RELU = NP + src("""
    class Activation_ReLU:
        def forward(self, inputs):
            self.inputs = inputs
            self.output = np.maximum(0, inputs)

        def backward(self, dvalues):
            self.dinputs = dvalues.copy()
            self.dinputs[self.inputs <= 0] = 0
""")
SOFTMAX = NP + src("""
    class Activation_Softmax_Loss_CategoricalCrossentropy:
        def forward(self, inputs, y_true):
            exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
            self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
            clipped = np.clip(self.output, 1e-7, 1 - 1e-7)
            if len(y_true.shape) == 1:
                confidences = clipped[range(len(clipped)), y_true]
            else:
                confidences = np.sum(clipped * y_true, axis=1)
            return np.mean(-np.log(confidences))

        def backward(self, dvalues, y_true):
            samples = len(dvalues)
            if len(y_true.shape) == 2:
                y_true = np.argmax(y_true, axis=1)
            self.dinputs = dvalues.copy()
            self.dinputs[range(samples), y_true] -= 1
            self.dinputs = self.dinputs / samples
""")
ADAM = NP + src("""
    class Optimizer_Adam:
        def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7, beta_1=0.9, beta_2=0.999):
            self.learning_rate = learning_rate
            self.current_learning_rate = learning_rate
            self.decay = decay
            self.iterations = 0
            self.epsilon = epsilon
            self.beta_1 = beta_1
            self.beta_2 = beta_2

        def pre_update_params(self):
            if self.decay:
                self.current_learning_rate = self.learning_rate * (1. / (1. + self.decay * self.iterations))

        def update_params(self, layer):
            if not hasattr(layer, "weight_cache"):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.weight_cache = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
                layer.bias_cache = np.zeros_like(layer.biases)
            layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
            layer.bias_momentums = self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
            weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** (self.iterations + 1))
            bias_momentums_corrected = layer.bias_momentums / (1 - self.beta_1 ** (self.iterations + 1))
            layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights ** 2
            layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases ** 2
            weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** (self.iterations + 1))
            bias_cache_corrected = layer.bias_cache / (1 - self.beta_2 ** (self.iterations + 1))
            layer.weights += -self.current_learning_rate * weight_momentums_corrected / (
                np.sqrt(weight_cache_corrected) + self.epsilon)
            layer.biases += -self.current_learning_rate * bias_momentums_corrected / (
                np.sqrt(bias_cache_corrected) + self.epsilon)

        def post_update_params(self):
            self.iterations += 1
""")
LOOP = src("""
    import nnfs
    from nnfs.datasets import spiral_data

    nnfs.init()

    X, y = spiral_data(samples=100, classes=3)
    dense1 = Layer_Dense(2, 64)
    activation1 = Activation_ReLU()
    dense2 = Layer_Dense(64, 3)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    optimizer = Optimizer_Adam(learning_rate=0.05, decay=5e-7)

    for epoch in range(10001):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        loss = loss_activation.forward(dense2.output, y)
        predictions = np.argmax(loss_activation.output, axis=1)
        accuracy = np.mean(predictions == y)
        if not epoch % 100:
            print(f"epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate}")
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
""")
CLASSES = "\n\n".join([DENSE, RELU, SOFTMAX, ADAM])
TRAIN = CLASSES + "\n\n" + LOOP


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def lesson_source(exercise_id: str, key: str) -> str:
    """The graded file for a lesson exercise's solution or starter, after the solutions it builds on."""
    curriculum = load_curriculum()
    _, exercise = curriculum.exercise(exercise_id)
    solutions = {item.id: item.solution for item in curriculum.exercises}
    return exercise.source_with(getattr(exercise, key), solutions.get)


# exercise id -> reference, other correct styles, [(wrong answer, words its message must contain)]
EXERCISES: dict[str, dict] = {
    "dense-layer": {
        "reference": DENSE,
        "styles": [
            swap(
                swap(DENSE, "np.dot(inputs, self.weights)", "inputs @ self.weights"),
                "np.dot(self.inputs.T, dvalues)",
                "self.inputs.T @ dvalues",
            ),
            NP
            + src("""
                class Layer_Dense:
                    def __init__(self, n_inputs, n_neurons):
                        self.weights = np.random.randn(n_inputs, n_neurons) * 0.01
                        self.biases = np.zeros((1, n_neurons))

                    def forward(self, inputs):
                        self.inputs = np.array(inputs)
                        self.output = np.matmul(self.inputs, self.weights) + self.biases

                    def backward(self, dvalues):
                        self.dweights = np.matmul(self.inputs.T, dvalues)
                        self.dbiases = dvalues.sum(axis=0).reshape(1, -1)
                        self.dinputs = np.matmul(dvalues, self.weights.T)
            """),
        ],
        "wrong": [
            (swap(DENSE, "0.01 * np.random.randn", "np.random.randn"), "0.01"),
            (swap(DENSE, "np.random.randn", "np.random.rand"), "randn"),
            (swap(DENSE, "np.zeros((1, n_neurons))", "np.zeros(n_neurons)"), "one row"),
            (
                swap(
                    DENSE, "np.dot(self.inputs.T, dvalues)", "np.dot(self.inputs.T, dvalues) / len(dvalues)"
                ),
                "divided by the number of samples",
            ),
            (swap(DENSE, " + self.biases", ""), "leaves out the biases"),
            (swap(DENSE, "axis=0, keepdims=True", "axis=0"), "keepdims"),
        ],
    },
    "relu-layer": {
        "reference": RELU,
        "styles": [
            swap(
                RELU,
                "self.dinputs = dvalues.copy()\n        self.dinputs[self.inputs <= 0] = 0",
                "self.dinputs = np.where(self.inputs > 0, dvalues, 0.0)",
            ),
            swap(
                RELU,
                "self.dinputs = dvalues.copy()\n        self.dinputs[self.inputs <= 0] = 0",
                "self.dinputs = dvalues * (self.inputs > 0)",
            ),
        ],
        "wrong": [
            (swap(RELU, "dvalues.copy()", "dvalues"), "in place"),
            (swap(RELU, "self.inputs <= 0", "self.inputs < 0"), "exactly 0"),
            (swap(RELU, "np.maximum(0, inputs)", "np.minimum(0, inputs)"), "np.minimum"),
            (
                swap(
                    RELU,
                    "self.dinputs = dvalues.copy()\n        self.dinputs[self.inputs <= 0] = 0",
                    "self.dinputs = (self.inputs > 0).astype(float)",
                ),
                "derivative",
            ),
        ],
    },
    "softmax-cce-layer": {
        "reference": SOFTMAX,
        "styles": [
            swap(
                SOFTMAX,
                "self.dinputs = dvalues.copy()\n        self.dinputs[range(samples), y_true] -= 1\n"
                "        self.dinputs = self.dinputs / samples",
                "self.dinputs = (dvalues - np.eye(dvalues.shape[1])[y_true]) / samples",
            ),
            swap(
                SOFTMAX,
                "return np.mean(-np.log(confidences))",
                "return -np.sum(np.log(confidences)) / len(confidences)",
            ),
        ],
        "wrong": [
            (
                swap(SOFTMAX, "np.exp(inputs - np.max(inputs, axis=1, keepdims=True))", "np.exp(inputs)"),
                "largest score",
            ),
            (swap(SOFTMAX, "np.clip(self.output, 1e-7, 1 - 1e-7)", "self.output"), "clip"),
            (swap(SOFTMAX, "self.dinputs = self.dinputs / samples", "pass"), "number of samples"),
            (swap(SOFTMAX, "np.mean(-np.log(confidences))", "np.sum(-np.log(confidences))"), "mean"),
            # Lesson 4's softmax mistakes and lesson 5's loss mistakes, for the layer's.
            (
                swap(SOFTMAX, "np.sum(exp_values, axis=1, keepdims=True)", "np.sum(exp_values, axis=1)"),
                "without keepdims=True, the row sums",
            ),
            (
                swap(SOFTMAX, "np.mean(-np.log(confidences))", "np.max(-np.log(confidences))"),
                "the largest loss in the batch",
            ),
        ],
    },
    "adam-optimizer": {
        "reference": ADAM,
        "styles": [
            lesson_source("adam-optimizer", "solution"),
            swap(
                ADAM,
                "if self.decay:\n            self.current_learning_rate = self.learning_rate * (1. / (1. + self.decay * self.iterations))",
                "self.current_learning_rate = self.learning_rate / (1 + self.decay * self.iterations)",
            ),
        ],
        "wrong": [
            (
                swap(
                    swap(
                        ADAM,
                        "np.sqrt(weight_cache_corrected) + self.epsilon",
                        "np.sqrt(weight_cache_corrected + self.epsilon)",
                    ),
                    "np.sqrt(bias_cache_corrected) + self.epsilon",
                    "np.sqrt(bias_cache_corrected + self.epsilon)",
                ),
                "inside the square root",
            ),
            (swap(ADAM, "self.iterations += 1", "pass"), "iterations"),
            (
                swap(
                    ADAM, "(1. / (1. + self.decay * self.iterations))", "(1. + self.decay * self.iterations)"
                ),
                "divides",
            ),
            (swap(ADAM, "if not hasattr(layer, \"weight_cache\"):", "if True:"), "moving averages"),
            # Lesson 9's Adam mistakes, told in the class's names.
            (
                swap(ADAM, "+ (1 - self.beta_1) * layer.dweights", "+ layer.dweights"),
                "layer.weight_momentums adds the whole gradient",
            ),
            (
                swap(
                    ADAM,
                    "layer.bias_cache + (1 - self.beta_2) * layer.dbiases ** 2",
                    "layer.bias_cache + (1 - self.beta_2) * layer.dbiases",
                ),
                "layer.bias_cache uses the gradient itself",
            ),
            (
                swap(
                    ADAM,
                    "weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** (self.iterations + 1))",
                    "weight_momentums_corrected = layer.weight_momentums",
                ),
                "weight_momentums_corrected (the correction of layer.weight_momentums with beta_1) divides by 1",
            ),
            (swap(ADAM, "self.iterations += 1", "self.iterations -= 1"), "counts down"),
            (swap(ADAM, "(1. / (1. + self.decay", "(1. / (1. - self.decay"), "1 - decay * iterations"),
        ],
    },
}


def test_lesson_10_checks_exist():
    assert {"dense-layer", "relu-layer", "softmax-cce-layer", "adam-optimizer", "train-spiral"} <= set(
        check_ids()
    )


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_passes_with_a_passing_gradient_check(grader, exercise):
    result = grader.grade(exercise, EXERCISES[exercise]["reference"])
    assert result.passed, result.feedback
    assert len(result.cases) >= 3 and all(case.passed for case in result.cases)
    if exercise != "adam-optimizer":
        assert result.gradient_check is not None and result.gradient_check.passed, result.gradient_check
        assert all(entry.relative_error < 1e-5 for entry in result.gradient_check.entries)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_the_lessons_starter_fails_and_its_solution_passes(grader, exercise):
    starter = grader.grade(exercise, lesson_source(exercise, "starter"))
    assert not starter.passed and starter.summary
    assert grader.grade(exercise, lesson_source(exercise, "solution")).passed


globals().update(standard_tests(EXERCISES, reference=False, starter=False))


# -- gradient checks --------------------------------------------------------------------------------------


def test_a_wrong_backward_is_flagged_by_the_gradient_check(grader):
    source = swap(DENSE, "np.dot(self.inputs.T, dvalues)", "np.dot(self.inputs.T, dvalues) / len(dvalues)")
    check = grader.grade("dense-layer", source).gradient_check
    assert check is not None and not check.passed
    entries = {entry.name: entry for entry in check.entries}
    assert not entries["dweights"].ok and entries["dweights"].relative_error > 0.1
    assert entries["dbiases"].ok and entries["dinputs"].ok
    assert "dweights" in check.verdict
    assert len(entries["dweights"].analytic) == len(entries["dweights"].numeric) == 8  # (4, 2)


def test_the_function_exercises_carry_a_gradient_check(grader):
    right = NP + "def relu_backward(dvalues, inputs):\n    return np.where(inputs > 0, dvalues, 0.0)\n"
    wrong = NP + "def relu_backward(dvalues, inputs):\n    return np.where(dvalues > 0, dvalues, 0.0)\n"
    good = grader.grade("relu-backward", right)
    assert good.passed and good.gradient_check is not None and good.gradient_check.passed
    bad = grader.grade("relu-backward", wrong).gradient_check
    assert bad is not None and not bad.passed and not bad.entries[0].ok
    dense = NP + src("""
        def dense_backward(inputs, weights, dvalues):
            return inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights.T
    """)
    assert grader.grade("dense-backward", dense).gradient_check.passed
    softmax = NP + src("""
        def softmax_cce_backward(softmax_outputs, y_true):
            grad = softmax_outputs.copy()
            grad[range(len(grad)), y_true] -= 1
            return grad
    """)
    check = grader.grade("softmax-cce-backward", softmax).gradient_check
    assert check is not None and not check.passed


def test_the_gradient_check_shows_in_the_feedback_and_in_check_json(tmp_path):
    answer = tmp_path / "dense.py"
    answer.write_text(
        swap(DENSE, "np.sum(dvalues, axis=0, keepdims=True)", "np.mean(dvalues, axis=0, keepdims=True)")
    )
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "check", "dense-layer", str(answer), "--json"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    check = data["gradient_check"]
    assert check["passed"] is False and check["threshold"] > 0
    names = [entry["name"] for entry in check["entries"]]
    assert names == ["dweights", "dbiases", "dinputs"]
    assert [entry["ok"] for entry in check["entries"]] == [True, False, True]
    assert "Gradient check:" in data["feedback"] and "dbiases (1, 2)" in data["feedback"]
    assert data["trained"] is None


def test_gradient_check_arithmetic():
    from tutor.grader import gradients

    slopes = gradients.central_differences(lambda x: float(np.sum(x**3)), np.array([2.0, -1.0]), 0.01)
    assert np.allclose(slopes, [12.0001, 3.0001])
    right = gradients.gradient_check([gradients.Gradient("dx", [12.0, 3.0], slopes)])
    assert not right.passed  # 1e-4 off is over the float64 threshold
    exact = gradients.gradient_check([gradients.Gradient("dx", [12.0, 3.0], np.array([12.0, 3.0]))])
    assert exact.passed and exact.entries[0].relative_error == 0
    assert gradients.relative_error(np.array([1.0]), np.array([3.0]), 1e-6) == pytest.approx(0.5)
    shaped = gradients.gradient_check([gradients.Gradient("db", np.zeros(2), np.zeros((1, 2)))])
    assert not shaped.passed and "shape" in shaped.verdict


# -- streaming, time limits --------------------------------------------------------------------------------

SLOW_PRINTER = src("""
    import time
    print("first")
    print("second", flush=True)
    time.sleep(30)
""")


def test_printed_lines_reach_on_output_in_order_while_the_check_runs(grader):
    received: list[tuple[str, float, int]] = []
    started = time.monotonic()
    result = grader.grade(
        "relu",
        SLOW_PRINTER,
        timeout=3,
        on_output=lambda line: received.append((line, time.monotonic(), threading.get_ident())),
    )
    returned = time.monotonic()
    assert not result.passed and "still running" in result.summary
    assert [line for line, _, _ in received] == ["first", "second"]
    assert all(ident == threading.get_ident() for _, _, ident in received)
    # The lines came while the learner's code was still sleeping, well before its time limit ended.
    assert received[-1][1] - started < returned - started - 1.0
    assert result.stdout.splitlines()[:2] == ["first", "second"]


def test_an_exception_in_on_output_is_raised_after_the_result(grader):
    def explode(line: str) -> None:
        raise KeyError(line)

    with pytest.raises(KeyError):
        grader.grade("relu", "print('hello')\n", on_output=explode)
    # The reply was read: the next grading gets its own.
    assert grader.grade(
        "relu", NP + "def relu(inputs):\n    return np.maximum(0, np.asarray(inputs, float))\n"
    ).passed


def test_a_check_declares_its_own_time_limit():
    assert check_timeout("train-spiral") == 60.0
    assert check_timeout("relu") == DEFAULT_TIMEOUT
    _, exercise = load_curriculum().exercise("train-spiral")
    assert exercise.timeout == 60.0  # the lesson gives none: the check's own


def test_grade_uses_the_checks_own_time_limit(grader):
    # 6 s of sleep is over the default limit but under train-spiral's: the log is judged, not the time.
    result = grader.grade("train-spiral", "import time\ntime.sleep(6)\nprint('epoch: 0, acc: 1')\n")
    assert not result.passed
    assert "still running" not in result.summary, result.feedback
    assert "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05" in result.feedback


# -- train-spiral ----------------------------------------------------------------------------------------------


def test_train_spiral_stops_at_the_first_wrong_line(grader):
    lines: list[str] = []
    result = grader.grade("train-spiral", swap(TRAIN, "decay=5e-7", "decay=5e-3"), on_output=lines.append)
    assert not result.passed
    assert len(lines) == 2  # stopped at line 2, not after 10001 epochs
    assert "Line 2" in result.feedback
    assert "Expected: epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04999752512250644" in result.feedback


def test_train_spiral_explains_the_drift_of_matmul(grader):
    source = swap(TRAIN, "np.dot(inputs, self.weights)", "inputs @ self.weights")
    source = swap(source, "np.dot(self.inputs.T, dvalues)", "self.inputs.T @ dvalues")
    source = swap(source, "np.dot(dvalues, self.weights.T)", "dvalues @ self.weights.T")
    result = grader.grade("train-spiral", source)
    assert not result.passed
    assert "`@`" in result.feedback and "nnfs.init()" in result.feedback and "np.dot" in result.feedback


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("learning_rate=0.05", "learning_rate=0.02"), "first log line"),
        (("range(10001)", "range(301)"), "printed 4 of"),
        (("if not epoch % 100:", "if not epoch % 1000:"), "Line 2"),
    ],
)
def test_train_spiral_names_what_differs(grader, change, words):
    result = grader.grade("train-spiral", swap(TRAIN, *change))
    assert not result.passed
    assert words in result.feedback, result.feedback


@pytest.mark.trains
def test_train_spiral_passes_with_the_notebooks_101_lines_and_keeps_the_trained_network(grader):
    lines: list[str] = []
    result = grader.grade("train-spiral", TRAIN, on_output=lines.append)
    assert result.passed, result.feedback
    assert len(lines) == 101
    assert lines[-1] == "epoch: 10000, acc: 0.967, loss: 0.074, lr: 0.04975126853296942"
    trained = result.trained
    assert trained is not None
    assert np.shape(trained["dense1.weights"]) == (2, 64) and np.shape(trained["dense1.biases"]) == (1, 64)
    assert np.shape(trained["dense2.weights"]) == (64, 3) and np.shape(trained["dense2.biases"]) == (1, 3)
    assert result.to_json()["trained"] == trained


@pytest.mark.trains
def test_the_lessons_train_spiral_exercise_after_the_solutions_it_builds_on(grader):
    starter = grader.grade("train-spiral", lesson_source("train-spiral", "starter"))
    assert not starter.passed and "Line 2" in starter.feedback
    result = grader.grade("train-spiral", lesson_source("train-spiral", "solution"))
    assert result.passed, result.feedback
