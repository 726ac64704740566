"""Checks for lesson 10: the learner's own network, as the notebook's classes, and its training run.

The layer checks build the learner's objects in the learner's process and drive them through several
forward, backward and update calls, comparing every stored value with the engine's; each layer check
then attaches a gradient check of the learner's backward pass against their own forward pass
(:mod:`tutor.grader.gradients`). ``train-spiral`` watches the learner's training log as it is printed
and stops the run at the first line that differs from the notebook's (computed by the engine in its
exact ``notebook_numpy()`` mode).
"""

from __future__ import annotations

import ast
import functools
import re

import numpy as np

from engine import losses, optimizers
from engine.activations import ReLU, softmax
from engine.layers import Dense
from tutor.grader import extras, gradients, wire
from tutor.grader.api import CaseFailure, Mistake, StopCheck, Submission, check, learner_code
from tutor.grader.cases import label_cases, random_matrix
from tutor.grader.checks.backprop import (
    dense_gradient_mistakes,
    relu_gradient_mistakes,
    softmax_cce_gradient_mistakes,
)
from tutor.grader.checks.losses import INDEX_NOTE, LESSON_PREDICTIONS, LESSON_TARGETS, ONE_HOT_NOTE

# Comparisons of stored layer values: float32-friendly (a file under nnfs.init() computes np.dot in
# float32), far tighter than any real mistake.
RTOL, ATOL = 1e-4, 1e-6

# The notebook's capstone run.
EPOCHS, EVERY = 10001, 100
CAPSTONE_LINES = EPOCHS // EVERY + 1


# -- the learner's objects ------------------------------------------------------------------------------


def make(submission: Submission, class_name: str, parameters: str, *args) -> wire.LearnerObject:
    """An instance of the learner's class ``class_name`` made with ``args`` (in the learner's process)."""
    constructor = submission.function(class_name, parameters)
    made = constructor(*args)
    if not isinstance(made, wire.LearnerObject) or made.handle is None:
        raise StopCheck(
            f"`{class_name}(...)` gave back {_described(made)}, not an object. Define it as a class: "
            f"`class {class_name}:` with the methods the exercise names."
        )
    return made


def _described(value) -> str:
    from tutor.grader import describe

    return describe.describe(value)


def call(submission: Submission, obj: wire.LearnerObject, name: str, parameters: str, *args, unchanged=()):
    """Call method ``name`` of the learner's object; unlike a function's result, None is fine (the
    methods store what they compute). ``unchanged`` names arguments that must not be modified."""
    return submission.method(obj, name, parameters)(*args, unchanged=unchanged, none_ok=True)


def stored(submission: Submission, obj: wire.LearnerObject, name: str, method: str):
    """The value ``obj.name`` after a call to ``method``; a missing attribute fails the case."""
    value = submission.attribute(obj, name)
    if value is None:
        raise CaseFailure(
            f"After `{method}`, your {obj.type_name} has no `self.{name}` (or it is None). `{method}` "
            f"must store it: `self.{name} = ...`."
        )
    return value


# -- dense-layer ------------------------------------------------------------------------------------------


def _initial_weights_case(submission: Submission, n_inputs: int, n_neurons: int) -> None:
    layer = make(submission, "Layer_Dense", "n_inputs, n_neurons", n_inputs, n_neurons)
    weights = submission.attribute(layer, "weights")
    biases = submission.attribute(layer, "biases")
    if weights is None or biases is None:
        missing = "self.weights" if weights is None else "self.biases"
        raise CaseFailure(f"A new Layer_Dense has no `{missing}`: set it in __init__.")
    weights = np.asarray(weights, dtype=float)
    biases = np.asarray(biases, dtype=float)
    if weights.shape == (n_neurons, n_inputs) and n_inputs != n_neurons:
        raise CaseFailure(
            f"The weights are shaped (n_neurons, n_inputs) = {weights.shape}. This course stores one "
            f"column per neuron: np.random.randn(n_inputs, n_neurons), shape ({n_inputs}, {n_neurons}), "
            "so that a batch multiplies straight in."
        )
    if weights.shape != (n_inputs, n_neurons):
        raise CaseFailure(
            f"The weights have shape {weights.shape}; expected (n_inputs, n_neurons) = ({n_inputs}, {n_neurons})."
        )
    if biases.shape == (n_neurons,):
        raise CaseFailure(
            f"The biases have shape ({n_neurons},); the exercise asks for one row, np.zeros((1, n_neurons)): "
            f"shape (1, {n_neurons}), which the optimizer and dbiases share."
        )
    if biases.shape != (1, n_neurons):
        raise CaseFailure(
            f"The biases have shape {biases.shape}; expected (1, n_neurons) = (1, {n_neurons})."
        )
    if np.any(biases != 0):
        raise CaseFailure("The biases do not start at zero. Start them with np.zeros((1, n_neurons)).")
    if not np.any(weights):
        raise CaseFailure(
            "Every weight starts at 0. Then every neuron computes the same thing and gets the same "
            "gradient, so they never become different: start them small and random, "
            "0.01 * np.random.randn(n_inputs, n_neurons)."
        )
    if np.all(weights >= 0):
        raise CaseFailure(
            "Every starting weight is positive: np.random.rand draws from [0, 1). Use np.random.randn, "
            "the normal distribution around 0, scaled by 0.01."
        )
    spread = float(np.std(weights))
    if weights.size >= 8 and spread > 0.1:
        raise CaseFailure(
            f"The starting weights spread about {spread:.2g} around 0; scaled by 0.01 they spread about "
            "0.01. Multiply np.random.randn(...) by 0.01."
        )
    if weights.size >= 8 and not 0.003 < spread < 0.03:
        raise CaseFailure(
            f"The starting weights spread about {spread:.2g} around 0, not about 0.01: use "
            "0.01 * np.random.randn(n_inputs, n_neurons)."
        )
    again = make(submission, "Layer_Dense", "n_inputs, n_neurons", n_inputs, n_neurons)
    other = np.asarray(submission.attribute(again, "weights"), dtype=float)
    if other.shape == weights.shape and np.array_equal(other, weights) and weights.size > 1:
        raise CaseFailure(
            "Two new layers start with the same weights. Draw them in __init__ with np.random.randn, "
            "so that each layer gets its own."
        )


def _dense_output_mistakes(inputs, weights, biases) -> list[Mistake]:
    return [
        Mistake(
            "The output leaves out the biases: it is inputs times weights plus biases.",
            lambda: inputs @ weights,
            cause="bias",
        ),
        Mistake(
            "The biases are subtracted; they are added: np.dot(inputs, self.weights) + self.biases.",
            lambda: inputs @ weights - biases,
            cause="sign",
        ),
        Mistake(
            "The output multiplies by the weights transposed. The weights are (n_inputs, n_neurons), "
            "one column per neuron: np.dot(inputs, self.weights) needs no transpose.",
            lambda: inputs @ weights.T + biases if weights.shape[0] == weights.shape[1] else None,
            cause="transpose",
        ),
    ]


def _dense_step(submission: Submission, layer, inputs, weights, biases, dvalues) -> None:
    """One forward and backward call on the learner's layer, with its parameters set to these."""
    submission.set_attribute(layer, "weights", weights)
    submission.set_attribute(layer, "biases", biases)
    call(submission, layer, "forward", "inputs", inputs, unchanged=("inputs",))
    expected = Dense(*weights.shape)
    expected.weights, expected.biases = weights.copy(), biases.copy()
    expected.forward(inputs)
    remembered = stored(submission, layer, "inputs", "forward")
    submission.expect(remembered, inputs, what="`self.inputs`", rtol=RTOL, atol=ATOL)
    submission.expect(
        stored(submission, layer, "output", "forward"),
        expected.output,
        what="`self.output`",
        mistakes=_dense_output_mistakes(inputs, weights, biases),
        meaning="one row per sample, one column per neuron",
        rtol=RTOL,
        atol=ATOL,
    )
    call(submission, layer, "backward", "dvalues", dvalues, unchanged=("dvalues",))
    expected.backward(dvalues)
    mistakes = dense_gradient_mistakes(inputs, weights, dvalues)
    for name in ("dweights", "dbiases", "dinputs"):
        submission.expect(
            stored(submission, layer, name, "backward"),
            getattr(expected, name),
            what=f"`self.{name}`",
            mistakes=mistakes[name],
            rtol=RTOL,
            atol=ATOL,
        )


def _dense_gradient_check(submission: Submission) -> None:
    rng = np.random.default_rng(10)
    inputs = rng.normal(0, 1, (3, 4))
    weights = rng.normal(0, 0.5, (4, 2))
    biases = rng.normal(0, 0.5, (1, 2))
    dvalues = rng.normal(0, 1, (3, 2))  # the loss is sum(output * dvalues): its gradient is dvalues

    def run() -> None:
        layer = make(submission, "Layer_Dense", "n_inputs, n_neurons", 4, 2)
        submission.set_attribute(layer, "weights", weights)
        submission.set_attribute(layer, "biases", biases)
        call(submission, layer, "forward", "inputs", inputs)
        output = submission.attribute(layer, "output")
        call(submission, layer, "backward", "dvalues", dvalues)
        analytic = {name: submission.attribute(layer, name) for name in ("dweights", "dbiases", "dinputs")}
        float32 = gradients.computes_in_float32(output)
        step = (gradients.FLOAT32 if float32 else gradients.FLOAT64)[0]

        def loss_with(name: str):
            def loss(value: np.ndarray) -> float:
                submission.set_attribute(layer, "weights", value if name == "weights" else weights)
                submission.set_attribute(layer, "biases", value if name == "biases" else biases)
                call(submission, layer, "forward", "inputs", value if name == "inputs" else inputs)
                return float(np.sum(np.asarray(submission.attribute(layer, "output"), dtype=float) * dvalues))

            return loss

        checked = [
            gradients.Gradient(
                "d" + name, analytic["d" + name], gradients.central_differences(loss_with(name), point, step)
            )
            for name, point in (("weights", weights), ("biases", biases), ("inputs", inputs))
        ]
        extras.attach_gradient_check(gradients.gradient_check(checked, float32=float32, of="your forward"))

    _attach_gradient_check(submission, run)


def _attach_gradient_check(submission: Submission, run) -> None:
    """Run a gradient check; a failure inside (the learner's code raised) is told in its verdict."""
    try:
        run()
    except CaseFailure as failure:
        extras.attach_gradient_check(
            gradients.could_not_run(failure.sentence.split(". ")[0].rstrip(".") + ".")
        )


@check("dense-layer")
def dense_layer_check(submission):
    rng = submission.rng
    for n_inputs, n_neurons in ((2, 64), (64, 3), (4, 5)):
        with submission.case(f"a new Layer_Dense({n_inputs}, {n_neurons}): weights and biases"):
            _initial_weights_case(submission, n_inputs, n_neurons)
    lesson_inputs = np.array([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]])
    lesson_weights = np.array([[0.2, 0.5, -0.26], [0.8, -0.91, -0.27], [-0.5, 0.26, 0.17], [1.0, -0.5, 0.87]])
    lesson_biases = np.array([[2.0, 3.0, 0.5]])
    steps = [
        ("the lesson's batch", lesson_inputs, lesson_weights, lesson_biases, random_matrix(rng, 3, 3)),
        (
            "a single sample, 2 inputs, 4 neurons",
            random_matrix(rng, 1, 2),
            random_matrix(rng, 2, 4, 0.5),
            random_matrix(rng, 1, 4),
            random_matrix(rng, 1, 4),
        ),
        (
            "100 samples, 2 inputs, 64 neurons",
            random_matrix(rng, 100, 2),
            random_matrix(rng, 2, 64, 0.1),
            random_matrix(rng, 1, 64),
            random_matrix(rng, 100, 64),
        ),
    ]
    for name, inputs, weights, biases, dvalues in steps:
        with submission.case(name):
            layer = make(submission, "Layer_Dense", "n_inputs, n_neurons", *weights.shape)
            _dense_step(submission, layer, inputs, weights, biases, dvalues)
    with submission.case(
        "one layer, three forward and backward calls",
        note="the same layer is used again with other batches: each call must use that call's inputs.",
    ):
        layer = make(submission, "Layer_Dense", "n_inputs, n_neurons", 3, 2)
        weights, biases = random_matrix(rng, 3, 2), random_matrix(rng, 1, 2)
        for samples in (5, 1, 8):
            _dense_step(
                submission,
                layer,
                random_matrix(rng, samples, 3),
                weights,
                biases,
                random_matrix(rng, samples, 2),
            )
    _dense_gradient_check(submission)


# -- relu-layer ---------------------------------------------------------------------------------------------


def _relu_step(submission: Submission, layer, inputs, dvalues) -> None:
    call(submission, layer, "forward", "inputs", inputs, unchanged=("inputs",))
    submission.expect(stored(submission, layer, "inputs", "forward"), inputs, what="`self.inputs`")
    submission.expect(
        stored(submission, layer, "output", "forward"),
        np.maximum(0, inputs),
        what="`self.output`",
        mistakes=[
            Mistake(
                "The output keeps the negative values and drops the positive ones: that is "
                "np.minimum(0, inputs). ReLU keeps the positive values and sets the others to 0.",
                lambda: np.minimum(0, inputs),
                cause="reduction",
            ),
            Mistake(
                "The output is the inputs unchanged: ReLU sets every negative input to 0.",
                lambda: inputs,
                cause="formula",
            ),
        ],
    )
    call(submission, layer, "backward", "dvalues", dvalues, unchanged=("dvalues",))
    relu = ReLU()
    relu.forward(inputs)
    relu.backward(dvalues)
    submission.expect(
        stored(submission, layer, "dinputs", "backward"),
        relu.dinputs,
        what="`self.dinputs`",
        mistakes=relu_gradient_mistakes(inputs, dvalues, function=False),
        meaning="shaped like dvalues",
    )


def _relu_gradient_check(submission: Submission) -> None:
    rng = np.random.default_rng(11)
    inputs = rng.normal(0, 1, (3, 4))
    inputs[np.abs(inputs) < 0.1] = 0.5  # central differences need every input away from ReLU's kink
    dvalues = rng.normal(0, 1, (3, 4))

    def run() -> None:
        layer = make(submission, "Activation_ReLU", "")
        call(submission, layer, "forward", "inputs", inputs)
        output = submission.attribute(layer, "output")
        call(submission, layer, "backward", "dvalues", dvalues)
        analytic = submission.attribute(layer, "dinputs")
        float32 = gradients.computes_in_float32(output)

        def loss(value: np.ndarray) -> float:
            call(submission, layer, "forward", "inputs", value)
            return float(np.sum(np.asarray(submission.attribute(layer, "output"), dtype=float) * dvalues))

        step = (gradients.FLOAT32 if float32 else gradients.FLOAT64)[0]
        numeric = gradients.central_differences(loss, inputs, step)
        extras.attach_gradient_check(
            gradients.gradient_check(
                [gradients.Gradient("dinputs", analytic, numeric)], float32=float32, of="your forward"
            )
        )

    _attach_gradient_check(submission, run)


@check("relu-layer")
def relu_layer_check(submission):
    rng = submission.rng
    lesson_inputs = np.array([[1.0, 2.0, -3.0, -4.0], [2.0, -7.0, -1.0, 3.0], [-1.0, 2.0, 5.0, -1.0]])
    lesson_dvalues = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])
    with_zeros = random_matrix(rng, 4, 5, 2.0)
    with_zeros[rng.random((4, 5)) < 0.3] = 0.0
    steps = [
        ("the lesson's example", lesson_inputs, lesson_dvalues, None),
        (
            "inputs exactly 0",
            with_zeros,
            random_matrix(rng, 4, 5),
            "some inputs here are exactly 0; ReLU's gradient there is 0.",
        ),
        (
            "negative gradients",
            random_matrix(rng, 3, 3),
            -np.abs(random_matrix(rng, 3, 3)),
            "every dvalue here is negative.",
        ),
        ("300 samples, 64 values each", random_matrix(rng, 300, 64), random_matrix(rng, 300, 64), None),
    ]
    for name, inputs, dvalues, note in steps:
        with submission.case(name, note=note):
            _relu_step(submission, make(submission, "Activation_ReLU", ""), inputs, dvalues)
    with submission.case(
        "one ReLU, three forward and backward calls",
        note="the same object is used again with other batches: each backward uses the last forward's inputs.",
    ):
        layer = make(submission, "Activation_ReLU", "")
        for samples in (4, 1, 6):
            _relu_step(submission, layer, random_matrix(rng, samples, 3), random_matrix(rng, samples, 3))
    _relu_gradient_check(submission)


# -- softmax-cce-layer ------------------------------------------------------------------------------------------


def _global_max_softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - np.max(scores))
    return exp / np.sum(exp, axis=1, keepdims=True)


def _softmax_step(submission: Submission, layer, scores: np.ndarray, y_true: np.ndarray) -> None:
    loss = call(
        submission, layer, "forward", "inputs, y_true", scores, y_true, unchanged=("inputs", "y_true")
    )
    probabilities = softmax(scores)
    submission.expect(
        stored(submission, layer, "output", "forward"),
        probabilities,
        what="`self.output`",
        mistakes=[
            Mistake(
                "The softmax subtracts the largest score of the whole batch. Subtract each row's own "
                "largest score (np.max(inputs, axis=1, keepdims=True)): a row far below the batch's "
                "maximum otherwise underflows to 0 / 0.",
                lambda: _global_max_softmax(scores),
                cause="axis",
            ),
            Mistake(
                "The softmax normalises each column (axis=0). Each row is one sample: divide by the "
                "sum along axis=1.",
                lambda: (
                    np.exp(scores - scores.max(axis=1, keepdims=True))
                    / np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=0, keepdims=True)
                ),
                cause="axis",
            ),
        ],
        nonfinite=(
            "`self.output` contains nan or inf: exp overflowed on large scores. Subtract each row's "
            "largest score before np.exp; softmax gives the same probabilities."
        ),
        meaning="one row of probabilities per sample",
    )
    clipped = np.clip(probabilities, 1e-7, 1 - 1e-7)
    confidences = losses.correct_class_confidences(clipped, y_true)
    submission.expect(
        loss,
        losses.categorical_cross_entropy(probabilities, y_true),
        what="the loss `forward` returned",
        one_element_ok=True,
        inputs=scores,
        mistakes=[
            Mistake(
                "The loss is infinite or far too large where a true class got probability 0: clip the "
                "probabilities to [1e-7, 1 - 1e-7] before the log.",
                lambda: float(np.mean(-np.log(losses.correct_class_confidences(probabilities, y_true)))),
                cause="clip",
                refuted_by=lambda code: bool(code.calls("clip")),
            ),
            Mistake(
                "The loss is summed over the samples; it is their mean (np.mean).",
                lambda: float(np.sum(-np.log(confidences))) if len(scores) > 1 else None,
                cause="reduction",
            ),
            Mistake(
                "The loss uses log base 10; cross-entropy uses the natural log, np.log.",
                lambda: float(np.mean(-np.log10(confidences))),
                cause="exp-log",
            ),
            Mistake(
                "The loss has the wrong sign: it is the mean of -log(confidence), a positive number.",
                lambda: float(np.mean(np.log(confidences))),
                cause="sign",
            ),
        ],
        nonfinite="The loss is inf or nan: clip the probabilities to [1e-7, 1 - 1e-7] before the log.",
    )
    p = np.asarray(stored(submission, layer, "output", "forward"), dtype=float)
    p = p if p.shape == probabilities.shape else probabilities
    call(submission, layer, "backward", "dvalues, y_true", p, y_true, unchanged=("dvalues", "y_true"))
    one_hot = np.eye(p.shape[1])[y_true] if y_true.ndim == 1 else y_true.astype(float)
    submission.expect(
        stored(submission, layer, "dinputs", "backward"),
        losses.softmax_cross_entropy_gradient(p, y_true),
        what="`self.dinputs`",
        mistakes=softmax_cce_gradient_mistakes(p, y_true, one_hot),
        meaning="one row per sample, one column per class",
    )


def _softmax_gradient_check(submission: Submission) -> None:
    rng = np.random.default_rng(12)
    scores = rng.normal(0, 1, (3, 4))
    y_true = np.array([0, 3, 1])

    def run() -> None:
        layer = make(submission, "Activation_Softmax_Loss_CategoricalCrossentropy", "")
        loss_value = call(submission, layer, "forward", "inputs, y_true", scores, y_true)
        output = submission.attribute(layer, "output")
        call(submission, layer, "backward", "dvalues, y_true", output, y_true)
        analytic = submission.attribute(layer, "dinputs")
        float32 = gradients.computes_in_float32(output, loss_value)

        def loss(value: np.ndarray) -> float:
            returned = call(submission, layer, "forward", "inputs, y_true", value, y_true)
            return float(np.asarray(returned, dtype=float).reshape(-1)[0])

        step = (gradients.FLOAT32 if float32 else gradients.FLOAT64)[0]
        numeric = gradients.central_differences(loss, scores, step)
        extras.attach_gradient_check(
            gradients.gradient_check(
                [gradients.Gradient("dinputs", analytic, numeric)],
                float32=float32,
                of="the loss your forward returns",
            )
        )

    _attach_gradient_check(submission, run)


@check("softmax-cce-layer")
def softmax_cce_layer_check(submission):
    rng = submission.rng
    name = "Activation_Softmax_Loss_CategoricalCrossentropy"
    lesson_scores = np.log(np.asarray(LESSON_PREDICTIONS, dtype=float))
    cases = label_cases(rng, np.exp(lesson_scores), LESSON_TARGETS)
    for case in cases[:4]:
        scores = np.log(case.y_pred)
        for y_true, form, note in (
            (case.indices, "labels as indices", INDEX_NOTE),
            (case.one_hot.astype(int), "labels one-hot", ONE_HOT_NOTE),
        ):
            with submission.case(f"{case.name}, {form}", note=note):
                _softmax_step(submission, make(submission, name, ""), scores, y_true)
    large = np.array([[1000.0, 990.0, 1010.0], [-1000.0, -1005.0, -990.0]])
    with submission.case(
        "large scores",
        note="the scores here are about ±1000: exp overflows unless each row's largest is subtracted first.",
    ):
        _softmax_step(submission, make(submission, name, ""), large, np.array([2, 0]))
    with submission.case(
        "a true class with probability 0",
        note="the true class of the first sample here is 800 below the others: its probability is 0 without clipping.",
    ):
        _softmax_step(
            submission,
            make(submission, name, ""),
            np.array([[-800.0, 0.0, 1.0], [0.5, 0.2, -0.3]]),
            np.array([0, 1]),
        )
    with submission.case(
        "one object, three forward and backward calls", note="the same object is used with other batches."
    ):
        layer = make(submission, name, "")
        for samples in (5, 1, 7):
            _softmax_step(submission, layer, random_matrix(rng, samples, 3), rng.integers(0, 3, samples))
    _softmax_gradient_check(submission)


# -- adam-optimizer ----------------------------------------------------------------------------------------------


def _adam_reference(settings: dict) -> optimizers.Adam:
    return optimizers.Adam(
        settings["learning_rate"],
        decay=settings["decay"],
        epsilon=settings["epsilon"],
        beta_1=settings["beta_1"],
        beta_2=settings["beta_2"],
    )


ADAM_DEFAULTS = {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "beta_1": 0.9, "beta_2": 0.999}


def _adam_run(
    submission: Submission,
    settings: dict,
    given: tuple,
    steps: int,
    layers: int = 1,
    tiny_first: bool = False,
) -> None:
    """Make the learner's optimizer with ``given`` (positional) settings, update ``layers`` stand-in
    layers for ``steps`` steps with the engine's Adam alongside, and compare after every step."""
    rng = submission.rng
    optimizer = make(submission, "Optimizer_Adam", "learning_rate, decay, epsilon, beta_1, beta_2", *given)
    reference = _adam_reference(settings)
    states: list[dict] = []
    handles = []
    shapes = [(2, 4), (4, 3)][:layers]
    for shape in shapes:
        weights, biases = random_matrix(rng, *shape), random_matrix(rng, 1, shape[1])
        handles.append(submission.new_object(weights=weights, biases=biases))
        states.append({"weights": weights.copy(), "biases": biases.copy(), "w": {}, "b": {}})
    for step in range(steps):
        reference.pre_update_params()
        call(submission, optimizer, "pre_update_params", "")
        submission.expect(
            submission.attribute(optimizer, "current_learning_rate"),
            reference.current_learning_rate,
            what=f"`current_learning_rate` after pre_update_params() at iteration {step}",
            rtol=1e-9,
            atol=1e-15,
            mistakes=_decay_mistakes(settings, step),
        )
        for handle, state in zip(handles, states):
            dweights = random_matrix(rng, *state["weights"].shape)
            dbiases = random_matrix(rng, 1, state["biases"].shape[1])
            if tiny_first and step == 0:
                dweights *= 1e-6  # tiny first gradients: where epsilon goes shows
                dbiases *= 1e-6
            submission.set_attribute(handle, "dweights", dweights)
            submission.set_attribute(handle, "dbiases", dbiases)
            old, old_biases = state["weights"].copy(), state["biases"].copy()
            reference.update(state["weights"], dweights, state["w"])
            reference.update(state["biases"], dbiases, state["b"])
            call(submission, optimizer, "update_params", "layer", handle)
            b1, b2 = settings["beta_1"], settings["beta_2"]
            for attribute, want, fresh in (
                ("weight_momentums", state["w"]["momentums"], (1 - b1) * dweights),
                ("weight_cache", state["w"]["cache"], (1 - b2) * dweights**2),
                ("bias_momentums", state["b"]["momentums"], (1 - b1) * dbiases),
                ("bias_cache", state["b"]["cache"], (1 - b2) * dbiases**2),
            ):
                value = submission.attribute(handle, attribute)
                if value is None:
                    raise CaseFailure(
                        f"After update_params(layer), the layer has no `layer.{attribute}`. Keep Adam's "
                        "moving averages on the layer itself (zeros on first use), one set per layer."
                    )
                submission.expect(
                    value,
                    want,
                    what=f"`layer.{attribute}` after step {step + 1}",
                    rtol=1e-6,
                    atol=1e-12,
                    mistakes=[
                        Mistake(
                            "The moving averages start again from zeros at every step: create them only "
                            "when the layer has none yet (hasattr(layer, 'weight_cache')) and keep them on "
                            "the layer from step to step.",
                            functools.partial(np.copy, fresh),
                            cause="state",
                        )
                    ],
                )
            size = float(np.max(np.abs(state["weights"] - old))) or 1.0
            submission.expect(
                submission.attribute(handle, "weights"),
                state["weights"],
                what=f"the layer's weights after step {step + 1}",
                rtol=1e-6,
                atol=1e-4 * size,
                mistakes=_adam_step_mistakes(old, state["weights"], state["w"], reference, settings, step),
            )
            bias_size = float(np.max(np.abs(state["biases"] - old_biases))) or 1.0
            submission.expect(
                submission.attribute(handle, "biases"),
                state["biases"],
                what=f"the layer's biases after step {step + 1}",
                rtol=1e-6,
                atol=1e-4 * bias_size,
                mistakes=_adam_step_mistakes(
                    old_biases, state["biases"], state["b"], reference, settings, step
                ),
            )
        reference.post_update_params()
        call(submission, optimizer, "post_update_params", "")
        submission.expect(
            submission.attribute(optimizer, "iterations"),
            step + 1,
            what=f"`iterations` after post_update_params() number {step + 1}",
            mistakes=[
                Mistake(
                    "`iterations` does not count the steps: post_update_params() adds 1 to it.",
                    lambda: 0,
                    cause="state",
                )
            ],
        )


def _decay_mistakes(settings: dict, step: int) -> list[Mistake]:
    lr, decay = settings["learning_rate"], settings["decay"]
    return [
        Mistake(
            "The decayed learning rate multiplies by (1 + decay * iterations); it divides: "
            "learning_rate * (1 / (1 + decay * iterations)).",
            lambda: lr * (1 + decay * step) if decay and step else None,
            cause="formula",
        ),
        Mistake(
            "The learning rate did not decay: pre_update_params() sets current_learning_rate = "
            "learning_rate * (1 / (1 + decay * iterations)) when decay is set.",
            lambda: lr if decay and step else None,
            cause="missing-term",
        ),
    ]


def _adam_step_mistakes(old, new, slots, reference, settings, step) -> list[Mistake]:
    """Adam's step gone wrong, for one parameter: ``old`` before the step, ``new`` the right result,
    ``slots`` its momentums and cache after the step."""
    m = slots["momentums"]
    v = slots["cache"]
    lr = reference.current_learning_rate
    b1, b2, eps = settings["beta_1"], settings["beta_2"], settings["epsilon"]
    t = step + 1
    return [
        Mistake(
            "epsilon is added inside the square root; it goes after it: np.sqrt(cache_corrected) + epsilon.",
            lambda: old - lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + eps),
            cause="formula",
        ),
        Mistake(
            "The step leaves out the bias correction: divide the momentums by 1 - beta_1 ** (iterations + 1) "
            "and the cache by 1 - beta_2 ** (iterations + 1).",
            lambda: old - lr * m / (np.sqrt(v) + eps),
            cause="missing-term",
        ),
        Mistake(
            "The bias correction uses beta ** iterations; the first step is iterations + 1 "
            "(iterations counts from 0).",
            lambda: (
                old
                - lr * (m / (1 - b1 ** max(step, 1e-9))) / (np.sqrt(v / (1 - b2 ** max(step, 1e-9))) + eps)
                if step
                else None
            ),
            cause="off-by-one",
        ),
        Mistake(
            "The weights moved with the gradient, uphill: the step is subtracted (weights += -lr * ...).",
            lambda: 2 * old - new,
            cause="sign",
        ),
    ]


@check("adam-optimizer")
def adam_optimizer_check(submission):
    with submission.case(
        "Optimizer_Adam() with its defaults, three steps of one layer",
        note="the first gradients here are tiny (about 1e-6), so where epsilon goes matters.",
    ):
        _adam_run(submission, ADAM_DEFAULTS, (), 3, tiny_first=True)
    settings = dict(ADAM_DEFAULTS, learning_rate=0.05, decay=5e-3)
    with submission.case(
        "Optimizer_Adam(learning_rate=0.05, decay=5e-3), four steps of two layers",
        note="each layer keeps its own momentums and cache; the learning rate decays with the iterations.",
    ):
        _adam_run(submission, settings, (0.05, 5e-3), 4, layers=2)
    settings = {"learning_rate": 0.02, "decay": 0.0, "epsilon": 1e-5, "beta_1": 0.8, "beta_2": 0.99}
    with submission.case("Optimizer_Adam(0.02, 0., 1e-5, 0.8, 0.99), three steps"):
        _adam_run(submission, settings, (0.02, 0.0, 1e-5, 0.8, 0.99), 3)


# -- train-spiral --------------------------------------------------------------------------------------------------


@functools.cache
def notebook_log() -> tuple[str, ...]:
    """The notebook's 101 log lines, from the engine in the exact ``notebook_numpy()`` mode."""
    from engine.datasets import notebook_numpy, spiral
    from engine.network import Network
    from engine.training import Trainer

    lines: list[str] = []
    with notebook_numpy():
        X, y = spiral(100, 3)
        X = X.astype(np.float32, copy=False)
        network = Network.classifier(2, (64,), 3, dtype=np.float32)
        optimizer = optimizers.Adam(0.05, decay=5e-7)
        Trainer(network, optimizer, X, y).run(
            EPOCHS, on_epoch=lambda report: lines.append(report.log_line()), every=EVERY
        )
    return tuple(lines)


class SpiralLog(extras.OutputWatch):
    """Compares each printed line with the notebook's as it comes; stops at the first difference."""

    def __init__(self) -> None:
        super().__init__()
        self.expected = notebook_log()
        self.difference: tuple[int, str, str | None] | None = None  # (index, printed, expected)
        self.other: list[str] = []

    def line(self, text: str) -> bool:
        if not text.strip().lower().startswith("epoch"):
            self.other.append(text)  # a warning or the learner's own note: not part of the log
            return False
        super().line(text)
        index = len(self.lines) - 1
        want = self.expected[index] if index < len(self.expected) else None
        if text.rstrip() != want:
            self.difference = (index, text, want)
            return True
        return False


extras.watch_output("train-spiral")(SpiralLog)

_LOG_LINE = re.compile(r"epoch: (\d+), acc: ([0-9.]+), loss: ([0-9.]+), lr: ([0-9.e-]+)\Z")


def _uses_matmul(submission: Submission) -> bool:
    code = learner_code(submission)
    return bool(code.readable and (code.uses_operator(ast.MatMult) or code.calls("matmul")))


def _drift(printed: str, expected: str) -> bool:
    """The same epoch and learning rate, accuracy and loss a little off: a run in another precision."""
    mine, want = _LOG_LINE.match(printed.strip()), _LOG_LINE.match(expected)
    if not mine or not want:
        return False
    return (
        mine.group(1) == want.group(1)
        and mine.group(4) == want.group(4)
        and abs(float(mine.group(2)) - float(want.group(2))) <= 0.1
        and abs(float(mine.group(3)) - float(want.group(3))) <= 0.1
    )


def _first_difference_sentence(submission: Submission, index: int, printed: str, want: str | None) -> str:
    if want is None:
        return (
            f"Your code printed more than the notebook's {CAPSTONE_LINES} lines: line {index + 1} is extra. "
            "Print once every 100 epochs, from epoch 0 to epoch 10000."
        )
    if index > 0 and _drift(printed, want) and _uses_matmul(submission):
        return (
            f"Line {index + 1} drifts from the notebook's: your layer multiplies with `@`, which nnfs.init() "
            "does not replace, so your network trains in float32 arithmetic instead of the notebook's "
            "float64-then-float32 np.dot and its numbers part after the first lines; use np.dot."
        )
    if not _LOG_LINE.match(printed.strip()):
        return (
            f"Line {index + 1} of your output is not a log line like the notebook's: "
            "print f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate}'."
        )
    if index == 0:
        return (
            "Your first log line differs from the notebook's: check nnfs.init() comes first, then "
            "spiral_data(samples=100, classes=3), then the layers in order, Dense(2, 64) and Dense(64, 3)."
        )
    return (
        f"Line {index + 1} of your log differs from the notebook's: the first {index} lines match, so the "
        "network starts right but a step of training is off (the backward pass, the optimizer's settings "
        "learning_rate=0.05 and decay=5e-7, or the order of the calls in the loop)."
    )


@check("train-spiral")
def train_spiral_check(submission):
    watch = extras.output_watch()
    lines = list(watch.lines) if watch is not None else []
    expected = notebook_log()
    difference = getattr(watch, "difference", None)
    with submission.case(f"the training log: {CAPSTONE_LINES} lines, as the notebook prints them"):
        if difference is not None:
            index, printed, want = difference
            shown = f"Printed:  {printed}\nExpected: {want if want is not None else '(nothing: the log has ended)'}"
            raise StopCheck(_first_difference_sentence(submission, index, printed, want), detail=shown)
        other = getattr(watch, "other", [])
        if not lines and other:
            shown = f"Printed:  {other[0]}\nExpected: {expected[0]}"
            raise StopCheck(
                "None of the lines your code printed is a log line like the notebook's: print "
                "f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate}' "
                "every 100 epochs.",
                detail=shown,
            )
        if len(lines) < len(expected):
            shown = f"Printed:  (nothing)\nExpected: {expected[len(lines)]}"
            raise StopCheck(
                f"Your code printed {len(lines)} of the notebook's {len(expected)} log lines and stopped. Train "
                "for 10001 epochs (range(10001)) and print when epoch % 100 == 0.",
                detail=shown,
            )
    with submission.case("the trained network is kept in dense1 and dense2"):
        trained = {}
        for layer_name in ("dense1", "dense2"):
            layer = submission.value(
                layer_name, f"the {'first' if layer_name == 'dense1' else 'second'} Layer_Dense"
            )
            if not isinstance(layer, wire.LearnerObject):
                raise CaseFailure(f"`{layer_name}` is {_described(layer)}, not your Layer_Dense.")
            for attribute in ("weights", "biases"):
                value = submission.attribute(layer, attribute)
                if value is None:
                    raise CaseFailure(f"`{layer_name}` has no `{attribute}`.")
                trained[f"{layer_name}.{attribute}"] = np.asarray(value, dtype=float).tolist()
        extras.attach_trained(trained)
