"""The training playground: pick data, network and optimizer, then watch the network learn.

The settings are a ``TrainingForm``; training is a ``tutor.runs.Run``, trained in a thread that posts
``RunProgress`` and ``RunEnded`` (``tutor.messages``) at the chosen speed (``-`` and ``+``, or the
speed menu), its updates spaced so that redrawing the charts takes at most a share of the CPU from
training. While a run is on, the form folds away to the one-line summary above the charts and the
live bar offers the learning rate, decay and momentum, which change from the next epoch on.

The charts: decision regions (for the sine data set: the data and the network's fitted curve), the
first hidden layer's neurons, loss, accuracy and learning rate; with validation data the loss and
accuracy charts draw the validation curve beside the training one.
On a large screen the regions (or the neurons) sit beside the three curves; on a small one (80x24)
one chart fills the space and ``v`` cycles through them, so every chart keeps its title and rows.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static

from tutor import grids, plotting, runs
from tutor.messages import RunEnded, RunProgress
from tutor.screens.base import release_closed_watchers
from tutor.training_config import NOTEBOOK_CAPSTONE, ConfigError, TrainConfig
from tutor.widgets.plane import NeuronView, PlaneView, RegionPlot
from tutor.widgets.plots import CurvePlot, FitPlot
from tutor.widgets.settings_form import FormError, LiveBar, TrainingForm, format_number

# What the playground opens with: the notebook's optimizer settings, without nnfs.init().
DEFAULT_CONFIG = replace(NOTEBOOK_CAPSTONE, nnfs_init=False)

# The charts, in the order ``v`` cycles through them; the first two are pictures of the plane.
VIEWS = ("regions", "neurons", "loss", "accuracy", "learning_rate")
PLANE_VIEWS = VIEWS[:2]
# Below this size one chart at a time: side by side, the curves would get fewer than 8 rows each.
WIDE_SIZE = (110, 34)


class PlaygroundScreen(Screen):
    """Settings on the left; live charts on the right: decision regions, loss, accuracy and
    learning rate, the epoch and the notebook's log line.

    ``config``: the settings to start with (a lesson's ``train`` block); ``autostart``: start
    training as soon as the screen opens; ``speed``: epochs per second to start with (None: full
    speed).
    """

    DEFAULT_CSS = """
    PlaygroundScreen #playground-body { height: 1fr; }
    PlaygroundScreen #charts { width: 1fr; height: 1fr; padding: 0 1; }
    PlaygroundScreen #run-title { height: 1; color: $text-muted; }
    PlaygroundScreen #chart-row { height: 1fr; }
    PlaygroundScreen #plane { width: 3fr; height: 1fr; }
    PlaygroundScreen #curves { width: 2fr; height: 1fr; }
    PlaygroundScreen CurvePlot { min-height: 8; }
    PlaygroundScreen.-compact #plane, PlaygroundScreen.-compact #curves { width: 1fr; }
    PlaygroundScreen #status { height: auto; padding: 0 1; background: $boost; }
    /* Beside the open form the column is narrow: the status lines wrap, nothing is cut off. While a
       run is on the form is folded away and the lines keep fixed heights (no layout per update). */
    PlaygroundScreen #epoch { text-style: bold; height: auto; }
    PlaygroundScreen #epoch.-running { height: 1; }
    PlaygroundScreen #log.-running { height: auto; max-height: 2; }
    PlaygroundScreen #message { color: $text-muted; }
    PlaygroundScreen #message.-error { color: $error; text-style: bold; }
    """

    # Start with the Start button focused: the keys below work at once, Enter starts.
    AUTO_FOCUS = "#start"

    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("p", "pause", "Pause"),
        Binding("x", "stop", "Stop"),
        Binding("v", "view", "View"),
        Binding("minus", "slower", "Slower"),
        Binding("plus,equals_sign", "faster", "Faster", key_display="+"),
        Binding("r", "reset", "Reset", show=False),
        Binding("c", "race", "Race", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        config: TrainConfig | None = None,
        autostart: bool = False,
        speed: float | None = runs.DEFAULT_SPEED,
    ) -> None:
        super().__init__()
        self.initial_config = (config or DEFAULT_CONFIG).validate()
        self._ready_config = self.initial_config
        self.autostart = autostart
        self.run: runs.Run | None = None
        self._next_run_id = 0
        # Shared with the training thread: plain values, replaced whole, never mutated.
        self.redraw_budget = runs.redraw_budget()
        # While a run is on (training or paused) the form is folded away and the status lines have
        # fixed heights.
        self.running_layout = False
        self.grid_resolution: tuple[int, int] = (60, 24)
        self.speed = speed
        self.view = "regions"

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
                yield LiveBar(self.speed, id="live-bar")
                with Horizontal(id="chart-row"):
                    with Vertical(id="plane"):
                        yield RegionPlot(id="regions")
                        yield FitPlot(id="fit")
                        yield NeuronView(id="neurons")
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
        self._arrange()
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
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field of the form starts a new run, like a form's submit button; in the live
        bar it applies the live settings to the run in progress."""
        if (event.input.id or "").startswith("live-"):
            self.apply_live_settings()
        else:
            self.action_start()

    @on(Select.Changed, "#speed")
    def _speed_chosen(self, event: Select.Changed) -> None:
        speed = runs.SPEEDS[int(event.value)]  # type: ignore[call-overload]
        if speed != self.speed:
            self.set_speed(speed)

    # -- live changes -----------------------------------------------------------------------------

    def set_speed(self, speed: float | None) -> None:
        """Train at ``speed`` epochs per second (None: full speed), this run and the next."""
        self.speed = speed
        self.query_one(LiveBar).set_speed(speed)
        self.redraw_budget.share = runs.redraw_share(speed)
        if self.run is not None:
            self.run.set_speed(speed)
        self._message(f"Speed: {runs.speed_label(speed)}.")

    def action_slower(self) -> None:
        self.set_speed(runs.next_speed(self.speed, -1))

    def action_faster(self) -> None:
        self.set_speed(runs.next_speed(self.speed, +1))

    def apply_live_settings(self) -> None:
        """The live bar's learning rate, decay and momentum, into the run from its next epoch on."""
        run, bar = self.run, self.query_one(LiveBar)
        if run is None or run.state not in ("training", "paused"):
            return
        try:
            changes = bar.read_changes(run.config)
            if not changes:
                self._message("Nothing changed: type a new value and press Enter.")
                return
            config = run.change(**changes)
        except FormError as error:
            bar.query_one(f"#{error.field_id}").add_class("-invalid")
            self._message(str(error), error=True)
            return
        except ConfigError as error:
            bar.query_one(f"#live-{error.setting}").add_class("-invalid")
            self._message(str(error).replace("_", " "), error=True)
            return
        self.query_one("#run-title", Static).update(config.describe())
        bar.show_config(config)
        changed = ", ".join(
            f"{name.replace('_', ' ')} {format_number(value)}" for name, value in changes.items()
        )
        self._message(f"Changed {changed} from the next epoch on (marked on the curves).")
        self.set_focus(None)  # the keys work again

    # -- layout -------------------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        return self.size.width < WIDE_SIZE[0] or self.size.height < WIDE_SIZE[1]

    def action_view(self) -> None:
        """The next chart: every chart on a small screen, regions and neurons on a large one."""
        views = VIEWS if self.compact else PLANE_VIEWS
        index = views.index(self.view) if self.view in views else -1
        self.view = views[(index + 1) % len(views)]
        self._arrange()
        self.call_after_refresh(self._redo_regions)

    def _arrange(self) -> None:
        """Show the charts the size and the view call for (see the module docstring)."""
        compact = self.compact
        self.set_class(compact, "-compact")
        if not compact and self.view not in PLANE_VIEWS:
            self.view = "regions"
        plane_shown = not compact or self.view in PLANE_VIEWS
        self.query_one("#plane").display = plane_shown
        self.query_one("#curves").display = not compact or not plane_shown
        regression = self._regression
        self.query_one(RegionPlot).display = self.view != "neurons" and not regression
        self.query_one(FitPlot).display = self.view != "neurons" and regression
        self.query_one(NeuronView).display = self.view == "neurons"
        for chart in self.query(CurvePlot):
            chart.display = not compact or chart.metric == self.view

    @property
    def _regression(self) -> bool:
        """Whether the run shown (or the settings, before a run) is a regression: a fitted curve
        instead of regions."""
        config = self.run.config if self.run is not None else self._ready_config
        return config.regression

    def _plane_resolution(self) -> tuple[int, int]:
        """The grid the pictures of the plane are computed at: one point per cell of the plane's
        space (the whole chart area when a curve fills it on a small screen)."""
        plane = self.query_one("#plane")
        area = plane if plane.display and plane.size.width else self.query_one("#chart-row")
        return max(2, area.size.width), max(2, area.size.height - 1)

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
        self.redraw_budget.share = runs.redraw_share(self.speed)
        self.run = runs.Run(
            self._next_run_id,
            config,
            every=plotting.history_step(config.epochs),
            picture=self._picture,
            budget=self.redraw_budget,
            pacing=runs.Pacing(speed=self.speed),
        )
        self.query_one("#run-title", Static).update(config.describe())
        self.query_one(LiveBar).show_config(config)
        if self.query_one(FitPlot).display != config.regression:
            self._arrange()  # the fitted curve instead of the regions, or back
        for chart in self.query(CurvePlot):
            chart.set_history(self.run.history)
        self._launch()
        self._message("Training. p pause, x stop, - and + speed, v next chart, Enter in lr applies it.")

    def _picture(self, network, X):
        """Called in the training thread: regions and neuron maps at the charts' size, one pass;
        for one input (a regression), the network's fitted curve."""
        if X.shape[1] == 1:
            return plotting.regression_curve(network, X)
        return grids.plane_picture(network, X, self.grid_resolution)

    def _launch(self) -> None:
        assert self.run is not None
        self.run.start(self.post_message)
        self._update_controls()
        self.grid_resolution = self._plane_resolution()
        if self.focused is not None and (
            isinstance(self.focused, (Input, Select)) or self.form in self.focused.ancestors
        ):
            # Keys like p and x reach the screen only when no form field has focus, and the form
            # folds away while the run is on. (Moving focus only when needed: every focus change
            # makes the footer rebuild its key list.)
            self.set_focus(None)

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
        release_closed_watchers(self.app)  # what this screen's charts and header watched forgets them

    def on_resize(self) -> None:
        self._arrange()
        # The charts get their new sizes in the next layout pass.
        self.call_after_refresh(self._redo_regions)

    def on_plane_view_resized(self, event: PlaneView.Resized) -> None:
        # The plane changes size without the screen doing so (the form unfolds when a run ends).
        self.call_after_refresh(lambda: self._redo_regions(only_if_resized=True))

    def _redo_regions(self, *, only_if_resized: bool = False) -> None:
        """Between runs nothing recomputes the pictures: redo them at the new size (one pass).
        ``only_if_resized``: only when the regions shown were computed for another size (a run that
        ended before the charts took their new size)."""
        self.grid_resolution = self._plane_resolution()
        run = self.run
        if run is None or run.state == "training" or run.training is None:
            return
        grid = self.query_one(RegionPlot).grid
        columns, rows = self.grid_resolution
        if only_if_resized and (grid is None or grid.classes.shape == (rows, columns)):
            return
        if grid is not None:
            picture = grids.plane_picture(run.training.network, run.training.X, self.grid_resolution)
            self._show_picture(picture, run.epoch or 0, run)

    def _show_picture(self, picture, epoch: int, run: runs.Run) -> None:
        assert run.training is not None
        if not isinstance(picture, grids.PlanePicture):  # a regression's fitted curve
            self.query_one(FitPlot).show_fit(
                run.training.X, run.training.y, picture, f"data and the network's fit, epoch {epoch}"
            )
            self.query_one(NeuronView).show_maps(None, "neuron maps are drawn for two inputs")
            return
        self.query_one(RegionPlot).show_regions(
            picture.regions, f"predicted classes, epoch {epoch}", X=run.training.X, y=run.training.y
        )
        maps = picture.neurons
        title = (
            "no hidden layer"
            if maps is None
            else f"hidden layer 1: neurons 1-{len(maps.values)} of {maps.layer_size}, epoch {epoch}"
        )
        self.query_one(NeuronView).show_maps(maps, title)

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
        self.grid_resolution = self._plane_resolution()
        for chart in self.query(CurvePlot):
            chart.set_history(run.history, run.marks)
        if message.picture is not None and run.training is not None:
            self._show_picture(message.picture, message.epoch, run)
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
        self.call_after_refresh(lambda: self._redo_regions(only_if_resized=True))
        focused = self.focused
        if focused is None or focused.disabled or focused.id in ("pause", "stop"):
            # Pause and Stop are disabled now: keep the keys working from the Start button.
            self.query_one("#start", Button).focus()

    # -- status ----------------------------------------------------------------------------------

    def _show_ready(self, config: TrainConfig) -> None:
        """No run: the chosen data set, empty curves."""
        self._ready_config = config
        self.query_one("#run-title", Static).update(config.describe())
        X, y = plotting.dataset_points(config.dataset, config.samples, config.classes, seed=config.seed)
        if config.regression:
            self.query_one(FitPlot).show_fit(X, y, None, "the data (press s to train)")
        else:
            self.query_one(RegionPlot).show_data(X, y, "the data (press s to train)")
        if self.query_one(FitPlot).display != config.regression:
            self._arrange()  # the fitted curve instead of the regions, or back
        self.query_one(NeuronView).show_maps(None, "hidden layer 1 (press s to train)")
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
        # While a run is on the lines have fixed heights: no layout pass needed for new text.
        layout = not self.running_layout
        self.query_one("#epoch", Static).update(
            f"epoch {epoch} of {run.config.epochs - 1}  ({run.state})  at {runs.speed_label(self.speed)}",
            layout=layout,
        )
        self.query_one("#log", Static).update(run.log_line, layout=layout)

    def _update_controls(self) -> None:
        state = self.run.state if self.run is not None else "ready"
        # While a run is on, the form folds away and the live bar offers what can change.
        running = state in ("training", "paused")
        if running != self.running_layout:
            # Only the widgets that change are touched: a class on the screen would restyle every
            # widget of the form (about 50 ms, taken from the run that just started).
            self.running_layout = running
            self.form.display = not running
            for line in ("#epoch", "#log"):
                self.query_one(line).set_class(running, "-running")
            self.query_one(LiveBar).set_class(running, "-running")
        pause = self.query_one("#pause", Button)
        pause.label = "Resume" if state == "paused" else "Pause"
        pause.disabled = state not in ("training", "paused")
        self.query_one("#stop", Button).disabled = state not in ("training", "paused")

    def _message(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#message", Static)
        widget.update(text)
        widget.set_class(error, "-error")
