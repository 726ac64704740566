"""Training runs, outside the screens: build a configuration, train it in a thread, race several.

    training = Training.build(config)            # numpy set up -> build_run -> Trainer, the one place
    final = training.run(config.epochs, on_epoch=print_line)          # headless (nntutor train)

    run = start(config, post, every=10, picture=grid_of)              # in a thread (the playground)
    run.request_stop(pause=True); ...; run.start(post)                # pause, then resume
    race = start_race(base, DEFAULT_ENTRIES, post, every=10)          # the optimizer race

A thread never touches a widget: it only calls ``post(message)`` (a screen's thread-safe
``post_message``) with the dataclasses of ``tutor.messages``; the screen reacts to them on the UI thread.
Progress messages are paced by a ``RedrawBudget`` (one in flight, spaced so that drawing them costs at
most a share of the CPU) and carry everything so far, so a newer one may replace an older one unseen.

The run loop trains in chunks whose size a ``Pacing`` gives. At full speed the chunks are large and
the callback runs only every ``every`` epochs; at a chosen speed (epochs per second) a chunk is one
frame's worth of epochs and the loop waits until the clock catches up, so a learner can watch. Between
chunks the loop applies live setting changes (``Run.change``: learning rate, decay, momentum) and
marks the epoch where they took effect.

Imports the engine, NumPy and ``tutor.messages`` (Textual) lazily: ``nntutor train`` uses
``Training`` without loading the app's libraries.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from tutor.training_config import TrainConfig, build_parts, numpy_setup

if TYPE_CHECKING:
    import numpy as np

    from engine.training import EpochReport, Trainer

# What a worker's run ended with; a run's ``state`` is one of these, or "ready" / "training".
Outcome = Literal["finished", "paused", "stopped", "diverged", "failed"]
HistoryRow = tuple[int, float, float, float]  # (epoch, loss, accuracy, learning_rate), as plotting draws
Post = Callable[[Any], object]  # a thread-safe poster of tutor.messages (a screen's post_message)
Picture = Callable[[Any, "np.ndarray"], Any]  # (network, X) -> what a progress message shows, e.g. regions


# ---------------------------------------------------------------------------------------------
# The one sequence: numpy set up, build_run, Trainer


@dataclass
class Training:
    """One configuration built: its data ``X``, ``y`` and the ``trainer`` (network and optimizer).

    ``Training.build(config)`` is the only place that builds a run; train inside ``numerics()``
    (or with ``run``, which enters it for you): under ``nnfs_init`` the notebook's float32 dot must be
    in place while training too. ``trainer.run`` may be called again to continue.
    """

    config: TrainConfig
    trainer: Trainer
    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None = None  # the validation samples (config.validation), else None
    y_val: np.ndarray | None = None

    @classmethod
    def build(cls, config: TrainConfig) -> Training:
        """Data and model in the notebook's order, under ``numpy_setup(config)``: the same
        configuration always gives the same data and the same initial weights."""
        from engine.training import Trainer

        with numpy_setup(config):
            parts = build_parts(config)
        validation = (parts.X_val, parts.y_val) if parts.X_val is not None else None
        trainer = Trainer(
            parts.network,
            parts.optimizer,
            parts.X,
            parts.y,
            batch_size=config.batch_size,
            validation=validation,
        )
        return cls(config, trainer, parts.X, parts.y, parts.X_val, parts.y_val)

    @property
    def network(self) -> Any:
        return self.trainer.network

    @property
    def epoch(self) -> int:
        """The next epoch to run."""
        return int(self.trainer.epoch)

    @property
    def remaining(self) -> int:
        return max(0, self.config.epochs - self.epoch)

    def numerics(self) -> contextlib.AbstractContextManager[None]:
        """Train inside this block: ``nnfs.init()`` for the notebook's numbers, else the seed."""
        return numpy_setup(self.config)

    def run(
        self, epochs: int, on_epoch: Callable[[EpochReport], None] | None = None, every: int = 1
    ) -> EpochReport | None:
        """``trainer.run`` inside ``numerics()``; raises ``TrainingDiverged`` as it does."""
        with self.numerics():
            return self.trainer.run(epochs, on_epoch=on_epoch, every=every)


# ---------------------------------------------------------------------------------------------
# Pacing


# The speeds a learner picks from, in epochs per second; None trains as fast as the machine can.
# The slowest shows single steps (one or two epochs a frame); 500 makes the notebook's 10001-epoch
# capstone last about 20 s, long enough to watch the loss fall and the regions take shape.
SPEEDS: tuple[float | None, ...] = (10, 30, 100, 250, 500, 1000, 2500, None)
DEFAULT_SPEED: float | None = 500


def speed_label(speed: float | None) -> str:
    """``500 epochs/s`` or ``full speed``."""
    return "full speed" if speed is None else f"{speed:g} epochs/s"


def next_speed(speed: float | None, step: int) -> float | None:
    """The speed ``step`` places up (positive) or down the ``SPEEDS`` list from ``speed``."""
    index = SPEEDS.index(speed) if speed in SPEEDS else SPEEDS.index(DEFAULT_SPEED)
    return SPEEDS[max(0, min(len(SPEEDS) - 1, index + step))]


@dataclass
class Pacing:
    """How a run loop steps through its epochs: ``chunk(remaining)`` epochs, then the loop looks up
    (stop requests, setting changes) and, at a set ``speed``, waits for the clock.

    ``speed``: epochs per second, or None for full speed (chunks of ``chunk_epochs``; a stop still
    takes effect before the next epoch, through ``Trainer.request_stop``). At a set speed a chunk is
    ``frame_seconds`` of epochs (at least one). The UI thread may replace ``speed`` at any time.
    """

    chunk_epochs: int = 500
    speed: float | None = None
    frame_seconds: float = 0.03

    def chunk(self, remaining: int) -> int:
        speed = self.speed
        size = self.chunk_epochs if speed is None else round(speed * self.frame_seconds)
        return max(1, min(remaining, size))


class Clock:
    """Keeps a paced loop to its ``Pacing.speed``: ``delay(epoch)`` is how long to wait before
    training on from ``epoch``. A change of speed, or falling far behind (a slow machine, a pause),
    starts the count again from there instead of sprinting to catch up."""

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self._origin: tuple[float, int, float | None] | None = None

    def delay(self, epoch: int) -> float:
        speed = self.pacing.speed
        now = time.perf_counter()
        if speed is None:
            self._origin = None
            return 0.0
        if self._origin is None or self._origin[2] != speed:
            self._origin = (now, epoch, speed)
            return 0.0
        started, first, _ = self._origin
        wait = started + (epoch - first) / speed - now
        if wait < -0.25:
            self._origin = (now, epoch, speed)
            return 0.0
        return max(0.0, wait)


# The race runs its entries in turns this long: small enough that the curves grow together.
RACE_CHUNK_EPOCHS = 25


class RedrawBudget:
    """Keeps drawing to a ``share`` of the CPU while a training thread runs.

    The UI thread and a training thread share one interpreter, so every millisecond the UI thread
    spends (drawing charts, laying out and painting the screen, handling messages) is a millisecond
    training waits. Two rules keep that time to ``share`` of the total:

    - one update in flight: the worker posts only when ``due()``, and calls ``posting()`` first,
      which holds further updates until the UI thread has handled this one (queued updates would
      all be drawn, for nothing);
    - the UI thread calls ``tick()`` as it handles an update: it measures the UI thread's CPU time
      since the previous update (handling, drawing, painting) and sets the next update's time so
      that this cost stays ``share`` of the time in between.

    The threads share only floats, each replaced whole.
    """

    def __init__(self, share: float, minimum: float = 0.1, maximum: float = 2.0, first: float = 0.4) -> None:
        self.share = share
        self.minimum = minimum
        self.maximum = maximum
        # Until a frame has been measured: a typical playground frame costs about 50 ms.
        self.interval = max(minimum, min(maximum, first))
        self.cycle_seconds = 0.0  # UI CPU time between the last two updates
        self.next_post_at = 0.0  # perf_counter time after which the worker may post
        self._mark: float | None = None

    def restart(self) -> None:
        """A new run (or a resumed one): post at once, forget the idle time in between (the
        interval learned so far stays: the charts cost the same)."""
        self._mark = None
        self.next_post_at = 0.0

    # -- the worker thread

    def due(self) -> bool:
        return time.perf_counter() >= self.next_post_at

    def posting(self) -> None:
        """Call just before posting an update: no other until the UI thread has handled it."""
        self.next_post_at = math.inf

    # -- the UI thread

    def tick(self) -> float:
        now = time.thread_time()
        if self._mark is not None:
            self.cycle_seconds = now - self._mark
            # At most double at a time: one costly moment (the first frame, a resize) should not
            # freeze the charts for seconds; a lasting cost still reaches its interval in a few steps.
            wanted = min(self.cycle_seconds / self.share, 2 * self.interval)
            self.interval = min(self.maximum, max(self.minimum, wanted))
        self._mark = now
        self.next_post_at = time.perf_counter() + self.interval
        return self.interval


# The UI thread may use at most this share of the CPU while training runs at full speed; the rest
# is training's. At a set speed the training thread waits for the clock most of the time, and the
# charts may take more (PACED_REDRAW_SHARE) without slowing it.
REDRAW_SHARE = 0.06
PACED_REDRAW_SHARE = 0.5
# Never post more often than this (seconds): ten updates a second look smooth.
MIN_POST_INTERVAL = 0.07
MAX_POST_INTERVAL = 2.0


def redraw_share(speed: float | None) -> float:
    """The share of the CPU a screen's redrawing may take at ``speed`` (None: full speed)."""
    return REDRAW_SHARE if speed is None else PACED_REDRAW_SHARE


def redraw_budget() -> RedrawBudget:
    """The budget the playground and the race pace their progress messages with."""
    return RedrawBudget(REDRAW_SHARE, MIN_POST_INTERVAL, MAX_POST_INTERVAL)


def _spawn(target: Callable[[], None], name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------------------------------------
# One configuration, trained in a thread


Mark = tuple[int, str]  # (epoch, what changed there), e.g. (2400, "lr 0.01")
# The settings a run can change while it trains (Run.change), as TrainConfig names them.
LIVE_SETTINGS = ("learning_rate", "decay", "momentum")


@dataclass
class Run:
    """One training configuration, trained in a thread that posts ``RunProgress`` and ``RunEnded``.

    The worker owns ``training`` and its rows of history while it trains; ``state``, ``epoch``,
    ``log_line``, ``history`` and ``marks`` are the UI thread's view, which ``show`` updates from a
    message. ``every``: keep a history row every ``every`` epochs (and the last); ``picture(network,
    X)``, if given, is computed in the worker at most every ``picture_seconds`` (the decision regions).
    ``pacing.speed`` may be changed at any time (``set_speed``); ``change`` alters the learning rate,
    decay or momentum from the next epoch on. ``config`` always holds the settings in force.
    """

    run_id: int
    config: TrainConfig
    every: int
    picture: Picture | None = None
    budget: RedrawBudget = field(default_factory=redraw_budget)
    pacing: Pacing = field(default_factory=Pacing)
    picture_seconds: float = 0.25
    training: Training | None = None
    # The UI thread's view
    state: str = "ready"  # ready, training, or an Outcome
    epoch: int | None = None
    log_line: str = ""
    history: Sequence[HistoryRow] = ()
    marks: Sequence[Mark] = ()
    # The worker's
    stop: threading.Event = field(default_factory=threading.Event)
    pausing: bool = False
    _rows: list[HistoryRow] = field(default_factory=list)
    _marks: list[Mark] = field(default_factory=list)
    _pending: dict[str, float] | None = None  # asked for by the UI thread, replaced whole
    _wake: threading.Event = field(default_factory=threading.Event)

    @property
    def trainer(self) -> Trainer | None:
        return self.training.trainer if self.training is not None else None

    def start(self, post: Post) -> threading.Thread:
        """Train in a new thread from where the run stands (the start, or where it paused)."""
        self.stop.clear()
        self.pausing = False
        self.state = "training"
        self.budget.restart()
        return _spawn(lambda: self.work(post), f"training run {self.run_id}")

    def request_stop(self, pause: bool = False) -> None:
        """Thread-safe: the worker returns before its next epoch, as ``paused`` or ``stopped``."""
        self.pausing = pause
        self.stop.set()
        self._wake.set()
        trainer = self.trainer
        if trainer is not None:
            trainer.request_stop()

    def set_speed(self, speed: float | None) -> None:
        """Train at ``speed`` epochs per second from now on (None: full speed)."""
        self.pacing.speed = speed
        self.budget.share = redraw_share(speed)
        self._wake.set()  # a run waiting for the clock at a slow speed goes on at once

    def change(self, **settings: float) -> TrainConfig:
        """Change ``learning_rate``, ``decay`` or ``momentum`` (SGD) from the next epoch on; returns
        the config with them (validated: raises ``ConfigError``). Thread-safe; a paused run takes
        them when it resumes. The epoch where they take effect is marked (``marks``)."""
        unknown = set(settings) - set(LIVE_SETTINGS)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} during a run")
        config = replace(self.config, **settings).validate()  # type: ignore[arg-type]
        self.config = config
        self._pending = {**(self._pending or {}), **settings}
        trainer = self.trainer
        if trainer is not None:
            trainer.request_stop()  # end the chunk: the change applies before the next epoch
        self._wake.set()
        return config

    def show(self, message: Any) -> None:
        """The UI thread takes in a ``RunProgress`` or ``RunEnded`` of this run."""
        from tutor.messages import RunEnded, RunProgress

        if isinstance(message, RunProgress):
            self.history = message.history
            self.marks = message.marks
            self.epoch = message.epoch
            if message.log_line:
                self.log_line = message.log_line
        elif isinstance(message, RunEnded):
            self.state = message.outcome

    def _apply_pending(self, training: Training) -> None:
        """In the worker, between epochs: put the changes asked for into the optimizer and mark them."""
        pending, self._pending = self._pending, None
        if not pending:
            return
        optimizer = training.trainer.optimizer
        if "learning_rate" in pending or "decay" in pending:
            rate = pending.get("learning_rate", optimizer.learning_rate)
            optimizer.retune(rate, pending.get("decay"))
        if "momentum" in pending and hasattr(optimizer, "momentum"):
            optimizer.momentum = pending["momentum"]
        names = {"learning_rate": "lr", "decay": "decay", "momentum": "momentum"}
        text = ", ".join(f"{names[name]} {value:g}" for name, value in pending.items())
        self._marks.append((training.epoch, text))

    def work(self, post: Post) -> None:
        """The thread's body: build the run if it is new, train until done or stopped, post what
        happens. Never raises: a failure is posted as ``RunEnded(outcome="failed")``."""
        from engine.training import TrainingDiverged
        from tutor.messages import RunEnded, RunProgress

        config, budget, rows = self.config, self.budget, self._rows
        picture_due = 0.0

        def publish(report: EpochReport, final: bool = False) -> None:
            nonlocal picture_due
            picture = None
            if self.picture is not None and (final or time.perf_counter() >= picture_due):
                picture = self.picture(report.network, X)
                picture_due = time.perf_counter() + self.picture_seconds
            budget.posting()
            post(
                RunProgress(
                    self.run_id, tuple(rows), report.epoch, report.log_line(), picture, tuple(self._marks)
                )
            )

        def on_epoch(report: EpochReport) -> None:
            if self.stop.is_set() or self._pending:  # asked for just before trainer.run began
                trainer.request_stop()
            if report.epoch % self.every == 0 or report.epoch == config.epochs - 1:
                rows.append((report.epoch, report.loss, report.accuracy, report.learning_rate))
            if budget.due():
                publish(report)

        try:
            if self.training is None:
                self.training = Training.build(config)
            training = self.training
            trainer, X = training.trainer, training.X
            clock = Clock(self.pacing)
            last = None
            with training.numerics():
                while training.remaining > 0 and not self.stop.is_set():
                    self._apply_pending(training)
                    report = trainer.run(
                        self.pacing.chunk(training.remaining), on_epoch=on_epoch, every=self.every
                    )
                    last = report or last  # on_epoch saw it too: each frame shows the epoch it reached
                    wait = clock.delay(training.epoch)
                    if wait > 0:
                        self._wake.wait(wait)
                        self._wake.clear()
                if last is not None:
                    publish(last, final=True)  # the final picture: the state after the last update
        except TrainingDiverged as error:
            if rows:
                post(RunProgress(self.run_id, tuple(rows), rows[-1][0], "", None, tuple(self._marks)))
            post(RunEnded(self.run_id, "diverged", str(error), epoch=error.epoch))
            return
        except Exception as error:  # shown on screen: a crash in the worker must not end the app
            post(RunEnded(self.run_id, "failed", f"{type(error).__name__}: {error}"))
            return
        if training.remaining == 0:
            post(RunEnded(self.run_id, "finished", epoch=training.epoch - 1))
        else:
            post(RunEnded(self.run_id, "paused" if self.pausing else "stopped", epoch=training.epoch - 1))


def start(
    config: TrainConfig,
    post: Post,
    *,
    every: int,
    picture: Picture | None = None,
    budget: RedrawBudget | None = None,
    run_id: int = 1,
) -> Run:
    """Train ``config`` in a thread that posts to ``post``; returns the ``Run`` to pause, stop or
    resume (``run.start(post)``)."""
    run = Run(run_id, config, every, picture, budget or redraw_budget())
    run.start(post)
    return run


# ---------------------------------------------------------------------------------------------
# The optimizer race


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
        return _spawn(lambda: self.work(post), f"optimizer race {self.race_id}")

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
