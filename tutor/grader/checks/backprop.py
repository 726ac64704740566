"""Checks for lesson 6: backpropagation through a neuron, a dense layer, ReLU and softmax + cross-entropy."""

from __future__ import annotations

import numpy as np

from engine import losses
from engine.activations import ReLU, relu, softmax
from engine.layers import Dense
from tutor.grader import extras, gradients
from tutor.grader.api import CaseFailure, Mistake, check, expect_given, require_computed
from tutor.grader.cases import label_cases, random_matrix
from tutor.grader.checks.losses import INDEX_NOTE, LESSON_PREDICTIONS, LESSON_TARGETS, ONE_HOT_NOTE

SUMMED_ALONG_ROWS = (
    "dbiases was summed along each sample's row (axis=1). The bias gradient sums over the "
    "samples (axis=0): one value per neuron."
)

X = np.array([1.0, -2.0, 3.0])
W = np.array([-3.0, -1.0, 2.0])
B = 1.0


@check("neuron-gradients")
def neuron_gradients_check(submission):
    z = X @ W + B
    drelu = 1.0 if z > 0 else 0.0
    expected = {"dx": drelu * W, "dw": drelu * X, "db": drelu * 1.0}
    expect_given(submission, {"x": X, "w": W, "b": B})
    zero_relu = Mistake(
        f"Your gradients are all 0, but z = {z:g} is above 0, so ReLU's derivative there is "
        "1 and the gradient flows through. Check how you computed z and ReLU's derivative.",
        lambda: 0 * W,
        cause="formula",
    )
    mistakes = {
        "dx": [
            Mistake(
                "dx holds the inputs x, but the gradient with respect to each input is its weight "
                "(times ReLU's derivative): dx and dw are swapped.",
                lambda: drelu * X,
                cause="order",
            ),
            Mistake(
                f"dx was multiplied by z (or y) = {z:g}. Multiply by ReLU's derivative instead, which "
                "is 1 here.",
                lambda: z * W,
                cause="scale",
            ),
            zero_relu,
        ],
        "dw": [
            Mistake(
                "dw holds the weights w, but the gradient with respect to each weight is its input "
                "(times ReLU's derivative): dw and dx are swapped.",
                lambda: drelu * W,
                cause="order",
            ),
            Mistake(
                f"dw was multiplied by z (or y) = {z:g}. Multiply by ReLU's derivative instead, which "
                "is 1 here.",
                lambda: z * X,
                cause="scale",
            ),
            Mistake(
                f"Your gradients are all 0, but z = {z:g} is above 0, so ReLU's derivative there is "
                "1 and the gradient flows through. Check how you computed z and ReLU's derivative.",
                lambda: 0 * X,
                cause="formula",
            ),
        ],
        "db": [
            Mistake(
                "db is 0, but the bias is added straight into z, so its gradient is ReLU's "
                "derivative times 1: here 1.",
                lambda: 0.0,
                cause="bias",
            ),
            Mistake(
                f"db was set to z (or y) = {z:g}. The bias's gradient is ReLU's derivative times 1.",
                lambda: z,
                cause="scale",
            ),
        ],
    }
    descriptions = {
        "dx": "the gradient with respect to the inputs x (three numbers)",
        "dw": "the gradient with respect to the weights w (three numbers)",
        "db": "the gradient with respect to the bias b (a number)",
    }
    for name in ("dx", "dw", "db"):
        require_computed(submission, name, ("x", "w", "b"), name)
        with submission.case(name):
            value = submission.value(name, descriptions[name])
            submission.expect(
                value,
                expected[name],
                what=f"`{name}`",
                mistakes=mistakes[name],
                one_element_ok=(name == "db"),
                meaning="one value per input",
                reveal=False,
            )


def _dense_gradients(inputs, weights, dvalues):
    layer = Dense(*weights.shape)
    layer.weights = weights.copy()
    layer.forward(inputs)
    layer.backward(dvalues)
    return layer.dweights.copy(), layer.dbiases.copy(), layer.dinputs.copy()


def dense_gradient_mistakes(inputs, weights, dvalues) -> dict[str, list[Mistake]]:
    """The named mistakes of a dense layer's backward pass, by gradient (also used by the layer
    class's check)."""
    samples, n_neurons = dvalues.shape
    return {
        "dweights": [
            Mistake(
                "dweights is transposed: yours has one row per neuron. It should be shaped like "
                "the weights, (n_inputs, n_neurons): the inputs are the ones to transpose, "
                "not dvalues.",
                lambda: dvalues.T @ inputs,
                cause="transpose",
            ),
            Mistake(
                "dweights used the inputs without transposing them. The inputs are shaped "
                "(n_samples, n_inputs); their transpose, one row per input, is what multiplies "
                "dvalues.",
                lambda: inputs @ dvalues,
                cause="transpose",
            ),
            Mistake(
                "dweights used dvalues transposed. The inputs are the ones to transpose; dvalues "
                "goes in as it is, one row per sample.",
                lambda: inputs.T @ dvalues.T,
                cause="transpose",
            ),
            Mistake(
                "dweights was divided by the number of samples. dvalues already carries the "
                "loss's 1/n; here the gradients are summed over the batch, not averaged.",
                lambda: inputs.T @ dvalues / samples if samples > 1 else None,
                cause="scale",
            ),
        ],
        "dbiases": [
            Mistake(SUMMED_ALONG_ROWS, lambda: np.sum(dvalues, axis=1, keepdims=True), cause="axis"),
            Mistake(SUMMED_ALONG_ROWS, lambda: np.sum(dvalues, axis=1), cause="axis"),
            Mistake(
                "dbiases took the largest value of each column (max). The bias gradient adds up "
                "every sample's dvalues: a sum over the samples.",
                lambda: np.max(dvalues, axis=0, keepdims=True) if samples > 1 else None,
                cause="reduction",
            ),
            Mistake(
                "dbiases was averaged over the batch. Sum over the samples instead of taking the mean.",
                lambda: np.mean(dvalues, axis=0, keepdims=True) if samples > 1 else None,
                cause="scale",
            ),
            Mistake(
                "dbiases is one number: everything was summed. Sum over the samples only, keeping "
                "one value per neuron (keepdims=True keeps the shape (1, n_neurons)).",
                lambda: np.sum(dvalues) if n_neurons > 1 else None,
                cause="keepdims",
            ),
        ],
        "dinputs": [
            Mistake(
                "dinputs used the weights without transposing them. The weights are shaped "
                "(n_inputs, n_neurons); going back from the neurons to the inputs needs them "
                "turned the other way.",
                lambda: dvalues @ weights,
                cause="transpose",
            ),
            Mistake(
                "dinputs used dvalues transposed. dvalues goes in as it is, one row per sample; "
                "the weights are the ones to transpose.",
                lambda: dvalues.T @ weights.T,
                cause="transpose",
            ),
            Mistake(
                "dinputs is transposed: yours has one row per input. It should have one row per "
                "sample, shape (n_samples, n_inputs), like the inputs.",
                lambda: weights @ dvalues.T,
                cause="transpose",
            ),
        ],
    }


@check("dense-backward")
def dense_backward_check(submission):
    dense_backward = submission.function("dense_backward", "inputs, weights, dvalues")
    rng = submission.rng
    shapes = [
        ("3 samples, 3 inputs, 3 neurons", 3, 3, 3),
        ("4 samples, 3 inputs, 5 neurons", 4, 3, 5),
        ("a single sample, 4 inputs, 2 neurons", 1, 4, 2),
        ("2 samples, 5 inputs, 1 neuron", 2, 5, 1),
        ("100 samples, 2 inputs, 64 neurons", 100, 2, 64),
    ]
    names = ("dweights", "dbiases", "dinputs")
    for name, samples, n_inputs, n_neurons in shapes:
        with submission.case(name):
            inputs = random_matrix(rng, samples, n_inputs)
            weights = random_matrix(rng, n_inputs, n_neurons, 0.5)
            dvalues = random_matrix(rng, samples, n_neurons)
            expected = _dense_gradients(inputs, weights, dvalues)
            mistakes = dense_gradient_mistakes(inputs, weights, dvalues)
            received = dense_backward(inputs, weights, dvalues, unchanged=("inputs", "weights", "dvalues"))
            submission.expect_tuple(received, expected, names, mistakes=mistakes)
    _dense_gradient_check(dense_backward)


def relu_gradient_mistakes(inputs, dvalues, *, function: bool = True) -> list[Mistake]:
    """The named mistakes of ReLU's backward pass (``function``: the exercise is a function
    ``relu_backward(dvalues, inputs)``, whose arguments can be swapped; also used by the class's check)."""
    mistakes = [
        Mistake(
            "Where an input is exactly 0 your gradient passes through. ReLU's gradient is 0 "
            "wherever inputs <= 0: use inputs > 0 to decide what passes.",
            lambda: np.where(inputs >= 0, dvalues, 0.0),
            cause="comparison",
        ),
        Mistake(
            "You decided by the sign of dvalues. What passes depends on the forward pass's "
            "inputs: zero where inputs <= 0.",
            lambda: np.where(dvalues > 0, dvalues, 0.0),
            cause="comparison",
        ),
        Mistake(
            "You returned ReLU's derivative (1 or 0) alone. Multiply it by dvalues: the chain rule.",
            lambda: (inputs > 0).astype(float),
            cause="return",
        ),
        Mistake(
            "The two arguments are swapped: the function is relu_backward(dvalues, inputs), gradients first.",
            lambda: np.where(dvalues > 0, inputs, 0.0),
            cause="order",
        ),
        Mistake(
            "You returned ReLU of the inputs, the forward pass. The backward pass returns the "
            "gradient: dvalues passed on where the input was positive, 0 elsewhere.",
            lambda: np.maximum(0, inputs),
            cause="return",
        ),
    ]
    if not function:
        mistakes = [mistake for mistake in mistakes if mistake.cause != "order"]
    return mistakes


@check("relu-backward")
def relu_backward_check(submission):
    relu_backward = submission.function("relu_backward", "dvalues, inputs")
    rng = submission.rng
    lesson_inputs = np.array([[1.0, 2.0, -3.0, -4.0], [2.0, -7.0, -1.0, 3.0], [-1.0, 2.0, 5.0, -1.0]])
    lesson_dvalues = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])
    cases: list[tuple[str, np.ndarray, np.ndarray, str | None]] = [
        ("the lesson's example", lesson_dvalues, lesson_inputs, None)
    ]
    with_zeros = random_matrix(rng, 4, 5, 2.0)
    with_zeros[rng.random((4, 5)) < 0.3] = 0.0
    cases.append(
        (
            "inputs exactly 0",
            random_matrix(rng, 4, 5),
            with_zeros,
            "some inputs here are exactly 0; ReLU's gradient there is 0.",
        )
    )
    cases.append(
        (
            "negative gradients",
            -np.abs(random_matrix(rng, 3, 3)),
            random_matrix(rng, 3, 3),
            "every dvalue here is negative.",
        )
    )
    cases.append(("a single sample", random_matrix(rng, 1, 6), random_matrix(rng, 1, 6), None))
    cases.append(
        ("200 samples, 64 values each", random_matrix(rng, 200, 64), random_matrix(rng, 200, 64), None)
    )
    for name, dvalues, inputs, note in cases:
        with submission.case(name, note=note):
            relu = ReLU()
            relu.forward(inputs)
            relu.backward(dvalues)
            mistakes = relu_gradient_mistakes(inputs, dvalues)
            received = relu_backward(dvalues, inputs, unchanged=("dvalues", "inputs"))
            submission.expect(received, relu.dinputs, mistakes=mistakes, meaning="shaped like dvalues")
    _relu_gradient_check(relu_backward)


def _one_hot_used_as_indices(p, one_hot):
    gradient = p.copy()
    gradient[range(len(p)), one_hot] -= 1
    return gradient / len(p)


def _with_classes(p, classes):
    """The gradient with 1 subtracted at ``classes`` (one per sample, whichever they are)."""
    gradient = p.copy()
    gradient[np.arange(len(p)), classes] -= 1
    return gradient / len(p)


def softmax_cce_gradient_mistakes(p, y_true, one_hot) -> list[Mistake]:
    """The named mistakes of the fused softmax + cross-entropy gradient ``(p - one_hot) / n_samples``
    (also used by the class's check)."""
    samples, classes = p.shape
    return [
        Mistake(
            "You did not divide by the number of samples. The loss is a mean over the "
            "batch, so its gradient is (p - one_hot) / n_samples.",
            lambda: p - one_hot if samples > 1 else None,
            cause="scale",
        ),
        Mistake(
            "The sign is wrong: the gradient is (p - one_hot) / n_samples, not (one_hot - p) / n_samples.",
            lambda: (one_hot - p) / samples,
            cause="sign",
        ),
        Mistake(
            "You divided by the number of classes. Divide by the number of samples (len(softmax_outputs)).",
            lambda: (p - one_hot) / classes if classes != samples else None,
            cause="scale",
        ),
        Mistake(
            "You forgot to subtract 1 at each sample's true class: the gradient is "
            "(p - one_hot) / n_samples.",
            lambda: p / samples,
            cause="formula",
        ),
        Mistake(
            "y_true here holds one-hot rows, but your code used them as class indices. Turn "
            "each row into its class index first: the position of its 1, the row's argmax.",
            lambda: _one_hot_used_as_indices(p, y_true) if y_true.ndim == 2 else None,
            cause="labels",
        ),
        Mistake(
            "You added 1 at each sample's true class; it is subtracted: the gradient is "
            "(p - one_hot) / n_samples.",
            lambda: (p + one_hot) / samples,
            cause="sign",
        ),
        Mistake(
            "Your one-hot rows became the wrong class indices: argmin gives the position of "
            "a 0. A one-hot row's class is the position of its 1, the row's argmax.",
            lambda: _with_classes(p, np.argmin(y_true, axis=1)) if y_true.ndim == 2 else None,
            cause="reduction",
        ),
        Mistake(
            "You took the argmax of the one-hot labels down the columns (axis=0). Each row is "
            "one sample: its class is the argmax along axis=1.",
            lambda: _with_classes(p, np.argmax(y_true, axis=0)) if y_true.ndim == 2 else None,
            cause="axis",
        ),
        Mistake(
            "You subtracted 1 at the wrong places: the first index must be the sample "
            "(0, 1, 2, ...) and the second its true class.",
            lambda: (p - one_hot.T) / samples if samples == classes else None,
            cause="order",
        ),
    ]


@check("softmax-cce-backward")
def softmax_cce_backward_check(submission):
    backward = submission.function("softmax_cce_backward", "softmax_outputs, y_true")
    cases = label_cases(submission.rng, LESSON_PREDICTIONS, LESSON_TARGETS)
    for case in cases:
        for y_true, form, note in (
            (case.indices, "labels as indices", INDEX_NOTE),
            (case.one_hot.astype(int), "labels one-hot", ONE_HOT_NOTE),
        ):
            with submission.case(f"{case.name}, {form}", note=note):
                p = case.y_pred
                one_hot = case.one_hot
                expected = losses.softmax_cross_entropy_gradient(p, y_true)
                mistakes = softmax_cce_gradient_mistakes(p, y_true, one_hot)
                received = backward(p, y_true, unchanged=("softmax_outputs", "y_true"))
                submission.expect(
                    received, expected, mistakes=mistakes, meaning="one row per sample, one column per class"
                )
    _softmax_cce_gradient_check(backward)


# -- gradient checks: the learner's backward function against central differences of the forward pass
# (the lesson's formula: these exercises ask for the backward pass only).

_GRADIENT_RNG_SEED = 6


def _attach(run) -> None:
    try:
        extras.attach_gradient_check(run())
    except CaseFailure as failure:
        extras.attach_gradient_check(
            gradients.could_not_run(failure.sentence.split(". ")[0].rstrip(".") + ".")
        )


def _dense_gradient_check(dense_backward) -> None:
    rng = np.random.default_rng(_GRADIENT_RNG_SEED)
    inputs, weights, dvalues = rng.normal(0, 1, (3, 4)), rng.normal(0, 0.5, (4, 2)), rng.normal(0, 1, (3, 2))
    biases = np.zeros((1, 2))
    step = gradients.FLOAT64[0]

    def run():
        received = dense_backward(inputs, weights, dvalues)
        if not isinstance(received, (tuple, list)) or len(received) != 3:
            raise CaseFailure("dense_backward did not return three values.")
        numeric = {
            "dweights": gradients.central_differences(
                lambda w: np.sum((inputs @ w + biases) * dvalues), weights, step
            ),
            "dbiases": gradients.central_differences(
                lambda b: np.sum((inputs @ weights + b) * dvalues), biases, step
            ),
            "dinputs": gradients.central_differences(
                lambda x: np.sum((x @ weights + biases) * dvalues), inputs, step
            ),
        }
        checked = [gradients.Gradient(name, value, numeric[name]) for name, value in zip(numeric, received)]
        return gradients.gradient_check(checked, of="the layer's forward pass")

    _attach(run)


def _relu_gradient_check(relu_backward) -> None:
    rng = np.random.default_rng(_GRADIENT_RNG_SEED)
    inputs, dvalues = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4))
    inputs[np.abs(inputs) < 0.1] = 0.5  # central differences need every input away from the kink at 0

    def run():
        numeric = gradients.central_differences(
            lambda x: np.sum(relu(x) * dvalues), inputs, gradients.FLOAT64[0]
        )
        checked = [gradients.Gradient("dinputs", relu_backward(dvalues, inputs), numeric)]
        return gradients.gradient_check(checked, of="ReLU's forward pass")

    _attach(run)


def _softmax_cce_gradient_check(backward) -> None:
    rng = np.random.default_rng(_GRADIENT_RNG_SEED)
    scores, y_true = rng.normal(0, 1, (3, 4)), np.array([0, 3, 1])

    def run():
        numeric = gradients.central_differences(
            lambda z: losses.categorical_cross_entropy(softmax(z), y_true), scores, gradients.FLOAT64[0]
        )
        checked = [gradients.Gradient("dinputs", backward(softmax(scores), y_true), numeric)]
        return gradients.gradient_check(checked, of="the mean cross-entropy of softmax(scores)")

    _attach(run)
