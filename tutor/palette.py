"""Colours and markers for every chart: a ``Palette`` gives distinct colours per class, tuned for a
dark or a light background, or no colour at all (then classes differ by their marker characters).
Also the two small plotext helpers every chart module uses: ``plot_color`` and ``legend_safe``.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

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
REGION_MARKERS = (
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
POINT_CHARACTERS = "0123456789abcdefghij"  # class 10 is "a", and so on
POINT_MARKER = "●"
CELL_MARKER = "█"

# How strongly a region cell shows its class colour over the background (points use full colour).
_REGION_STRENGTH = 0.38
# How strongly a reference curve shows its metric's colour over the background.
_FAINT_STRENGTH = 0.35


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

    def validation_color(self) -> RGB:
        """Validation curves, in amber: apart from every metric's own colour."""
        return self.class_color(3)


DEFAULT_PALETTE = Palette()


def plot_color(palette: Palette, rgb: RGB) -> RGB | None:
    """``rgb`` for plotext, or None (the terminal's own colour) for a palette without colour."""
    return rgb if palette.color else None


def legend_safe(xs: list, ys: list) -> tuple[list, list]:
    """plotext's legend reads the first three points of a labelled series and fails on shorter
    ones: repeat the last point (drawn on top of itself, so nothing changes)."""
    while 0 < len(xs) < 3:
        xs, ys = xs + xs[-1:], ys + ys[-1:]
    return xs, ys
