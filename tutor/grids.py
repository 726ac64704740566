"""What a network makes of the input plane, on a grid: its predicted class (the decision regions)
and what each neuron of its first hidden layer responds to.

    grid = region_grid(network, X, (80, 24))           # RegionGrid: classes (rows, columns)
    plane = plane_picture(network, X, (80, 24))        # regions and neuron maps, one forward pass

Row 0 of every grid is the bottom of the plane (the smallest y), as plotting draws it. Pure NumPy:
drawing is ``tutor.plotting``'s (plotext charts) and the widgets' (cells on screen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The hidden-layer view shows at most this many neurons: enough to see the pieces, few enough to
# give each a readable map.
MAX_NEURON_MAPS = 16


def bounds(X: np.ndarray, margin: float = 0.08) -> tuple[float, float, float, float]:
    """``(x_min, x_max, y_min, y_max)`` around the points of ``X (n_samples, 2)``, with a margin."""
    x_min, y_min = X.min(axis=0)
    x_max, y_max = X.max(axis=0)
    pad_x = (x_max - x_min) * margin or 1.0
    pad_y = (y_max - y_min) * margin or 1.0
    return float(x_min - pad_x), float(x_max + pad_x), float(y_min - pad_y), float(y_max + pad_y)


@dataclass(frozen=True)
class RegionGrid:
    """The network's predicted class over a grid of the input plane.

    ``xs (n_columns,)`` and ``ys (n_rows,)`` are the grid's coordinates; ``classes (n_rows, n_columns)``
    holds the predicted class of the point ``(xs[column], ys[row])``.
    """

    xs: np.ndarray
    ys: np.ndarray
    classes: np.ndarray

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]), float(self.ys[-1])


@dataclass(frozen=True)
class NeuronMaps:
    """The activations of the first hidden layer's first neurons over the grid of a ``RegionGrid``:
    ``values (n_maps, n_rows, n_columns)``; ``layer_size`` is how many neurons the layer has."""

    values: np.ndarray
    layer_size: int


@dataclass(frozen=True)
class PlanePicture:
    """What the playground shows of a network at one moment: its ``regions`` and, for a network
    with a hidden layer, its ``neurons``."""

    regions: RegionGrid
    neurons: NeuronMaps | None


def _resolution(resolution) -> tuple[int, int]:
    if isinstance(resolution, (int, np.integer)):
        columns, rows = int(resolution), max(2, int(resolution) // 2)
    else:
        columns, rows = (int(value) for value in resolution)
    if columns < 2 or rows < 2:
        raise ValueError(f"resolution must be at least 2 by 2 cells, got {columns} by {rows}")
    return columns, rows


def grid_points(X: np.ndarray, resolution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, points)``: a ``resolution`` grid covering the data ``X (n_samples, 2)`` and its
    points as rows ``(n_rows * n_columns, 2)``, row by row, in ``X``'s float type."""
    X = np.asarray(X)
    columns, rows = _resolution(resolution)
    x_min, x_max, y_min, y_max = bounds(X)
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    xs = np.linspace(x_min, x_max, columns, dtype=dtype)
    ys = np.linspace(y_min, y_max, rows, dtype=dtype)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([grid_x.ravel(), grid_y.ravel()])


def region_grid(network, X: np.ndarray, resolution=(80, 24)) -> RegionGrid:
    """Predict the class at every point of a ``resolution`` grid covering the data ``X (n_samples, 2)``.

    ``resolution`` is ``(n_columns, n_rows)`` or a number of columns (then half as many rows, since a
    terminal cell is about twice as tall as it is wide). One vectorised ``network.predict`` call.
    Give at least as many columns and rows as the chart has cells and every cell gets a colour.
    """
    xs, ys, points = grid_points(X, resolution)
    classes = np.asarray(network.predict(points)).reshape(len(ys), len(xs))
    return RegionGrid(xs, ys, classes)


def plane_picture(network, X: np.ndarray, resolution=(80, 24), maps: int = MAX_NEURON_MAPS) -> PlanePicture:
    """The regions and the first hidden layer's neuron maps over one ``resolution`` grid, from one
    batched pass of the grid's points through ``network.layers`` (what ``predict`` does, keeping the
    output of the first hidden layer's activation on the way). ``maps``: how many neurons to map."""
    xs, ys, points = grid_points(X, resolution)
    layers = list(network.layers)
    values = points
    hidden = None
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged network predicts nan
        for index, layer in enumerate(layers):
            values = layer.apply(values)
            # The first hidden layer's output: after the activation that follows the first Dense.
            if hidden is None and index == 1 and len(layers) > 2:
                hidden = values
    classes = _classify(network, values).reshape(len(ys), len(xs))
    neurons = None
    if hidden is not None:
        shown = hidden[:, :maps].T.reshape(-1, len(ys), len(xs))
        neurons = NeuronMaps(np.nan_to_num(shown.astype(np.float32)), int(hidden.shape[1]))
    return PlanePicture(RegionGrid(xs, ys, classes), neurons)


def _classify(network, scores: np.ndarray) -> np.ndarray:
    """The class of each row of the last layer's ``scores``, as the network's head decides it (the
    highest score for softmax, which keeps the order; ``score > 0`` for a single sigmoid output)."""
    classify = getattr(getattr(network, "output_loss", None), "classify", None)
    return classify(scores) if classify is not None else np.argmax(scores, axis=1)
