"""The lesson's jump list: its sections and exercises; Enter goes there."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class JumpScreen(ModalScreen[str | None]):
    """Dismisses with the id of the chosen target widget, or None.

    ``targets`` is a list of ``(widget_id, label, is_exercise)`` in document order.
    """

    DEFAULT_CSS = """
    JumpScreen { align: center middle; background: $background 60%; }
    JumpScreen > #jump {
        width: 70;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    JumpScreen #jump-title { text-style: bold; margin-bottom: 1; }
    JumpScreen OptionList { height: auto; max-height: 20; border: none; }
    """

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, targets: list[tuple[str, str, bool]], current: str | None = None) -> None:
        super().__init__()
        self.targets = targets
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for widget_id, label, is_exercise in self.targets:
            prompt = Text("  ✎ " + label, style="italic") if is_exercise else Text("§ " + label)
            options.append(Option(prompt, id=widget_id))
        with Vertical(id="jump"):
            yield Static("Jump to (Enter goes, Esc closes)", id="jump-title")
            yield OptionList(*options)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.focus()
        ids = [widget_id for widget_id, _, _ in self.targets]
        if self.current in ids:
            option_list.highlighted = ids.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
