"""Checks for lessons 1 and 2: a neuron, a layer, the dot product and a batch through a layer."""

from __future__ import annotations

import numpy as np

from engine.layers import Dense
from tutor.grader.api import Mistake, check, expect_given, forbid_calls, require_computed
from tutor.grader.cases import float32_exact, sequence_cases

NEURON_INPUTS = np.array([1.0, 2.0, 3.0, 2.5])
NEURON_WEIGHTS = np.array([0.2, 0.8, -0.5, 1.0])
NEURON_BIAS = 2.0

LAYER_WEIGHTS = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]])
LAYER_BIASES = np.array([2.0, 3.0, 0.5])
BATCH = np.array([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]])


def layer_forward(inputs, weights_one_row_per_neuron, biases):
    """The engine's Dense layer with the lesson's weights (stored one row per neuron, hence the .T)."""
    layer = Dense(weights_one_row_per_neuron.shape[1], weights_one_row_per_neuron.shape[0])
    layer.weights = weights_one_row_per_neuron.T.copy()
    layer.biases = np.asarray(biases, dtype=float).reshape(1, -1)
    return layer.apply(np.atleast_2d(inputs))


@check("neuron-output")
def neuron_output_check(submission):
    output = submission.value("output", "the neuron's output (a number)")
    x, w, b = NEURON_INPUTS, NEURON_WEIGHTS, NEURON_BIAS
    expect_given(submission, {"inputs": x, "weights": w, "bias": b})
    require_computed(submission, "output", ("inputs", "weights", "bias"), "the output")
    expected = layer_forward(x, w.reshape(1, -1), [b])[0, 0]
    with submission.case("output is the neuron's output"):
        submission.expect(
            output,
            expected,
            what="`output`",
            one_element_ok=True,
            mistakes=[
                Mistake(
                    "You left out the bias: add it once, after the weighted sum.", lambda: x @ w, cause="bias"
                ),
                Mistake(
                    "You added the bias to every product, so it counted four times. Add it once, after "
                    "the sum.",
                    lambda: x @ w + 4 * b,
                    cause="bias",
                ),
                Mistake(
                    "You subtracted the products from the sum instead of adding them (-= where += belongs).",
                    lambda: -(x @ w) + b,
                    cause="sign",
                ),
                Mistake("You subtracted the bias; it is added.", lambda: x @ w - b, cause="sign"),
                Mistake(
                    "Only three of the four inputs are in your sum: include the fourth input, 2.5, and "
                    "its weight, 1.0.",
                    lambda: x[:3] @ w[:3] + b,
                    cause="off-by-one",
                ),
                Mistake(
                    "You added the inputs and the weights instead of multiplying each input by its weight.",
                    lambda: x.sum() + w.sum() + b,
                    cause="reduction",
                ),
                Mistake(
                    "Your output is the list of products, one per input: add them up (and the bias) to get "
                    "the neuron's single output.",
                    lambda: x * w,
                    cause="reduction",
                ),
                Mistake(
                    "Your output is the list of products plus the bias: add the products up first, then add "
                    "the bias once.",
                    lambda: x * w + b,
                    cause="reduction",
                ),
            ],
            nonfinite="`output` is not a finite number.",
            reveal=False,
        )


@check("layer-output")
def layer_output_check(submission):
    output = submission.value("output", "the layer's three outputs, one per neuron")
    x, w, b = NEURON_INPUTS, LAYER_WEIGHTS, LAYER_BIASES
    expect_given(submission, {"inputs": x, "weights": w, "biases": b})
    require_computed(submission, "output", ("inputs", "weights", "biases"), "the outputs")
    expected = layer_forward(x, w, b)[0]
    with submission.case("output holds the three neurons' outputs"):
        submission.expect(
            output,
            expected,
            what="`output`",
            meaning="one value per neuron",
            reveal=False,
            mistakes=[
                Mistake(
                    "Each neuron's products were subtracted instead of added (-= where += belongs).",
                    lambda: -(w @ x) + b,
                    cause="sign",
                ),
                Mistake("You subtracted the biases; they are added.", lambda: w @ x - b, cause="sign"),
                Mistake(
                    "You left out the biases: add each neuron's own bias to its weighted sum.",
                    lambda: w @ x,
                    cause="bias",
                ),
                Mistake(
                    "Every neuron got the first bias (2). Each neuron has its own bias: 2, 3 and 0.5.",
                    lambda: w @ x + b[0],
                    cause="bias",
                ),
                Mistake(
                    "You added all the biases to every neuron. Each neuron adds only its own bias.",
                    lambda: w @ x + b.sum(),
                    cause="bias",
                ),
                Mistake(
                    "The biases are paired with the wrong neurons: neuron 1 gets bias 2, neuron 2 gets 3, "
                    "neuron 3 gets 0.5.",
                    lambda: w @ x + b[::-1],
                    cause="bias",
                ),
                Mistake(
                    "Your output is only the first neuron's. The layer has three neurons: one output each.",
                    lambda: w[0] @ x + b[0],
                    cause="return",
                ),
            ],
        )


@check("dot-product")
def dot_product_check(submission):
    dot = submission.function("dot", "a, b")
    forbid_calls(
        submission,
        ("dot", "matmul", "inner", "vdot", "einsum", "tensordot"),
        "Your code uses {name}, but this exercise is about writing the dot product yourself (np.dot is for "
        "after this exercise): multiply each pair and add the products up.",
    )
    rng = submission.rng
    lesson_a, lesson_b = [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]
    cases = [
        ("the lesson's vectors (lists)", lesson_a, lesson_b),
        ("the lesson's vectors (NumPy arrays)", float32_exact(lesson_a), float32_exact(lesson_b)),
    ]
    for case in sequence_cases(rng, [NEURON_INPUTS.tolist()], scale=10.0, large=1e3):
        partner = float32_exact(rng.uniform(-5, 5, len(case.array)))
        other = partner.tolist() if isinstance(case.values, list) else partner
        cases.append(
            (
                case.name.replace("the lesson's example", "the neuron's inputs and random weights"),
                case.values,
                other,
            )
        )
    for name, a, b in cases:
        with submission.case(name):
            x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            submission.expect(
                dot(a, b),
                np.dot(x, y),
                again=lambda: dot(a, b),
                mistakes=[
                    Mistake(
                        "You subtracted each product instead of adding it (-= where += belongs).",
                        lambda: -np.dot(x, y),
                        cause="sign",
                    ),
                    Mistake(
                        "You returned the products of each pair, one per position: add them up to get a "
                        "single number.",
                        lambda: x * y,
                        cause="reduction",
                    ),
                    Mistake(
                        "Your loop skips the last pair: range(len(a) - 1) stops one short; use "
                        "range(len(a)).",
                        lambda: np.dot(x[:-1], y[:-1]) if len(x) > 1 else None,
                        cause="off-by-one",
                    ),
                    Mistake(
                        "Your loop skips the first pair: start counting at 0.",
                        lambda: np.dot(x[1:], y[1:]) if len(x) > 1 else None,
                        cause="off-by-one",
                    ),
                    Mistake(
                        "You multiplied the two sums. The dot product multiplies pair by pair, then adds.",
                        lambda: x.sum() * y.sum(),
                        cause="reduction",
                    ),
                    Mistake(
                        "You added everything up. The dot product multiplies each pair first, then adds the "
                        "products.",
                        lambda: x.sum() + y.sum(),
                        cause="reduction",
                    ),
                    Mistake(
                        "You returned only the first product. Did `return` end up inside the loop?",
                        lambda: x[0] * y[0] if len(x) > 1 else None,
                        cause="off-by-one",
                    ),
                ],
            )


@check("batch-output")
def batch_output_check(submission):
    layer_outputs = submission.value("layer_outputs", "the batch's outputs, one row per sample")
    x, w, b = BATCH, LAYER_WEIGHTS, LAYER_BIASES
    expect_given(submission, {"inputs": x, "weights": w, "biases": b})
    require_computed(submission, "layer_outputs", ("inputs", "weights", "biases"), "the outputs")
    expected = layer_forward(x, w, b)
    with submission.case("layer_outputs for the lesson's batch"):
        submission.expect(
            layer_outputs,
            expected,
            what="`layer_outputs`",
            meaning="one row per sample, one column per neuron",
            reveal=False,
            mistakes=[
                Mistake("You subtracted the biases; they are added.", lambda: x @ w.T - b, cause="sign"),
                Mistake(
                    "You left out the biases: add them after the dot product.", lambda: x @ w.T, cause="bias"
                ),
                Mistake(
                    "The weights are transposed the wrong way, so your rows are the neurons, not the "
                    "samples, and the biases land on the wrong numbers. Each row of weights is one neuron "
                    "and each row of inputs one sample: it is the weights that need turning (transposing) "
                    "to give one row per sample and one column per neuron.",
                    lambda: w @ x.T + b,
                    cause="transpose",
                ),
                Mistake(
                    "Rows and columns are swapped: your result has one row per neuron, but each row should "
                    "be one sample, with one column per neuron.",
                    lambda: expected.T,
                    cause="transpose",
                ),
                Mistake(
                    "The biases are added down the columns instead of along the rows: each column (neuron) "
                    "gets its own bias.",
                    lambda: x @ w.T + b.reshape(-1, 1),
                    cause="axis",
                ),
            ],
        )
