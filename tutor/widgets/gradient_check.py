"""The gradient check of a backward pass, shown over the lesson: for each gradient the learner's
analytic values next to the numerical estimates, their difference, the relative error and the verdict.

``GradientCheckScreen(check)`` takes a grader ``GradientCheck`` (``verdict``, ``passed``, ``threshold``,
``entries``: each ``GradientEntry`` has ``name``, ``shape``, ``analytic``, ``numeric`` (the first values,
flattened), ``relative_error`` and ``ok``). Laid out for 80x24: the verdict and every gradient's relative
error on top, then one small table per gradient in a scroll; escape closes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from tutor.grader.results import GradientCheck, GradientEntry


def format_value(value: float) -> str:
    """A gradient value in 11 columns: ``+1.2346e-03``, ``+0.0000e+00``, ``nan``."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:+.4e}"


def entry_heading(entry: GradientEntry) -> Text:
    """``✓ dweights (2, 64)  relative error 3.2e-09`` in the entry's colour."""
    shape = "(" + ", ".join(str(size) for size in entry.shape) + ("," if len(entry.shape) == 1 else "") + ")"
    text = Text()
    text.append("✓ " if entry.ok else "✗ ", style="bold green" if entry.ok else "bold red")
    text.append(entry.name, style="bold")
    text.append(f" {shape}  relative error {entry.relative_error:.1e}")
    return text


def overview(entries: list[GradientEntry]) -> Text:
    """Every gradient on one line (wrapping): ``✗ dweights 4.1e-01  ✓ dbiases 2.0e-10``."""
    text = Text()
    for entry in entries:
        if text:
            text.append("   ")
        text.append("✓ " if entry.ok else "✗ ", style="bold green" if entry.ok else "bold red")
        text.append(f"{entry.name} {entry.relative_error:.1e}")
    return text


def entry_table(entry: GradientEntry) -> Table:
    """The entry's values: index, the learner's (analytic), the numerical estimate, the difference."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("yours (backward)", justify="right")
    table.add_column("numerical", justify="right")
    table.add_column("difference", justify="right")
    for index, (analytic, numeric) in enumerate(zip(entry.analytic, entry.numeric)):
        difference = analytic - numeric
        scale = max(abs(analytic), abs(numeric))
        off = not math.isfinite(difference) or abs(difference) > 1e-3 * max(scale, 1e-12)
        table.add_row(
            str(index),
            format_value(analytic),
            format_value(numeric),
            Text(format_value(difference), style="red" if off and not entry.ok else "dim"),
        )
    total = math.prod(entry.shape) if entry.shape else len(entry.analytic)
    if total > len(entry.analytic):
        table.caption = f"the first {len(entry.analytic)} of {total} values"
        table.caption_justify = "left"
    return table


class GradientCheckScreen(ModalScreen[None]):
    """One gradient check, readable at 80x24; escape (or q) closes it."""

    DEFAULT_CSS = """
    GradientCheckScreen { align: center middle; background: $background 60%; }
    GradientCheckScreen > #gradient-dialog {
        width: 100%;
        max-width: 96;
        height: 1fr;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    GradientCheckScreen #gradient-verdict { height: auto; text-style: bold; }
    GradientCheckScreen #gradient-overview { height: auto; margin-bottom: 1; }
    GradientCheckScreen #gradient-verdict.-passed { color: $text-success; }
    GradientCheckScreen #gradient-verdict.-failed { color: $text-error; }
    GradientCheckScreen #gradient-entries { height: 1fr; }
    GradientCheckScreen .gradient-entry { height: auto; margin-bottom: 1; }
    GradientCheckScreen .gradient-entry-heading { height: auto; margin-top: 1; }
    GradientCheckScreen .gradient-note { height: auto; color: $text-muted; }
    """

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, check: GradientCheck, *, title: str = "Gradient check") -> None:
        super().__init__()
        self.check = check
        self.title_text = title

    def compose(self) -> ComposeResult:
        check = self.check
        with Vertical(id="gradient-dialog") as dialog:
            dialog.border_title = self.title_text
            dialog.border_subtitle = "escape: close"
            verdict = Static(
                ("✓ " if check.passed else "✗ ") + check.verdict,
                id="gradient-verdict",
                classes="-passed" if check.passed else "-failed",
            )
            yield verdict
            yield Static(overview(check.entries), id="gradient-overview")
            with VerticalScroll(id="gradient-entries"):
                yield Static(
                    "Your backward pass's values next to numerical estimates (from nudging each input "
                    f"a tiny step); a gradient passes with a relative error under {check.threshold:.0e}.",
                    classes="gradient-note",
                )
                for entry in check.entries:
                    body = Text.assemble(entry_heading(entry))
                    yield Static(body, classes="gradient-entry-heading")
                    yield Static(entry_table(entry), classes="gradient-entry")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#gradient-entries", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
