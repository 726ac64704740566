"""The plotting module: what each chart draws, that regions cover the plane, the CLI report's size."""

from __future__ import annotations

import numpy as np
import plotext
import pytest
from textual_plotext import Plot

from tutor import plotting
from tutor.curriculum import PlotSpec
from tutor.plotting import Palette


class RecordingPlot:
    """A stand-in for plotext's ``plt`` that remembers every series drawn and every setting."""

    def __init__(self):
        self.series: list[dict] = []
        self.settings: dict = {}
        self.cleared = 0

    def clear_data(self):
        self.series.clear()
        self.cleared += 1

    def _draw(self, kind, x, y, **options):
        self.series.append({"kind": kind, "x": list(x), "y": list(y), **options})

    def plot(self, x, y, **options):
        self._draw("plot", x, y, **options)

    def scatter(self, x, y, **options):
        self._draw("scatter", x, y, **options)

    def __getattr__(self, name):  # title, xlabel, ylabel, xlim, ylim
        def setting(*args):
            self.settings[name] = args

        return setting


class AngleNetwork:
    """A stand-in network: the class is the sector of the plane a point's angle falls in."""

    def __init__(self, n_classes=3):
        self.n_classes = n_classes
        self.calls: list[tuple] = []

    def predict(self, points):
        self.calls.append(points.shape)
        angle = np.arctan2(points[:, 1], points[:, 0]) + np.pi
        return (angle / (2 * np.pi) * self.n_classes).astype(int) % self.n_classes


def spiral(samples=50, classes=3):
    return plotting.dataset_points("spiral", samples, classes)


def history(epochs=1001):
    return [
        (epoch, 1.1 * np.exp(-epoch / 300) + 0.05, 1 - 0.6 * np.exp(-epoch / 200), 0.05 / (1 + 1e-3 * epoch))
        for epoch in range(epochs)
    ]


def canvas_rows(text: str) -> list[str]:
    """The characters inside a built chart's frame, row by row."""
    lines = plotext.uncolorize(text).split("\n")
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    left = lines[top].index("┌")
    right = lines[top].index("┐")
    return [line[left + 1 : right] for line in lines[top + 1 : bottom]]


# -- curves -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("metric, column", [("loss", 1), ("accuracy", 2), ("learning_rate", 3)])
def test_curves_draw_one_series_of_the_metric_against_the_epoch(metric, column):
    plt = RecordingPlot()
    rows = history(50)
    plotting.draw_curves(plt, rows, metric)
    assert len(plt.series) == 1
    series = plt.series[0]
    assert series["x"] == [row[0] for row in rows]
    assert series["y"] == pytest.approx([row[column] for row in rows])
    assert plt.settings["xlabel"] == ("epoch",)


def test_accuracy_axis_runs_from_zero_to_one():
    plt = RecordingPlot()
    plotting.draw_curves(plt, history(20), "accuracy")
    assert plt.settings["ylim"] == (0, 1)


def test_curves_redraw_from_scratch():
    plt = RecordingPlot()
    plotting.draw_curves(plt, history(20), "loss")
    plotting.draw_curves(plt, history(30), "loss")
    assert len(plt.series) == 1 and len(plt.series[0]["x"]) == 30


def test_empty_history_draws_an_empty_chart():
    plt = Plot()
    plt.plotsize(40, 12)
    plotting.draw_curves(plt, [], "loss")
    text = plotext.uncolorize(plt.build())
    assert "loss" in text


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric 'speed'"):
        plotting.draw_curves(RecordingPlot(), history(5), "speed")


def test_long_runs_are_decimated_but_keep_their_spikes():
    epochs = np.arange(10001)
    loss = np.linspace(1.0, 0.1, 10001)
    loss[9400] = 1.98  # the notebook's one-epoch spike
    x, y = plotting.decimate(epochs, loss, 200)
    assert len(x) <= 210
    assert 9400 in x and y[list(x).index(9400)] == pytest.approx(1.98)
    assert x[0] == 0 and x[-1] == 10000
    assert np.all(np.diff(x) > 0)


def test_short_series_are_not_decimated():
    x, _y = plotting.decimate(np.arange(10), np.arange(10.0), 200)
    assert list(x) == list(range(10))


def test_nan_values_are_left_out_of_curves():
    rows = history(10)
    rows[5] = (5, float("nan"), 0.5, 0.05)
    plt = RecordingPlot()
    plotting.draw_curves(plt, rows, "loss")
    assert 5 not in plt.series[0]["x"] and len(plt.series[0]["x"]) == 9


# -- data and regions -------------------------------------------------------------------------------


def test_dataset_draws_one_labelled_series_per_class_in_distinct_colours():
    X, y = spiral(40, 4)
    plt = RecordingPlot()
    plotting.draw_dataset(plt, X, y)
    assert len(plt.series) == 4
    assert [s["label"] for s in plt.series] == ["class 0", "class 1", "class 2", "class 3"]
    assert len({s["color"] for s in plt.series}) == 4
    assert sum(len(s["x"]) for s in plt.series) == len(X)


def test_dataset_points_are_repeatable_and_leave_numpy_random_state_alone():
    np.random.seed(123)
    expected_next = np.random.rand()
    np.random.seed(123)
    first = spiral(30, 3)
    assert np.random.rand() == expected_next
    second = spiral(30, 3)
    np.testing.assert_array_equal(first[0], second[0])


def test_regions_predict_once_over_the_whole_grid():
    X, y = spiral()
    network = AngleNetwork()
    plt = RecordingPlot()
    plotting.draw_regions(plt, network, X, y, (30, 12))
    assert network.calls == [(360, 2)]
    cells = [s for s in plt.series if s["marker"] == "█"]
    points = [s for s in plt.series if s["marker"] == "●"]
    assert len(cells) == 3 and len(points) == 3
    assert sum(len(s["x"]) for s in cells) == 360


def test_region_cells_are_softer_than_points_of_the_same_class():
    palette = Palette(dark=True, background=(30, 30, 30))
    for index in range(3):
        point, cell = palette.class_color(index), palette.region_color(index)
        assert point != cell
        # Blended towards the background: each channel lies between the two.
        for p, c, b in zip(point, cell, (30, 30, 30)):
            assert min(p, b) <= c <= max(p, b)


def test_light_and_dark_palettes_differ_and_classes_are_distinct():
    dark, light = Palette(dark=True), Palette(dark=False)
    assert dark.class_color(0) != light.class_color(0)
    for palette in (dark, light):
        colors = [palette.class_color(i) for i in range(20)]  # as many classes as training allows
        assert len(set(colors)) == 20


@pytest.mark.parametrize("width, height", [(50, 16), (90, 30)])
def test_regions_cover_every_cell_of_the_chart(width, height):
    X, y = spiral()
    plt = Plot()
    plt.plotsize(width, height)
    plotting.draw_regions(plt, AngleNetwork(), X, y, (width, height))
    rows = canvas_rows(plt.build())
    assert rows and all(len(row) > 0 for row in rows)
    assert all(set(row) <= {"█", "●"} for row in rows), rows
    assert sum(row.count("●") for row in rows) > 20  # the points sit on top


def test_regions_without_colour_use_one_texture_per_class_and_class_numbers_for_points():
    X, y = spiral()
    plt = Plot()
    plt.plotsize(60, 20)
    plotting.draw_regions(plt, AngleNetwork(), X, y, (60, 20), palette=Palette(color=False))
    rows = canvas_rows(plt.build())
    seen = set("".join(rows))
    assert {"·", "░", ":"} <= seen and {"0", "1", "2"} <= seen
    assert " " not in seen


# -- functions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("step", [0.0, 0.0, 1.0]),
        ("relu", [0.0, 0.0, 2.0]),
        ("linear", [-2.0, 0.0, 2.0]),
        ("sigmoid", [1 / (1 + np.e**2), 0.5, 1 / (1 + np.e**-2)]),
    ],
)
def test_functions_draw_their_curve(name, expected):
    plt = RecordingPlot()
    plotting.draw_function(plt, name, (-2, 2), points=3)
    assert len(plt.series) == 1
    assert plt.series[0]["x"] == [-2.0, 0.0, 2.0]
    assert plt.series[0]["y"] == pytest.approx(expected)
    assert plt.settings["xlim"] == (-2.0, 2.0)


def test_unknown_function_and_backwards_range_are_refused():
    with pytest.raises(ValueError, match="unknown function 'tanh'"):
        plotting.draw_function(RecordingPlot(), "tanh")
    with pytest.raises(ValueError, match="low to high"):
        plotting.draw_function(RecordingPlot(), "relu", (3, -3))


# -- race -------------------------------------------------------------------------------------------


def test_race_draws_one_labelled_curve_per_optimizer():
    curves = {
        "SGD lr=1": [(e, 1.0 - e / 400) for e in range(100)],
        "Adam lr=0.05": [(e, 1.0 - e / 200) for e in range(100)],
        "RMSprop lr=0.02": [],
    }
    plt = RecordingPlot()
    plotting.draw_race(plt, curves, legend=True)
    # A run with no epochs yet has nothing to draw.
    assert [s["label"] for s in plt.series] == ["SGD lr=1", "Adam lr=0.05"]
    assert len({s["color"] for s in plt.series}) == 2
    real = Plot()
    real.plotsize(70, 20)
    plotting.draw_race(real, curves, legend=True)
    text = plotext.uncolorize(real.build())
    assert "SGD lr=1" in text and "Adam lr=0.05" in text


def test_race_without_a_legend_leaves_every_curve_visible():
    # The app's legend is its coloured table: a legend box inside the chart would cover the
    # curves' start, where they differ most.
    curves = {"SGD lr=1": [(e, 1.0) for e in range(100)], "Adam lr=0.05": [(e, 1.2) for e in range(100)]}
    plt = RecordingPlot()
    plotting.draw_race(plt, curves)
    assert [s["label"] for s in plt.series] == [None, None]
    real = Plot()
    real.plotsize(70, 20)
    plotting.draw_race(real, curves)
    text = plotext.uncolorize(real.build())
    assert "SGD lr=1" not in text
    # The top-left corner, where a legend would sit, shows the flat curves' dots instead.
    assert text.count("⠉") + text.count("⠒") + text.count("⠤") + text.count("⣀") > 100


def test_race_marks_a_diverged_optimizer_in_the_chart():
    curves = {"SGD lr=1e+100": [(0, 1.1), (1, 1.1)], "Adam lr=0.05": [(e, 1.0 - e / 200) for e in range(100)]}
    real = Plot()
    real.plotsize(70, 20)
    plotting.draw_race(real, curves, diverged={"SGD lr=1e+100": 2})
    text = plotext.uncolorize(real.build())
    assert "✗ SGD diverged" in text


def test_race_with_very_short_curves_builds():
    plt = Plot()
    plt.plotsize(60, 16)
    plotting.draw_race(plt, {"a": [(0, 1.0)], "b": [(0, 1.1), (1, 0.9)]}, legend=True)
    assert "a" in plotext.uncolorize(plt.build())


# -- lesson plot blocks -----------------------------------------------------------------------------


def test_a_plot_spec_draws_as_the_loader_left_it():
    plt = Plot()
    plt.plotsize(60, 16)
    plotting.draw_plot_spec(plt, PlotSpec(function="relu", range=(-3.0, 3.0)))
    assert "ReLU" in plotext.uncolorize(plt.build())
    plotting.draw_plot_spec(plt, PlotSpec(data="spiral", samples=20, classes=2))
    assert "spiral data: 20 points per class, 2 classes" in plotext.uncolorize(plt.build())


# -- the report of `nntutor train --plot` ------------------------------------------------------------


@pytest.mark.parametrize("width, height", [(40, 16), (100, 40), (160, 50)])
def test_training_report_fits_the_given_size(width, height):
    X, y = spiral()
    text = plotting.render_training_report(history(), AngleNetwork(), X, y, width, height)
    lines = text.split("\n")
    assert len(lines) == height
    assert max(len(plotext.uncolorize(line)) for line in lines) <= width
    plain = plotext.uncolorize(text)
    assert "loss" in plain and "accuracy" in plain and "regions, epoch 1000" in plain
    assert "\x1b[" in text  # coloured by default


def test_training_report_without_colour_is_plain_text():
    X, y = spiral()
    text = plotting.render_training_report(history(), AngleNetwork(), X, y, 100, 36, color=False)
    assert "\x1b" not in text
    assert "0" in text and "░" in text


def test_training_report_leaves_plotext_as_it_found_it():
    X, y = spiral()
    plotting.render_training_report(history(), AngleNetwork(), X, y, 80, 30)
    plotext.plotsize(30, 10)
    plotext.plot([1, 2, 3], [1, 2, 3])
    text = plotext.uncolorize(plotext.build()).rstrip("\n")
    plotext.clear_figure()
    assert "regions" not in text and len(text.split("\n")) == 10


def test_training_report_grows_to_its_minimum_size():
    X, y = spiral()
    text = plotting.render_training_report(history(), AngleNetwork(), X, y, 20, 8)
    assert len(text.split("\n")) == plotting.MIN_REPORT_SIZE[1]


def test_chart_lines_match_richs_reading_of_the_same_text():
    from rich.console import Console
    from rich.text import Text

    from tutor.widgets.plots import ansi_to_strips

    X, y = spiral()
    plt = Plot()
    plt.plotsize(60, 20)
    plt.theme("textual-default")
    plotting.draw_regions(plt, AngleNetwork(), X, y, (60, 20))
    ansi = plt.build()
    console = Console(width=60, color_system="truecolor", force_terminal=True)
    theirs = [
        (segment.text, segment.style or None)
        for segment in Text.from_ansi(ansi).render(console)
        if segment.text and segment.text != "\n"
    ]
    ours = [
        (segment.text, segment.style or None)
        for line in ansi_to_strips(ansi, 60)
        for segment in line
        if segment.text
    ]

    # Same characters in the same styles (runs may be cut differently).
    def cells(runs):
        return [(character, style) for text, style in runs for character in text.replace("\n", "")]

    assert cells(ours)[: len(cells(theirs))] == cells(theirs)
    assert len(ansi_to_strips(ansi, 60)) == 20
