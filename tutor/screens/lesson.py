"""A lesson: its text, plots and training runs in one scroll, with the exercises in place.

The keys act on the *current* exercise: the one that holds the keyboard, or the last one that did.
``ctrl+n`` goes to the next exercise below what the learner is reading; after the last one comes the
lesson's recap (its objectives) with the next lesson one more ``ctrl+n`` away. Escape leaves an answer
widget for the exercise's buttons, and from anywhere else goes home. Tab stays inside the current
exercise (answer, then its buttons); outside one it goes to the next exercise's buttons.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Header

from tutor.curriculum import Lesson
from tutor.progress import UNFINISHED, lesson_progress, status_name
from tutor.screens.base import TutorScreen
from tutor.screens.lesson_build import MOUNT_BATCH, BlockBuilder, lesson_builders, opening_count
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.lesson_blocks import LessonRecap, Section, TrainButton


class LessonScreen(TutorScreen[None]):
    """One lesson. Escape leaves an answer, then goes back to the lesson list."""

    DEFAULT_CSS = """
    LessonScreen #lesson-body { padding: 0 1; scrollbar-gutter: stable; align-horizontal: center; }
    /* Laid out but drawn off-screen until it is scrolled to the exercise it opens at. */
    LessonScreen #lesson-body.-placing { offset-x: 1000; }
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
        Binding(
            "escape", "leave_answer", "To buttons", tooltip="Leave the answer for the exercise's buttons"
        ),
        Binding("escape", "back", "Home"),
        Binding("tab", "tab(1)", "Next control", show=False),
        Binding("shift+tab", "tab(-1)", "Previous control", show=False),
    ]

    def __init__(self, lesson: Lesson, *, focus_exercise: str | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        self.focus_exercise = focus_exercise
        self.current: ExercisePanel | None = None
        self.title = f"Lesson {lesson.order}: {lesson.title}"
        self.loaded = False  # every block mounted
        self._unmounted: list[BlockBuilder] = []
        self._waiting: list[Callable[[], None]] = []
        # The exercise the view is on its way to (scrolled after the next refresh): the next ctrl+n
        # counts from it even before it is in view, so quick presses go one exercise each.
        self._heading_to: Widget | None = None

    # --- building -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        builders = list(lesson_builders(self.lesson, self.tutor.store, self.tutor.get_grader))
        first = opening_count(builders, self.focus_exercise)
        self._unmounted = builders[first:]
        yield Header()
        with VerticalScroll(id="lesson-body"):
            for build in builders[:first]:
                yield build()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._update_subtitle()
        self.body.focus()
        target = self._panel(self.focus_exercise)
        if target is not None:
            # Composed with every block above it and kept off-screen until the first layout has placed
            # them; then shown scrolled to the exercise: the top of the lesson is never what is seen.
            self.body.add_class("-placing")
            self.set_current(target)
            target.focus_answer(scroll_visible=False)  # the page is scrolled to the exercise's top
            self.call_after_refresh(self._place, target)
        elif self.focus_exercise:
            self.go_to(self.focus_exercise)
        self.when_loaded(self._add_recap)
        self.run_worker(self._mount_rest(), group="lesson-mount")

    async def _mount_rest(self) -> None:
        body = self.body
        # Plots need NumPy and plotext: load them in a thread while the text goes up.
        plots_loaded = asyncio.ensure_future(
            asyncio.to_thread(importlib.import_module, "tutor.widgets.plots")
        )
        while self._unmounted:
            batch, self._unmounted = self._unmounted[:MOUNT_BATCH], self._unmounted[MOUNT_BATCH:]
            if any(build.plot for build in batch):
                await plots_loaded
            await body.mount_all([build() for build in batch])
        await plots_loaded
        self.loaded = True
        waiting, self._waiting = self._waiting, []
        # After the next refresh: the blocks just mounted have their places on the page then, which
        # navigation ("the exercise below what the learner reads") needs.
        for callback in waiting:
            self.call_after_refresh(callback)

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

    def _add_recap(self) -> None:
        lessons = self.tutor.curriculum.lessons
        later = [lesson for lesson in lessons if lesson.order > self.lesson.order]
        recap = LessonRecap(self.lesson, min(later, key=lambda lesson: lesson.order) if later else None)
        self.body.mount(recap)
        self._update_subtitle()

    @property
    def recap(self) -> LessonRecap | None:
        recaps = self.query(LessonRecap)
        return recaps.first() if recaps else None

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
        self._heading_to = panel
        # After the next layout: freshly mounted blocks above may not have their size yet.
        self.call_after_refresh(self._scroll_to_top, panel)

    def _place(self, target: ExercisePanel, tries: int = 20) -> None:
        body = self.body
        if tries and (not target.virtual_region or body.max_scroll_y < target.virtual_region.y):
            self.call_after_refresh(self._place, target, tries - 1)  # not laid out yet
            return
        body.scroll_to_widget(target, top=True, animate=False, immediate=True)
        body.remove_class("-placing")

    def _scroll_to_top(self, widget: Widget) -> None:
        if widget is self._heading_to:
            self._heading_to = None
        self.body.scroll_to_widget(widget, top=True, animate=False)

    def _in_view(self, widget: Widget) -> bool:
        return self.body.can_view_partial(widget)

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

    def _next_index(self, offset: int) -> int:
        """Index into ``panels`` of the exercise ``offset`` (1 or -1) from what the learner reads.

        From the current exercise while it is in view; else from the reading position (the top of the
        view): the first exercise that starts there or below, or the last that starts above. May be
        out of range: -1 before the first exercise, ``len(panels)`` after the last.
        """
        panels = self.panels
        current = self.current
        if current in panels and (current is self._heading_to or self._in_view(current)):
            return panels.index(current) + offset
        # Places on the page (virtual_region), not on the screen: an exercise below the view has no
        # screen region, and one just mounted may not have been laid out yet (it is at 0, the top).
        top = self.body.scroll_offset.y
        if offset > 0:
            return next((i for i, panel in enumerate(panels) if panel.virtual_region.y >= top), len(panels))
        return max((i for i, panel in enumerate(panels) if panel.virtual_region.y < top), default=-1)

    def _at_recap(self) -> bool:
        recap = self.recap
        return recap is not None and self.focused is not None and recap in self.focused.ancestors_with_self

    def _step(self, offset: int) -> None:
        panels = self.panels
        if offset > 0 and self._at_recap():
            self.open_next_lesson()
            return
        index = self._next_index(offset)
        if offset > 0 and index >= len(panels):
            self.go_to_recap()
            return
        if not panels:
            self.notify("This lesson has no exercises.")
            return
        if index < 0:
            self.notify("This is the first exercise.")
            return
        self.go_to_exercise(panels[index])

    def next_destination(self) -> str:
        """Where ``ctrl+n`` goes from here, in words (the toast after a pass says it)."""
        panels = self.panels
        index = self._next_index(1)
        if 0 <= index < len(panels):
            panel = panels[index]
            return f"Exercise {panel.number} of {panel.total}, {panel.exercise.id}"
        recap = self.recap
        if recap is not None and recap.next_lesson is not None:
            return f"the end of this lesson, then lesson {recap.next_lesson.order}"
        return "the end of this lesson"

    def go_to_recap(self) -> None:
        recap = self.recap
        if recap is None:
            self.notify("That was the last exercise.")
            return
        self.set_current(None)
        buttons = recap.query(Button)
        if buttons:
            buttons.first().focus(scroll_visible=False)
        else:
            self.body.focus(scroll_visible=False)
        self.call_after_refresh(self._scroll_to_top, recap)

    def open_next_lesson(self) -> None:
        recap = self.recap
        if recap is None or recap.next_lesson is None:
            self.notify("This is the last lesson. Escape goes home.")
            return
        self.tutor.open_lesson(recap.next_lesson.id)

    def action_next_exercise(self) -> None:
        self.when_loaded(lambda: self._step(1))

    def action_previous_exercise(self) -> None:
        self.when_loaded(lambda: self._step(-1))

    def on_exercise_panel_status_changed(self, event: ExercisePanel.StatusChanged) -> None:
        self._update_subtitle()
        if event.passed:
            self.notify(
                f"ctrl+n: {self.next_destination()}.", title=f"Passed: {event.exercise_id}", timeout=5
            )

    def _update_subtitle(self) -> None:
        exercises = self.lesson.exercises
        statuses = self.tutor.store.statuses()
        passed, _ = lesson_progress(self.lesson, statuses)
        recap = self.recap
        if recap is not None:
            finished = sum(
                status_name(statuses.get(e.id, "NOT_STARTED")) not in UNFINISHED for e in exercises
            )
            recap.show_progress(passed, finished, len(exercises))
        if not exercises:
            self.sub_title = f"about {self.lesson.minutes} min"
            return
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
            else:  # reading a section: no exercise holds the keyboard, the page takes PageUp/PageDown
                self.set_current(None)
                self.body.focus(scroll_visible=False)
                self._scroll_to_top(target)

        current = self.current.id if self.current is not None else None
        self.app.push_screen(JumpScreen(self.jump_targets(), current), chosen)

    # --- escape and tab -------------------------------------------------------------------------

    def _answer_panel(self) -> ExercisePanel | None:
        """The exercise whose answer widget holds the keyboard, if one does."""
        focused = self.focused
        for ancestor in focused.ancestors_with_self if focused is not None else ():
            if isinstance(ancestor, ExercisePanel):
                return ancestor if ancestor.in_answer(focused) else None
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape does one of two things; the footer shows the one it will do.
        if action == "leave_answer":
            return self._answer_panel() is not None
        if action == "back":
            return self._answer_panel() is None
        return True

    def action_leave_answer(self) -> None:
        panel = self._answer_panel()
        if panel is not None:
            self.set_current(panel)
            panel.focus_controls()
        self.refresh_bindings()

    def action_tab(self, direction: int) -> None:
        """Tab within the current exercise; from outside one, to the next exercise's buttons or the next
        Train button, whichever comes first."""
        focused = self.focused
        panel = self.current
        if panel is not None and focused is not None and panel in focused.ancestors_with_self:
            controls = panel.controls()
            if controls:
                index = controls.index(focused) if focused in controls else -1
                controls[(index + direction) % len(controls)].focus()
                return
        stops = [widget for widget in self.body.children if isinstance(widget, (ExercisePanel, TrainButton))]
        if isinstance(focused, TrainButton) and focused in stops:
            self._tab_to(stops, stops.index(focused) + direction)
            return
        panels = self.panels
        index = self._next_index(1)
        if direction < 0:
            index = (
                self._next_index(-1) if index >= len(panels) or not self._in_view(panels[index]) else index
            )
        stop = stops.index(panels[index]) if 0 <= index < len(panels) else len(stops)
        if direction > 0:  # a Train button between the reading position and that exercise comes first
            top = self.body.region.y
            stop = next(
                (i for i, w in enumerate(stops[:stop]) if isinstance(w, TrainButton) and w.region.y >= top),
                stop,
            )
        self._tab_to(stops, stop if 0 <= index < len(panels) or direction > 0 else -1)

    def _tab_to(self, stops: Sequence[Widget], index: int) -> None:
        if 0 <= index < len(stops):
            stop = stops[index]
            if isinstance(stop, ExercisePanel):
                self.set_current(stop)
                stop.focus_controls()
            else:
                self.set_current(None)
                stop.focus()
        elif index >= len(stops) and self.recap is not None and self.recap.query(Button):
            self.go_to_recap()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, TrainButton):
            event.stop()
            self.tutor.open_playground(event.button.block.config, autostart=True)
        elif event.button.id == "next-lesson":
            event.stop()
            self.open_next_lesson()
