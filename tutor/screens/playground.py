"""The training playground: pick data, network and optimizer, then watch the network learn.

The settings are a ``TrainingForm``; training is a ``tutor.runs.Run``, trained in a thread that posts
``RunProgress`` and ``RunEnded`` (``tutor.messages``), paced so that redrawing the charts takes at
most a share of the CPU from training. This screen lays the form and the charts out and reacts: to
keys and buttons by starting, pausing, stopping or resetting the run, to messages by drawing.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static

from tutor import plotting, runs
from tutor.messages import RunEnded, RunProgress
from tutor.training_config import TrainConfig
from tutor.widgets.plots import CurvePlot, RegionPlot
from tutor.widgets.settings_form import FormError, TrainingForm, format_number

# What the playground opens with: the notebook's optimizer settings, without nnfs.init().
DEFAULT_CONFIG = TrainConfig(optimizer="adam", learning_rate=0.05, decay=5e-7, epochs=10001)


class PlaygroundScreen(Screen):
    """Settings on the left; live charts on the right: decision regions, loss, accuracy and
    learning rate, the epoch and the notebook's log line.

    ``config``: the settings to start with (a lesson's ``train`` block); ``autostart``: start
    training as soon as the screen opens.
    """

    DEFAULT_CSS = """
    PlaygroundScreen #playground-body { height: 1fr; }
    PlaygroundScreen #charts { width: 1fr; height: 1fr; padding: 0 1; }
    PlaygroundScreen #run-title { height: 1; color: $text-muted; }
    PlaygroundScreen #chart-row { height: 1fr; }
    PlaygroundScreen #regions { width: 3fr; height: 1fr; }
    PlaygroundScreen #curves { width: 2fr; height: 1fr; }
    PlaygroundScreen #status { height: auto; padding: 0 1; background: $boost; }
    PlaygroundScreen #epoch { text-style: bold; height: 1; }
    PlaygroundScreen #log { height: 2; }
    PlaygroundScreen #message { color: $text-muted; }
    PlaygroundScreen #message.-error { color: $error; text-style: bold; }
    """

    # Start with the Start button focused: the keys below work at once, Enter starts.
    AUTO_FOCUS = "#start"

    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("p", "pause", "Pause/Resume"),
        Binding("x", "stop", "Stop"),
        Binding("r", "reset", "Reset"),
        Binding("c", "race", "Race optimizers"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, config: TrainConfig | None = None, autostart: bool = False) -> None:
        super().__init__()
        self.initial_config = (config or DEFAULT_CONFIG).validate()
        self.autostart = autostart
        self.run: runs.Run | None = None
        self._next_run_id = 0
        # Shared with the training thread: plain values, replaced whole, never mutated.
        self.redraw_budget = runs.redraw_budget()
        self.grid_resolution: tuple[int, int] = (60, 24)

    @property
    def redraw_interval(self) -> float:
        """Seconds the worker waits between updates (see ``runs.RedrawBudget``)."""
        return self.redraw_budget.interval

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="playground-body"):
            yield TrainingForm(
                self.initial_config,
                buttons=[
                    [
                        Button("Start", id="start", variant="success", compact=True),
                        Button("Pause", id="pause", compact=True, disabled=True),
                        Button("Stop", id="stop", variant="error", compact=True, disabled=True),
                    ],
                    [
                        Button("Reset", id="reset", compact=True),
                        Button("Race optimizers", id="race", variant="primary", compact=True),
                    ],
                ],
                id="settings",
            )
            with Vertical(id="charts"):
                yield Static("", id="run-title")
                with Horizontal(id="chart-row"):
                    yield RegionPlot(id="regions")
                    with Vertical(id="curves"):
                        yield CurvePlot("loss", id="loss")
                        yield CurvePlot("accuracy", id="accuracy")
                        yield CurvePlot("learning_rate", id="learning_rate")
                with Vertical(id="status"):
                    yield Static("", id="epoch")
                    yield Static("", id="log")
                    yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "playground"
        self._show_ready(self.initial_config)
        if self.autostart:
            self.call_after_refresh(self.action_start)

    @property
    def form(self) -> TrainingForm:
        return self.query_one(TrainingForm)

    def read_config(self) -> TrainConfig:
        """The form's settings (see ``TrainingForm.read_config``)."""
        return self.form.read_config()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        """Enter in any field starts a new run, like a form's submit button."""
        self.action_start()

    # -- actions ----------------------------------------------------------------------------------

    def action_start(self) -> None:
        """Start a new run from the form (a paused run is resumed by Pause/Resume instead)."""
        if self.run is not None and self.run.state == "training":
            self._message("Already training: stop (x) or pause (p) first.")
            return
        try:
            config = self.read_config()
        except FormError as error:
            self.form.show_error(error)
            self._message(str(error), error=True)
            return
        self._discard_run()
        self._next_run_id += 1
        self.run = runs.Run(
            self._next_run_id,
            config,
            every=plotting.history_step(config.epochs),
            picture=self._regions,
            budget=self.redraw_budget,
        )
        self.query_one("#run-title", Static).update(config.describe())
        for chart in self.query(CurvePlot):
            chart.set_history(self.run.history)
        self._launch()
        self._message("Training. Keys: p pause, x stop, r reset.")

    def _regions(self, network, X) -> plotting.RegionGrid:
        """Called in the training thread: the decision regions at the chart's size."""
        return plotting.region_grid(network, X, self.grid_resolution)

    def _launch(self) -> None:
        assert self.run is not None
        self.grid_resolution = self.query_one(RegionPlot).resolution
        self.run.start(self.post_message)
        self._update_controls()
        if isinstance(self.focused, (Input, Select)):
            # Keys like p and x reach the screen only when no form field has focus. (Moving focus
            # only when needed: every focus change makes the footer rebuild its key list.)
            self.query_one("#pause", Button).focus()

    def action_pause(self) -> None:
        run = self.run
        if run is None:
            return
        if run.state == "training":
            run.request_stop(pause=True)
            self._message("Pausing...")
        elif run.state == "paused":
            self._launch()
            self._message("Resumed.")

    def action_stop(self) -> None:
        run = self.run
        if run is None:
            return
        if run.state == "training":
            run.request_stop()
            self._message("Stopping...")
        elif run.state == "paused":
            run.state = "stopped"
            self._update_controls()
            self._message(f"Stopped at epoch {run.epoch}.")

    def action_reset(self) -> None:
        """Throw the run away (its weights and charts); the settings stay as they are."""
        self._discard_run()
        try:
            config = self.read_config()
        except FormError:
            config = self.initial_config
        self._show_ready(config)
        self._message("Reset: press s (or Start) to train from new random weights.")

    def action_race(self) -> None:
        from tutor.screens.race import RaceScreen

        try:
            config = self.read_config()
        except FormError as error:
            self._message(str(error), error=True)
            return
        if self.run is not None and self.run.state == "training":
            # One run at a time: nnfs.init() patches NumPy for the whole process.
            self.run.request_stop(pause=True)
            self._message("Paused while the race runs.")
        self.app.push_screen(RaceScreen(config))

    def action_back(self) -> None:
        self._discard_run()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.request_stop()

    def on_resize(self) -> None:
        # The charts get their new sizes in the next layout pass.
        self.call_after_refresh(self._redo_regions)

    def _redo_regions(self) -> None:
        """Between runs nothing recomputes the regions: redo them at the new size (one predict)."""
        run = self.run
        if run is None or run.state == "training" or run.training is None:
            return
        regions = self.query_one(RegionPlot)
        if regions.grid is not None:
            grid = plotting.region_grid(run.training.network, run.training.X, regions.resolution)
            regions.show_regions(grid, regions.title)

    def _discard_run(self) -> None:
        if self.run is not None:
            self.run.request_stop()
            self.run = None
        self._update_controls()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "start": self.action_start,
            "pause": self.action_pause,
            "stop": self.action_stop,
            "reset": self.action_reset,
            "race": self.action_race,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    # -- messages from the worker -------------------------------------------------------------------

    def _current(self, run_id: int) -> runs.Run | None:
        run = self.run
        return run if run is not None and run.run_id == run_id else None

    def on_run_progress(self, message: RunProgress) -> None:
        run = self._current(message.run_id)
        if run is None:
            return
        run.show(message)
        # What the UI thread spent since the last update decides how soon the next may come.
        self.redraw_budget.tick()
        self.grid_resolution = self.query_one(RegionPlot).resolution
        for chart in self.query(CurvePlot):
            chart.set_history(run.history)
        if message.picture is not None and run.training is not None:
            self.query_one(RegionPlot).show_regions(
                message.picture,
                f"predicted classes, epoch {message.epoch}",
                X=run.training.X,
                y=run.training.y,
            )
        self._update_status()

    def on_run_ended(self, message: RunEnded) -> None:
        run = self._current(message.run_id)
        if run is None:
            return
        run.show(message)
        if message.outcome == "finished":
            self._message(
                f"Finished {run.config.epochs} epochs. Change a setting and press s to try again, "
                "or c to race optimizers."
            )
        elif message.outcome == "paused":
            self._message("Paused: p resumes, x stops.")
        elif message.outcome == "stopped":
            self._message(f"Stopped at epoch {run.epoch}. s starts a new run.")
        elif message.outcome == "diverged":
            rate = run.config.effective_learning_rate
            self._message(
                f"Training diverged at epoch {message.epoch}: the loss became nan or inf, the "
                f"steps were too big. The learning rate was {format_number(rate)}; make it "
                "smaller and press s.",
                error=True,
            )
        else:
            self._message(f"Training failed: {message.detail}", error=True)
        self._update_controls()
        self._update_status()
        focused = self.focused
        if focused is None or focused.disabled or focused.id in ("pause", "stop"):
            # Pause and Stop are disabled now: keep the keys working from the Start button.
            self.query_one("#start", Button).focus()

    # -- status ----------------------------------------------------------------------------------

    def _show_ready(self, config: TrainConfig) -> None:
        """No run: the chosen data set, empty curves."""
        self.query_one("#run-title", Static).update(config.describe())
        X, y = plotting.dataset_points(config.dataset, config.samples, config.classes, seed=config.seed)
        self.query_one(RegionPlot).show_data(X, y, "the data (press s to train)")
        for chart in self.query(CurvePlot):
            chart.set_history([])
        self.query_one("#epoch", Static).update("epoch -")
        self.query_one("#log", Static).update("")
        self._update_controls()

    def _update_status(self) -> None:
        run = self.run
        if run is None:
            return
        epoch = "-" if run.epoch is None else str(run.epoch)
        # Fixed heights: no layout pass needed for new text.
        self.query_one("#epoch", Static).update(
            f"epoch {epoch} of {run.config.epochs - 1}  ({run.state})", layout=False
        )
        self.query_one("#log", Static).update(run.log_line, layout=False)

    def _update_controls(self) -> None:
        state = self.run.state if self.run is not None else "ready"
        pause = self.query_one("#pause", Button)
        pause.label = "Resume" if state == "paused" else "Pause"
        pause.disabled = state not in ("training", "paused")
        self.query_one("#stop", Button).disabled = state not in ("training", "paused")

    def _message(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#message", Static)
        widget.update(text)
        widget.set_class(error, "-error")
