"""Charts inside the app: lesson plots and the live charts of the playground and the race.

Every chart here is a textual-plotext ``PlotextPlot`` that draws itself from its data whenever it is
refreshed, with ``tutor.plotting`` (the one plotting module) and the colours of the app's current light
or dark theme; so it follows theme changes and terminal resizes by itself. Feed a live chart new data
with its setter (on the UI thread) and it refreshes.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.strip import Strip
from textual_plotext import PlotextPlot

from tutor import plotting
from tutor.curriculum import PlotSpec
from tutor.plotting import HistoryRow, Palette


def app_palette(app) -> Palette:
    """The ``Palette`` for ``app``'s current theme, region colours blended into its ``$surface``."""
    theme = app.current_theme
    surface = app.theme_variables.get("surface")
    background = Color.parse(surface).rgb if surface else None
    return Palette(dark=bool(theme.dark), background=background)


class ChartPlot(PlotextPlot):
    """A ``PlotextPlot`` that draws its chart in the app theme's colours whenever it is refreshed.

    Subclasses implement ``draw_chart(plt, palette, width, height)``. The chart is drawn once per
    refresh (new data, a resize, a theme change) and kept as ready-made lines (Textual's line API),
    which skips two conversions of every coloured cell per frame. ``renders`` counts drawings.
    """

    DEFAULT_CSS = """
    ChartPlot {
        width: 1fr;
        height: 1fr;
        min-height: 5;
    }
    """

    _lines: list[Strip] | None = None
    _lines_size: tuple[int, int] | None = None

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.renders = 0

    def palette(self) -> Palette:
        """Colours for the app's current theme: bright on dark themes, deeper on light ones, region
        cells blended into the plot's own background (textual-plotext paints it in ``$surface``)."""
        return app_palette(self.app)

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        """Text to show instead of the chart, if any."""
        return None

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        self._lines = None  # draw again for the next paint
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        if self._lines is None or self._lines_size != (width, height):
            self._lines = self.draw_lines(width, height)
            self._lines_size = (width, height)
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(width)

    def draw_lines(self, width: int, height: int) -> list[Strip]:
        """Draw the chart at ``width`` by ``height`` cells: one ``Strip`` per line."""
        problem = self.problem()
        if problem is not None:
            return _text_lines(problem, width, Style(color=self.app.current_theme.error or "red"))
        if width < 8 or height < 4:
            return []  # too small to draw anything readable; wait for a real size
        plt = self.plt
        try:
            self.draw_chart(plt, self.palette(), width, height)
            # What PlotextPlot.render does before building.
            plt.plotsize(width, height)
            plt._set_size(width, height)
            plt.theme(self._get_plotext_theme_name(self.app.theme))
            lines = ansi_to_strips(plt.build(), width)
        except Exception as error:  # a chart that fails must not take the screen down with it
            return _text_lines(f"This chart cannot be drawn: {type(error).__name__}: {error}", width, Style())
        self.renders += 1
        return lines

    def render(self) -> RenderResult:
        """The chart as one renderable. Textual paints through ``render_line``; this is for
        anything that asks a widget for its content."""
        lines = self.draw_lines(self.size.width, self.size.height)
        return Text("\n").join(
            Text.assemble(*((segment.text, segment.style or "") for segment in line)) for line in lines
        )


def _text_lines(text: str, width: int, style: Style) -> list[Strip]:
    wrapped = textwrap.wrap(text, max(10, width)) or [""]
    return [Strip([Segment(line, style)]).adjust_cell_length(width) for line in wrapped]


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


@lru_cache(maxsize=1024)
def _style(foreground: str | None, background: str | None, bold: bool) -> Style:
    return Style(color=_color(foreground), bgcolor=_color(background), bold=bold or None)


@lru_cache(maxsize=1024)
def _color(code: str | None) -> RichColor | None:
    """``2;R;G;B`` or ``5;N`` (the rest of an SGR colour code) as a Rich colour."""
    if code is None:
        return None
    kind, *values = code.split(";")
    if kind == "2":
        return RichColor.from_rgb(*(int(value) for value in values))
    return RichColor.from_ansi(int(values[0]))


def ansi_to_strips(ansi: str, width: int) -> list[Strip]:
    """plotext's coloured text as Textual lines of ``width`` cells, one segment per coloured run.

    plotext writes only SGR codes (colours, bold, reset), many per line. Going through Rich's
    general ``Text.from_ansi`` and then Textual's content conversion takes several times longer on
    a chart full of coloured cells, which matters at several frames a second.
    """
    lines: list[Strip] = []
    foreground = background = None
    bold = False
    for line in ansi.rstrip("\n").split("\n"):
        segments: list[Segment] = []
        for index, part in enumerate(_SGR.split(line)):
            if index % 2:  # the parameters of one SGR code
                params = part.split(";") if part else ["0"]
                i = 0
                while i < len(params):
                    param = params[i]
                    if param in ("0", ""):
                        foreground = background = None
                        bold = False
                        i += 1
                    elif param == "1":
                        bold = True
                        i += 1
                    elif param in ("38", "48") and i + 1 < len(params):
                        length = 4 if params[i + 1] == "2" else 2
                        code = ";".join(params[i + 1 : i + 1 + length])
                        if param == "38":
                            foreground = code
                        else:
                            background = code
                        i += 1 + length
                    else:
                        i += 1
            elif part:
                styled = foreground is not None or background is not None or bold
                segments.append(Segment(part, _style(foreground, background, bold) if styled else None))
        lines.append(Strip(segments).adjust_cell_length(width))
    return lines


class LessonPlot(ChartPlot):
    """A lesson's ``plot`` block: a data set coloured by class, or an activation function's curve.

    ``spec`` is the block's :class:`tutor.curriculum.PlotSpec`, checked when the lesson was loaded. A
    plot that still cannot be drawn shows its problem in place of the chart instead of breaking the lesson.
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

    def __init__(
        self, spec: PlotSpec, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.error: str | None = None
        self.spec = spec
        self._data = None
        try:
            if spec.data is not None:
                # Made once: redraws (resizes, theme changes) reuse the same points.
                self._data = plotting.dataset_points(spec.data, spec.samples, spec.classes)
        except ValueError as error:
            self.error = str(error)
            self.add_class("-error")

    def problem(self) -> str | None:
        return None if self.error is None else f"This plot cannot be drawn: {self.error}"

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        plotting.draw_plot_spec(plt, self.spec, palette=palette, data=self._data)


class CurvePlot(ChartPlot):
    """One training metric (``loss``, ``accuracy`` or ``learning_rate``) against the epoch."""

    def __init__(
        self, metric: str, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        if metric not in plotting.METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        super().__init__(name=name, id=id, classes=classes)
        self.metric = metric
        self.history: Sequence[HistoryRow] = []
        self.marks: Sequence[tuple[int, str]] = ()
        self.reference: Sequence[HistoryRow] = ()

    def set_history(
        self,
        history: Sequence[HistoryRow],
        marks: Sequence[tuple[int, str]] = (),
        reference: Sequence[HistoryRow] = (),
    ) -> None:
        """Show ``history`` (rows of ``(epoch, loss, accuracy, learning_rate)``), kept by reference,
        a line at each of ``marks``' epochs (settings changed there) and, faint behind it, the
        ``reference`` run it should follow."""
        self.history = history
        self.marks = marks
        self.reference = reference
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        # Two points per column is as much detail as the braille marker can show.
        plotting.draw_curves(
            plt,
            self.history,
            self.metric,
            palette=palette,
            max_points=max(40, 2 * width),
            epoch_label=height >= 12,
            marks=[epoch for epoch, _ in self.marks],
            reference=self.reference,
        )


class FitPlot(ChartPlot):
    """A regression: the data points of a one-input data set and, once a network has been trained
    on them, its fitted curve (``plotting.regression_curve``'s ``(xs, predictions)``)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.X = None
        self.y = None
        self.curve = None
        self.title: str | None = None

    def show_fit(self, X, y, curve=None, title: str | None = None) -> None:
        """Show the points ``X (n, 1)``, ``y (n, 1)`` and, if given, the network's ``curve``."""
        self.X, self.y, self.curve, self.title = X, y, curve, title
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        if self.X is None or self.y is None:
            plt.clear_data()
            return
        if self.curve is None:
            plotting.draw_regression_data(plt, self.X, self.y, palette=palette, title=self.title)
        else:
            plotting.draw_regression(
                plt, None, self.X, self.y, palette=palette, title=self.title, curve=self.curve
            )


class RacePlot(ChartPlot):
    """Several loss curves on one chart with a legend: ``{label: [(epoch, loss), ...]}``."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.curves: Mapping[str, Sequence[tuple[int, float]]] = {}

        self.diverged: Mapping[str, int] = {}

    def set_curves(
        self, curves: Mapping[str, Sequence[tuple[int, float]]], diverged: Mapping[str, int] | None = None
    ) -> None:
        """``curves`` by label; ``diverged``: the epoch at which each entry that blew up did."""
        self.curves = curves
        self.diverged = diverged or {}
        self.refresh()

    def draw_chart(self, plt, palette: Palette, width: int, height: int) -> None:
        plotting.draw_race(
            plt, self.curves, palette=palette, max_points=max(40, 2 * width), diverged=self.diverged
        )
