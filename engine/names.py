"""The engine's names, as plain data: what a training run may choose, importable without NumPy.

The command line lists these names at ``--help`` time, before NumPy is loaded, so they live here rather
than next to the functions and classes they name. Each name table matches a registry in the module that
implements it (``engine.datasets.DATASETS``, ``engine.activations.ACTIVATIONS``,
``engine.optimizers.OPTIMIZERS``); the tests hold them together.
"""

from __future__ import annotations

# The classification data sets (``engine.datasets.DATASETS`` maps each name to its function).
DATASETS = ("spiral", "vertical")

# The regression data sets (``engine.datasets.REGRESSION_DATASETS``): one input, one target.
REGRESSION_DATASETS = ("sine",)

# What a training run may learn from: every data set above.
TRAINING_DATASETS = DATASETS + REGRESSION_DATASETS

# A network's heads (``engine.losses.HEADS``): softmax + categorical cross-entropy (classes),
# sigmoid + binary cross-entropy (two classes, one output), linear + mean squared error (regression).
OUTPUTS = ("softmax", "sigmoid", "linear")

# Every activation function, in teaching order (``engine.activations.ACTIVATIONS`` has their classes).
ACTIVATIONS = ("step", "sigmoid", "relu", "linear")

# The activations a classifier's hidden layers may use: the ones with a useful gradient.
HIDDEN_ACTIVATIONS = ("relu", "sigmoid")

# The optimizers (``engine.optimizers.OPTIMIZERS`` maps each name to its class).
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")

# Each optimizer's default learning rate: the ``learning_rate`` default of its class's signature.
DEFAULT_LEARNING_RATES = {"sgd": 1.0, "adagrad": 1.0, "rmsprop": 0.001, "adam": 0.001}


# How many numbers each data set's points have (the network's inputs).
DATASET_INPUTS = {"spiral": 2, "vertical": 2, "sine": 1}


def head_outputs(head: str, classes: int) -> int:
    """The output layer's width: ``classes`` scores for softmax, one value for sigmoid and linear."""
    return classes if head == "softmax" else 1
