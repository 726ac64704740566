"""The one plotting module: every chart nntutor draws, for the app and for ``nntutor train --plot``.

Each ``draw_*`` function takes a plotext-like object ``plt`` first: the ``plotext`` module in the
terminal, ``PlotextPlot.plt`` inside the app. A draw function clears ``plt``'s data and sets its own
title, labels and limits, so calling it again redraws the chart from scratch.

Colours come from a ``Palette``: distinct colours per class, tuned for a dark or a light background,
or no colour at all (then classes differ by their marker characters).

``history`` is a list of ``(epoch, loss, accuracy, learning_rate)`` tuples, oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.names import ACTIVATIONS

# A lesson plot block is checked by the lesson loader (one rule set); this module only draws it.
from tutor.curriculum import PlotSpec

# The grids over the input plane live in tutor.grids; drawing them is done here.
from tutor.grids import RegionGrid, bounds, region_grid

__all__ = ["RegionGrid", "region_grid"]

RGB = tuple[int, int, int]
HistoryRow = tuple[int, float, float, float]

# Saturated colours for points and lines, readable on a dark background. The first three follow the
# notebook's 'brg' colour map order (blue, red, green); the rest are for more classes.
_DARK_COLORS: tuple[RGB, ...] = (
    (80, 150, 255),
    (255, 90, 90),
    (80, 220, 110),
    (255, 185, 60),
    (200, 120, 255),
    (70, 215, 215),
    (255, 120, 200),
    (225, 225, 90),
    (160, 160, 160),
    (255, 150, 110),
    (150, 190, 255),
    (190, 60, 60),
    (170, 240, 150),
    (180, 120, 40),
    (140, 80, 200),
    (40, 150, 150),
    (255, 190, 230),
    (150, 150, 40),
    (235, 235, 235),
    (120, 200, 255),
)
# The same hues, darker, readable on a light background.
_LIGHT_COLORS: tuple[RGB, ...] = (
    (20, 80, 220),
    (205, 30, 30),
    (20, 140, 50),
    (210, 120, 0),
    (135, 50, 200),
    (0, 140, 140),
    (200, 40, 140),
    (140, 140, 0),
    (90, 90, 90),
    (190, 80, 30),
    (90, 130, 240),
    (130, 20, 20),
    (90, 190, 60),
    (140, 80, 10),
    (80, 20, 140),
    (0, 90, 90),
    (240, 100, 180),
    (100, 100, 20),
    (30, 30, 30),
    (0, 150, 220),
)
# Without colour, a class is told apart by its characters: its points show the class number and
# the region it wins is filled with a light texture.
_REGION_MARKERS = (
    "·",
    "░",
    ":",
    "-",
    "+",
    "'",
    "=",
    "~",
    ",",
    "^",
    "*",
    "/",
    "\\",
    "|",
    "_",
    "`",
    ";",
    "!",
    ">",
    "<",
)
_POINT_CHARACTERS = "0123456789abcdefghij"  # class 10 is "a", and so on
_POINT_MARKER = "●"
_CELL_MARKER = "█"

# How strongly a region cell shows its class colour over the background (points use full colour).
_REGION_STRENGTH = 0.38
# How strongly a reference curve shows its metric's colour over the background.
_FAINT_STRENGTH = 0.35

METRICS = {
    "loss": (1, "loss"),
    "accuracy": (2, "accuracy"),
    "learning_rate": (3, "learning rate"),
}
_FUNCTION_TITLES = {
    "step": "step: 1 if x > 0 else 0",
    "sigmoid": "sigmoid: 1 / (1 + e^-x)",
    "relu": "ReLU: max(0, x)",
    "linear": "linear: y = x",
}


# More points than columns cannot be seen; decimating keeps drawing fast on long runs.
DEFAULT_MAX_POINTS = 600


@dataclass(frozen=True)
class Palette:
    """Colours for one background.

    ``dark``: the background is dark (bright colours) or light (deeper colours).
    ``background``: the canvas colour, which region cells are blended into; None means black for a
    dark palette and white for a light one. ``color=False`` draws without colour codes.
    """

    dark: bool = True
    background: RGB | None = None
    color: bool = True

    def class_color(self, index: int) -> RGB:
        """The colour of class ``index`` (points and its legend entry); also used per series."""
        colors = _DARK_COLORS if self.dark else _LIGHT_COLORS
        return colors[index % len(colors)]

    def region_color(self, index: int) -> RGB:
        """The softer colour filling the cells the network assigns to class ``index``."""
        base = self.background or ((0, 0, 0) if self.dark else (255, 255, 255))
        color = self.class_color(index)
        return tuple(round(b + (c - b) * _REGION_STRENGTH) for c, b in zip(color, base))  # type: ignore[return-value]

    def metric_color(self, metric: str) -> RGB:
        """Loss in red, accuracy in green, learning rate in blue: the same hues everywhere."""
        return self.class_color({"loss": 1, "accuracy": 2, "learning_rate": 0}[metric])

    def faint_color(self, metric: str) -> RGB:
        """The metric's colour faded into the background: a reference curve behind the real one."""
        base = self.background or ((0, 0, 0) if self.dark else (255, 255, 255))
        color = self.metric_color(metric)
        return tuple(round(b + (c - b) * _FAINT_STRENGTH) for c, b in zip(color, base))  # type: ignore[return-value]


DEFAULT_PALETTE = Palette()


def _color(palette: Palette, rgb: RGB):
    return rgb if palette.color else None


def _legend_safe(xs: list, ys: list) -> tuple[list, list]:
    """plotext's legend reads the first three points of a labelled series and fails on shorter
    ones: repeat the last point (drawn on top of itself, so nothing changes)."""
    while 0 < len(xs) < 3:
        xs, ys = xs + xs[-1:], ys + ys[-1:]
    return xs, ys


# ---------------------------------------------------------------------------------------------
# Curves


def decimate(x: np.ndarray, y: np.ndarray, max_points: int = DEFAULT_MAX_POINTS):
    """At most about ``max_points`` points of the series ``(x, y)`` that still show its spikes.

    The series is cut into equal buckets and each keeps its lowest and its highest point (in
    order), so a one-epoch jump in the loss stays visible however long the run. The first and the
    last points are always kept.
    """
    x = np.asarray(x)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if n <= max_points:
        return x, y
    bucket = math.ceil(n / max(1, max_points // 2))
    full = (n // bucket) * bucket
    rows = y[:full].reshape(-1, bucket)
    # nan compares false with everything: treat it as the bucket's highest point so it is kept.
    filled = np.where(np.isnan(rows), np.inf, rows)
    starts = np.arange(0, full, bucket)
    lows = starts + np.argmin(filled, axis=1)
    highs = starts + np.argmax(filled, axis=1)
    keep = np.concatenate([[0], lows, highs, np.arange(full, n), [n - 1]])
    keep = np.unique(keep)
    return x[keep], y[keep]


def epoch_ticks(last_epoch: float, intervals: int = 3) -> list[int]:
    """Whole, round epoch numbers for the x axis: 0, then steps of 1, 2 or 5 times a power of ten,
    at most ``intervals`` steps up to ``last_epoch`` (plotext's own ticks can be like 74.8)."""
    if last_epoch <= 0:
        return [0]
    raw = last_epoch / intervals
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return list(range(0, int(last_epoch) + 1, step))


def _epoch_axis(plt, last_epoch: float) -> None:
    ticks = epoch_ticks(last_epoch)
    plt.xticks(ticks, [str(tick) for tick in ticks])
    plt.xlim(0, max(1.0, last_epoch))


# Rows of history a live chart keeps per run, whatever its length: more than any chart can show.
HISTORY_ROWS = 500


def history_step(epochs: int, rows: int = HISTORY_ROWS) -> int:
    """Record every ``history_step(epochs)``-th epoch to keep about ``rows`` rows of history. Each
    row costs a loss and an accuracy, which training itself does not need."""
    return max(1, epochs // rows)


def history_arrays(history: Sequence[HistoryRow]) -> np.ndarray:
    """``history`` as a float array ``(n_rows, 4)``: epoch, loss, accuracy, learning rate."""
    if len(history) == 0:
        return np.zeros((0, 4))
    return np.asarray(history, dtype=float).reshape(len(history), 4)


def draw_curves(
    plt,
    history: Sequence[HistoryRow],
    metric: str,
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    epoch_label: bool = True,
    marks: Sequence[int] = (),
    reference: Sequence[HistoryRow] = (),
) -> None:
    """One curve: ``metric`` ("loss", "accuracy" or "learning_rate") against the epoch.
    ``epoch_label=False`` leaves out the x axis's name, a row a small chart needs for the curve.
    ``marks``: epochs where a setting was changed during the run, drawn as vertical lines.
    ``reference``: another run's history, drawn faint behind the curve (and setting the epoch axis),
    for a run that should follow it."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: choose one of {', '.join(METRICS)}")
    column, label = METRICS[metric]
    rows = history_arrays(history)
    plt.clear_data()
    plt.title(title if title is not None else label)
    plt.xlabel("epoch" if epoch_label else "")
    plt.ylabel("")
    reference_rows = history_arrays(reference)
    reference_values = np.zeros(0)
    if len(reference_rows):
        reference_epochs, reference_values = decimate(
            reference_rows[:, 0], reference_rows[:, column], max_points
        )
        finite = np.isfinite(reference_values)
        reference_epochs, reference_values = reference_epochs[finite], reference_values[finite]
        plt.plot(
            reference_epochs.tolist(),
            reference_values.tolist(),
            color=_color(palette, palette.faint_color(metric)),
            marker="braille" if palette.color else ".",
        )
    if len(rows):
        epochs, values = decimate(rows[:, 0], rows[:, column], max_points)
        finite = np.isfinite(values)
        epochs, values = epochs[finite], values[finite]
    else:
        epochs = values = np.zeros(0)
    if len(epochs):
        plt.plot(
            epochs.tolist(),
            values.tolist(),
            color=_color(palette, palette.metric_color(metric)),
            marker="braille" if palette.color else "•",
        )
    for epoch in marks:
        plt.vline(epoch, color=_color(palette, palette.class_color(3)))
    last_epoch = float(epochs[-1]) if len(epochs) else 0.0
    if len(reference_rows):
        last_epoch = max(last_epoch, float(reference_rows[-1, 0]))
        values = np.concatenate([values, reference_values])
    _epoch_axis(plt, last_epoch)
    if metric == "accuracy":
        plt.ylim(0, 1)
    elif len(values) and values.min() == values.max():
        # A flat line (a constant learning rate) would get a zero-height axis.
        middle = float(values[0])
        spread = abs(middle) * 0.1 or 1.0
        plt.ylim(middle - spread, middle + spread)
    else:
        plt.ylim(None, None)


def draw_race(
    plt,
    curves: Mapping[str, Sequence[tuple[int, float]]],
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str = "loss by optimizer",
    max_points: int = DEFAULT_MAX_POINTS,
    diverged: Mapping[str, int] | None = None,
    legend: bool = False,
) -> None:
    """Loss curves of several runs on one chart, one colour per label.

    ``curves`` maps a label (like "Adam lr=0.05") to its ``[(epoch, loss), ...]``. ``legend``: name
    the labels in a legend inside the chart (it covers the curves' start; the app shows a coloured
    table instead). ``diverged``: label -> the epoch it blew up at, marked with an ✗ and its name
    at the top of the chart in its colour.
    """
    plt.clear_data()
    plt.title(title)
    plt.xlabel("epoch")
    plt.ylabel("")
    last_epoch = 0.0
    starting_losses = []
    for index, (label, points) in enumerate(curves.items()):
        rows = np.asarray(points, dtype=float).reshape(-1, 2)
        epochs, losses = decimate(rows[:, 0], rows[:, 1], max_points)
        finite = np.isfinite(losses)
        epochs, losses = epochs[finite], losses[finite]
        if len(epochs) == 0:
            continue  # nothing to draw yet (plotext cannot give a legend entry to an empty series)
        last_epoch = max(last_epoch, float(epochs[-1]))
        starting_losses.append(float(losses[0]))
        xs, ys = epochs.tolist(), losses.tolist()
        if legend:
            xs, ys = _legend_safe(xs, ys)
        plt.plot(
            xs,
            ys,
            label=label if legend else None,
            color=_color(palette, palette.class_color(index)),
            marker="braille" if palette.color else _REGION_MARKERS[index % len(_REGION_MARKERS)],
        )
    top = 2 * max(starting_losses) if starting_losses else 1.0
    labels = list(curves)
    for label, epoch in (diverged or {}).items():
        index = labels.index(label) if label in labels else 0
        last_epoch = max(last_epoch, float(epoch))
        color = _color(palette, palette.class_color(index))
        plt.vline(epoch, color=color)
        plt.text(f"✗ {label.split(' ')[0]} diverged", epoch, 0.92 * top, color=color, alignment="left")
    _epoch_axis(plt, last_epoch)
    # A run that blows up early would squash every other curve to the floor: show up to twice
    # the starting loss (what the race is about) and let higher spikes leave the chart.
    plt.ylim(0, top if starting_losses else None)


# ---------------------------------------------------------------------------------------------
# Data and decision regions


def _draw_points(plt, X: np.ndarray, y: np.ndarray, palette: Palette, labels: bool) -> None:
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot targets
        y = np.argmax(y, axis=1)
    for index in range(int(y.max()) + 1 if len(y) else 0):
        chosen = y == index
        if not chosen.any():
            continue
        marker = _POINT_MARKER if palette.color else _POINT_CHARACTERS[index % len(_POINT_CHARACTERS)]
        xs, ys = X[chosen, 0].tolist(), X[chosen, 1].tolist()
        if labels:
            xs, ys = _legend_safe(xs, ys)
        plt.scatter(
            xs,
            ys,
            marker=marker,
            color=_color(palette, palette.class_color(index)),
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
        marker = _CELL_MARKER if palette.color else _REGION_MARKERS[int(index) % len(_REGION_MARKERS)]
        plt.scatter(
            grid_x[chosen].tolist(),
            grid_y[chosen].tolist(),
            marker=marker,
            color=_color(palette, palette.region_color(int(index))),
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


# ---------------------------------------------------------------------------------------------
# Activation functions


def function_values(name: str, x: np.ndarray) -> np.ndarray:
    """The activation function ``name`` applied to ``x``, using the engine's own functions."""
    from engine import activations

    if name == "linear":
        return np.asarray(x, dtype=float)
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown function {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    return np.asarray(getattr(activations, name)(x), dtype=float)


def draw_function(
    plt,
    name: str,
    range: Sequence[float] = (-5.0, 5.0),
    *,
    palette: Palette = DEFAULT_PALETTE,
    title: str | None = None,
    points: int = 401,
) -> None:
    """The curve of the activation function ``name`` (step, sigmoid, relu or linear) over ``range``."""
    low, high = (float(value) for value in range)
    if not low < high:
        raise ValueError(f"range must go from low to high, got [{low}, {high}]")
    x = np.linspace(low, high, points)
    values = function_values(name, x)
    plt.clear_data()
    plt.title(title if title is not None else _FUNCTION_TITLES[name])
    plt.xlabel("x")
    plt.ylabel("")
    plt.plot(
        x.tolist(),
        values.tolist(),
        color=_color(palette, palette.class_color(0)),
        marker="braille" if palette.color else "•",
    )
    plt.xlim(low, high)
    span = float(values.max() - values.min()) or 1.0
    plt.ylim(float(values.min()) - 0.08 * span, float(values.max()) + 0.08 * span)


# ---------------------------------------------------------------------------------------------
# Lesson plot blocks


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


def draw_plot_spec(plt, spec: PlotSpec, *, palette: Palette = DEFAULT_PALETTE, data=None) -> None:
    """Draw a lesson ``plot`` block. ``spec`` was checked when the lesson was loaded (the loader owns
    the rules); ``data``: ``(X, y)`` already made for a data plot, to avoid remaking them on every redraw."""
    if spec.function is not None:
        draw_function(plt, spec.function, spec.range, palette=palette, title=spec.title)
        return
    assert spec.data is not None  # a PlotSpec has exactly one of data and function
    X, y = data if data is not None else dataset_points(spec.data, spec.samples, spec.classes)
    title = (
        spec.title
        if spec.title is not None
        else (f"{spec.data} data: {spec.samples} points per class, {spec.classes} classes")
    )
    draw_dataset(plt, X, y, palette=palette, title=title)


# ---------------------------------------------------------------------------------------------
# The report of `nntutor train --plot`


def _build(draw, width: int, height: int, color: bool) -> list[str]:
    """Draw one chart on plotext's own figure at ``width`` by ``height`` and return its lines."""
    import plotext

    plotext.clear_figure()
    plotext.limit_size(False, False)  # the caller decides the size, not the terminal
    plotext.plotsize(width, height)
    plotext.theme("clear")  # the terminal's own background and text colours
    try:
        draw(plotext)
        text = plotext.build()
    finally:
        plotext.clear_figure()
    if not color:
        text = plotext.uncolorize(text)
    return text.split("\n")[:height]


def _side_by_side(left: list[str], right: list[str], left_width: int) -> list[str]:
    """Join two charts' lines; plotext pads its lines, so columns line up."""
    import plotext

    rows = max(len(left), len(right))
    left = left + [" " * left_width] * (rows - len(left))
    right = right + [""] * (rows - len(right))
    joined = []
    for a, b in zip(left, right):
        visible = len(plotext.uncolorize(a))
        joined.append(a + " " * max(0, left_width - visible) + b)
    return joined


MIN_REPORT_SIZE = (40, 16)


def render_training_report(
    history: Sequence[HistoryRow],
    network,
    X: np.ndarray,
    y: np.ndarray,
    width: int,
    height: int,
    *,
    color: bool = True,
    palette: Palette | None = None,
) -> str:
    """The charts printed by ``nntutor train --plot``: loss and accuracy curves side by side, and
    below them the decision regions with the data on top. Exactly ``height`` lines, none wider than
    ``width`` characters (not counting colour codes); a size below ``MIN_REPORT_SIZE`` is raised to
    it, since smaller charts cannot be read. ``color=False`` gives plain text (for a file or a pipe).
    """
    width, height = max(width, MIN_REPORT_SIZE[0]), max(height, MIN_REPORT_SIZE[1])
    palette = palette or Palette(dark=True, color=color)
    if not color and palette.color:
        palette = Palette(dark=palette.dark, background=palette.background, color=False)
    curves_height = max(8, (height * 2) // 5)
    regions_height = height - curves_height
    left_width = width // 2
    right_width = width - left_width
    loss = _build(
        lambda plt: draw_curves(plt, history, "loss", palette=palette), left_width, curves_height, color
    )
    accuracy = _build(
        lambda plt: draw_curves(plt, history, "accuracy", palette=palette), right_width, curves_height, color
    )
    last_epoch = int(history[-1][0]) if len(history) else None
    title = "class regions" + (f", epoch {last_epoch}" if last_epoch is not None else "")
    # Resolution: one grid point per character cell is enough for the canvas inside the axes.
    regions = _build(
        lambda plt: draw_regions(plt, network, X, y, (width, regions_height), palette=palette, title=title),
        width,
        regions_height,
        color,
    )
    lines = _side_by_side(loss, accuracy, left_width) + regions
    lines = lines[:height] + [""] * (height - len(lines))
    return "\n".join(lines)
