"""A code exercise that builds on earlier ones: the learner's own classes carry forward.

For an exercise with ``builds_on`` (lesson 10's ``train-spiral``) the editor holds only this
exercise's code (the training loop); above it, read-only and collapsed, are the learner's answers to
the exercises it builds on, each titled with the classes it defines and the exercise it came from.
The check grades them all together (``tutor.builds_on``, the one home of that rule). If one of them
has not passed, nothing is graded: the feedback says which, with a button to go there.

An exercise whose check reproduces a known run (``tutor.own_run.REFERENCE_RUNS``) opens the live view
(``OwnNetworkScreen``) when checked: the printed log streams in, the curves grow over the engine's
run, and at the end the logs are compared and the trained network's regions drawn. ``ctrl+f`` opens
that view again (or, for a result with a gradient check, the gradient check).
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.widgets import Button, Collapsible, Static, TextArea

from tutor.builds_on import CombinedSource, from_store
from tutor.messages import CheckOutput, ReferenceReady, RegionsReady
from tutor.widgets.code_exercise import CodeExercise

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor.grader import CheckResult, Grader
    from tutor.training_config import TrainConfig
    from tutor.widgets.own_network import LiveCheck, OutputCollector

# The grid the learner's regions are computed on: at least as many cells as the view's region plot
# has on a large terminal (RegionPlot samples it to its own size).
REGION_RESOLUTION = (160, 50)

GOTO_PREFIX = "goto:"  # the name of a button that goes to an earlier exercise: goto:<exercise id>
WATCH_BUTTON = "open-own-network"


def stop_grader(grader: Any) -> None:
    """End the check ``grader`` is running now: its worker process is killed, and with it the
    learner's process (both die with their parent); ``grade`` then returns at once with a result
    saying the worker stopped, and the next check starts a new worker. ``Grader.grade`` itself reads
    a check to its end, so this is the only way to cut a 60-second training run short."""
    pid = getattr(grader, "worker_pid", None)
    if pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@runtime_checkable
class ExerciseNavigator(Protocol):
    """A screen that can show one of its exercises (the lesson screen)."""

    def go_to(self, exercise_id: str) -> None: ...


def missing_text(combined: CombinedSource) -> str:
    """Why the exercise cannot be checked yet: one line per earlier exercise not ready."""
    lines = [f"  ✗ {missing.exercise_id}: {missing.reason}" for missing in combined.missing]
    return (
        "Your code runs after your own code from earlier exercises, so they must pass first:\n"
        + "\n".join(lines)
    )


class OwnClasses(Vertical):
    """The learner's code from the exercises this one builds on, read-only, one collapsed section
    each, and a line for each that cannot be used yet (with a button to go there)."""

    DEFAULT_CSS = """
    OwnClasses { height: auto; margin-bottom: 1; }
    OwnClasses > .own-classes-title { color: $text-muted; }
    OwnClasses Collapsible { border-top: none; padding: 0; background: transparent; }
    OwnClasses Collapsible > Contents { padding: 0 0 0 2; }
    OwnClasses .own-missing { height: auto; }
    OwnClasses .own-missing Static { width: auto; color: $text-warning; margin-right: 2; }
    """

    def __init__(self, combined: CombinedSource, *, dark: bool = True) -> None:
        super().__init__(classes="own-classes")
        self.combined = combined
        self.dark = dark

    def compose(self) -> ComposeResult:
        combined = self.combined
        count = len(combined.pieces) + len(combined.missing)
        yield Static(
            f"Your code from {count} earlier exercise{'s' if count != 1 else ''} runs before this code "
            "(read-only here; change it there):",
            classes="own-classes-title",
        )
        for piece in combined.pieces:
            with Collapsible(title=f"✓ {piece.label}", collapsed=True, classes="own-piece"):
                yield Static(
                    Syntax(
                        piece.source,
                        "python",
                        theme="ansi_dark" if self.dark else "ansi_light",
                        line_numbers=True,
                        word_wrap=True,
                        background_color="default",
                    ),
                    classes="own-code",
                )
        for missing in combined.missing:
            with Horizontal(classes="own-missing"):
                yield Static(f"✗ {missing.exercise_id}: {missing.reason.split(':')[0]}")
                yield Button(
                    f"Go to {missing.exercise_id}", name=GOTO_PREFIX + missing.exercise_id, compact=True
                )


class BuildsOnExercise(CodeExercise):
    """A code exercise graded together with the learner's code of the exercises it builds on."""

    def prepare(self) -> None:
        super().prepare()
        self.checks = 0  # how many checks were started (numbers the live checks)
        self.live: LiveCheck | None = None
        self.collector: OutputCollector | None = None
        self._combined: CombinedSource | None = None

    @property
    def reference_config(self) -> TrainConfig | None:
        """The run this exercise's loop must reproduce (None: no live view)."""
        from tutor.own_run import REFERENCE_RUNS

        return REFERENCE_RUNS.get(self.exercise.check or "")

    # --- the read-only classes ----------------------------------------------------------------

    def combined(self) -> CombinedSource:
        """The file the check would grade now (the drafts as the store has them)."""
        return from_store(self.exercise, self.response(), self.store)

    def build_answer(self, response: Any) -> ComposeResult:
        self._combined = from_store(self.exercise, response if isinstance(response, str) else "", self.store)
        yield OwnClasses(self._combined, dark=self.app.current_theme.dark)
        for widget in super().build_answer(response):
            widget.border_title = "your code, run after the classes above"
            yield widget

    def refresh_classes(self) -> None:
        """Show the earlier exercises' code as it is now (the learner may have changed it there)."""
        combined = self.combined()
        previous = self._combined
        self._combined = combined
        if (
            previous is not None
            and previous.pieces == combined.pieces
            and previous.missing == combined.missing
        ):
            return
        for old in self.query(OwnClasses):
            old.remove()
        self.answer_box.mount(OwnClasses(combined, dark=self.app.current_theme.dark), before=0)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # Coming back to this exercise after passing (or changing) an earlier one.
        if isinstance(event.widget, TextArea):
            self.refresh_classes()

    def focus_answer(self, scroll_visible: bool = True) -> None:
        """The loop's editor, not the read-only classes above it."""
        self.editor.focus(scroll_visible=scroll_visible)

    @on(Button.Pressed)
    def _go_to_pressed(self, event: Button.Pressed) -> None:
        name = event.button.name or ""
        if name.startswith(GOTO_PREFIX):
            event.stop()
            self.go_to(name.removeprefix(GOTO_PREFIX))
        elif name == WATCH_BUTTON:
            event.stop()
            self.open_live_view()

    def go_to(self, exercise_id: str) -> None:
        """Show the earlier exercise ``exercise_id`` (on this lesson's screen)."""
        screen = self.screen
        if isinstance(screen, ExerciseNavigator) and screen.query(f"#exercise-{exercise_id}"):
            screen.go_to(exercise_id)
        else:
            self.notify(f"{exercise_id} is in an earlier lesson: open it from the lesson list.")

    # --- checking -----------------------------------------------------------------------------

    def submission(self) -> tuple[str, str] | None:
        combined = self.combined()
        self.refresh_classes()
        if combined.missing:
            actions = [
                (f"Go to {missing.exercise_id}", GOTO_PREFIX + missing.exercise_id)
                for missing in combined.missing
            ]
            self.show_feedback(
                lambda panel: panel.show_notice(
                    "Not checked: your classes first", missing_text(combined), actions
                )
            )
            return None
        self._combined = combined
        return combined.text, combined.filename

    def check_started(self) -> None:
        self.checks += 1
        config = self.reference_config
        if config is None:
            self.live = None
            self.collector = None
            super().check_started()
            return
        from tutor.widgets.own_network import LiveCheck, OutputCollector

        self.live = LiveCheck(self.exercise.id, self.checks, config)
        self.collector = OutputCollector(self.post_message, self.exercise.id, self.checks)
        self.feedback.show_running(
            "Your network: starting your code...", actions=[("Watch your network ^f", WATCH_BUTTON)]
        )
        self._compute_reference(config)
        self.open_live_view()

    def output_listener(self) -> Callable[[str], None] | None:
        return self.collector

    def on_check_output(self, message: CheckOutput) -> None:
        message.stop()
        live = self.live
        if live is None or message.check != live.check or not live.running:
            return  # an older check's, or arriving after the result
        live.lines, live.history = message.lines, message.history
        self._live_changed()
        if self.collector is not None and self.collector.check == message.check:
            self.collector.delivered(message)  # ready for the next: the lines printed meanwhile

    def show_result(self, result: CheckResult) -> None:
        combined = self._combined
        if combined is not None:  # name the lines of a traceback by the exercise they came from
            result.traceback = combined.relabel(result.traceback)
            for case in result.cases:
                case.message = combined.relabel(case.message) or ""
        live = self.live
        actions: list[tuple[str, str]] = []
        if live is not None and live.check == self.checks:
            collector = self.collector
            live.stopped = live.stopped or (collector is not None and collector.stopping)
            live.finish(result, collector.lines if collector is not None else ())
            actions.append(("Your network ^f", WATCH_BUTTON))
            if result.trained and live.config is not None:
                self._compute_regions(live.check, result.trained, live.config)
            self._live_changed()
        self.show_feedback(lambda panel: panel.show_check(result, actions))

    def grading_error(self, grader: Grader | None, error: Exception) -> str:
        from tutor.widgets.own_network import CheckStopped

        if isinstance(error, CheckStopped):  # raised by the collector after a stop; said in the view
            return "You stopped the check."
        return super().grading_error(grader, error)

    def _graded(self, result: CheckResult, elapsed_ms: float) -> None:
        if self.collector is None or not self.collector.stopping:
            super()._graded(result, elapsed_ms)
            return
        # Stopped by the learner: not an attempt (the grader's reply only says its worker stopped).
        self._grading_failed("You stopped the check.")

    def _grading_failed(self, message: str) -> None:
        live = self.live
        if live is not None and live.running:
            stopped = self.collector is not None and self.collector.stopping
            live.stopped = stopped
            live.finish(
                None, self.collector.lines if self.collector is not None else (), "" if stopped else message
            )
            self._live_changed()
        if live is not None and live.stopped:
            self.grading = False
            if self.is_attached:
                self.check_button.disabled = False
                self.show_feedback(
                    lambda panel: panel.show_notice("Stopped", "You stopped the check before it finished.")
                )
            return
        super()._grading_failed(message)

    # --- the live view ---------------------------------------------------------------------------

    def _live_changed(self) -> None:
        """Show the live check's new state: the feedback line, and the view if it is open."""
        from tutor.widgets.own_network import OwnNetworkScreen, live_summary

        live = self.live
        if live is None:
            return
        if live.running and self.is_attached:
            self.feedback.show_progress(live_summary(live))
        for screen in self.app.screen_stack:
            if isinstance(screen, OwnNetworkScreen) and screen.live is live:
                screen.update_view()

    def open_live_view(self) -> None:
        """Show the live view of the last check (it keeps what it showed when it ended)."""
        from tutor.widgets.own_network import OwnNetworkScreen

        if self.live is None:
            self.notify("Check your loop first (ctrl+r): the view shows your network as it trains.")
            return
        if isinstance(self.app.screen, OwnNetworkScreen):
            return
        self.app.push_screen(OwnNetworkScreen(self.live, on_stop=self.stop_check))

    def action_open_view(self) -> None:
        if self.live is None and self.feedback.open_gradient_check():
            return
        self.open_live_view()

    def stop_check(self) -> None:
        """Stop the running check (the learner pressed ``s`` in the live view)."""
        live, collector = self.live, self.collector
        if live is None or not live.running or self.get_grader is None:
            return
        live.stopped = True
        if collector is not None:
            collector.stop()
        stop_grader(self.get_grader())
        self._live_changed()

    @work(thread=True, group="own-reference", exit_on_error=False)
    def _compute_reference(self, config: TrainConfig) -> None:
        from tutor.own_run import reference_run

        try:
            self.post_message(ReferenceReady(self.exercise.id, reference_run(config)))
        except Exception as error:  # a reference curve that cannot be computed must not stop the check
            self.post_message(ReferenceReady(self.exercise.id, None, f"{type(error).__name__}: {error}"))

    def on_reference_ready(self, message: ReferenceReady) -> None:
        message.stop()
        if self.live is not None:
            self.live.reference = message.reference
            self.live.reference_error = message.error
            self._live_changed()

    @work(thread=True, group="own-regions", exit_on_error=False)
    def _compute_regions(self, check: int, trained: dict, config: TrainConfig) -> None:
        from tutor.own_run import reference_run, trained_regions

        try:
            grid = trained_regions(trained, reference_run(config).X, REGION_RESOLUTION)
        except Exception as error:  # parameters that are no such network: say so in the picture
            self.post_message(
                RegionsReady(self.exercise.id, check, None, f"Cannot draw your network: {error}")
            )
            return
        self.post_message(RegionsReady(self.exercise.id, check, grid))

    def on_regions_ready(self, message: RegionsReady) -> None:
        message.stop()
        live = self.live
        if live is not None and live.check == message.check:
            live.grid, live.regions_error = message.grid, message.error
            self._live_changed()
