"""The one plotting module: every chart nntutor draws, for the app and for ``nntutor train --plot``.

Each ``draw_*`` function takes a plotext-like object ``plt`` first: the ``plotext`` module in the
terminal, ``PlotextPlot.plt`` inside the app. A draw function clears ``plt``'s data and sets its own
title, labels and limits, so calling it again redraws the chart from scratch.

Colours come from a ``Palette`` (``tutor.palette``): distinct colours per class, tuned for a dark or a
light background, or no colour at all (then classes differ by their marker characters). The charts of
the data, the decision regions and a regression's fit are in ``tutor.plane_charts``; this module draws
the curves, the race, activation functions, lesson plots and the ``nntutor train --plot`` report, and
names the others' functions too.

``history`` is a list of rows ``(epoch, loss, accuracy, learning_rate)``, with validation loss and
accuracy after them when a run has validation data (``tutor.history``), oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from engine.names import ACTIVATIONS

# A lesson plot block is checked by the lesson loader (one rule set); this module only draws it.
from tutor.curriculum import PlotSpec
from tutor.grids import RegionGrid, region_grid

# A run's history rows (tutor.history), the colours (tutor.palette) and the charts of the data and
# the regions (tutor.plane_charts) live in their own modules; plotting names them all.
from tutor.history import HISTORY_ROWS, HistoryRow, history_arrays, history_step
from tutor.palette import (
    DEFAULT_PALETTE,
    REGION_MARKERS,
    Palette,
    legend_safe,
    plot_color,
)
from tutor.plane_charts import (
    dataset_points,
    draw_dataset,
    draw_region_grid,
    draw_regions,
    draw_regression,
    draw_regression_data,
    regression_curve,
)

__all__ = [
    "DEFAULT_PALETTE",
    "HISTORY_ROWS",
    "HistoryRow",
    "Palette",
    "RegionGrid",
    "dataset_points",
    "draw_dataset",
    "draw_region_grid",
    "draw_regions",
    "draw_regression",
    "draw_regression_data",
    "history_arrays",
    "history_step",
    "region_grid",
    "regression_curve",
]

METRICS = {
    "loss": (1, "loss"),
    "accuracy": (2, "accuracy"),
    "learning_rate": (3, "learning rate"),
}
# The history column of each metric's validation figures (tutor.history.COLUMNS).
VALIDATION_COLUMNS = {"loss": 4, "accuracy": 5}
# Training and validation curves on one chart: the training curve in the metric's colour with dots,
# the validation one in a colour of its own with crosses, so that the two differ without colour too.
TRAINING_LABEL, VALIDATION_LABEL = "training", "validation"
_VALIDATION_MARKER = "x"
_FUNCTION_TITLES = {
    "step": "step: 1 if x > 0 else 0",
    "sigmoid": "sigmoid: 1 / (1 + e^-x)",
    "relu": "ReLU: max(0, x)",
    "linear": "linear: y = x",
}


# More points than columns cannot be seen; decimating keeps drawing fast on long runs.
DEFAULT_MAX_POINTS = 600


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
    """One curve: ``metric`` ("loss", "accuracy" or "learning_rate") against the epoch, and for a
    history with validation figures the validation curve too, with a legend naming the two.
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
    reference_epochs, reference_values = _finite_series(history_arrays(reference), column, max_points)
    if len(reference_epochs):
        plt.plot(
            reference_epochs.tolist(),
            reference_values.tolist(),
            color=plot_color(palette, palette.faint_color(metric)),
            marker="braille" if palette.color else ".",
        )
    epochs, values = _finite_series(rows, column, max_points)
    validation_column = VALIDATION_COLUMNS.get(metric)
    validation = _finite_series(rows, validation_column, max_points) if validation_column else None
    legend = validation is not None and len(validation[0]) > 0
    if len(epochs):
        xs, ys = epochs.tolist(), values.tolist()
        if legend:
            xs, ys = legend_safe(xs, ys)
        plt.plot(
            xs,
            ys,
            color=plot_color(palette, palette.metric_color(metric)),
            marker="braille" if palette.color else "•",
            label=TRAINING_LABEL if legend else None,
        )
    if legend and validation is not None:
        xs, ys = legend_safe(validation[0].tolist(), validation[1].tolist())
        plt.plot(
            xs,
            ys,
            color=plot_color(palette, palette.validation_color()),
            marker=_VALIDATION_MARKER,
            label=VALIDATION_LABEL,
        )
        values = np.concatenate([values, validation[1]])
        epochs = np.concatenate([epochs, validation[0]])
    if len(reference_epochs):
        values = np.concatenate([values, reference_values])
        epochs = np.concatenate([epochs, reference_epochs])
    for epoch in marks:
        plt.vline(epoch, color=plot_color(palette, palette.class_color(3)))
    _epoch_axis(plt, float(epochs.max()) if len(epochs) else 0.0)
    if metric == "accuracy":
        plt.ylim(0, 1)
    elif len(values) and values.min() == values.max():
        # A flat line (a constant learning rate) would get a zero-height axis.
        middle = float(values[0])
        spread = abs(middle) * 0.1 or 1.0
        plt.ylim(middle - spread, middle + spread)
    else:
        plt.ylim(None, None)


def _finite_series(rows: np.ndarray, column: int, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """``(epochs, values)`` of one history column, decimated, without its nan and infinite rows."""
    if not len(rows):
        return np.zeros(0), np.zeros(0)
    epochs, values = decimate(rows[:, 0], rows[:, column], max_points)
    finite = np.isfinite(values)
    return epochs[finite], values[finite]


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
            xs, ys = legend_safe(xs, ys)
        plt.plot(
            xs,
            ys,
            label=label if legend else None,
            color=plot_color(palette, palette.class_color(index)),
            marker="braille" if palette.color else REGION_MARKERS[index % len(REGION_MARKERS)],
        )
    top = 2 * max(starting_losses) if starting_losses else 1.0
    labels = list(curves)
    for label, epoch in (diverged or {}).items():
        index = labels.index(label) if label in labels else 0
        last_epoch = max(last_epoch, float(epoch))
        color = plot_color(palette, palette.class_color(index))
        plt.vline(epoch, color=color)
        plt.text(f"✗ {label.split(' ')[0]} diverged", epoch, 0.92 * top, color=color, alignment="left")
    _epoch_axis(plt, last_epoch)
    # A run that blows up early would squash every other curve to the floor: show up to twice
    # the starting loss (what the race is about) and let higher spikes leave the chart.
    plt.ylim(0, top if starting_losses else None)


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
        color=plot_color(palette, palette.class_color(0)),
        marker="braille" if palette.color else "•",
    )
    plt.xlim(low, high)
    span = float(values.max() - values.min()) or 1.0
    plt.ylim(float(values.min()) - 0.08 * span, float(values.max()) + 0.08 * span)


# ---------------------------------------------------------------------------------------------
# Lesson plot blocks


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
    at = f", epoch {last_epoch}" if last_epoch is not None else ""
    if np.asarray(X).shape[1] == 1:  # one input: a regression, drawn as its fitted curve

        def draw_picture(plt) -> None:
            draw_regression(plt, network, X, y, palette=palette, title="data and the network's fit" + at)
    else:

        def draw_picture(plt) -> None:
            # Resolution: one grid point per character cell is enough for the canvas inside the axes.
            draw_regions(
                plt, network, X, y, (width, regions_height), palette=palette, title="class regions" + at
            )

    regions = _build(draw_picture, width, regions_height, color)
    lines = _side_by_side(loss, accuracy, left_width) + regions
    lines = lines[:height] + [""] * (height - len(lines))
    return "\n".join(lines)
