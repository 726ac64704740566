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


def make(name, samples=100, classes=3):
    """The data set called ``name`` (a key of ``DATASETS``: ``spiral`` or ``vertical``)."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    return DATASETS[name](samples, classes)


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
