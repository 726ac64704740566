"""Checks for lesson 10: the learner's own layers, as the notebook's classes (``dense-layer``,
``relu-layer``, ``softmax-cce-layer``), and the helpers that drive a learner's object by handle.
``adam-optimizer`` is in :mod:`network_adam`, ``train-spiral`` in :mod:`network_training`.

The layer checks build the learner's objects in the learner's process and drive them through several
forward, backward and update calls, comparing every stored value with the engine's; each layer check
then attaches a gradient check of the learner's backward pass against their own forward pass
(:mod:`tutor.grader.gradients`).
"""

from __future__ import annotations

import numpy as np

from engine import losses
from engine.activations import ReLU, softmax
from engine.layers import Dense
from tutor.grader import extras, gradients, wire
from tutor.grader.api import CaseFailure, Mistake, StopCheck, Submission, check
from tutor.grader.cases import label_cases, random_matrix
from tutor.grader.checks.activations import batch_softmax_mistakes
from tutor.grader.checks.backprop import (
    dense_gradient_mistakes,
    relu_gradient_mistakes,
    softmax_cce_gradient_mistakes,
)
from tutor.grader.checks.losses import (
    INDEX_NOTE,
    LESSON_PREDICTIONS,
    LESSON_TARGETS,
    ONE_HOT_NOTE,
    cce_mistakes,
)

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
            f"`{class_name}(...)` gave back {described(made)}, not an object. Define it as a class: "
            f"`class {class_name}:` with the methods the exercise names."
        )
    return made


def described(value) -> str:
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
            *batch_softmax_mistakes(scores),  # lesson 4's, for the same softmax
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
            *cce_mistakes(probabilities, y_true),  # lesson 5's, for the same loss
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
