"""The optimizer race: several optimizers train the same network on the same data, side by side.

Every entry gets the same data and the same initial weights (each is built from the same seed), so the
only difference between the curves is the optimizer. One thread worker advances all of them in turns,
a few epochs each, so the curves grow together; it posts their loss at most about ten times a second.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from tutor import plotting
from tutor.training_config import TrainConfig
from tutor.widgets.plots import RacePlot, RedrawBudget

MIN_POST_INTERVAL = 0.1
REDRAW_BUDGET = 0.08
# Epochs each entry runs before the next one's turn: small enough that the curves grow together.
TURN_EPOCHS = 25


@dataclass(frozen=True)
class RaceEntry:
    """One contestant: an optimizer and its settings (the rest comes from the race's base config)."""

    name: str
    optimizer: str  # sgd, adagrad, rmsprop or adam
    learning_rate: float
    decay: float = 0.0
    momentum: float = 0.0

    def config(self, base: TrainConfig) -> TrainConfig:
        return replace(
            base,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            decay=self.decay,
            momentum=self.momentum,
        ).validate()

    @property
    def label(self) -> str:
        """The legend entry, e.g. ``Adam lr=0.05``."""
        return f"{self.name} lr={self.learning_rate:g}"


# The settings the Neural Networks from Scratch material found to work on the spiral data.
DEFAULT_ENTRIES = (
    RaceEntry("SGD", "sgd", 1.0, decay=1e-3),
    RaceEntry("SGD+momentum", "sgd", 1.0, decay=1e-3, momentum=0.9),
    RaceEntry("Adagrad", "adagrad", 1.0, decay=1e-4),
    RaceEntry("RMSprop", "rmsprop", 0.02, decay=1e-5),
    RaceEntry("Adam", "adam", 0.05, decay=5e-7),
)


class RaceProgress(Message):
    """New ``(epoch, loss)`` points per label, and each entry's latest ``(epoch, loss, accuracy)``."""

    def __init__(
        self,
        race_id: int,
        points: dict[str, list[tuple[int, float]]],
        latest: dict[str, tuple[int, float, float]],
    ) -> None:
        super().__init__()
        self.race_id = race_id
        self.points = points
        self.latest = latest


class RaceEnded(Message):
    """The race worker returned: ``outcome`` is finished, stopped or failed; ``diverged`` maps the
    labels of entries that blew up to the epoch they did."""

    def __init__(self, race_id: int, outcome: str, diverged: dict[str, int], detail: str = "") -> None:
        super().__init__()
        self.race_id = race_id
        self.outcome = outcome
        self.diverged = diverged
        self.detail = detail


@dataclass
class Race:
    race_id: int
    base: TrainConfig
    entries: list[RaceEntry]
    stop: threading.Event = field(default_factory=threading.Event)
    trainers: list[Any] = field(default_factory=list)
    curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    latest: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    diverged: dict[str, int] = field(default_factory=dict)
    state: str = "racing"

    def request_stop(self) -> None:
        self.stop.set()
        for trainer in list(self.trainers):
            trainer.request_stop()


def race_in_thread(race: Race, post, budget: RedrawBudget) -> None:
    """The worker: build every entry from the same seed, then train them in turns of a few epochs."""
    from engine.training import Trainer, TrainingDiverged
    from tutor.training_config import build_run, numpy_setup

    epochs = race.base.epochs
    every = plotting.history_step(epochs)
    pending: dict[str, list[tuple[int, float]]] = {entry.label: [] for entry in race.entries}
    latest: dict[str, tuple[int, float, float]] = {}
    try:
        for entry in race.entries:
            config = entry.config(race.base)
            # Each build starts from the same seed: same data, same initial weights.
            with numpy_setup(config):
                network, optimizer, X, y = build_run(config)
            race.trainers.append(Trainer(network, optimizer, X, y))
        running = list(zip(race.entries, race.trainers))
        with numpy_setup(race.base):
            while running and not race.stop.is_set():
                for entry, trainer in list(running):

                    def on_epoch(report, label=entry.label, pending=pending, latest=latest):
                        pending[label].append((report.epoch, report.loss))
                        latest[label] = (report.epoch, report.loss, report.accuracy)

                    try:
                        trainer.run(min(TURN_EPOCHS, epochs - trainer.epoch), on_epoch=on_epoch, every=every)
                    except TrainingDiverged as error:
                        race.diverged[entry.label] = error.epoch
                        running.remove((entry, trainer))
                        continue
                    if trainer.epoch >= epochs:
                        running.remove((entry, trainer))
                    if race.stop.is_set():
                        break
                if budget.due() or not running:
                    # The message takes the lists; new ones collect the next points.
                    budget.posting()
                    post(RaceProgress(race.race_id, {k: v for k, v in pending.items() if v}, dict(latest)))
                    pending = {label: [] for label in pending}
    except Exception as error:  # shown on screen rather than ending the app
        post(RaceEnded(race.race_id, "failed", dict(race.diverged), f"{type(error).__name__}: {error}"))
        return
    if any(pending.values()):
        post(RaceProgress(race.race_id, {k: v for k, v in pending.items() if v}, dict(latest)))
    post(RaceEnded(race.race_id, "stopped" if race.stop.is_set() else "finished", dict(race.diverged)))


class RaceScreen(Screen):
    """Pick the contestants and their learning rates; watch their loss curves on one chart.

    ``config`` gives the data, network, epochs and seed shared by every entry; ``entries`` the
    optimizers (default: SGD, SGD with momentum, Adagrad, RMSprop and Adam).
    """

    DEFAULT_CSS = """
    RaceScreen #race-body { height: 1fr; }
    RaceScreen #race-settings { width: 37; height: 1fr; border-right: tall $panel; padding: 0 1; }
    RaceScreen .settings-title { text-style: bold; margin: 1 0 0 0; color: $accent; }
    RaceScreen .entry { height: 1; }
    RaceScreen .entry Checkbox { width: 17; }
    RaceScreen .entry Label { width: 3; color: $text-muted; }
    RaceScreen .entry Input { width: 1fr; }
    RaceScreen .field { height: 1; margin-top: 1; }
    RaceScreen .field Label { width: 10; color: $text-muted; }
    RaceScreen .field Input { width: 1fr; }
    RaceScreen Input.-invalid { background: $error 30%; }
    RaceScreen .buttons { height: auto; margin-top: 1; }
    RaceScreen .buttons Button { min-width: 8; margin-right: 1; }
    RaceScreen #race-charts { width: 1fr; height: 1fr; padding: 0 1; }
    RaceScreen #race-title { height: 1; color: $text-muted; }
    RaceScreen #race-plot { height: 1fr; }
    RaceScreen #standings { height: auto; background: $boost; }
    RaceScreen #race-message { color: $text-muted; }
    RaceScreen #race-message.-error { color: $error; text-style: bold; }
    """

    BINDINGS = [
        Binding("s", "start", "Start race"),
        Binding("x", "stop", "Stop"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        config: TrainConfig,
        entries: list[RaceEntry] | tuple[RaceEntry, ...] | None = None,
        autostart: bool = False,
    ) -> None:
        super().__init__()
        self.base = config
        self.entries = list(entries or DEFAULT_ENTRIES)
        self.autostart = autostart
        self.race: Race | None = None
        self._next_race_id = 0
        self.redraw_budget = RedrawBudget(REDRAW_BUDGET, MIN_POST_INTERVAL)

    def compose(self) -> ComposeResult:
        with Horizontal(id="race-body"):
            with VerticalScroll(id="race-settings"):
                yield Static("Optimizers: lr, decay", classes="settings-title")
                for index, entry in enumerate(self.entries):
                    yield Horizontal(
                        Checkbox(entry.name, True, compact=True, id=f"use-{index}"),
                        Label("lr"),
                        Input(
                            f"{entry.learning_rate:g}",
                            restrict=r"[0-9.eE+\-]*",
                            compact=True,
                            id=f"lr-{index}",
                        ),
                        Label(" d"),
                        Input(
                            f"{entry.decay:g}", restrict=r"[0-9.eE+\-]*", compact=True, id=f"decay-{index}"
                        ),
                        classes="entry",
                    )
                yield Static("Shared by all", classes="settings-title")
                yield Horizontal(
                    Label("Epochs"),
                    Input(str(self.base.epochs), restrict=r"[0-9]*", compact=True, id="race-epochs"),
                    classes="field",
                )
                yield Static(self._shared_text(), id="race-shared")
                with Horizontal(classes="buttons"):
                    yield Button("Start race", id="race-start", variant="success", compact=True)
                    yield Button("Stop", id="race-stop", variant="error", compact=True, disabled=True)
                    yield Button("Back", id="race-back", compact=True)
            with Vertical(id="race-charts"):
                yield Static("Same data, same initial weights: only the optimizer differs.", id="race-title")
                yield RacePlot(id="race-plot")
                with Vertical(id="standings"):
                    yield Static("", id="race-table")
                    yield Static("Press s to start the race.", id="race-message")
        yield Footer()

    def _shared_text(self) -> str:
        base = self.base
        return (
            f"{base.dataset} data, {base.samples} points x {base.classes} classes, hidden "
            f"{','.join(str(size) for size in base.hidden)}, {base.activation}, "
            + ("nnfs.init()" if base.nnfs_init else f"seed {base.seed}")
        )

    def on_mount(self) -> None:
        self.sub_title = "optimizer race"
        if self.autostart:
            self.call_after_refresh(self.action_start)

    def chosen_entries(self) -> list[RaceEntry]:
        """The ticked entries with the learning rates and decays typed in; raises ValueError (and
        marks the field) for one that cannot be read."""
        chosen = []
        for index, entry in enumerate(self.entries):
            if not self.query_one(f"#use-{index}", Checkbox).value:
                continue
            values = {}
            for key, name in (("lr", "learning rate"), ("decay", "decay")):
                field_widget = self.query_one(f"#{key}-{index}", Input)
                try:
                    value = float(field_widget.value)
                    if not (value > 0 if key == "lr" else value >= 0) or value == float("inf"):
                        raise ValueError
                except ValueError:
                    field_widget.add_class("-invalid")
                    rule = "a number above 0" if key == "lr" else "a number, 0 or more"
                    raise ValueError(f"{entry.name}: the {name} must be {rule}") from None
                values[key] = value
            chosen.append(replace(entry, learning_rate=values["lr"], decay=values["decay"]))
        if not chosen:
            raise ValueError("Tick at least one optimizer to race.")
        labels = [entry.label for entry in chosen]
        if len(set(labels)) != len(labels):
            raise ValueError("Two contestants have the same optimizer and learning rate.")
        return chosen

    @on(Input.Changed)
    def _clear_invalid(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.race is not None and self.race.state == "racing":
            self._message("The race is running: x stops it.")
            return
        try:
            entries = self.chosen_entries()
            epochs_text = self.query_one("#race-epochs", Input).value
            if not epochs_text.isdigit() or int(epochs_text) < 1:
                self.query_one("#race-epochs", Input).add_class("-invalid")
                raise ValueError("Epochs must be a whole number above 0.")
            base = replace(self.base, epochs=int(epochs_text)).validate()
        except ValueError as error:
            self._message(str(error), error=True)
            return
        self._next_race_id += 1
        race = Race(self._next_race_id, base, entries)
        race.curves = {entry.label: [] for entry in entries}
        self.race = race
        self.query_one(RacePlot).set_curves(race.curves)
        self.query_one("#race-table", Static).update(self._standings())
        self.redraw_budget.restart()
        self.run_worker(
            lambda: race_in_thread(race, self.post_message, self.redraw_budget),
            name=f"optimizer race {race.race_id}",
            group="race",
            thread=True,
            exit_on_error=False,
        )
        self._update_controls()
        self.query_one("#race-stop", Button).focus()
        self._message(f"Racing {len(entries)} optimizers for {base.epochs} epochs. x stops.")

    def action_stop(self) -> None:
        if self.race is not None and self.race.state == "racing":
            self.race.request_stop()
            self._message("Stopping...")

    def action_back(self) -> None:
        if self.race is not None:
            self.race.request_stop()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self.race is not None:
            self.race.request_stop()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "race-start": self.action_start,
            "race-stop": self.action_stop,
            "race-back": self.action_back,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def on_race_progress(self, message: RaceProgress) -> None:
        race = self.race
        if race is None or race.race_id != message.race_id:
            return
        for label, points in message.points.items():
            race.curves[label].extend(points)
        race.latest.update(message.latest)
        self.redraw_budget.tick()
        self.query_one(RacePlot).set_curves(race.curves)
        self.query_one("#race-table", Static).update(self._standings())

    def on_race_ended(self, message: RaceEnded) -> None:
        race = self.race
        if race is None or race.race_id != message.race_id:
            return
        race.state = message.outcome
        race.diverged.update(message.diverged)
        self.query_one("#race-table", Static).update(self._standings())
        if message.outcome == "failed":
            self._message(f"The race failed: {message.detail}", error=True)
        else:
            ranked = sorted(
                (loss, label)
                for label, (epoch, loss, accuracy) in race.latest.items()
                if label not in race.diverged
            )
            lead = f" Lowest loss: {ranked[0][1]}." if ranked else ""
            verb = "Finished" if message.outcome == "finished" else "Stopped"
            self._message(f"{verb}.{lead} Change a learning rate and press s to race again.")
        self._update_controls()

    def _standings(self) -> Text:
        """A table of the contestants, each marked in its curve's colour (the chart's legend can
        be hidden on a small screen)."""
        race = self.race
        table = Text()
        if race is None:
            return table
        palette = self.query_one(RacePlot).palette()
        width = max(len(entry.label) for entry in race.entries) + 1
        table.append(f"  {'optimizer':<{width}}{'epoch':>6}{'loss':>7}{'acc':>6}\n", style="dim")
        for index, entry in enumerate(race.entries):
            label = entry.label
            table.append("● ", style=Style(color=Color.from_rgb(*palette.class_color(index))))
            table.append(f"{label:<{width}}")
            if label in race.diverged:
                table.append(f"diverged at epoch {race.diverged[label]}", style="bold red")
            elif label in race.latest:
                epoch, loss, accuracy = race.latest[label]
                table.append(f"{epoch:>6}{loss:>7.3f}{accuracy:>6.3f}")
            else:
                table.append(f"{'-':>6}")
            table.append("\n")
        table.rstrip()
        return table

    def _update_controls(self) -> None:
        racing = self.race is not None and self.race.state == "racing"
        self.query_one("#race-stop", Button).disabled = not racing
        self.query_one("#race-start", Button).disabled = racing

    def _message(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#race-message", Static)
        widget.update(text)
        widget.set_class(error, "-error")
