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

Where the pieces live: ``Training`` in ``tutor.training_run``, the pacing and the redraw budget in
``tutor.pacing``, the race in ``tutor.racing``; this module names them all, so ``tutor.runs.X`` works
for each. Imports the engine, NumPy and ``tutor.messages`` (Textual) lazily: ``nntutor train`` uses
``Training`` without loading the app's libraries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from tutor.history import HistoryRow, history_row
from tutor.pacing import (
    DEFAULT_SPEED,
    MAX_POST_INTERVAL,
    MIN_POST_INTERVAL,
    PACED_REDRAW_SHARE,
    REDRAW_SHARE,
    SPEEDS,
    Clock,
    Pacing,
    RedrawBudget,
    next_speed,
    redraw_budget,
    redraw_share,
    spawn,
    speed_label,
)
from tutor.racing import (
    DEFAULT_ENTRIES,
    RACE_CHUNK_EPOCHS,
    LossPoint,
    Race,
    RaceEntry,
    Standing,
    start_race,
)
from tutor.training_config import TrainConfig
from tutor.training_run import Training

if TYPE_CHECKING:
    import numpy as np

    from engine.training import EpochReport, Trainer

# What a worker's run ended with; a run's ``state`` is one of these, or "ready" / "training".
Outcome = Literal["finished", "paused", "stopped", "diverged", "failed"]
Post = Callable[[Any], object]  # a thread-safe poster of tutor.messages (a screen's post_message)
Picture = Callable[[Any, "np.ndarray"], Any]  # (network, X) -> what a progress message shows, e.g. regions


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
        return spawn(lambda: self.work(post), f"training run {self.run_id}")

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
                rows.append(history_row(report))
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


__all__ = [
    "DEFAULT_ENTRIES",
    "DEFAULT_SPEED",
    "LIVE_SETTINGS",
    "MAX_POST_INTERVAL",
    "MIN_POST_INTERVAL",
    "PACED_REDRAW_SHARE",
    "RACE_CHUNK_EPOCHS",
    "REDRAW_SHARE",
    "SPEEDS",
    "Clock",
    "LossPoint",
    "Pacing",
    "Race",
    "RaceEntry",
    "RedrawBudget",
    "Run",
    "Standing",
    "Training",
    "next_speed",
    "redraw_budget",
    "redraw_share",
    "speed_label",
    "start",
    "start_race",
]
