"""Markdown drawn by one widget: lesson text, prompts, option labels and feedback.

Textual's ``Markdown`` widget makes a widget of every paragraph, list item, table cell and code fence,
which is what made a lesson slow to open. ``LessonText`` parses its markdown once (markdown-it, which
Textual already uses) and draws all of it as one widget:

- code fences keep every character: a line longer than the width continues on the next line after a
  ``↪`` marker, so nothing is cut off and the break is visible;
- a table keeps a formula or a code cell on one line while the other columns can wrap to make room;
- headings, paragraphs, lists and inline markdown (code, emphasis, links) as in the lesson format.

``inline_content(markdown)`` is the one inline-markdown converter: option labels and feedback use it
directly (as Textual ``Content``), and ``LessonText`` uses the same runs with the theme's colours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.color import Color
from textual.content import Content, Span
from textual.geometry import Size
from textual.widget import Widget

CONTINUED = "↪ "  # starts a code line's continuation

# Inline styles: as Textual style strings (resolved against the theme when drawn) for ``Content``,
# and the theme variables their colours come from for rich ``Text``.
_CONTENT_STYLES = {
    "code": "bold $text-accent",
    "em": "italic",
    "strong": "bold",
    "link": "underline $text-primary",
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _inline_runs(tokens: Iterable[Token]) -> list[tuple[str, frozenset[str]]]:
    """``(text, marks)`` pieces of an inline token list; marks are among code, em, strong, link."""
    runs: list[tuple[str, frozenset[str]]] = []
    marks: set[str] = set()
    for token in tokens:
        kind = token.type
        if kind == "text" or kind == "html_inline":
            runs.append((token.content, frozenset(marks)))
        elif kind == "code_inline":
            runs.append((token.content, frozenset(marks | {"code"})))
        elif kind in ("softbreak",):
            runs.append((" ", frozenset(marks)))
        elif kind == "hardbreak":
            runs.append(("\n", frozenset(marks)))
        elif kind.endswith("_open") and kind[:-5] in ("em", "strong", "link"):
            marks.add(kind[:-5])
        elif kind.endswith("_close") and kind[:-6] in ("em", "strong", "link"):
            marks.discard(kind[:-6])
    return runs


def _runs_of(markdown: str) -> list[tuple[str, frozenset[str]]]:
    tokens = _parser().parseInline(markdown.strip())
    return _inline_runs(tokens[0].children or []) if tokens else []


def inline_content(markdown: str) -> Content:
    """Inline markdown (``code``, *emphasis*, **strong**, links) as Textual ``Content``."""
    text: list[str] = []
    spans: list[Span] = []
    position = 0
    for piece, marks in _runs_of(markdown):
        end = position + len(piece)
        for mark in sorted(marks):
            spans.append(Span(position, end, _CONTENT_STYLES[mark]))
        text.append(piece)
        position = end
    return Content("".join(text), spans=spans)


@dataclass(frozen=True)
class Palette:
    """The rich styles lesson text is drawn with, from the app theme's variables."""

    heading: Style = field(default_factory=lambda: Style(bold=True))
    title: Style = field(default_factory=lambda: Style(bold=True, underline=True))
    code: Style = field(default_factory=lambda: Style(bold=True))
    link: Style = field(default_factory=lambda: Style(underline=True))
    muted: Style = field(default_factory=lambda: Style(dim=True))
    fence: Style = field(default_factory=Style)
    table_border: Style = field(default_factory=lambda: Style(dim=True))
    dark: bool = True

    @classmethod
    def from_variables(cls, variables: Mapping[str, str], dark: bool) -> Palette:
        background = Color.parse(variables.get("background", "#121212"))

        def colour(name: str, fallback: str) -> str:
            value = variables.get(name, fallback)
            if value.startswith("auto"):  # "auto 60%": a text colour that contrasts with the background
                percent = value.split()[-1].rstrip("%") if " " in value else "100"
                return (background + background.get_contrast_text(float(percent) / 100)).hex6
            try:
                return (background + Color.parse(value)).hex6 if value else fallback
            except Exception:  # a theme variable that is not a colour: the plain fallback
                return fallback

        return cls(
            heading=Style(bold=True, color=colour("text-primary", "#0178d4")),
            title=Style(bold=True, underline=True, color=colour("text-primary", "#0178d4")),
            code=Style(bold=True, color=colour("text-accent", "#ffa62b")),
            link=Style(underline=True, color=colour("text-primary", "#0178d4")),
            muted=Style(color=colour("text-muted", "#808080")),
            fence=Style(bgcolor=colour("surface" if dark else "panel", "#1e1e1e")),
            table_border=Style(color=colour("text-muted", "#808080")),
            dark=dark,
        )

    def inline(self, marks: frozenset[str]) -> Style:
        style = Style()
        if "strong" in marks:
            style += Style(bold=True)
        if "em" in marks:
            style += Style(italic=True)
        if "link" in marks:
            style += self.link
        if "code" in marks:
            style += self.code
        return style


def _inline_text(tokens: Iterable[Token], palette: Palette, base: Style | None = None) -> Text:
    text = Text(style=base or "")
    for piece, marks in _inline_runs(tokens):
        text.append(piece, palette.inline(marks) if marks else None)
    return text


# --- code fences ------------------------------------------------------------------------------------


class CodeFence:
    """A code block that folds long lines after a ``↪`` marker instead of cutting them off."""

    def __init__(self, code: str, language: str, palette: Palette) -> None:
        self.code = code.rstrip("\n")
        self.language = language
        self.palette = palette
        self._lines: list[Text] | None = None

    def lines(self) -> list[Text]:
        """The highlighted lines (highlighted once)."""
        if self._lines is None:
            text = Text(self.code)
            if self.language in ("python", "py", "python3"):
                from rich.syntax import Syntax

                theme = "monokai" if self.palette.dark else "friendly"
                syntax = Syntax("", "python", theme=theme, background_color="default")
                text = syntax.highlight(self.code)
                text.rstrip()
            self._lines = list(text.split("\n", allow_blank=True))
        return self._lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        inner = max(width - 2, 8)
        background = self.palette.fence
        marker = Text(CONTINUED, style=self.palette.muted)
        blank = Text(" " * width, style=background, end="\n")
        yield blank
        for line in self.lines():
            pieces: list[Text] = []
            rest, limit = line, inner
            while cell_len(rest.plain) > limit:
                cut = _break_at(rest.plain, limit)
                pieces.append(rest[:cut])
                rest = marker + rest[cut:]
                limit = inner
            pieces.append(rest)
            for piece in pieces:
                row = Text(" ", style=background, end="\n", no_wrap=True, overflow="crop")
                row.append_text(piece)
                row.pad_right(width - row.cell_len)
                row.stylize_before(background)
                yield row
        yield blank


def _break_at(line: str, limit: int) -> int:
    """Where to fold a code line at most ``limit`` wide: after its last space in the second half of
    the width, else at the limit."""
    space = line.rfind(" ", 0, limit)
    return space + 1 if space >= limit // 2 else limit


# --- tables -----------------------------------------------------------------------------------------

# A cell that reads as a formula (an operator between spaces, or a call like max(0, x)) is kept whole.
_FORMULA = re.compile(r"(\s[-+*/=<>^]\s|\w\(|\^|\d\s*[-+*/]\s*\d)")


def _formula_width(cell: str) -> int:
    """The width a formula cell needs on one line (0 for other cells, which may wrap)."""
    return cell_len(cell.strip()) if _FORMULA.search(cell) else 0


def _widths(minimum: list[int], maximum: list[int], available: int) -> list[int] | None:
    """Column widths within ``available``: each at least its minimum, the room left shared out by how
    much more each column could use. None when even the minimums do not fit."""
    if sum(maximum) <= available:
        return maximum
    if sum(minimum) > available:
        return None
    widths = list(minimum)
    room = available - sum(widths)
    while room > 0:
        wanting = [index for index, width in enumerate(widths) if width < maximum[index]]
        if not wanting:
            break
        share = max(room // len(wanting), 1)
        for index in wanting:
            grant = min(share, maximum[index] - widths[index], room)
            widths[index] += grant
            room -= grant
            if room == 0:
                break
    return widths


class MarkdownTable:
    """A table whose formula and code cells stay on one line whenever the width allows it."""

    GAP = 3  # a space, the column divider's space and a space between two columns

    def __init__(self, rows: list[list[Text]], plain: list[list[str]], palette: Palette) -> None:
        self.rows = rows  # the header row first
        self.palette = palette
        columns = max((len(row) for row in rows), default=0)
        cells = [[row[index] if index < len(row) else "" for row in plain] for index in range(columns)]
        self.maximum = [max(cell_len(cell.strip()) for cell in column) for column in cells]
        self.minimum = [
            max(max(_formula_width(cell), _longest_word(cell)) for cell in column) for column in cells
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        columns = len(self.maximum)
        available = options.max_width - self.GAP * max(columns - 1, 0)
        widths = _widths(self.minimum, self.maximum, available)
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            header_style=self.palette.heading,
            border_style=self.palette.table_border,
        )
        header, *body = self.rows or [[]]
        for index in range(columns):
            title = header[index] if index < len(header) else ""
            table.add_column(title, width=widths[index] if widths else None)
        for row in body:
            table.add_row(*row)
        yield table


def _longest_word(cell: str) -> int:
    return max((cell_len(word) for word in cell.split()), default=0)


def _table(tokens: list[Token], palette: Palette) -> MarkdownTable:
    rows: list[list[Text]] = []  # the header row first
    plain: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
            plain.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(_inline_text(token.children or [], palette))
            plain[-1].append(token.content)
    return MarkdownTable(rows, plain, palette)


# --- blocks -----------------------------------------------------------------------------------------


def _closing(tokens: list[Token], start: int) -> int:
    """The index of the token that closes the one at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _blocks(tokens: list[Token], palette: Palette) -> list[RenderableType]:
    """Renderables for a run of block tokens (recursively for lists)."""
    blocks: list[RenderableType] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1:])
            inline = tokens[index + 1]
            style = palette.title if level <= 2 else palette.heading
            blocks.append(_inline_text(inline.children or [], palette, style))
            index += 3
            continue
        if kind == "paragraph_open":
            blocks.append(_inline_text(tokens[index + 1].children or [], palette))
            index += 3
            continue
        if kind in ("fence", "code_block"):
            blocks.append(CodeFence(token.content, token.info.strip().split(" ")[0], palette))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, index)
            blocks.append(_list(tokens[index + 1 : end], palette, ordered=kind == "ordered_list_open"))
            index = end
        elif kind == "table_open":
            end = _closing(tokens, index)
            blocks.append(_table(tokens[index + 1 : end], palette))
            index = end
        elif kind == "blockquote_open":
            end = _closing(tokens, index)
            grid = Table.grid()
            grid.add_column(width=2, style=palette.muted)
            grid.add_column(ratio=1)
            grid.add_row("▌", _spaced(_blocks(tokens[index + 1 : end], palette)))
            blocks.append(grid)
            index = end
        elif kind == "hr":
            blocks.append(Text("─" * 20, style=palette.muted))
        index += 1
    return blocks


def _list(tokens: list[Token], palette: Palette, *, ordered: bool) -> Table:
    grid = Table.grid()
    items: list[list[Token]] = []
    index = 0
    while index < len(tokens):
        if tokens[index].type == "list_item_open":
            end = _closing(tokens, index)
            items.append(tokens[index + 1 : end])
            index = end
        index += 1
    markers = [f"{number}. " for number in range(1, len(items) + 1)] if ordered else ["• "] * len(items)
    grid.add_column(width=max(len(marker) for marker in markers) if markers else 2)
    grid.add_column(ratio=1)
    for marker, item in zip(markers, items):
        grid.add_row(Text(marker, style=palette.muted if not ordered else ""), Group(*_blocks(item, palette)))
    return grid


def _spaced(blocks: list[RenderableType]) -> Group:
    """Blocks with a blank line between them, as paragraphs are set apart."""
    spaced: list[RenderableType] = []
    for block in blocks:
        if spaced:
            spaced.append(Text(""))
        spaced.append(block)
    return Group(*spaced)


def render_markdown(markdown: str, palette: Palette) -> Group:
    """The renderable for a piece of lesson markdown."""
    return _spaced(_blocks(_parser().parse(markdown), palette))


class LessonText(Widget):
    """Lesson markdown drawn as one widget, in the app theme's colours (re-drawn when it changes)."""

    DEFAULT_CSS = """
    LessonText { height: auto; margin: 0 0 1 0; }
    """

    def __init__(
        self, markdown: str, *, id: str | None = None, classes: str | None = None, name: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, name=name)
        self.source = markdown
        self._rendered: tuple[str, Group] | None = None
        self._height: tuple[tuple[int, str], int] | None = None  # ((width, theme), height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Every layout of the lesson asks each block its height; drawing the text to count its lines
        # once per width is enough.
        key = (width, self.app.current_theme.name)
        if self._height is None or self._height[0] != key:
            self._height = (key, super().get_content_height(container, viewport, width))
        return self._height[1]

    def render(self) -> RenderableType:
        theme = self.app.current_theme
        if self._rendered is None or self._rendered[0] != theme.name:
            palette = Palette.from_variables(self.app.theme_variables, bool(theme.dark))
            self._rendered = (theme.name, render_markdown(self.source, palette))
        return self._rendered[1]

    def update(self, markdown: str) -> None:
        """Show other markdown."""
        self.source = markdown
        self._rendered = self._height = None
        self.refresh(layout=True)
