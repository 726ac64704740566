"""The lesson list: progress per lesson and overall, the next step, lessons that failed to load.

The table fits the terminal's width (80 columns and up): long titles are shortened with an ellipsis.
Returning from a lesson puts the highlight on that lesson, or on the next one when it is finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, ProgressBar, Static

from tutor.progress import UNFINISHED, lesson_progress, next_step, status_of
from tutor.screens.base import TutorScreen
from tutor.store import Status

if TYPE_CHECKING:
    from tutor.curriculum import Curriculum, Exercise, Lesson

BAR_WIDTH = 8
SEEN_MARK = "◆"  # after a lesson's count: a solution was revealed in it
# Columns other than the title, with their cell padding, plus the page's padding and a scrollbar.
OTHER_COLUMNS_WIDTH = 3 + 8 + 17 + 2 + 2 + 2
MIN_TITLE_WIDTH = 20
SUBTITLE = "neural networks from scratch"


def progress_bar_text(passed: int, total: int, seen: int = 0) -> Text:
    """``5/6◆ ██████░░``: the count (◆ when a solution was seen), then the bar."""
    filled = round(BAR_WIDTH * passed / total) if total else 0
    text = Text(f"{passed}/{total}".rjust(5))
    text.append(SEEN_MARK if seen else " ", style="magenta")
    text.append(" ")
    text.append("█" * filled, style="green")
    text.append("░" * (BAR_WIDTH - filled), style="dim")
    return text


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis when longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


class HomeScreen(TutorScreen[None]):
    """Lessons in order; Enter opens one, ``c`` goes straight to the next unfinished exercise."""

    DEFAULT_CSS = """
    HomeScreen #home { padding: 0 1; }
    HomeScreen #overall { height: auto; margin-top: 1; }
    HomeScreen #overall ProgressBar { width: 100%; }
    HomeScreen #overall Bar { width: 1fr; }
    HomeScreen #next-step { margin: 1 0; color: $text-accent; }
    HomeScreen #lessons { height: 1fr; }
    HomeScreen #broken { height: auto; margin-top: 1; color: $text-error; }
    HomeScreen #actions { height: auto; margin-top: 1; }
    HomeScreen #actions Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("enter", "open_lesson", "Open", show=True),
        Binding("c", "continue", "Continue"),
        Binding("p", "playground", "Playground"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "nntutor"
        self.sub_title = SUBTITLE
        # The cursor starts on the next lesson, then stays where the learner puts it, until they come
        # back from a lesson.
        self._placed_cursor = False
        self._followed = 0  # the app's lessons_opened when the highlight last followed the learner
        # The title width the rows were drawn for (a resize to the same width draws nothing), and
        # whether the rows were just drawn on mount (the first resume then has nothing new to show).
        self._drawn_width: int | None = None
        self._just_mounted = False

    def compose(self) -> ComposeResult:
        yield Header()
        # The page itself does not scroll: the progress, the next step and the actions stay in view,
        # and the lesson table takes the rows left (it scrolls, with its scrollbar, at 80x24).
        with Vertical(id="home"):
            with Vertical(id="overall"):
                yield Static(id="overall-text")
                yield ProgressBar(show_eta=False, id="overall-bar")
            yield Static(id="next-step")
            table: DataTable[Any] = DataTable(id="lessons", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="broken")
            with Horizontal(id="actions"):
                yield Button("Continue (c)", id="continue", variant="primary", compact=True)
                yield Button("Playground (p)", id="playground", compact=True)
                yield Button("Help (?)", id="help", compact=True)
        yield Footer(compact=True)

    @property
    def curriculum(self) -> Curriculum:
        return self.tutor.curriculum

    @property
    def lesson_table(self) -> DataTable[Any]:
        return self.query_one("#lessons", DataTable)

    def on_mount(self) -> None:
        table = self.lesson_table
        table.add_column(" ", key="mark")
        table.add_column("Lesson", key="lesson")
        table.add_column("Time", key="time")
        table.add_column("Passed", key="passed")
        self.refresh_progress()
        self._just_mounted = True
        table.focus()
        self._show_broken()

    def on_screen_resume(self) -> None:
        if self._just_mounted:
            self._just_mounted = False
        else:
            self.refresh_progress()
        self._follow_learner()

    def on_resize(self, event: object) -> None:
        if self.lesson_table.row_count and self._title_width() != self._drawn_width:
            self.refresh_progress()

    def _follow_learner(self) -> None:
        """Back from lessons: highlight the last one opened, or the lesson after it once nothing in it
        is left to do. However the learner left it (escape, ctrl+n to the next lesson, the palette)."""
        tutor = self.tutor
        if tutor.lessons_opened == self._followed:
            return  # back from somewhere else (the playground, the help): the highlight stays
        self._followed = tutor.lessons_opened
        lessons = self.curriculum.lessons
        ids = [lesson.id for lesson in lessons]
        if tutor.last_lesson_id not in ids:
            return
        index = ids.index(tutor.last_lesson_id)
        statuses = tutor.store.statuses()
        finished = all(status_of(statuses, e.id) not in UNFINISHED for e in lessons[index].exercises)
        if finished and index + 1 < len(lessons):
            index += 1
        self.lesson_table.move_cursor(row=index, animate=False)

    def _title_width(self) -> int:
        return max(MIN_TITLE_WIDTH, self.size.width - OTHER_COLUMNS_WIDTH)

    def _seen(self, lesson: Lesson, statuses: dict[str, Status]) -> int:
        """How many of the lesson's exercises were passed after revealing the solution (or revealed)."""
        store = self.tutor.store
        return sum(
            statuses.get(e.id) is Status.REVEALED
            or (statuses.get(e.id) is Status.PASSED and store.revealed(e.id))
            for e in lesson.exercises
        )

    def show_saving(self) -> None:
        """The subtitle says whether progress is being saved now (a failed write stops it, a later
        write that works starts it again)."""
        saving = self.tutor.store.saving
        self.sub_title = SUBTITLE if saving else "progress is NOT being saved (see the notice)"

    def refresh_progress(self) -> None:
        """Re-read the store and redraw every row, the totals, the next step and the subtitle."""
        self.show_saving()
        table = self.lesson_table
        statuses = self.tutor.store.statuses()
        step = next_step(self.curriculum, statuses)
        next_lesson = step[0] if step else None
        cursor = table.cursor_row
        table.clear()
        table.styles.max_height = len(self.curriculum.lessons) + 1  # the header and every lesson, no more
        passed_total = exercise_total = lessons_done = seen_total = 0
        title_width = self._drawn_width = self._title_width()
        for lesson in self.curriculum.lessons:
            passed, total = lesson_progress(lesson, statuses)
            seen = self._seen(lesson, statuses)
            seen_total += seen
            passed_total += passed
            exercise_total += total
            lessons_done += bool(total) and passed == total
            if lesson is next_lesson:
                mark = Text("▶", style="bold")
            elif total and passed == total:
                mark = Text("✓", style="green")
            else:
                mark = Text(" ")
            title = Text(
                fit(f"{lesson.order}. {lesson.title}", title_width),
                style="bold" if lesson is next_lesson else "",
            )
            table.add_row(
                mark,
                title,
                Text(f"{lesson.minutes} min", style="dim"),
                progress_bar_text(passed, total, seen) if total else Text("reading", style="dim"),
                key=lesson.id,
            )
        self._show_overall(passed_total, exercise_total, lessons_done, step, statuses, seen_total)
        if not self.curriculum.lessons:
            return
        if next_lesson is not None and not self._placed_cursor:
            cursor = self.curriculum.lessons.index(next_lesson)
        self._placed_cursor = True
        table.move_cursor(row=min(max(cursor, 0), len(self.curriculum.lessons) - 1), animate=False)

    def _show_overall(
        self,
        passed: int,
        total: int,
        lessons_done: int,
        step: tuple[Lesson, Exercise] | None,
        statuses: dict[str, Status],
        seen: int = 0,
    ) -> None:
        text = Text()
        text.append("Your progress: ", style="bold")
        text.append(
            f"{passed} of {total} exercises passed, {lessons_done} of {len(self.curriculum.lessons)} lessons complete"
        )
        if seen:
            text.append(f" ({SEEN_MARK} {seen} solution{'s' if seen > 1 else ''} seen)", style="magenta")
        self.query_one("#overall-text", Static).update(text)
        self.query_one("#overall-bar", ProgressBar).update(total=max(total, 1), progress=passed)
        next_text = self.query_one("#next-step", Static)
        if not self.curriculum.lessons:
            next_text.update("No lessons found.")
        elif step is None:
            next_text.update("Every exercise is done. Revisit any lesson, or try the playground.")
        else:
            lesson, exercise = step
            started = any(
                statuses.get(e.id, Status.NOT_STARTED) is not Status.NOT_STARTED
                for e in self.curriculum.exercises
            )
            verb = "Continue with" if started else "Start with"
            next_text.update(
                f"▶ {verb} lesson {lesson.order}, {lesson.title}: exercise {exercise.id!r}. "
                "Press c to go straight there, Enter to open the highlighted lesson."
            )

    def _show_broken(self) -> None:
        broken = self.query_one("#broken", Static)
        if not self.curriculum.broken:
            broken.display = False
            return
        count = len(self.curriculum.broken)
        text = Text(f"⚠ {count} lesson file{'s' if count > 1 else ''} could not be loaded:\n", style="bold")
        for item in self.curriculum.broken:
            name = item.path.name
            where = f"{name}, line {item.line}" if item.line else f"{name}"
            text.append(f"  {where}: {item.error}\n", style="")
        text.rstrip()
        broken.update(text)

    # --- actions --------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_lesson(event.row_key.value)

    def action_open_lesson(self) -> None:
        table = self.lesson_table
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            if row_key.value is not None:
                self.open_lesson(row_key.value)

    def open_lesson(self, lesson_id: str, exercise_id: str | None = None) -> None:
        self.tutor.open_lesson(lesson_id, exercise_id)

    def action_continue(self) -> None:
        step = next_step(self.curriculum, self.tutor.store.statuses())
        if step is None:
            self.notify("Every exercise is done. Well done!")
            return
        lesson, exercise = step
        self.open_lesson(lesson.id, exercise.id)

    def action_playground(self) -> None:
        self.tutor.open_playground()

    def action_quit(self) -> None:
        self.app.exit()

    @on(Button.Pressed, "#continue")
    def _continue_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_continue()

    @on(Button.Pressed, "#playground")
    def _playground_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_playground()

    @on(Button.Pressed, "#help")
    def _help_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.tutor.action_help()
