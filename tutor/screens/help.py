"""``?``: every key, screen by screen, read from the screens' own bindings so it never goes stale."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys of Textual's own widgets that a learner uses here; not declared in our BINDINGS.
EDITOR_KEYS = [
    ("tab", "indent (in the code editor)"),
    ("enter / backspace", "new line at the same indent (one more after ':') / one indent less"),
    ("ctrl+home / ctrl+end", "start / end of the code"),
    ("alt+z", "wrap long lines on or off"),
    ("ctrl+z / ctrl+y", "undo / redo"),
    ("ctrl+c / ctrl+x / ctrl+v", "copy / cut / paste"),
    ("shift+arrows", "select text"),
    ("ctrl+a / ctrl+e", "start / end of line"),
    ("f6 / f7", "select line / select all"),
]
GENERAL_KEYS = [
    ("tab / shift+tab", "move between an exercise's answer and its buttons"),
    ("space / enter", "press a button, pick an option"),
    ("arrows, pgup / pgdn", "move and scroll"),
    ("ctrl+p", "command palette: jump to any lesson or exercise, reset an exercise, change theme"),
    ("ctrl+q", "quit from anywhere (your work is saved as you go)"),
]


def _pretty_key(keys: str) -> str:
    names = []
    for key in keys.split(","):
        key = key.strip()
        names.append({"question_mark": "?", "escape": "esc", "enter": "enter"}.get(key, key))
    return " / ".join(names)


def binding_rows(
    bindings: Iterable[Binding | tuple], descriptions: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """``(keys, what they do)`` for each binding; ``descriptions`` (by action) replaces the short
    footer text where the help should say more."""
    rows = []
    for binding in bindings:
        if isinstance(binding, tuple):
            binding = Binding(*binding)
        description = (descriptions or {}).get(binding.action, binding.description)
        if description:
            rows.append((_pretty_key(binding.key), description))
    return rows


def help_sections(app_bindings: Iterable[Binding | tuple]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The key list, section by section; ``app_bindings`` are the running app's own (its ``BINDINGS``),
    which work on every screen."""
    from tutor.screens.home import HomeScreen
    from tutor.screens.lesson import LessonScreen

    lesson_descriptions = {
        "check": "check the current exercise",
        "hint": "show the next hint (one at a time)",
        "reveal": "reveal the solution (asks first; recorded)",
        "reset": "reset the exercise to its starter (asks first)",
        "next_exercise": "next exercise",
        "previous_exercise": "previous exercise",
        "jump": "jump to a section or exercise",
        "leave_answer": "leave the answer (editor, field, list) for the exercise's buttons",
        "back": "then: back to the lesson list",
        "tab(1)": "the current exercise's next control (answer, then buttons)",
        "tab(-1)": "the current exercise's previous control",
    }
    lesson_rows = binding_rows(LessonScreen.BINDINGS, lesson_descriptions)
    home_descriptions = {
        "open_lesson": "open the highlighted lesson",
        "continue": "continue: go to your first unfinished exercise",
        "playground": "open the training playground",
        "quit": "quit (everything is already saved)",
    }
    home_rows = binding_rows(HomeScreen.BINDINGS, home_descriptions)
    return [
        ("Lesson list", home_rows),
        ("In a lesson", [*lesson_rows, ("enter", "check a numeric answer")]),
        ("Code editor", EDITOR_KEYS),
        ("Everywhere", binding_rows(app_bindings, {"help": "this list of keys"}) + GENERAL_KEYS),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works. Esc, q or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > #help {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True, width=24)
        table.add_column(ratio=1)
        for index, (title, rows) in enumerate(help_sections(self.app.BINDINGS)):
            if index:
                table.add_row("", "")
            table.add_row(Text(title, style="bold underline"), "")
            for key, description in rows:
                table.add_row(key, description)
        scroll = VerticalScroll(Static(table), id="help")
        scroll.border_title = "Keys"
        scroll.border_subtitle = "esc closes"
        yield scroll

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
