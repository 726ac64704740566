"""Charts inside the app: lesson plots and the live charts of the playground and the race.

Every chart here is a textual-plotext ``PlotextPlot`` that redraws itself from its data each time it
renders, with ``tutor.plotting`` (the one plotting module) and the colours of the app's current light
or dark theme; so it follows theme changes and terminal resizes by itself. Feed a live chart new data
with its setter (on the UI thread) and it refreshes.
"""

from __future__ import annotations

import time
from typing import Mapping, Sequence

import numpy as np
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual_plotext import PlotextPlot

from tutor import plotting
from tutor.plotting import HistoryRow, Palette, RegionGrid


class ChartPlot(PlotextPlot):
    """A ``PlotextPlot`` that draws its chart at render time in the app theme's colours.

    Subclasses implement ``draw_chart(plt, palette, width, height)``. ``last_draw_seconds`` is the
    CPU time the latest render took on this thread (drawing and building the text): what a redraw
    takes away from a training thread, since they share the interpreter. The playground uses it to
    keep redraws from slowing training.
    """

    DEFAULT_CSS = """
    ChartPlot {
        width: 1fr;
        height: 1fr;
        min-height: 6;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002 (Textual's name)
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.last_draw_seconds = 0.0
        self.renders = 0

    def palette(self) -> Palette:
        """Colours for the app's current theme: bright on dark themes, deeper on light ones, region
        cells blended into the plot's own background (textual-plotext paints it in ``$surface``)."""
        theme = self.app.current_theme
        surface = self.app.theme_variables.get("surface")
        background = Color.parse(surface).rgb if surface else None
        return Palette(dark=bool(theme.dark), background=background)

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        raise NotImplementedError

    def render(self) -> RenderResult:
        started = time.thread_time()
        width, height = self.size.width, self.size.height
        if width < 8 or height < 4:
            return Text("")  # too small to draw anything readable; wait for a real size
        try:
            self.draw_chart(self.plt, self.palette(), width, height)
            result = super().render()
        except Exception as error:  # a chart that fails must not take the screen down with it
            return Text(f"This chart cannot be drawn: {type(error).__name__}: {error}")
        self.last_draw_seconds = time.thread_time() - started
        self.renders += 1
        return result


class LessonPlot(ChartPlot):
    """A lesson's ``plot`` block: a data set coloured by class, or an activation function's curve.

    ``spec`` is the block's mapping (see ``tutor.plotting.check_plot_spec``). A spec that cannot be
    drawn shows its problem in place of the chart instead of breaking the lesson.
    """

    DEFAULT_CSS = """
    LessonPlot {
        width: 1fr;
        height: 20;
        margin: 1 0;
    }
    LessonPlot.-error {
        height: auto;
        color: $error;
    }
    """

    def __init__(self, spec: Mapping, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.error: str | None = None
        self.spec: dict = {}
        self._data = None
        try:
            self.spec = plotting.check_plot_spec(spec)
            if "data" in self.spec:
                # Made once: redraws (resizes, theme changes) reuse the same points.
                self._data = plotting.dataset_points(self.spec["data"], self.spec["samples"],
                                                     self.spec["classes"])
        except ValueError as error:
            self.error = str(error)
            self.add_class("-error")

    def render(self) -> RenderResult:
        if self.error is not None:
            return Text(f"This plot cannot be drawn: {self.error}")
        return super().render()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        plotting.draw_plot_spec(plt, self.spec, palette=palette, data=self._data)


class CurvePlot(ChartPlot):
    """One training metric (``loss``, ``accuracy`` or ``learning_rate``) against the epoch."""

    def __init__(self, metric: str, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        if metric not in plotting.METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        super().__init__(name=name, id=id, classes=classes)
        self.metric = metric
        self.history: Sequence[HistoryRow] = []

    def set_history(self, history: Sequence[HistoryRow]) -> None:
        """Show ``history`` (rows of ``(epoch, loss, accuracy, learning_rate)``); kept by reference."""
        self.history = history
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        # Two points per column is as much detail as the braille marker can show.
        plotting.draw_curves(plt, self.history, self.metric, palette=palette, max_points=max(40, 2 * width))


class RegionPlot(ChartPlot):
    """The decision regions (coloured cells) with the data points on top; only the points until the
    first ``RegionGrid`` arrives."""

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.X: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.grid: RegionGrid | None = None
        self.title: str | None = None

    @property
    def resolution(self) -> tuple[int, int]:
        """The grid size that gives every cell of this chart a colour: one point per character cell."""
        return max(2, self.size.width), max(2, self.size.height)

    def show_data(self, X: np.ndarray, y: np.ndarray, title: str | None = None) -> None:
        """Show the points of ``X (n_samples, 2)`` coloured by ``y (n_samples,)``, no regions."""
        self.X, self.y, self.grid, self.title = X, y, None, title
        self.refresh()

    def show_regions(self, grid: RegionGrid, title: str | None = None) -> None:
        """Colour the plane by ``grid`` under the points already shown."""
        self.grid, self.title = grid, title
        self.refresh()

    def show_note(self, text: str) -> None:
        """No data yet: an empty chart titled ``text``."""
        self.X = self.y = self.grid = None
        self.title = text
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        if self.X is None or self.y is None:
            plt.clear_data()
            plt.title(self.title or "no data")
            return
        if self.grid is None:
            plotting.draw_dataset(plt, self.X, self.y, palette=palette, title=self.title)
        else:
            plotting.draw_region_grid(plt, self.grid, self.X, self.y, palette=palette, title=self.title)


class RacePlot(ChartPlot):
    """Several loss curves on one chart with a legend: ``{label: [(epoch, loss), ...]}``."""

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.curves: Mapping[str, Sequence[tuple[int, float]]] = {}

    def set_curves(self, curves: Mapping[str, Sequence[tuple[int, float]]]) -> None:
        self.curves = curves
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        plotting.draw_race(plt, self.curves, palette=palette, max_points=max(40, 2 * width))
