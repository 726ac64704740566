"""Pictures of the input plane drawn straight into terminal cells: the decision regions with the data
on top, and the heat maps of the first hidden layer's neurons.

These redraw several times a second while a network trains, so they skip plotext: each cell's colours
come from a ``tutor.grids`` grid sampled at that cell (NumPy), and each line is built from runs of
equal cells. What does not change between frames (where each data point falls, the styles) is kept.
A region is a cell's background and a data point a dot in front of it, so points never hide the
regions. The neuron maps use half blocks (two pixels a cell, one above the other).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tutor.grids import NeuronMaps, RegionGrid, bounds
from tutor.plotting import Palette
from tutor.widgets.plots import app_palette

_POINT = "•"
_HALF = "▀"  # the upper half in the foreground colour, the lower half in the background colour
# The colour of a neuron's strongest response on its map (the weakest is the background).
_DARK_HEAT = (255, 190, 80)
_LIGHT_HEAT = (200, 90, 0)


@lru_cache(maxsize=4096)
def _style(foreground: tuple[int, int, int] | None, background: tuple[int, int, int] | None, bold=False):
    return Style(
        color=RichColor.from_rgb(*foreground) if foreground else None,
        bgcolor=RichColor.from_rgb(*background) if background else None,
        bold=bold or None,
    )


def _samples(count: int, cells: int) -> np.ndarray:
    """Which of ``count`` grid positions each of ``cells`` cells shows (nearest, spread evenly)."""
    return np.minimum(count - 1, (np.arange(cells) * count) // max(1, cells))


def _runs(keys: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal values in the row ``keys``."""
    if len(keys) == 0:
        return []
    edges = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [len(keys)]])
    return list(zip(starts.tolist(), ends.tolist()))


class PlaneView(Widget):
    """A picture of the input plane: a title line, then cells. ``draw(width, rows)`` gives the
    cells' lines; ``renders`` counts drawings."""

    DEFAULT_CSS = """
    PlaneView { width: 1fr; height: 1fr; min-height: 5; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.title: str | None = None
        self.renders = 0
        self._lines: list[Strip] | None = None
        self._lines_key: tuple | None = None

    class Resized(Message):
        """The picture got a new size: what it shows was computed for the old one (the screen may
        compute it again, one point per cell)."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    def palette(self) -> Palette:
        return app_palette(self.app)

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        self._lines = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        key = (width, height, self.app.theme)
        if self._lines is None or self._lines_key != key:
            self._lines = self.lines(width, height)
            self._lines_key = key
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(width)

    def lines(self, width: int, height: int) -> list[Strip]:
        """The title line, then ``draw``'s lines, each ``width`` cells."""
        if width < 4 or height < 3:
            return []
        palette = self.palette()
        title = Strip(
            [Segment((self.title or "").center(width)[:width], Style(bold=True))]
        ).adjust_cell_length(width)
        self.renders += 1
        return [title, *self.draw(palette, width, height - 1)]

    def draw(self, palette: Palette, width: int, rows: int) -> list[Strip]:
        raise NotImplementedError

    def render(self):
        """For anything that asks a widget for its content (Textual paints with ``render_line``)."""
        from rich.text import Text

        lines = self.lines(self.size.width, self.size.height)
        return Text("\n").join(
            Text.assemble(*((segment.text, segment.style or "") for segment in line)) for line in lines
        )


class RegionPlot(PlaneView):
    """The decision regions (cell backgrounds) with the data points (dots) in front; only the points
    until the first ``RegionGrid`` arrives."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.X: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.grid: RegionGrid | None = None
        self._points: tuple[tuple, np.ndarray] | None = None  # (key, classes of dots per cell)

    @property
    def resolution(self) -> tuple[int, int]:
        """The grid size that gives every cell of the picture its own grid point."""
        return max(2, self.size.width), max(2, self.size.height - 1)

    def show_data(self, X: np.ndarray, y: np.ndarray, title: str | None = None) -> None:
        """Show the points of ``X (n_samples, 2)`` coloured by ``y (n_samples,)``, no regions."""
        self.X, self.y, self.grid, self.title = X, y, None, title
        self._points = None
        self.refresh()

    def show_regions(
        self,
        grid: RegionGrid,
        title: str | None = None,
        *,
        X: np.ndarray | None = None,
        y: np.ndarray | None = None,
    ) -> None:
        """Colour the plane by ``grid`` under the points (the ones shown, or new ``X`` and ``y``)."""
        if X is not None and y is not None and (X is not self.X or y is not self.y):
            self.X, self.y, self._points = X, y, None
        self.grid, self.title = grid, title
        self.refresh()

    def _point_cells(self, width: int, rows: int, plane: tuple[float, float, float, float]) -> np.ndarray:
        """``(rows, width)`` of the class of the data point drawn in each cell, -1 for none; kept
        until the size, the plane or the data change."""
        key = (width, rows, plane, id(self.X))
        if self._points is not None and self._points[0] == key:
            return self._points[1]
        cells = np.full((rows, width), -1, dtype=np.int64)
        if self.X is not None and self.y is not None and len(self.X):
            x_min, x_max, y_min, y_max = plane
            X = np.asarray(self.X, dtype=float)
            labels = np.asarray(self.y)
            if labels.ndim == 2:
                labels = np.argmax(labels, axis=1)
            columns = np.rint((X[:, 0] - x_min) / ((x_max - x_min) or 1.0) * (width - 1)).astype(int)
            lines = np.rint((y_max - X[:, 1]) / ((y_max - y_min) or 1.0) * (rows - 1)).astype(int)
            inside = (columns >= 0) & (columns < width) & (lines >= 0) & (lines < rows)
            cells[lines[inside], columns[inside]] = labels[inside]
        self._points = (key, cells)
        return cells

    def draw(self, palette: Palette, width: int, rows: int) -> list[Strip]:
        if self.X is None or self.y is None:
            return []
        if self.grid is not None:
            plane = self.grid.bounds
            grid = self.grid.classes
            # Row 0 of the grid is the bottom of the plane; the first line of the picture its top.
            regions = grid[_samples(grid.shape[0], rows)[::-1]][:, _samples(grid.shape[1], width)]
        else:
            plane = bounds(np.asarray(self.X))
            regions = np.full((rows, width), -1, dtype=np.int64)
        points = self._point_cells(width, rows, plane)
        keys = (regions.astype(np.int64) + 1) * 1000 + (points + 1)
        lines = []
        for row in range(rows):
            segments = []
            for start, end in _runs(keys[row]):
                region, point = int(regions[row, start]), int(points[row, start])
                background = palette.region_color(region) if region >= 0 else None
                if point >= 0:
                    style = _style(palette.class_color(point), background, True)
                    segments.append(Segment(_POINT * (end - start), style))
                else:
                    segments.append(Segment(" " * (end - start), _style(None, background)))
            lines.append(Strip(segments, width))
        return lines


class NeuronView(PlaneView):
    """The first hidden layer, one small heat map per neuron (up to 16): bright where the neuron's
    activation is high over the input plane, dark where it is zero. Each map is scaled to its own
    strongest response, so a weak neuron's shape shows too; a neuron that is zero everywhere (a
    "dead" ReLU) stays dark."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.maps: NeuronMaps | None = None

    def show_maps(self, maps: NeuronMaps | None, title: str | None = None) -> None:
        self.maps, self.title = maps, title
        self.refresh()

    @staticmethod
    def tiles(count: int, width: int, rows: int) -> tuple[int, int, int]:
        """``(columns, tile_width, tile_rows)``: the grid of tiles (one cell apart) that gives
        ``count`` maps the largest nearly square tiles (a cell is two half-block pixels high)."""
        best = (1, 1, 1)
        best_size = 0
        for columns in range(1, count + 1):
            lines = -(-count // columns)
            tile_width = (width + 1) // columns - 1
            tile_rows = (rows + 1) // lines - 1
            if tile_width < 2 or tile_rows < 1:
                continue
            # Square pixels: a tile of w cells by h rows is w by 2h pixels.
            side = min(tile_width, 2 * tile_rows)
            if side > best_size:
                best, best_size = (columns, side, max(1, side // 2)), side
        return best

    def draw(self, palette: Palette, width: int, rows: int) -> list[Strip]:
        blank = Strip.blank(width)
        if self.maps is None or len(self.maps.values) == 0:
            return []
        values = self.maps.values
        count = len(values)
        columns, tile_width, tile_rows = self.tiles(count, width, rows)
        background = palette.background or ((0, 0, 0) if palette.dark else (255, 255, 255))
        heat = np.array(_DARK_HEAT if palette.dark else _LIGHT_HEAT, dtype=float)
        base = np.array(background, dtype=float)
        # Each map at 2 * tile_rows by tile_width pixels, scaled to its own maximum, as colours.
        n_rows, n_columns = values.shape[1:]
        pixels = values[:, _samples(n_rows, 2 * tile_rows)[::-1]][:, :, _samples(n_columns, tile_width)]
        peak = pixels.reshape(count, -1).max(axis=1)
        level = np.clip(pixels / np.where(peak > 0, peak, 1.0)[:, None, None], 0.0, 1.0)
        colors = np.rint(base + (heat - base) * level[..., None]).astype(int)
        lines = []
        for line in range(rows):
            tile_line, inner = divmod(line, tile_rows + 1)
            if inner == tile_rows or tile_line * columns >= count:
                lines.append(blank)  # the gap between rows of tiles
                continue
            segments = []
            for column in range(columns):
                index = tile_line * columns + column
                if index >= count:
                    break
                if column:
                    segments.append(Segment(" "))
                top, bottom = colors[index, 2 * inner], colors[index, 2 * inner + 1]
                for cell in range(tile_width):
                    segments.append(Segment(_HALF, _style(tuple(top[cell]), tuple(bottom[cell]))))
            lines.append(Strip(Segment.simplify(segments)).adjust_cell_length(width))
        return lines
