"""The training playground: pick data, network and optimizer, then watch the network learn.

Training runs in a thread worker that drives ``Trainer.run(..., on_epoch=...)`` and posts messages;
only this screen, on the UI thread, touches widgets. The worker keeps a row of history every few epochs
(about 500 rows a run) and posts an update (new rows, the log line, a decision-region grid) only when
the screen has drawn the previous one and the redraw budget allows: at most ten a second, fewer when
drawing costs more, so that the UI thread never takes more than ``REDRAW_BUDGET`` of the CPU from
training (see ``RedrawBudget``). A stop or a pause takes effect before the next epoch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from engine.names import DATASETS, DEFAULT_LEARNING_RATES
from tutor import plotting
from tutor.plotting import HistoryRow, RegionGrid
from tutor.training_config import ConfigError, TrainConfig
from tutor.widgets.plots import CurvePlot, RedrawBudget, RegionPlot

# The UI thread may use at most this share of the CPU while training runs; the rest is training's.
REDRAW_BUDGET = 0.08
# Never post more often than this (seconds): ten updates a second look smooth.
MIN_REDRAW_INTERVAL = 0.1
MAX_REDRAW_INTERVAL = 2.0

# What the playground opens with: the notebook's optimizer settings, without nnfs.init().
DEFAULT_CONFIG = TrainConfig(optimizer="adam", learning_rate=0.05, decay=5e-7, epochs=10001)

# The optimizer menu. "SGD with momentum" is the sgd optimizer with a momentum above 0.
OPTIMIZER_CHOICES = [
    ("SGD", "sgd"),
    ("SGD with momentum", "momentum"),
    ("Adagrad", "adagrad"),
    ("RMSprop", "rmsprop"),
    ("Adam", "adam"),
]
DEFAULT_MOMENTUM = 0.9


def optimizer_choice(config: TrainConfig) -> str:
    """The menu entry for ``config``'s optimizer."""
    if config.optimizer == "sgd" and config.momentum:
        return "momentum"
    return config.optimizer


def format_number(value: float) -> str:
    """Short, exact enough, and parseable again: 0.05, 5e-07, 1, 0.999."""
    return f"{value:g}"


class FormError(ValueError):
    """A field of the settings form that cannot be read. ``field_id`` names the input."""

    def __init__(self, field_id: str, message: str):
        super().__init__(message)
        self.field_id = field_id


# ---------------------------------------------------------------------------------------------
# Messages from the training thread


class TrainingProgress(Message):
    """New history rows and the latest state of run ``run_id``."""

    def __init__(
        self, run_id: int, rows: list[HistoryRow], epoch: int, log_line: str, grid: RegionGrid | None
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self.rows = rows
        self.epoch = epoch
        self.log_line = log_line
        self.grid = grid


class TrainingEnded(Message):
    """The worker of run ``run_id`` returned: ``outcome`` is finished, paused, stopped, diverged or
    failed; ``detail`` explains the last two."""

    def __init__(self, run_id: int, outcome: str, detail: str = "", epoch: int | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.outcome = outcome
        self.detail = detail
        self.epoch = epoch


@dataclass
class Run:
    """One training run. The worker thread owns ``trainer``, ``X`` and ``y`` while it trains;
    ``history`` belongs to the UI thread. ``stop`` is set to end (or pause) the worker."""

    run_id: int
    config: TrainConfig
    every: int
    history: list[HistoryRow] = field(default_factory=list)
    trainer: Any = None
    X: np.ndarray | None = None
    y: np.ndarray | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    pausing: bool = False
    state: str = "ready"  # ready, training, paused, finished, stopped, diverged, failed
    epoch: int | None = None
    log_line: str = ""

    def request_stop(self, pause: bool = False) -> None:
        """Thread-safe: the worker returns before its next epoch."""
        self.pausing = pause
        self.stop.set()
        trainer = self.trainer
        if trainer is not None:
            trainer.request_stop()


def train_in_thread(run: Run, post, budget: RedrawBudget, grid_resolution) -> None:
    """The worker: build the run if it is new, train until done or stopped, post what happens.

    ``post(message)`` is thread-safe; ``budget`` says when the next update may go (see
    ``RedrawBudget``); ``grid_resolution()`` reads the region chart's size (columns, rows).
    """
    from engine.training import Trainer, TrainingDiverged
    from tutor.training_config import build_run, numpy_setup

    config = run.config
    rows: list[HistoryRow] = []

    def publish(report, grid: RegionGrid | None) -> None:
        nonlocal rows
        budget.posting()
        post(TrainingProgress(run.run_id, rows, report.epoch, report.log_line(), grid))
        rows = []

    def on_epoch(report) -> None:
        if run.stop.is_set():  # a stop asked for before run() began
            run.trainer.request_stop()
        rows.append((report.epoch, report.loss, report.accuracy, report.learning_rate))
        if budget.due():
            publish(report, plotting.region_grid(report.network, run.X, grid_resolution()))

    try:
        # numpy_setup: nnfs.init() for the notebook's numbers (its float32 dot must be in place
        # while training too), else the seed; entering it again to resume changes nothing.
        with numpy_setup(config):
            if run.trainer is None:
                network, optimizer, X, y = build_run(config)
                run.X, run.y = X, y
                run.trainer = Trainer(network, optimizer, X, y)
            trainer = run.trainer
            remaining = config.epochs - trainer.epoch
            if remaining > 0 and not run.stop.is_set():
                last = trainer.run(remaining, on_epoch=on_epoch, every=run.every)
                if last is not None:
                    # The final picture: regions after the last update.
                    publish(last, plotting.region_grid(trainer.network, run.X, grid_resolution()))
    except TrainingDiverged as error:
        if rows:
            post(TrainingProgress(run.run_id, rows, rows[-1][0], "", None))
        post(TrainingEnded(run.run_id, "diverged", str(error), epoch=error.epoch))
        return
    except Exception as error:  # shown on screen: a crash in the worker must not end the app
        post(TrainingEnded(run.run_id, "failed", f"{type(error).__name__}: {error}"))
        return
    if run.trainer.epoch >= config.epochs:
        post(TrainingEnded(run.run_id, "finished"))
    else:
        post(TrainingEnded(run.run_id, "paused" if run.pausing else "stopped"))


# ---------------------------------------------------------------------------------------------
# The screen


class PlaygroundScreen(Screen):
    """Settings on the left; live charts on the right: decision regions, loss, accuracy and
    learning rate, the epoch and the notebook's log line.

    ``config``: the settings to start with (a lesson's ``train`` block); ``autostart``: start
    training as soon as the screen opens.
    """

    DEFAULT_CSS = """
    PlaygroundScreen #playground-body { height: 1fr; }
    PlaygroundScreen #settings {
        width: 36;
        height: 1fr;
        border-right: tall $panel;
        padding: 0 1;
    }
    PlaygroundScreen .settings-title { text-style: bold; margin: 1 0 0 0; color: $accent; }
    PlaygroundScreen .field { height: 1; }
    PlaygroundScreen .field Label { width: 14; color: $text-muted; }
    PlaygroundScreen .field Input, PlaygroundScreen .field Select { width: 1fr; }
    PlaygroundScreen .field Input.-invalid { background: $error 30%; }
    PlaygroundScreen #nnfs_init { margin-top: 1; }
    PlaygroundScreen .buttons { height: auto; margin-top: 1; }
    PlaygroundScreen .buttons Button { min-width: 8; margin-right: 1; }
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
        self.run: Run | None = None
        self._next_run_id = 0
        # Read by the training thread: plain values, replaced whole, never mutated.
        self.redraw_budget = RedrawBudget(REDRAW_BUDGET, MIN_REDRAW_INTERVAL, MAX_REDRAW_INTERVAL)
        self.grid_resolution: tuple[int, int] = (60, 24)

    @property
    def redraw_interval(self) -> float:
        """Seconds the worker waits between updates (see ``RedrawBudget``)."""
        return self.redraw_budget.interval

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.initial_config
        with Horizontal(id="playground-body"):
            with VerticalScroll(id="settings"):
                yield Static("Data", classes="settings-title")
                yield self._field(
                    "Data set",
                    Select(
                        [(name, name) for name in DATASETS],
                        value=config.dataset,
                        allow_blank=False,
                        compact=True,
                        id="dataset",
                    ),
                )
                yield self._number_field("Points/class", "samples", config.samples)
                yield self._number_field("Classes", "classes", config.classes)
                yield Static("Network", classes="settings-title")
                yield self._field(
                    "Hidden sizes",
                    Input(
                        ",".join(str(size) for size in config.hidden),
                        placeholder="64 or 64,32",
                        restrict=r"[0-9, ]*",
                        compact=True,
                        id="hidden",
                    ),
                )
                yield self._field(
                    "Activation",
                    Select(
                        [("ReLU", "relu"), ("sigmoid", "sigmoid")],
                        value=config.activation,
                        allow_blank=False,
                        compact=True,
                        id="activation",
                    ),
                )
                yield Static("Optimizer", classes="settings-title")
                yield self._field(
                    "Optimizer",
                    Select(
                        OPTIMIZER_CHOICES,
                        value=optimizer_choice(config),
                        allow_blank=False,
                        compact=True,
                        id="optimizer",
                    ),
                )
                yield self._number_field("Learning rate", "learning_rate", config.learning_rate)
                yield self._number_field("Decay", "decay", config.decay)
                yield self._number_field("Momentum", "momentum", config.momentum)
                yield self._number_field("Beta 1", "beta_1", config.beta_1)
                yield self._number_field("Beta 2", "beta_2", config.beta_2)
                yield Static("Run", classes="settings-title")
                yield self._number_field("Epochs", "epochs", config.epochs)
                yield self._number_field("Seed", "seed", config.seed)
                yield Checkbox(
                    "notebook's numbers (nnfs.init)", config.nnfs_init, compact=True, id="nnfs_init"
                )
                with Horizontal(classes="buttons"):
                    yield Button("Start", id="start", variant="success", compact=True)
                    yield Button("Pause", id="pause", compact=True, disabled=True)
                    yield Button("Stop", id="stop", variant="error", compact=True, disabled=True)
                with Horizontal(classes="buttons"):
                    yield Button("Reset", id="reset", compact=True)
                    yield Button("Race optimizers", id="race", variant="primary", compact=True)
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

    @staticmethod
    def _field(label: str, widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="field")

    def _number_field(self, label: str, field_id: str, value) -> Horizontal:
        text = "" if value is None else (str(value) if isinstance(value, int) else format_number(value))
        return self._field(label, Input(text, restrict=r"[0-9.eE+\-]*", compact=True, id=field_id))

    def on_mount(self) -> None:
        self.sub_title = "playground"
        self._sync_optimizer_fields()
        self._show_ready(self.initial_config)
        if self.autostart:
            self.call_after_refresh(self.action_start)

    # -- reading the form -------------------------------------------------------------------------

    def _input(self, field_id: str) -> Input:
        return self.query_one(f"#{field_id}", Input)

    def _read_int(self, field_id: str, name: str) -> int:
        text = self._input(field_id).value.strip()
        try:
            return int(text)
        except ValueError:
            raise FormError(field_id, f"{name} must be a whole number, like 100") from None

    def _read_float(self, field_id: str, name: str, *, blank=None):
        text = self._input(field_id).value.strip()
        if not text and blank is not None:
            return blank if blank != "none" else None
        try:
            value = float(text)
        except ValueError:
            raise FormError(field_id, f"{name} must be a number, like 0.05 or 5e-7") from None
        if not np.isfinite(value):
            raise FormError(field_id, f"{name} must be a finite number")
        return value

    def read_config(self) -> TrainConfig:
        """The form as a validated ``TrainConfig``; raises ``FormError`` naming the field at fault."""
        text = self._input("hidden").value.replace(" ", "").strip(",")
        try:
            hidden = tuple(int(part) for part in text.split(","))
        except ValueError:
            raise FormError(
                "hidden", "hidden sizes must be whole numbers separated by commas, like 64 or 64,32"
            ) from None
        choice = self.query_one("#optimizer", Select).value
        optimizer = "sgd" if choice == "momentum" else str(choice)
        momentum = self._read_float("momentum", "momentum", blank=0.0) if choice == "momentum" else 0.0
        config = TrainConfig(
            dataset=str(self.query_one("#dataset", Select).value),
            samples=self._read_int("samples", "points per class"),
            classes=self._read_int("classes", "classes"),
            hidden=hidden,
            activation=str(self.query_one("#activation", Select).value),
            optimizer=optimizer,
            learning_rate=self._read_float("learning_rate", "learning rate", blank="none"),
            decay=self._read_float("decay", "decay", blank=0.0),
            momentum=momentum,
            beta_1=self._read_float("beta_1", "beta 1", blank=0.9),
            beta_2=self._read_float("beta_2", "beta 2", blank=0.999),
            epochs=self._read_int("epochs", "epochs"),
            seed=self._read_int("seed", "seed"),
            nnfs_init=self.query_one("#nnfs_init", Checkbox).value,
            title=self.initial_config.title,
        )
        if choice == "momentum" and momentum == 0:
            raise FormError("momentum", "SGD with momentum needs a momentum above 0, like 0.9")
        if config.samples * config.classes > 100_000:
            raise FormError("samples", "at most 100000 points in all, to keep the playground live")
        try:
            return config.validate()
        except ConfigError as error:
            field_id = (
                error.setting
                if error.setting
                in {
                    "samples",
                    "classes",
                    "hidden",
                    "learning_rate",
                    "decay",
                    "momentum",
                    "beta_1",
                    "beta_2",
                    "epochs",
                    "seed",
                }
                else "epochs"
            )
            raise FormError(field_id, str(error).replace("_", " ")) from None

    @on(Select.Changed, "#optimizer")
    def _optimizer_changed(self) -> None:
        self._sync_optimizer_fields()
        choice = self.query_one("#optimizer", Select).value
        momentum = self._input("momentum")
        if choice == "momentum" and momentum.value.strip() in ("", "0", "0.0"):
            momentum.value = format_number(DEFAULT_MOMENTUM)

    def _sync_optimizer_fields(self) -> None:
        """Only the settings the chosen optimizer uses are editable; the learning rate's
        placeholder names its default."""
        choice = self.query_one("#optimizer", Select).value
        self._input("momentum").disabled = choice != "momentum"
        self._input("beta_1").disabled = choice != "adam"
        self._input("beta_2").disabled = choice != "adam"
        optimizer = "sgd" if choice == "momentum" else str(choice)
        rate = DEFAULT_LEARNING_RATES.get(optimizer)
        self._input("learning_rate").placeholder = f"default {format_number(rate)}" if rate else ""

    @on(Input.Changed)
    def _clear_invalid(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")

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
            field_widget = self.query_one(f"#{error.field_id}")
            field_widget.add_class("-invalid")
            field_widget.focus()
            self._message(str(error), error=True)
            return
        self._discard_run()
        self._next_run_id += 1
        self.run = Run(self._next_run_id, config, plotting.history_step(config.epochs))
        self.query_one("#run-title", Static).update(config.describe())
        for chart in self.query(CurvePlot):
            chart.set_history(self.run.history)
        self._launch()
        self._message("Training. Keys: p pause, x stop, r reset.")

    def _launch(self) -> None:
        run = self.run
        assert run is not None
        run.stop.clear()
        run.pausing = False
        run.state = "training"
        self.grid_resolution = self.query_one(RegionPlot).resolution
        self.redraw_budget.restart()
        self.run_worker(
            lambda: train_in_thread(run, self.post_message, self.redraw_budget, lambda: self.grid_resolution),
            name=f"training run {run.run_id}",
            group="training",
            thread=True,
            exit_on_error=False,
        )
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
        if run is None or run.state == "training" or run.trainer is None or run.X is None:
            return
        regions = self.query_one(RegionPlot)
        if regions.grid is not None:
            grid = plotting.region_grid(run.trainer.network, run.X, regions.resolution)
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

    def _current(self, run_id: int) -> Run | None:
        run = self.run
        return run if run is not None and run.run_id == run_id else None

    def on_training_progress(self, message: TrainingProgress) -> None:
        run = self._current(message.run_id)
        if run is None:
            return
        run.history.extend(message.rows)
        run.epoch = message.epoch
        if message.log_line:
            run.log_line = message.log_line
        # What the UI thread spent since the last update decides how soon the next may come.
        self.redraw_budget.tick()
        self.grid_resolution = self.query_one(RegionPlot).resolution
        for chart in self.query(CurvePlot):
            chart.set_history(run.history)
        if message.grid is not None:
            self.query_one(RegionPlot).show_regions(
                message.grid, f"predicted classes, epoch {message.epoch}", X=run.X, y=run.y
            )
        self._update_status()

    def on_training_ended(self, message: TrainingEnded) -> None:
        run = self._current(message.run_id)
        if run is None:
            return
        run.state = message.outcome
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
