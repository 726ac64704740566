"""Data sets from the ``nnfs`` package, and the notebook's NumPy set-up.

``spiral`` and ``vertical`` give ``X (samples * classes, 2)`` points and ``y (samples * classes,)`` class
indices; ``sine`` gives ``X (samples, 1)`` and ``y (samples, 1)`` for regression. They draw from NumPy's
global random generator: seed it (``np.random.seed``) for repeatable data.
"""

from __future__ import annotations

import contextlib

import numpy as np
from nnfs.datasets import sine_data, spiral_data, vertical_data


def spiral(samples=100, classes=3):
    """``classes`` interleaved spiral arms of ``samples`` points each: not separable by straight lines."""
    return spiral_data(samples=samples, classes=classes)


def vertical(samples=100, classes=3):
    """``classes`` vertical blobs of ``samples`` points each: separable by straight lines."""
    return vertical_data(samples=samples, classes=classes)


def sine(samples=1000):
    """Points on one period of a sine wave, for regression."""
    return sine_data(samples=samples)


# Classification data set name -> its function. ``engine.names.DATASETS`` lists the same names
# without importing NumPy (tests/test_train_cli.py holds the two together).
DATASETS = {"spiral": spiral, "vertical": vertical}


# Regression data set name -> its function (``engine.names.REGRESSION_DATASETS``).
REGRESSION_DATASETS = {"sine": sine}


def make(name, samples=100, classes=3):
    """The data set called ``name``: a key of ``DATASETS`` (``spiral`` or ``vertical``, ``samples``
    points per class) or of ``REGRESSION_DATASETS`` (``sine``: ``samples`` points, ``classes`` unused)."""
    if name in REGRESSION_DATASETS:
        return REGRESSION_DATASETS[name](samples)
    if name not in DATASETS:
        choices = ", ".join([*DATASETS, *REGRESSION_DATASETS])
        raise ValueError(f"unknown data set {name!r}; choose from {choices}")
    return DATASETS[name](samples, classes)


def split_validation(X, y, fraction, seed=0):
    """``(X_train, y_train, X_val, y_val)``: the samples shuffled with their own generator seeded with
    ``seed`` (NumPy's global one is left alone), then the last ``fraction`` of them held out for
    validation (at least one sample, and at least one left to train on)."""
    count = len(X)
    held_out = min(count - 1, max(1, round(fraction * count)))
    order = np.random.default_rng(seed).permutation(count)
    train, val = order[: count - held_out], order[count - held_out :]
    return X[train], y[train], X[val], y[val]


# What nnfs.init() replaces, so it can be put back.
_PATCHED = ((np, "dot"), (np, "zeros"), (np, "eye"), (np.random, "randn"))


@contextlib.contextmanager
def notebook_numpy(random_seed=0):
    """Run a block as the notebook runs: under ``nnfs.init()``.

    ``nnfs.init()`` seeds NumPy's generator (0), makes ``np.zeros``, ``np.eye`` and ``np.random.randn``
    return float32, and replaces ``np.dot`` with one that multiplies in float64 and rounds the result to
    float32, so results are the same on every machine. It changes NumPy for the whole process and has
    no undo; this puts the originals back when the block ends. Do not run other NumPy work in other
    threads meanwhile.
    """
    import nnfs

    saved = [(owner, name, getattr(owner, name)) for owner, name in _PATCHED]
    try:
        nnfs.init(random_seed=random_seed)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
