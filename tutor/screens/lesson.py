"""A lesson: its text, plots and training runs in one scroll, with the exercises in place.

The keys act on the *current* exercise: the one that holds the keyboard, or the last one that did.
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections.abc import Callable, Iterator
from functools import partial

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Static

from tutor.curriculum import Exercise, Lesson, MarkdownBlock, PlotBlock, PlotSpec, TrainBlock
from tutor.progress import lesson_progress
from tutor.screens.base import TutorScreen
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.lesson_blocks import Section, TrainButton
from tutor.widgets.markdown_text import LessonText

_FENCE = re.compile(r"^\s*(```|~~~)")

# The screen opens with the first few blocks of text (no plot: drawing one needs NumPy and plotext
# loaded) and mounts the rest in a few batches after the first frame: the top is readable at once,
# keys keep working, and each batch costs one layout of the lesson.
FIRST_WIDGETS = 4
MOUNT_BATCH = 12


def split_sections(text: str) -> list[tuple[str | None, str]]:
    """Cut markdown at its ``##`` headings (outside code fences).

    Returns ``(heading, chunk)`` pairs in order; the chunk includes its heading line. Text before the
    first ``##`` heading comes with heading None.
    """
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            sections.append((line[3:].strip().strip("#").strip(), []))
        sections[-1][1].append(line)
    return [
        (heading, "\n".join(lines).strip("\n")) for heading, lines in sections if "\n".join(lines).strip()
    ]


def plot_placeholder_text(spec: PlotSpec) -> str:
    """One line saying what a plot block would draw, for a plot that cannot be drawn."""
    if spec.data is not None:
        return f"plot: {spec.data} data ({spec.samples} samples, {spec.classes} classes)"
    low, high = spec.range
    return f"plot: the {spec.function} function from {low:g} to {high:g}"


class _PlotBuilder:
    """Builds a plot's widget: marked apart because the first one made loads NumPy and plotext."""

    def __init__(self, build: Callable[[], Widget]) -> None:
        self.build = build

    def __call__(self) -> Widget:
        return self.build()


class LessonScreen(TutorScreen[None]):
    """One lesson. Escape goes back to the lesson list."""

    DEFAULT_CSS = """
    LessonScreen #lesson-body { padding: 0 1; scrollbar-gutter: stable; align-horizontal: center; }
    /* Long lines are hard to read: on very wide terminals the lesson keeps a readable column. */
    LessonScreen #lesson-body > * { max-width: 120; }
    LessonScreen .plot-placeholder {
        border: round $panel-lighten-2;
        color: $text-muted;
        padding: 0 1;
        margin: 1 0;
    }
    LessonScreen .train-button { margin: 1 0; }
    LessonScreen .objectives {
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: thick $secondary;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("ctrl+r,f5", "check", "Check"),
        Binding("ctrl+t", "hint", "Hint"),
        Binding("ctrl+o", "reveal", "Solution"),
        Binding("ctrl+l", "reset", "Reset", show=False),
        Binding("ctrl+n,ctrl+down", "next_exercise", "Next"),
        Binding("ctrl+up", "previous_exercise", "Previous", show=False),
        Binding("ctrl+g", "jump", "Go to"),
        Binding("e", "edit_externally", "open the code in your own editor ($EDITOR)", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, lesson: Lesson, *, focus_exercise: str | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        self.focus_exercise = focus_exercise
        self.current: ExercisePanel | None = None
        self.title = f"Lesson {lesson.order}: {lesson.title}"
        self.loaded = False  # every block mounted
        self._unmounted: list[Callable[[], Widget]] = []
        self._waiting: list[Callable[[], None]] = []

    # --- building -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        builders = list(self._blocks())
        first = 0
        while first < min(FIRST_WIDGETS, len(builders)) and not isinstance(builders[first], _PlotBuilder):
            first += 1
        self._unmounted = builders[first:]
        yield Header()
        with VerticalScroll(id="lesson-body"):
            for build in builders[:first]:
                yield build()
        yield Footer(compact=True)

    def _blocks(self) -> Iterator[Callable[[], Widget]]:
        """A builder for each block's widget, in order (widgets are made only when mounted)."""
        exercises = list(self.lesson.exercises)
        if self.lesson.objectives:
            goals = "\n".join(f"- {objective}" for objective in self.lesson.objectives)
            count = f"{len(exercises)} exercise{'s' if len(exercises) != 1 else ''}"
            yield partial(
                LessonText,
                f"**In this lesson** (about {self.lesson.minutes} min, {count}) you learn to:\n\n{goals}",
                classes="objectives",
            )
        section_number = exercise_number = 0
        for block in self.lesson.blocks:
            match block:
                case MarkdownBlock():
                    for heading, chunk in split_sections(block.text):
                        if heading is None:
                            yield partial(LessonText, chunk)
                        else:
                            section_number += 1
                            yield partial(Section, chunk, heading=heading, id=f"section-{section_number}")
                case PlotBlock():
                    yield _PlotBuilder(partial(self._plot, block.spec))
                case TrainBlock():
                    yield partial(TrainButton, block)
                case Exercise():
                    exercise_number += 1
                    yield partial(
                        ExercisePanel.create,
                        block,
                        number=exercise_number,
                        total=len(exercises),
                        store=self.tutor.store,
                        get_grader=self.tutor.get_grader,
                    )

    @staticmethod
    def _plot(spec: PlotSpec) -> Widget:
        from tutor.widgets.plots import LessonPlot

        try:
            return LessonPlot(spec)
        except Exception as error:  # a plot that cannot be drawn must not take the lesson down
            return Static(
                f"{plot_placeholder_text(spec)}: cannot be drawn ({error})", classes="plot-placeholder"
            )

    def on_mount(self) -> None:
        self._update_subtitle()
        self.body.focus()
        if self.focus_exercise:
            self.go_to(self.focus_exercise)
        self.run_worker(self._mount_rest(), group="lesson-mount")

    async def _mount_rest(self) -> None:
        body = self.body
        # Plots need NumPy and plotext: load them in a thread while the text goes up.
        plots_loaded = asyncio.ensure_future(
            asyncio.to_thread(importlib.import_module, "tutor.widgets.plots")
        )
        while self._unmounted:
            batch, self._unmounted = self._unmounted[:MOUNT_BATCH], self._unmounted[MOUNT_BATCH:]
            if any(isinstance(build, _PlotBuilder) for build in batch):
                await plots_loaded
            await body.mount_all([build() for build in batch])
        await plots_loaded
        self.loaded = True
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` now if every block is mounted, else as soon as they are."""
        if self.loaded:
            callback()
        else:
            self._waiting.append(callback)

    def go_to(self, exercise_id: str) -> None:
        """Show exercise ``exercise_id`` and put the keyboard in its answer, as soon as it is mounted."""
        self.focus_exercise = exercise_id
        self.when_loaded(self._go_to_focus_exercise)

    def _go_to_focus_exercise(self) -> None:
        target = self._panel(self.focus_exercise)
        if target is not None:
            self.call_after_refresh(self.go_to_exercise, target)

    @property
    def body(self) -> VerticalScroll:
        """The lesson's scroll: its text, plots and exercises in document order."""
        return self.query_one("#lesson-body", VerticalScroll)

    # --- exercises ------------------------------------------------------------------------------

    @property
    def panels(self) -> list[ExercisePanel]:
        return list(self.query(ExercisePanel))

    def _panel(self, exercise_id: str | None) -> ExercisePanel | None:
        for panel in self.panels:
            if panel.exercise.id == exercise_id:
                return panel
        return None

    def set_current(self, panel: ExercisePanel | None) -> None:
        if panel is self.current:
            return
        if self.current is not None:
            self.current.remove_class("-current")
        self.current = panel
        if panel is not None:
            panel.add_class("-current")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for ancestor in event.widget.ancestors_with_self:
            if isinstance(ancestor, ExercisePanel):
                self.set_current(ancestor)
                return

    def go_to_exercise(self, panel: ExercisePanel) -> None:
        self.set_current(panel)
        panel.focus_answer()
        # After the next layout: freshly mounted blocks above may not have their size yet.
        self.call_after_refresh(self._scroll_to_top, panel)

    def _scroll_to_top(self, widget: Widget) -> None:
        self.body.scroll_to_widget(widget, top=True, animate=False)

    def _target(self) -> ExercisePanel | None:
        """The current exercise, else the first one in view."""
        if self.current is not None:
            return self.current
        body = self.body
        for panel in self.panels:
            if panel.region.y < body.region.bottom and panel.region.bottom > body.region.y:
                return panel
        return None

    def _with_target(self, action: Callable[[ExercisePanel], None]) -> None:
        panel = self._target()
        if panel is None:
            message = (
                "This lesson has no exercises." if not self.panels else "Go to an exercise first (ctrl+n)."
            )
            self.notify(message)
            return
        self.set_current(panel)
        action(panel)

    def action_check(self) -> None:
        self.when_loaded(lambda: self._with_target(lambda panel: panel.check()))

    def action_hint(self) -> None:
        self.when_loaded(lambda: self._with_target(lambda panel: panel.next_hint()))

    def action_reveal(self) -> None:
        self.when_loaded(lambda: self._with_target(lambda panel: panel.ask_reveal()))

    def action_reset(self) -> None:
        self.when_loaded(lambda: self._with_target(lambda panel: panel.ask_reset()))

    def action_edit_externally(self) -> None:
        from tutor.widgets.code_exercise import edit_externally

        self.when_loaded(lambda: self._with_target(edit_externally))

    def _step(self, offset: int) -> None:
        panels = self.panels
        if not panels:
            self.notify("This lesson has no exercises.")
            return
        if self.current in panels:
            index = panels.index(self.current) + offset
        else:
            index = 0 if offset > 0 else len(panels) - 1
        if not 0 <= index < len(panels):
            self.notify("That was the last exercise." if offset > 0 else "This is the first exercise.")
            return
        self.go_to_exercise(panels[index])

    def action_next_exercise(self) -> None:
        self.when_loaded(lambda: self._step(1))

    def action_previous_exercise(self) -> None:
        self.when_loaded(lambda: self._step(-1))

    def on_exercise_panel_status_changed(self, event: ExercisePanel.StatusChanged) -> None:
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        exercises = self.lesson.exercises
        if not exercises:
            self.sub_title = f"about {self.lesson.minutes} min"
            return
        passed, _ = lesson_progress(self.lesson, self.tutor.store.statuses())
        self.sub_title = f"{passed}/{len(exercises)} passed"

    # --- navigation -----------------------------------------------------------------------------

    def jump_targets(self) -> list[tuple[str, str, bool]]:
        """``(widget id, label, is_exercise)`` of every section and exercise, for the jump list."""
        targets = []
        for widget in self.body.children:
            if widget.id is None:
                continue
            if isinstance(widget, ExercisePanel):
                label = f"Exercise {widget.number}: {widget.exercise.id} ({widget.border_subtitle})"
                targets.append((widget.id, label, True))
            elif isinstance(widget, Section) and widget.heading:
                targets.append((widget.id, widget.heading, False))
        return targets

    def action_jump(self) -> None:
        self.when_loaded(self._open_jump_list)

    def _open_jump_list(self) -> None:
        from tutor.screens.jump import JumpScreen

        def chosen(widget_id: str | None) -> None:
            if not widget_id:
                return
            target = self.query_one(f"#{widget_id}")
            if isinstance(target, ExercisePanel):
                self.go_to_exercise(target)
            else:
                self._scroll_to_top(target)

        current = self.current.id if self.current is not None else None
        self.app.push_screen(JumpScreen(self.jump_targets(), current), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, TrainButton):
            event.stop()
            self.tutor.open_playground(event.button.block.config, autostart=True)
