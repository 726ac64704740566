"""The core checks: reference answers pass, starters fail, real mistakes fail with a message naming them,
and correct answers in other styles (loops over lists, vectorised NumPy) pass too."""

from __future__ import annotations

import textwrap

import pytest
from check_standard import leak_detector, standard_tests

from tutor.grader import check_ids

NP = "import numpy as np\n"
MATH = "import math\n"


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


NEURON = "inputs = [1.0, 2.0, 3.0, 2.5]\nweights = [0.2, 0.8, -0.5, 1.0]\nbias = 2.0\n"
LAYER = src("""
    inputs = [1, 2, 3, 2.5]
    weights = [[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]
    biases = [2, 3, 0.5]
""")
BATCH = NP + src("""
    inputs = np.array([[1, 2, 3, 2.5], [2, 5, -1, 2], [-1.5, 2.7, 3.3, -0.8]])
    weights = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]])
    biases = np.array([2, 3, 0.5])
""")
GRADIENTS = "x = [1.0, -2.0, 3.0]\nw = [-3.0, -1.0, 2.0]\nb = 1.0\n"
CCE_BODY = src("""
    def categorical_cross_entropy(y_pred, y_true):
        y_true = np.asarray(y_true)
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if y_true.ndim == 1:
            confidences = clipped[np.arange(len(y_pred)), y_true]
        else:
            confidences = np.sum(clipped * y_true, axis=1)
        return {result}
""")
ADAM_HEAD = (
    "def adam_update(weights, dweights, m, v, iteration, learning_rate=0.001, beta_1=0.9, "
    "beta_2=0.999, epsilon=1e-7):\n"
)


def adam(body: str) -> str:
    return NP + ADAM_HEAD + textwrap.indent(src(body), "    ")


# exercise id -> reference, starter, other correct styles, [(wrong answer, words its message must contain)]
EXERCISES = {
    "neuron-output": dict(
        reference=NEURON + "output = sum(i * w for i, w in zip(inputs, weights)) + bias\n",
        starter=NEURON + "output = None\n",
        styles=[
            NP + NEURON + "output = np.dot(inputs, weights) + bias\n",
            NP + NEURON + "output = np.array([np.dot(weights, inputs) + bias])\n",
            NP + NEURON + "output = np.sum(np.multiply(inputs, weights)) + bias\n",
        ],
        wrong=[
            ("output = 1.0*0.2 + 2.0*0.8 + 3.0*-0.5 + 2.5*1.0 + 2.0\n", "typed in as numbers"),
            (
                NEURON.replace("-0.5", "0.5")
                + "output = sum(i * w for i, w in zip(inputs, weights)) + bias\n",
                "not the one the exercise gives",
            ),
            (NEURON + "output = sum(i * w for i, w in zip(inputs, weights))\n", "left out the bias"),
            (NEURON + "output = sum(i * w + bias for i, w in zip(inputs, weights))\n", "four times"),
            (NEURON + "output = [i * w for i, w in zip(inputs, weights)]\n", "add them up"),
            (
                NEURON
                + "output = inputs[0]*weights[0] + inputs[1]*weights[1] + inputs[2]*weights[2] + bias\n",
                "fourth input",
            ),
            (NEURON + "result = 4.8\n", "doesn't define `output`"),
        ],
    ),
    "layer-output": dict(
        reference=NP + LAYER + "output = np.dot(weights, inputs) + biases\n",
        starter=LAYER
        + src("""
            output = []
            for neuron_weights, neuron_bias in zip(weights, biases):
                neuron_output = 0.0
                output.append(neuron_output)
        """),
        styles=[
            LAYER
            + src("""
                    output = []
                    for neuron_weights, neuron_bias in zip(weights, biases):
                        total = 0.0
                        for value, weight in zip(inputs, neuron_weights):
                            total += value * weight
                        output.append(total + neuron_bias)
                """),
            NP + LAYER + "output = np.array(inputs) @ np.array(weights).T + biases\n",
        ],
        wrong=[
            (NP + LAYER + "output = np.dot(weights, inputs)\n", "left out the biases"),
            (NP + LAYER + "output = np.dot(weights, inputs) + biases[0]\n", "first bias"),
            (NP + LAYER + "output = np.dot(weights, inputs) + sum(biases)\n", "all the biases"),
            (NP + LAYER + "output = np.dot(weights[0], inputs) + biases[0]\n", "only the first neuron"),
            (NP + LAYER + "output = np.dot(inputs, weights) + biases\n", "shapes don't fit"),
        ],
    ),
    "dot-product": dict(
        reference="def dot(a, b):\n    return sum(x * y for x, y in zip(a, b))\n",
        starter="def dot(a, b):\n    total = 0\n    return None\n",
        styles=[
            "def dot(a, b):\n    total = 0\n    for i in range(len(a)):\n        total += a[i] * b[i]\n"
            "    return total\n",
            NP + "def dot(a, b):\n    return np.sum(np.asarray(a) * np.asarray(b))\n",
            NP + "def dot(a, b):\n    return np.float32(sum(np.multiply(a, b)))\n",
        ],
        wrong=[
            (NP + "def dot(a, b):\n    return np.dot(a, b)\n", "np.dot is for after this exercise"),
            (
                "total = 0\ndef dot(a, b):\n    global total\n    for x, y in zip(a, b):\n        total += x * y\n"
                "    return total\n",
                "keeps something from one call to the next",
            ),
            (NP + "def dot(a, b):\n    return np.asarray(a) * np.asarray(b)\n", "add them up"),
            (
                "def dot(a, b):\n    total = 0\n    for i in range(len(a) - 1):\n        total += a[i] * b[i]\n"
                "    return total\n",
                "skips the last pair",
            ),
            ("def dot(a, b):\n    return sum(a) * sum(b)\n", "multiplied the two sums"),
            ("def dot(a, b):\n    for x, y in zip(a, b):\n        return x * y\n", "inside the loop"),
            (
                "def dot(a, b):\n    total = 0\n    for x, y in zip(a, b):\n        total += x * y\n",
                "returned None",
            ),
        ],
    ),
    "batch-output": dict(
        reference=BATCH + "layer_outputs = np.dot(inputs, weights.T) + biases\n",
        starter=BATCH + "layer_outputs = None\n",
        styles=[
            BATCH
            + src("""
                    layer_outputs = []
                    for sample in inputs.tolist():
                        row = []
                        for neuron_weights, bias in zip(weights.tolist(), biases.tolist()):
                            row.append(sum(x * w for x, w in zip(sample, neuron_weights)) + bias)
                        layer_outputs.append(row)
                """),
            BATCH + "layer_outputs = (weights @ inputs.T).T + biases\n",
        ],
        wrong=[
            (BATCH + "layer_outputs = np.dot(inputs, weights.T)\n", "left out the biases"),
            (BATCH + "layer_outputs = np.dot(weights, inputs.T) + biases\n", "transposed the wrong way"),
            (BATCH + "layer_outputs = (np.dot(inputs, weights.T) + biases).T\n", "swapped"),
            (BATCH + "layer_outputs = np.dot(inputs, weights) + biases\n", "shapes don't fit"),
            (BATCH + "layer_outputs = np.dot(inputs[0], weights.T) + biases\n", "one row per sample"),
        ],
    ),
    "relu": dict(
        reference=NP + "def relu(inputs):\n    return np.maximum(0, inputs)\n",
        starter=NP
        + "def relu(inputs):\n    outputs = []\n    for x in inputs:\n        pass\n    return outputs\n",
        styles=[
            "def relu(inputs):\n    return [max(0, x) for x in inputs]\n",
            "def relu(inputs):\n    out = []\n    for x in inputs:\n        if x > 0:\n            out.append(x)\n"
            "        else:\n            out.append(0)\n    return out\n",
            NP + "def relu(inputs):\n    x = np.array(inputs, dtype=np.float32)\n    x[x < 0] = 0\n"
            "    return x\n",
        ],
        wrong=[
            (NP + "def relu(inputs):\n    return np.minimum(0, inputs)\n", "min(0, x)"),
            ("def relu(inputs):\n    return [1 if x > 0 else 0 for x in inputs]\n", "step function"),
            (NP + "def relu(inputs):\n    return np.clip(inputs, 0, 1)\n", "no upper limit"),
            ("def relu(inputs):\n    return [x for x in inputs if x > 0]\n", "left the negative inputs out"),
            ("def relu(inputs):\n    return inputs * (inputs > 0)\n", "plain Python list"),
            (
                NP + "def relu(inputs):\n    inputs = np.asarray(inputs)\n    inputs[inputs < 0] = 0\n"
                "    return inputs\n",
                "changed its argument `inputs` in place",
            ),
            ("def relu(inputs):\n    [max(0, x) for x in inputs]\n", "returned None"),
            (NP + "def relu(inputs):\n    return np.max(0, inputs)\n", "np.maximum is the one that compares"),
        ],
    ),
    "step": dict(
        reference=NP + "def step(inputs):\n    return (np.asarray(inputs) > 0).astype(float)\n",
        starter=NP + "def step(inputs):\n    return None\n",
        styles=[
            "def step(inputs):\n    return [1 if x > 0 else 0 for x in inputs]\n",
            NP + "def step(inputs):\n    return np.where(np.asarray(inputs) > 0, 1, 0)\n",
            NP + "def step(inputs):\n    return np.asarray(inputs) > 0\n",
        ],
        wrong=[
            ("def step(inputs):\n    return [1 if x >= 0 else 0 for x in inputs]\n", "use >, not >="),
            ("def step(inputs):\n    return [1 if x < 0 else 0 for x in inputs]\n", "wrong way round"),
            (NP + "def step(inputs):\n    return np.sign(inputs)\n", "sign function"),
            (NP + "def step(inputs):\n    return np.maximum(0, inputs)\n", "that is ReLU"),
        ],
    ),
    "sigmoid": dict(
        reference=NP + "def sigmoid(inputs):\n    with np.errstate(over='ignore'):\n"
        "        return 1 / (1 + np.exp(-np.asarray(inputs, dtype=float)))\n",
        starter=NP + "def sigmoid(inputs):\n    x = np.asarray(inputs, dtype=float)\n    return None\n",
        styles=[
            MATH
            + src("""
                    def sigmoid(inputs):
                        out = []
                        for x in inputs:
                            if x >= 0:
                                out.append(1 / (1 + math.exp(-x)))
                            else:
                                out.append(math.exp(x) / (1 + math.exp(x)))
                        return out
                """),
            NP + "def sigmoid(inputs):\n    x = np.asarray(inputs, dtype=np.float32)\n"
            "    return np.exp(-np.logaddexp(0, -x))\n",
            NP + "def sigmoid(inputs):\n    return 1 / (1 + np.exp(-np.asarray(inputs, dtype=float)))\n",
        ],
        wrong=[
            (
                NP + "def sigmoid(inputs):\n    return 1 / (1 + np.exp(np.asarray(inputs, dtype=float)))\n",
                "sign of the exponent",
            ),
            (
                NP + "def sigmoid(inputs):\n    return 1 / 1 + np.exp(-np.asarray(inputs, dtype=float))\n",
                "brackets",
            ),
            (
                NP + "def sigmoid(inputs):\n    return 1 / (1 + 10.0 ** -np.asarray(inputs, dtype=float))\n",
                "base",
            ),
            (
                MATH + "def sigmoid(inputs):\n    return [1 / (1 + math.exp(-x)) for x in inputs]\n",
                "too big for a float",
            ),
            (MATH + "def sigmoid(inputs):\n    return 1 / (1 + math.exp(-inputs))\n", "loop over the values"),
        ],
    ),
    "softmax": dict(
        reference=NP + "def softmax(values):\n    e = np.exp(np.asarray(values) - np.max(values))\n"
        "    return e / e.sum()\n",
        starter=NP + "def softmax(values):\n    scores = np.asarray(values, dtype=float)\n"
        "    exp_scores = np.exp(scores)\n    return None\n",
        styles=[
            MATH
            + src("""
                    def softmax(values):
                        top = max(values)
                        exps = [math.exp(v - top) for v in values]
                        total = sum(exps)
                        return [e / total for e in exps]
                """),
            NP
            + "def softmax(values):\n    v = np.asarray(values, dtype=float)\n    e = np.exp(v - v.max())\n"
            "    return e / np.sum(e)\n",
        ],
        wrong=[
            (
                NP
                + "def softmax(values):\n    v = np.asarray(values, dtype=float)\n    return v / v.sum()\n",
                "without exponentiating",
            ),
            (NP + "def softmax(values):\n    return np.exp(values)\n", "did not normalise"),
            (NP + "def softmax(values):\n    e = np.exp(values)\n    return e / np.sum(e)\n", "overflowed"),
            (
                NP + "def softmax(values):\n    e = np.exp(values)\n    return e / e.max()\n",
                "largest exponential",
            ),
            (
                NP + "def softmax(values):\n    values = np.asarray(values)\n    values -= values.max()\n"
                "    e = np.exp(values)\n    return e / e.sum()\n",
                "in place",
            ),
        ],
    ),
    "batch-softmax": dict(
        reference=NP
        + src("""
            def batch_softmax(layer_outputs):
                e = np.exp(layer_outputs - np.max(layer_outputs, axis=1, keepdims=True))
                return e / np.sum(e, axis=1, keepdims=True)
        """),
        starter=NP
        + src("""
            def batch_softmax(layer_outputs):
                exp_values = np.exp(layer_outputs - np.max(layer_outputs))
                return exp_values / np.sum(exp_values)
        """),
        styles=[
            MATH
            + src("""
                    def batch_softmax(layer_outputs):
                        result = []
                        for row in layer_outputs:
                            top = max(row)
                            exps = [math.exp(v - top) for v in row]
                            total = sum(exps)
                            result.append([e / total for e in exps])
                        return result
                """),
            NP
            + src("""
                    def batch_softmax(layer_outputs):
                        shifted = layer_outputs - layer_outputs.max(axis=1)[:, None]
                        e = np.exp(shifted.astype(np.float32))
                        return e / e.sum(axis=1)[:, None]
                """),
        ],
        wrong=[
            (
                NP
                + src("""
                    def batch_softmax(layer_outputs):
                        e = np.exp(layer_outputs - np.max(layer_outputs, axis=0, keepdims=True))
                        return e / np.sum(e, axis=0, keepdims=True)
                """),
                "axis=1",
            ),
            (
                NP
                + src("""
                    def batch_softmax(layer_outputs):
                        e = np.exp(layer_outputs - np.max(layer_outputs, axis=1, keepdims=True))
                        return e / np.sum(e, axis=1)
                """),
                "keepdims",
            ),
            (
                NP
                + src("""
                    def batch_softmax(layer_outputs):
                        e = np.exp(layer_outputs)
                        return e / np.sum(e, axis=1, keepdims=True)
                """),
                "overflow",
            ),
            (
                NP
                + src("""
                    def batch_softmax(layer_outputs):
                        e = np.exp(layer_outputs - np.max(layer_outputs))
                        return e / np.sum(e, axis=1, keepdims=True)
                """),
                "each row's own maximum",
            ),
            (
                NP
                + src("""
                    def batch_softmax(layer_outputs):
                        e = np.exp(layer_outputs - np.max(layer_outputs))
                        return e / np.sum(e)
                """),
                "whole batch",
            ),
        ],
    ),
    "cce-loss": dict(
        reference=NP + CCE_BODY.format(result="float(np.mean(-np.log(confidences)))"),
        starter=NP
        + src("""
            def categorical_cross_entropy(y_pred, y_true):
                n_samples = len(y_pred)
                correct_confidences = None
                return None
        """),
        styles=[
            MATH
            + src("""
                    def categorical_cross_entropy(y_pred, y_true):
                        total = 0.0
                        for row, target in zip(y_pred.tolist(), list(y_true)):
                            if hasattr(target, "__len__"):
                                p = sum(q * t for q, t in zip(row, target))
                            else:
                                p = row[int(target)]
                            p = min(max(p, 1e-7), 1 - 1e-7)
                            total += -math.log(p)
                        return total / len(y_pred)
                """),
            NP
            + src("""
                    def categorical_cross_entropy(y_pred, y_true):
                        if y_true.ndim == 1:
                            y_true = np.eye(y_pred.shape[1])[y_true]
                        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
                        return np.mean(-np.log(np.sum(clipped * y_true, axis=1, keepdims=True)))
                """),
        ],
        wrong=[
            (
                NP
                + CCE_BODY.replace("np.clip(y_pred, 1e-7, 1 - 1e-7)", "y_pred").format(
                    result="np.mean(-np.log(confidences))"
                ),
                "clip",
            ),
            (NP + CCE_BODY.format(result="np.mean(-np.log10(confidences))"), "np.log10"),
            (NP + CCE_BODY.format(result="np.sum(-np.log(confidences))"), "number of samples"),
            (NP + CCE_BODY.format(result="np.mean(np.log(confidences))"), "wrong sign"),
            (NP + CCE_BODY.format(result="-np.log(confidences)"), "one loss per sample"),
            (
                NP
                + src("""
                    def categorical_cross_entropy(y_pred, y_true):
                        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
                        return np.mean(-np.log(clipped[range(len(y_pred)), y_true]))
                """),
                "one-hot",
            ),
            (
                NP
                + CCE_BODY.replace("clipped[np.arange(len(y_pred)), y_true]", "clipped[:, y_true]").format(
                    result="np.mean(-np.log(confidences))"
                ),
                "pair each row with its own label",
            ),
        ],
    ),
    "accuracy": dict(
        reference=NP
        + src("""
            def accuracy(y_pred, y_true):
                if y_true.ndim == 2:
                    y_true = np.argmax(y_true, axis=1)
                return float(np.mean(np.argmax(y_pred, axis=1) == y_true))
        """),
        starter=NP
        + src("""
            def accuracy(y_pred, y_true):
                predictions = np.argmax(y_pred)
                return None
        """),
        styles=[
            src("""
                    def accuracy(y_pred, y_true):
                        correct = 0
                        for row, target in zip(y_pred.tolist(), y_true.tolist()):
                            guess = row.index(max(row))
                            if isinstance(target, list):
                                target = target.index(max(target))
                            correct += guess == target
                        return correct / len(y_pred)
                """),
            NP
            + src("""
                    def accuracy(y_pred, y_true):
                        labels = y_true.argmax(axis=1) if len(y_true.shape) == 2 else y_true
                        return np.mean(y_pred.argmax(axis=1) == labels)
                """),
        ],
        wrong=[
            (
                NP
                + src("""
                    def accuracy(y_pred, y_true):
                        if y_true.ndim == 2:
                            y_true = np.argmax(y_true, axis=1)
                        return np.mean(np.argmax(y_pred) == y_true)
                """),
                "axis=1",
            ),
            (
                NP
                + src("""
                    def accuracy(y_pred, y_true):
                        if y_true.ndim == 2:
                            y_true = np.argmax(y_true, axis=1)
                        return np.sum(np.argmax(y_pred, axis=1) == y_true)
                """),
                "number of samples",
            ),
            (
                NP
                + src("""
                    def accuracy(y_pred, y_true):
                        if y_true.ndim == 2:
                            y_true = np.argmax(y_true, axis=1)
                        return np.mean(np.argmax(y_pred, axis=0) == y_true)
                """),
                "axis=0",
            ),
            (
                NP
                + src("""
                    def accuracy(y_pred, y_true):
                        return np.mean(np.argmax(y_pred, axis=1) == y_true)
                """),
                "one-hot",
            ),
            (
                NP
                + src("""
                    def accuracy(y_pred, y_true):
                        if y_true.ndim == 2:
                            y_true = np.argmax(y_true, axis=1)
                        return 100 * np.mean(np.argmax(y_pred, axis=1) == y_true)
                """),
                "percentage",
            ),
        ],
    ),
    "neuron-gradients": dict(
        reference=GRADIENTS
        + src("""
            z = sum(xi * wi for xi, wi in zip(x, w)) + b
            drelu = 1.0 if z > 0 else 0.0
            dx = [drelu * wi for wi in w]
            dw = [drelu * xi for xi in x]
            db = drelu
        """),
        starter=GRADIENTS + "dvalue = 1.0\ndrelu = None\ndx = None\ndw = None\ndb = None\n",
        styles=[
            NP
            + GRADIENTS
            + src("""
                    z = np.dot(x, w) + b
                    drelu = float(z > 0)
                    dx = drelu * np.array(w)
                    dw = drelu * np.array(x)
                    db = np.array([drelu])
                """),
            GRADIENTS
            + src("""
                    z = x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + b
                    drelu = 1.0 if z > 0 else 0.0
                    dx, dw, db = [drelu * wi for wi in w], [drelu * xi for xi in x], drelu * 1.0
                """),
        ],
        wrong=[
            (GRADIENTS + "dx = x\ndw = w\ndb = 1.0\n", "swapped"),
            (
                GRADIENTS + "drelu = 0.0\ndx = [drelu * wi for wi in w]\ndw = [drelu * xi for xi in x]\n"
                "db = drelu\n",
                "derivative",
            ),
            ("dx = [-3.0, -1.0, 2.0]\ndw = [1.0, -2.0, 3.0]\ndb = 1\n", "typed in as numbers"),
            (
                GRADIENTS + "z = 6.0\ndx = [z * wi for wi in w]\ndw = [z * xi for xi in x]\ndb = z\n",
                "multiplied by z",
            ),
            (GRADIENTS + "dx = w\ndw = x\n", "doesn't define `db`"),
        ],
    ),
    "dense-backward": dict(
        reference=NP
        + src("""
            def dense_backward(inputs, weights, dvalues):
                return inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights.T
        """),
        starter=NP
        + src("""
            def dense_backward(inputs, weights, dvalues):
                dweights = None
                dbiases = None
                dinputs = None
                return dweights, dbiases, dinputs
        """),
        styles=[
            src("""
                    def dense_backward(inputs, weights, dvalues):
                        n, n_in = len(inputs), len(weights)
                        n_out = len(weights[0])
                        dweights = [[sum(inputs[s][i] * dvalues[s][j] for s in range(n)) for j in range(n_out)]
                                    for i in range(n_in)]
                        dbiases = [[sum(dvalues[s][j] for s in range(n)) for j in range(n_out)]]
                        dinputs = [[sum(dvalues[s][j] * weights[i][j] for j in range(n_out)) for i in range(n_in)]
                                   for s in range(n)]
                        return dweights, dbiases, dinputs
                """),
            NP
            + src("""
                    def dense_backward(inputs, weights, dvalues):
                        dweights = np.dot(inputs.T, dvalues)
                        dbiases = dvalues.sum(axis=0).reshape(1, -1)
                        dinputs = np.dot(dvalues, weights.T)
                        return (dweights, dbiases, dinputs)
                """),
        ],
        wrong=[
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return dvalues.T @ inputs, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights.T
                """),
                "transposed",
            ),
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return inputs.T @ dvalues, np.sum(dvalues, axis=0), dvalues @ weights.T
                """),
                "keepdims",
            ),
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return inputs.T @ dvalues, np.sum(dvalues, axis=1, keepdims=True), dvalues @ weights.T
                """),
                "axis=1",
            ),
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights
                """),
                "without transposing",
            ),
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return dvalues @ weights.T, inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True)
                """),
                "order",
            ),
            (
                NP
                + src("""
                    def dense_backward(inputs, weights, dvalues):
                        return inputs.T @ dvalues, np.sum(dvalues, axis=0, keepdims=True)
                """),
                "Expected 3 values",
            ),
        ],
    ),
    "relu-backward": dict(
        reference=NP + "def relu_backward(dvalues, inputs):\n    return np.where(inputs > 0, dvalues, 0.0)\n",
        starter=NP + "def relu_backward(dvalues, inputs):\n    dinputs = None\n    return dinputs\n",
        styles=[
            NP + "def relu_backward(dvalues, inputs):\n    d = dvalues.copy()\n    d[inputs <= 0] = 0\n"
            "    return d\n",
            src("""
                    def relu_backward(dvalues, inputs):
                        return [[g if x > 0 else 0.0 for g, x in zip(grow, xrow)]
                                for grow, xrow in zip(dvalues.tolist(), inputs.tolist())]
                """),
            NP + "def relu_backward(dvalues, inputs):\n    return dvalues * (inputs > 0)\n",
        ],
        wrong=[
            (
                NP
                + "def relu_backward(dvalues, inputs):\n    dvalues[inputs <= 0] = 0\n    return dvalues\n",
                "changed its argument `dvalues` in place",
            ),
            (
                NP + "def relu_backward(dvalues, inputs):\n    return np.where(inputs >= 0, dvalues, 0.0)\n",
                "exactly 0",
            ),
            (
                NP + "def relu_backward(dvalues, inputs):\n    return np.where(dvalues > 0, dvalues, 0.0)\n",
                "sign of dvalues",
            ),
            (
                NP + "def relu_backward(dvalues, inputs):\n    return (inputs > 0).astype(float)\n",
                "Multiply it by dvalues",
            ),
        ],
    ),
    "softmax-cce-backward": dict(
        reference=NP
        + src("""
            def softmax_cce_backward(softmax_outputs, y_true):
                if y_true.ndim == 1:
                    y_true = np.eye(softmax_outputs.shape[1])[y_true]
                return (softmax_outputs - y_true) / len(softmax_outputs)
        """),
        starter=NP
        + src("""
            def softmax_cce_backward(softmax_outputs, y_true):
                n_samples = len(softmax_outputs)
                return None
        """),
        styles=[
            NP
            + src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        n = len(softmax_outputs)
                        if len(y_true.shape) == 2:
                            y_true = np.argmax(y_true, axis=1)
                        d = softmax_outputs.copy()
                        d[range(n), y_true] -= 1
                        return d / n
                """),
            src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        rows = softmax_outputs.tolist()
                        n = len(rows)
                        out = []
                        for row, target in zip(rows, y_true.tolist()):
                            if isinstance(target, list):
                                target = target.index(1)
                            out.append([(p - (1.0 if j == target else 0.0)) / n for j, p in enumerate(row)])
                        return out
                """),
        ],
        wrong=[
            (
                NP
                + src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        if y_true.ndim == 1:
                            y_true = np.eye(softmax_outputs.shape[1])[y_true]
                        return softmax_outputs - y_true
                """),
                "number of samples",
            ),
            (
                NP
                + src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        if y_true.ndim == 1:
                            y_true = np.eye(softmax_outputs.shape[1])[y_true]
                        return (y_true - softmax_outputs) / len(softmax_outputs)
                """),
                "sign is wrong",
            ),
            (
                NP
                + src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        n = len(softmax_outputs)
                        if y_true.ndim == 2:
                            y_true = np.argmax(y_true, axis=1)
                        softmax_outputs[range(n), y_true] -= 1
                        return softmax_outputs / n
                """),
                "in place",
            ),
            (
                NP
                + src("""
                    def softmax_cce_backward(softmax_outputs, y_true):
                        d = softmax_outputs.copy()
                        d[range(len(d)), y_true] -= 1
                        return d / len(d)
                """),
                "one-hot",
            ),
        ],
    ),
    "sgd-update": dict(
        reference="def sgd_update(weights, dweights, learning_rate):\n"
        "    return weights - learning_rate * dweights\n",
        starter=NP + "def sgd_update(weights, dweights, learning_rate):\n"
        "    new_weights = np.array(weights, dtype=float)\n    return new_weights\n",
        styles=[
            NP + "def sgd_update(weights, dweights, learning_rate):\n"
            "    return np.subtract(weights, np.multiply(learning_rate, dweights), dtype=np.float32)\n",
            src("""
                    def sgd_update(weights, dweights, learning_rate):
                        new = weights.copy()
                        new += -learning_rate * dweights
                        return new
                """),
        ],
        wrong=[
            (
                "def sgd_update(weights, dweights, learning_rate):\n    return weights + learning_rate * dweights\n",
                "against it",
            ),
            (
                "def sgd_update(weights, dweights, learning_rate):\n    return weights - dweights\n",
                "learning rate",
            ),
            (
                "def sgd_update(weights, dweights, learning_rate):\n    return -learning_rate * dweights\n",
                "step alone",
            ),
            (
                "def sgd_update(weights, dweights, learning_rate):\n    weights -= learning_rate * dweights\n"
                "    return weights\n",
                "in place",
            ),
        ],
    ),
    "lr-decay": dict(
        reference="def decayed_learning_rate(learning_rate, decay, iteration):\n"
        "    return learning_rate / (1 + decay * iteration)\n",
        starter="def decayed_learning_rate(learning_rate, decay, iteration):\n    return learning_rate\n",
        styles=[
            "def decayed_learning_rate(learning_rate, decay, iteration):\n"
            "    return learning_rate * (1.0 / (1.0 + decay * iteration))\n",
            NP + "def decayed_learning_rate(learning_rate, decay, iteration):\n"
            "    return np.float32(learning_rate) / np.float32(1 + decay * iteration)\n",
        ],
        wrong=[
            (
                "def decayed_learning_rate(learning_rate, decay, iteration):\n"
                "    return learning_rate / (1 + decay * (iteration + 1))\n",
                "off by one",
            ),
            (
                "def decayed_learning_rate(learning_rate, decay, iteration):\n"
                "    return learning_rate / 1 + decay * iteration\n",
                "brackets",
            ),
            (
                "def decayed_learning_rate(learning_rate, decay, iteration):\n"
                "    return learning_rate * (1 / (1 + decay)) ** iteration\n",
                "exponentially",
            ),
            (
                "def decayed_learning_rate(learning_rate, decay, iteration):\n"
                "    return learning_rate * (1 - decay * iteration)\n",
                "This rule divides",
            ),
        ],
    ),
    "momentum-update": dict(
        reference=src("""
            def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                new_momentums = momentum * momentums - learning_rate * dweights
                return weights + new_momentums, new_momentums
        """),
        starter=NP
        + src("""
            def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                new_momentums = np.zeros_like(momentums)
                new_weights = weights - learning_rate * dweights
                return new_weights, new_momentums
        """),
        styles=[
            NP
            + src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        velocity = np.array(momentums, dtype=np.float32, copy=True)
                        velocity *= momentum
                        velocity -= learning_rate * dweights
                        return [weights + velocity, velocity]
                """),
            src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        flat_w, flat_d = weights.ravel().tolist(), dweights.ravel().tolist()
                        flat_m = momentums.ravel().tolist()
                        new_m = [momentum * m - learning_rate * d for m, d in zip(flat_m, flat_d)]
                        new_w = [w + m for w, m in zip(flat_w, new_m)]
                        import numpy
                        return numpy.reshape(new_w, weights.shape), numpy.reshape(new_m, weights.shape)
                """),
        ],
        wrong=[
            (
                src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        new_momentums = momentum * momentums + learning_rate * dweights
                        return weights + new_momentums, new_momentums
                """),
                "wrong sign on the gradient",
            ),
            (
                src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        new_momentums = momentum * momentums - learning_rate * dweights
                        return weights - new_momentums, new_momentums
                """),
                "wrong way",
            ),
            (
                src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        new_momentums = momentum * momentums - learning_rate * dweights
                        return weights + momentums, new_momentums
                """),
                "old momentums",
            ),
            (
                src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        new_momentums = momentum * momentums - learning_rate * dweights
                        return new_momentums, weights + new_momentums
                """),
                "order",
            ),
            (
                src("""
                    def momentum_update(weights, dweights, momentums, learning_rate, momentum):
                        return weights + momentum * momentums - learning_rate * dweights
                """),
                "tuple",
            ),
        ],
    ),
    "adam-update": dict(
        reference=adam("""
            new_m = beta_1 * m + (1 - beta_1) * dweights
            new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
            m_hat = new_m / (1 - beta_1 ** (iteration + 1))
            v_hat = new_v / (1 - beta_2 ** (iteration + 1))
            return weights - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), new_m, new_v
        """),
        starter=adam("""
            new_m = m
            new_v = v
            new_weights = weights - learning_rate * dweights
            return new_weights, new_m, new_v
        """),
        styles=[
            adam("""
                    t = iteration + 1
                    new_m = m * beta_1 + dweights * (1 - beta_1)
                    new_v = v * beta_2 + np.square(dweights) * (1 - beta_2)
                    step = learning_rate * (new_m / (1 - beta_1 ** t)) / (np.sqrt(new_v / (1 - beta_2 ** t)) + epsilon)
                    new_weights = weights.copy()
                    new_weights -= step
                    return (new_weights, new_m, new_v)
                """),
            MATH
            + src("""
                    def adam_update(weights, dweights, m, v, iteration, learning_rate=0.001, beta_1=0.9,
                                    beta_2=0.999, epsilon=1e-7):
                        shape = weights.shape
                        out_w, out_m, out_v = [], [], []
                        for w, d, mi, vi in zip(weights.ravel(), dweights.ravel(), m.ravel(), v.ravel()):
                            mi = beta_1 * mi + (1 - beta_1) * d
                            vi = beta_2 * vi + (1 - beta_2) * d * d
                            m_hat = mi / (1 - beta_1 ** (iteration + 1))
                            v_hat = vi / (1 - beta_2 ** (iteration + 1))
                            out_w.append(w - learning_rate * m_hat / (math.sqrt(v_hat) + epsilon))
                            out_m.append(mi)
                            out_v.append(vi)
                        import numpy
                        return (numpy.reshape(out_w, shape), numpy.reshape(out_m, shape), numpy.reshape(out_v, shape))
                """),
        ],
        wrong=[
            (
                adam("""
                    new_m = beta_1 * m + (1 - beta_1) * dweights
                    new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
                    m_hat = new_m / (1 - beta_1 ** iteration)
                    v_hat = new_v / (1 - beta_2 ** iteration)
                    return weights - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), new_m, new_v
                """),
                "iteration + 1",
            ),
            (
                adam("""
                    new_m = beta_1 * m + (1 - beta_1) * dweights
                    new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
                    m_hat = new_m / (1 - beta_1 ** (iteration + 1))
                    v_hat = new_v / (1 - beta_2 ** (iteration + 1))
                    return weights - learning_rate * m_hat / np.sqrt(v_hat + epsilon), new_m, new_v
                """),
                "inside the square root",
            ),
            (
                adam("""
                    new_m = beta_1 * m + (1 - beta_1) * dweights
                    new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
                    return weights - learning_rate * new_m / (np.sqrt(new_v) + epsilon), new_m, new_v
                """),
                "bias correction",
            ),
            (
                adam("""
                    new_m = beta_1 * m + (1 - beta_1) * dweights
                    new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
                    m_hat = new_m / (1 - beta_1 ** (iteration + 1))
                    v_hat = new_v / (1 - beta_2 ** (iteration + 1))
                    return weights + learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), new_m, new_v
                """),
                "wrong way",
            ),
            (
                adam("""
                    new_m = beta_1 * m + (1 - beta_1) * dweights
                    new_v = beta_2 * v + (1 - beta_2) * dweights ** 2
                    m_hat = new_m / (1 - beta_1 ** (iteration + 1))
                    v_hat = new_v / (1 - beta_2 ** (iteration + 1))
                    return weights - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m_hat, v_hat
                """),
                "bias-corrected m",
            ),
            (
                adam("""
                    m *= beta_1
                    m += (1 - beta_1) * dweights
                    v *= beta_2
                    v += (1 - beta_2) * dweights ** 2
                    m_hat = m / (1 - beta_1 ** (iteration + 1))
                    v_hat = v / (1 - beta_2 ** (iteration + 1))
                    return weights - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
                """),
                "in place",
            ),
        ],
    ),
}


def test_the_nineteen_core_exercises_have_checks():
    assert set(EXERCISES) <= set(check_ids())
    assert len(EXERCISES) == 19


def _failure_text(result) -> str:
    return result.feedback


_leaks = leak_detector(EXERCISES)
globals().update(standard_tests(EXERCISES, _leaks))


def test_feedback_never_shows_the_check_code_or_reference(grader):
    result = grader.grade("relu", "def relu(inputs):\n    return [min(0, x) for x in inputs]\n")
    assert not result.passed
    for leak in ("engine", "activations.relu", "tutor/grader", "Mistake(", "np.maximum"):
        assert leak not in result.feedback


def test_failure_shows_input_expected_received_and_marks_differences(grader):
    result = grader.grade("relu", "def relu(inputs):\n    return [x for x in inputs]\n")
    text = result.feedback
    assert "Called relu(inputs) with" in text
    assert "expected:" in text and "received:" in text
    assert "^" in text
    assert "unchanged" in text  # the mistake is named


def test_shape_mismatch_is_explained(grader):
    source = BATCH + "layer_outputs = (np.dot(inputs, weights.T) + biases)[0]\n"
    result = grader.grade("batch-output", source)
    assert "expected one row per sample, one column per neuron, shape (3, 3); got (3,)" in result.feedback


def test_nan_where_the_answer_is_finite_fails(grader):
    source = (
        NP
        + "def relu(inputs):\n    x = np.asarray(inputs, dtype=float)\n    return np.where(x > 0, x, np.nan)\n"
    )
    result = grader.grade("relu", source)
    assert not result.passed
    assert "nan" in result.feedback


def test_cases_are_reported_each_with_name_and_message(grader):
    result = grader.grade("step", "def step(inputs):\n    return [1 if x >= 0 else 0 for x in inputs]\n")
    assert not result.passed
    assert any(case.passed for case in result.cases)
    failing = [case for case in result.cases if not case.passed]
    assert failing and all(case.message for case in failing)
    assert result.summary.startswith("Not yet:")


def test_large_arrays_are_summarised_with_the_first_differences(grader):
    source = src("""
        def relu(inputs):
            values = list(inputs)
            return [max(0, x) for x in values[:100]] + values[100:]
    """)
    result = grader.grade("relu", source)
    assert not result.passed
    assert "1000 random values" in result.summary
    assert "first differences at 1" in result.feedback  # the first difference is past index 100
    assert "of 1000 values of the result differ" in result.feedback
    assert max(len(line) for line in result.feedback.splitlines()) < 200


# -- feedback never gives the answer away ---------------------------------------------------------------


def test_the_leak_detector_finds_a_reference_expression():
    assert _leaks("Compute np.dot(inputs, weights.T) + biases.", "batch-output")
    assert _leaks("Compute inputs · weightsᵀ (np.dot(inputs, np.array(weights).T)).", "batch-output")
    assert _leaks("dinputs = np.dot(dvalues, weights.T)", "dense-backward")  # the lesson writes @
    assert _leaks("the update is weights - learning_rate * dweights", "sgd-update")
    assert _leaks("learning_rate / (1 + decay * iteration)", "lr-decay")  # the lesson writes 1.0
    assert not _leaks("Take the argmax of each row (axis=1).", "accuracy")


# -- the feedback reviewers asked for ----------------------------------------------------------------------


def test_swapped_transpose_in_batch_output_is_named_without_the_answer(grader):
    source = BATCH + "layer_outputs = np.dot(weights, inputs.T) + biases\n"
    result = grader.grade("batch-output", source)
    assert not result.passed
    assert "The weights are transposed the wrong way" in result.summary
    assert "Each row of weights is one neuron" in result.feedback
    assert "it is the weights that need turning (transposing)" in result.feedback
    assert "np.dot(inputs" not in result.feedback and "inputs · weights" not in result.feedback


def test_transposed_batch_output_names_the_rows_without_the_answer(grader):
    result = grader.grade("batch-output", BATCH + "layer_outputs = (inputs @ weights.T + biases).T\n")
    assert "your result has one row per neuron, but each row should be one sample" in result.feedback
    assert not _leaks(result.feedback, "batch-output")


@pytest.mark.parametrize("call", ["np.max(0, inputs)", "np.max(0, np.array(inputs))", "np.amax(0, inputs)"])
def test_np_max_used_as_an_element_wise_maximum_is_explained(grader, call):
    result = grader.grade("relu", NP + f"def relu(inputs):\n    return {call}\n")
    assert not result.passed
    name = call.split("(")[0]
    assert (
        f"{name} reduces an array to its largest value, and its second argument is the axis"
        in result.feedback
    )
    assert "np.maximum is the one that compares element by element" in result.feedback
    assert "lists don't do element-wise arithmetic" not in result.feedback


def test_np_min_used_as_an_element_wise_minimum_is_explained(grader):
    result = grader.grade("relu", NP + "def relu(inputs):\n    return -np.min(0, -np.asarray(inputs))\n")
    assert "np.min reduces an array to its smallest value" in result.feedback
    assert "np.minimum is the one that compares element by element" in result.feedback


def test_a_type_error_from_np_max_called_by_the_check_s_arguments_is_not_blamed_on_np_max(grader):
    # The learner never called np.max: the sentence about its axis argument would mislead.
    result = grader.grade("relu", "def relu(inputs):\n    return inputs * (inputs > 0)\n")
    assert "plain Python list" in result.feedback
    assert "reduces an array" not in result.feedback


def test_built_in_max_on_a_whole_array_or_list_is_explained(grader):
    on_array = grader.grade("relu", NP + "def relu(inputs):\n    return max(0, np.asarray(inputs))\n")
    assert "Python needed a single True or False but got a whole array" in on_array.feedback
    on_list = grader.grade("relu", "def relu(inputs):\n    return max(0, inputs)\n")
    assert "whole list cannot be compared with a number" in on_list.feedback


def test_cce_indexing_columns_with_the_labels_is_named(grader):
    source = NP + CCE_BODY.replace("clipped[np.arange(len(y_pred)), y_true]", "clipped[:, y_true]").format(
        result="np.mean(-np.log(confidences))"
    )
    result = grader.grade("cce-loss", source)
    assert not result.passed
    assert "expected: 0.385061" in result.feedback and "received: 1.41927" in result.feedback
    assert "Indexing with [:, y_true] takes whole columns" in result.feedback
    assert "an (n, n) array for n samples" in result.feedback
    assert "Pair each row with its own label: rows 0, 1, ..., n-1 together with y_true" in result.feedback


def test_cce_column_indexing_without_clipping_or_mean_is_named_too(grader):
    unclipped = NP + src("""
        def categorical_cross_entropy(y_pred, y_true):
            return np.mean(-np.log(y_pred[:, y_true]))
    """)
    assert "takes whole columns" in grader.grade("cce-loss", unclipped).feedback
    no_mean = NP + src("""
        def categorical_cross_entropy(y_pred, y_true):
            return -np.log(np.clip(y_pred, 1e-7, 1 - 1e-7)[:, y_true])
    """)
    assert "takes whole columns" in grader.grade("cce-loss", no_mean).feedback


def test_a_starter_that_returns_none_on_purpose_is_told_it_is_not_finished(grader):
    result = grader.grade("dot-product", EXERCISES["dot-product"]["starter"])
    assert (
        "`dot` still returns None: your code has `return None`, so the function is not finished yet."
        in result.feedback
    )
    assert "forget" not in result.feedback


def test_returning_a_variable_only_ever_set_to_none_is_not_finished(grader):
    source = NP + src("""
        def relu_backward(dvalues, inputs):
            dinputs = None
            return dinputs
    """)
    result = grader.grade("relu-backward", source)
    assert (
        "`relu_backward` still returns None: it returns `dinputs`, which your code only ever sets to None, "
        "so the function is not finished yet."
    ) in result.feedback


def test_a_variable_set_to_none_then_to_a_value_is_not_a_placeholder(grader):
    source = src("""
        def step(inputs):
            result = None
            if len(inputs) > 10**6:
                result = [1]
            return result
    """)
    result = grader.grade("step", source)
    assert "still returns None" not in result.feedback
    assert "It has a `return`, but either this call ended without reaching it" in result.feedback


def test_a_function_without_return_is_asked_about_the_return_statement(grader):
    result = grader.grade("step", "def step(inputs):\n    [1 if x > 0 else 0 for x in inputs]\n")
    assert "`step` returned None. Did you forget the `return` statement?" in result.feedback


def test_a_return_inside_a_nested_function_does_not_count(grader):
    source = src("""
        def step(inputs):
            def one(x):
                return 1 if x > 0 else 0
            [one(x) for x in inputs]
    """)
    assert "Did you forget the `return` statement?" in grader.grade("step", source).feedback


def test_a_bare_return_is_explained(grader):
    source = "def step(inputs):\n    outputs = [1 if x > 0 else 0 for x in inputs]\n    return\n"
    result = grader.grade("step", source)
    assert "a `return` with nothing after it gives back None" in result.feedback


def test_a_decorated_starter_is_still_recognised(grader):
    source = "def keep(function):\n    return function\n\n\n@keep\ndef step(inputs):\n    return None\n"
    assert "your code has `return None`" in grader.grade("step", source).feedback


# The examples of a diagnosis the learner's own code contradicts: each must not be given.


def _feedback(grader, check_id: str, source: str) -> str:
    result = grader.grade(check_id, source)
    assert not result.passed
    return result.feedback


def test_cce_that_clips_is_not_told_to_clip_when_one_hot_rows_are_summed_over_axis_0(grader):
    source = NP + src("""
        def categorical_cross_entropy(y_pred, y_true):
            clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
            y_true = np.asarray(y_true)
            if y_true.ndim == 1:
                confidences = clipped[np.arange(len(y_pred)), y_true]
            else:
                confidences = np.sum(clipped * y_true, axis=0)
            return np.mean(-np.log(confidences))
    """)
    feedback = _feedback(grader, "cce-loss", source)
    assert "Clip the predictions" not in feedback and "clip the predictions" not in feedback
    assert "down the columns (axis=0)" in feedback


def test_cce_without_clipping_is_still_told_to_clip(grader):
    source = NP + src("""
        def categorical_cross_entropy(y_pred, y_true):
            y_true = np.asarray(y_true)
            if y_true.ndim == 2:
                y_true = np.argmax(y_true, axis=1)
            return np.mean(-np.log(y_pred[np.arange(len(y_pred)), y_true]))
    """)
    assert "clip the predictions" in _feedback(grader, "cce-loss", source).lower()


ACCURACY_BODY = NP + src("""
    def accuracy(y_pred, y_true):
        y_true = np.asarray(y_true)
        if y_true.ndim == 2:
            y_true = np.argmax(y_true, axis=1)
        {lines}
""")
ARGMAX_WITHOUT_AXIS = "np.argmax without axis=1"


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        ("predictions = np.max(y_pred, axis=1)\n    return np.mean(predictions == y_true)", "(np.max)"),
        ("predictions = np.asarray(y_pred)[:, 1] > 0.5\n    return np.mean(predictions == y_true)", None),
        (
            "predictions = np.argmax(y_pred, axis=1)\n    return np.sum(predictions == y_true) // len(y_true)",
            "You divided with //",
        ),
    ],
    ids=["np.max", "threshold", "floor division"],
)
def test_accuracy_without_a_flattening_argmax_is_not_told_about_argmax_without_axis(grader, lines, named):
    feedback = _feedback(grader, "accuracy", ACCURACY_BODY.format(lines=lines))
    assert ARGMAX_WITHOUT_AXIS not in feedback
    if named:
        assert named in feedback


def test_accuracy_with_a_flattening_argmax_is_told_so(grader):
    source = ACCURACY_BODY.format(lines="return np.mean(np.argmax(y_pred) == y_true)")
    assert ARGMAX_WITHOUT_AXIS in _feedback(grader, "accuracy", source)


def test_a_missing_import_is_not_called_a_misspelling(grader):
    source = "def sigmoid(inputs):\n    return [1 / (1 + exp(-x)) for x in inputs]\n"
    feedback = _feedback(grader, "sigmoid", source)
    assert "spelling" not in feedback and "did you mean" not in feedback
    assert "`exp` comes from the `math` module" in feedback and "from math import exp" in feedback


def test_relu_that_clips_to_0_1_is_not_called_the_step_function(grader):
    feedback = _feedback(grader, "relu", NP + "def relu(inputs):\n    return np.clip(inputs, 0, 1)\n")
    assert "step function" not in feedback
    assert "no upper limit" in feedback


def test_lr_decay_that_multiplies_the_rate_is_not_told_to_check_its_brackets(grader):
    multiplied = "def decayed_learning_rate(learning_rate, decay, iteration):\n" + (
        "    return learning_rate * iteration / (1 + decay)\n"
    )
    feedback = _feedback(grader, "lr-decay", multiplied)
    assert "brackets" not in feedback
    assert "multiplied the learning rate by the iteration" in feedback
    added = "def decayed_learning_rate(learning_rate, decay, iteration):\n    return learning_rate + decay * iteration\n"
    feedback = _feedback(grader, "lr-decay", added)
    assert "brackets" not in feedback and "added decay * iteration" in feedback
    bracketed = "def decayed_learning_rate(learning_rate, decay, iteration):\n" + (
        "    return learning_rate / (1 + decay) * iteration\n"
    )
    assert "Check the brackets" in _feedback(grader, "lr-decay", bracketed)


def test_a_rate_kept_in_a_global_is_kept_state_not_an_off_by_one(grader):
    source = src("""
        rate = None
        def decayed_learning_rate(learning_rate, decay, iteration):
            global rate
            if rate is None:
                rate = learning_rate
            rate = rate / (1 + decay)
            return rate
    """)
    feedback = _feedback(grader, "lr-decay", source)
    assert "off by one" not in feedback
    assert "Called a second time with the same inputs" in feedback


def test_a_recursion_that_is_only_too_deep_is_not_called_infinite(grader):
    source = src("""
        def relu(inputs):
            if len(inputs) == 0:
                return []
            first = inputs[0] if inputs[0] > 0 else 0.0
            return [first] + relu(inputs[1:])
    """)
    feedback = _feedback(grader, "relu", source)
    assert "infinite" not in feedback and "never ends" not in feedback
    assert "heading for its end" in feedback
