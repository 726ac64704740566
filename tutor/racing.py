"""The optimizer race: several optimizers train the same data from the same initial weights, in turns,
in one thread that posts ``RaceProgress`` and ``RaceEnded`` (``tutor.messages``).

    race = start_race(base, DEFAULT_ENTRIES, post, every=10)

The entries share every setting of ``base`` (data, network, regularisation, dropout, batches,
validation) but the optimizer's. ``tutor.runs`` names these too, as it did before they moved here.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tutor.pacing import Pacing, RedrawBudget, redraw_budget, spawn
from tutor.training_config import TrainConfig
from tutor.training_run import Training

if TYPE_CHECKING:
    from collections.abc import Callable

    from engine.training import EpochReport, Trainer

    Post = Callable[[Any], object]

# The race runs its entries in turns this long: small enough that the curves grow together.
RACE_CHUNK_EPOCHS = 25


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

LossPoint = tuple[int, float]  # (epoch, loss)
Standing = tuple[int, float, float]  # (epoch, loss, accuracy)


@dataclass
class Race:
    """Several optimizers train the same data from the same initial weights, in turns, in one
    thread that posts ``RaceProgress`` and ``RaceEnded``.

    ``trainings`` (one per entry, built by the worker) belong to the worker; ``state``, ``curves``
    (``{label: [(epoch, loss), ...]}``), ``latest`` and ``diverged`` are the UI thread's view.
    """

    race_id: int
    base: TrainConfig
    entries: list[RaceEntry]
    every: int
    budget: RedrawBudget = field(default_factory=redraw_budget)
    pacing: Pacing = field(default_factory=lambda: Pacing(chunk_epochs=RACE_CHUNK_EPOCHS))
    trainings: list[Training] = field(default_factory=list)
    state: str = "ready"  # ready, racing, finished, stopped or failed
    curves: dict[str, Sequence[LossPoint]] = field(default_factory=dict)
    latest: dict[str, Standing] = field(default_factory=dict)
    diverged: dict[str, int] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self, post: Post) -> threading.Thread:
        self.stop.clear()
        self.state = "racing"
        self.curves = {entry.label: () for entry in self.entries}
        self.budget.restart()
        return spawn(lambda: self.work(post), f"optimizer race {self.race_id}")

    def request_stop(self) -> None:
        """Thread-safe: the worker returns before its entries' next epoch."""
        self.stop.set()
        for training in list(self.trainings):
            training.trainer.request_stop()

    def show(self, message: Any) -> None:
        """The UI thread takes in a ``RaceProgress`` or ``RaceEnded`` of this race."""
        from tutor.messages import RaceEnded, RaceProgress

        if isinstance(message, RaceProgress):
            self.curves = dict(message.curves)
            self.latest = dict(message.latest)
            self.diverged = dict(message.diverged)
        elif isinstance(message, RaceEnded):
            self.state = message.outcome
            self.diverged = dict(message.diverged)

    def work(self, post: Post) -> None:
        """The thread's body: build every entry from the same seed, then train them in turns."""
        from engine.training import TrainingDiverged
        from tutor.messages import RaceEnded, RaceProgress

        epochs = self.base.epochs
        curves: dict[str, list[LossPoint]] = {entry.label: [] for entry in self.entries}
        latest: dict[str, Standing] = {}
        diverged: dict[str, int] = {}

        def publish() -> None:
            self.budget.posting()
            snapshot = {label: tuple(points) for label, points in curves.items()}
            post(RaceProgress(self.race_id, snapshot, dict(latest), dict(diverged)))

        try:
            for entry in self.entries:
                # Each build starts from the same seed: same data, same initial weights.
                self.trainings.append(Training.build(entry.config(self.base)))
            running = list(zip(self.entries, self.trainings))
            with self.trainings[0].numerics():
                while running and not self.stop.is_set():
                    for entry, training in list(running):

                        def on_epoch(
                            report: EpochReport, label: str = entry.label, trainer: Trainer = training.trainer
                        ) -> None:
                            if self.stop.is_set():  # a stop asked for just before trainer.run began
                                trainer.request_stop()
                            if report.epoch % self.every == 0 or report.epoch == epochs - 1:
                                curves[label].append((report.epoch, report.loss))
                            latest[label] = (report.epoch, report.loss, report.accuracy)

                        try:
                            training.trainer.run(
                                self.pacing.chunk(training.remaining), on_epoch=on_epoch, every=self.every
                            )
                        except TrainingDiverged as error:
                            diverged[entry.label] = error.epoch
                            running.remove((entry, training))
                            continue
                        if training.remaining == 0:
                            running.remove((entry, training))
                        if self.stop.is_set():
                            break
                    if self.budget.due() and running:
                        publish()
        except Exception as error:  # shown on screen rather than ending the app
            post(RaceEnded(self.race_id, "failed", diverged, f"{type(error).__name__}: {error}"))
            return
        publish()
        post(RaceEnded(self.race_id, "stopped" if self.stop.is_set() else "finished", diverged))


def start_race(
    base: TrainConfig,
    entries: Sequence[RaceEntry],
    post: Post,
    *,
    every: int,
    budget: RedrawBudget | None = None,
    race_id: int = 1,
) -> Race:
    """Race ``entries`` on ``base``'s data and network in a thread that posts to ``post``."""
    race = Race(race_id, base, list(entries), every, budget or redraw_budget())
    race.start(post)
    return race
