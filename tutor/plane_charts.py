"""Charts of the data: the points coloured by class, the decision regions under them, and for a
one-input data set (a regression) the points with the network's fitted curve.

Each ``draw_*`` function takes a plotext-like ``plt`` first, as in ``tutor.plotting``, which names
them all.
"""

from __future__ import annotations

import numpy as np

from tutor.grids import RegionGrid, bounds, region_grid
from tutor.palette import (
    CELL_MARKER,
    DEFAULT_PALETTE,
    POINT_CHARACTERS,
    POINT_MARKER,
    REGION_MARKERS,
    Palette,
    legend_safe,
    plot_color,
)


def _draw_points(plt, X: np.ndarray, y: np.ndarray, palette: Palette, labels: bool) -> None:
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot targets
        y = np.argmax(y, axis=1)
    for index in range(int(y.max()) + 1 if len(y) else 0):
        chosen = y == index
        if not chosen.any():
            continue
        marker = POINT_MARKER if palette.color else POINT_CHARACTERS[index % len(POINT_CHARACTERS)]
        xs, ys = X[chosen, 0].tolist(), X[chosen, 1].tolist()
        if labels:
            xs, ys = legend_safe(xs, ys)
        plt.scatter(
            xs,
            ys,
            marker=marker,
            color=plot_color(palette, palette.class_color(index)),
            label=f"class {index}" if labels else None,
        )


def draw_dataset(
    plt, X: np.ndarray, y: np.ndarray, *, palette: Palette = DEFAULT_PALETTE, title: str | None = None
) -> None:
    """The points of ``X (n_samples, 2)`` coloured by their class ``y (n_samples,)``, with a legend."""
    X = np.asarray(X)
    plt.clear_data()
    plt.title(title if title is not None else f"{len(X)} points, {len(np.unique(y))} classes")
    plt.xlabel("")
    plt.ylabel("")
    _draw_points(plt, X, y, palette, labels=True)
    x_min, x_max, y_min, y_max = bounds(X)
    plt.xlim(x_min, x_max)
    plt.ylim(y_min, y_max)


def draw_region_grid(
    plt,
    grid: RegionGrid,
    X: np.ndarray,
    y: np.ndarray,
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str | None = None,
) -> None:
    """Draw a computed ``RegionGrid`` as coloured cells, then the data points on top."""
    X = np.asarray(X)
    plt.clear_data()
    plt.title(title if title is not None else "predicted class regions")
    plt.xlabel("")
    plt.ylabel("")
    grid_x, grid_y = np.meshgrid(grid.xs, grid.ys)
    for index in range(int(grid.classes.max()) + 1 if grid.classes.size else 0):
        chosen = grid.classes == index
        if not chosen.any():
            continue
        marker = CELL_MARKER if palette.color else REGION_MARKERS[int(index) % len(REGION_MARKERS)]
        plt.scatter(
            grid_x[chosen].tolist(),
            grid_y[chosen].tolist(),
            marker=marker,
            color=plot_color(palette, palette.region_color(int(index))),
        )
    _draw_points(plt, X, y, palette, labels=False)
    x_min, x_max, y_min, y_max = grid.bounds
    plt.xlim(x_min, x_max)
    plt.ylim(y_min, y_max)


def draw_regions(
    plt,
    network,
    X: np.ndarray,
    y: np.ndarray,
    resolution=(80, 24),
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str | None = None,
) -> None:
    """Decision regions: ``network``'s prediction over a grid drawn as coloured cells, with the data
    points ``X (n_samples, 2)``, ``y (n_samples,)`` on top (see ``region_grid`` for ``resolution``)."""
    draw_region_grid(plt, region_grid(network, X, resolution), X, y, palette=palette, title=title)


def regression_curve(network, X: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """``(xs, predictions)``: ``network``'s output along ``points`` evenly spaced inputs spanning the
    one-input data ``X (n_samples, 1)``, for drawing a regression's fitted curve."""
    X = np.asarray(X)
    low, high = float(X[:, 0].min()), float(X[:, 0].max())
    xs = np.linspace(low, high, points, dtype=X.dtype if X.dtype.kind == "f" else np.float64)
    predictions = np.asarray(network.predict_proba(xs.reshape(-1, 1)), dtype=float)[:, 0]
    return xs, predictions


def draw_regression(
    plt,
    network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str | None = None,
    curve: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """A regression's fit: the data ``X (n_samples, 1)``, ``y (n_samples, 1)`` as points and the
    network's prediction as a line through them. ``curve``: ``regression_curve``'s result, if already
    computed (in a training thread, say); else it is computed from ``network``."""
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    xs, predictions = curve if curve is not None else regression_curve(network, X)
    draw_regression_data(
        plt, X, y, palette=palette, title=title if title is not None else "data and the network's fit"
    )
    finite = np.isfinite(predictions)
    if finite.any():
        fit_xs, fit_ys = legend_safe(xs[finite].tolist(), predictions[finite].tolist())
        plt.plot(
            fit_xs,
            fit_ys,
            marker="braille" if palette.color else "*",
            color=plot_color(palette, palette.class_color(1)),
            label="network",
        )


def draw_regression_data(
    plt, X: np.ndarray, y: np.ndarray, *, palette: Palette = DEFAULT_PALETTE, title: str | None = None
) -> None:
    """The points of a one-input data set: ``X (n_samples, 1)`` across, ``y (n_samples, 1)`` up."""
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    plt.clear_data()
    plt.title(title if title is not None else f"{len(X)} points")
    plt.xlabel("")
    plt.ylabel("")
    data_xs, data_ys = legend_safe(X[:, 0].tolist(), y.tolist())
    plt.scatter(
        data_xs,
        data_ys,
        marker=POINT_MARKER if palette.color else "·",
        color=plot_color(palette, palette.class_color(0)),
        label="data",
    )
    low, high = float(y.min()), float(y.max())
    pad = (high - low) * 0.1 or 1.0
    plt.xlim(float(X[:, 0].min()), float(X[:, 0].max()))
    plt.ylim(low - pad, high + pad)


def dataset_points(name: str, samples: int, classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The same points every time: the ``name`` data set drawn with ``seed``.

    Returns ``X (samples * classes, 2)`` and ``y (samples * classes,)``. NumPy's global random state
    is put back afterwards, so drawing a picture never changes what a training run draws.
    """
    from engine import datasets

    saved = np.random.get_state()
    try:
        np.random.seed(seed)
        return datasets.make(name, samples, classes)
    finally:
        np.random.set_state(saved)
