"""The messages worker threads post and screens react to, all in one place.

A worker in ``tutor.runs`` never touches a widget: it posts these with a screen's thread-safe
``post_message``, and the screen's ``on_run_progress`` (etc.) handles them on the UI thread.

Progress messages carry everything so far (the whole history, every curve), not just what is new, so
a newer one holds all an older one does. Their ``can_replace`` lets Textual drop an older one still
waiting in the queue when a newer one arrives (as Textualize/toolong's messages do): in Textual 8.2
the message pump calls ``waiting.can_replace(next_one)`` and, if true, handles only ``next_one``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from tutor.history import HistoryRow

# (epoch, loss, accuracy, learning_rate[, validation_loss, validation_accuracy]): tutor.history


@dataclass
class RunProgress(Message):
    """Run ``run_id`` reached ``epoch``: its ``history`` rows so far, the notebook's ``log_line`` for
    that epoch ("" when unknown), if not None a new ``picture`` (the decision regions), and the
    ``marks``: ``(epoch, text)`` for each setting changed during the run, where it took effect."""

    run_id: int
    history: Sequence[HistoryRow]
    epoch: int
    log_line: str
    picture: Any = None
    marks: Sequence[tuple[int, str]] = ()

    def can_replace(self, message: Message) -> bool:
        # Called on the older message with the newer: the newer has every row, and a picture
        # unless the older had none either.
        return (
            isinstance(message, RunProgress)
            and message.run_id == self.run_id
            and (message.picture is not None or self.picture is None)
        )


@dataclass
class RunEnded(Message):
    """The worker of run ``run_id`` returned: ``outcome`` is finished, paused, stopped, diverged or
    failed; ``detail`` explains the last two; ``epoch`` is the last epoch run (for diverged: the
    epoch whose loss was nan or inf)."""

    run_id: int
    outcome: str
    detail: str = ""
    epoch: int | None = None


@dataclass
class RaceProgress(Message):
    """Race ``race_id`` so far: each label's ``(epoch, loss)`` points, its latest
    ``(epoch, loss, accuracy)``, and the epoch at which each entry that blew up did."""

    race_id: int
    curves: Mapping[str, Sequence[tuple[int, float]]]
    latest: Mapping[str, tuple[int, float, float]]
    diverged: Mapping[str, int] = field(default_factory=dict)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RaceProgress) and message.race_id == self.race_id


@dataclass
class RaceEnded(Message):
    """The race worker returned: ``outcome`` is finished, stopped or failed (``detail`` says why);
    ``diverged`` maps the labels of entries that blew up to the epoch they did."""

    race_id: int
    outcome: str
    diverged: Mapping[str, int] = field(default_factory=dict)
    detail: str = ""


@dataclass
class StoreNotice(Message):
    """The progress store stopped or started saving again (posted from the thread that wrote)."""

    text: str
    saving: bool


@dataclass
class CheckOutput(Message):
    """Check number ``check`` of exercise ``exercise_id`` is running: the ``lines`` the learner's code
    has printed so far (all of them, so a newer message replaces an older one still waiting) and
    the training log's curve rows among them (``history``)."""

    exercise_id: str
    check: int
    lines: Sequence[str]
    history: Sequence[HistoryRow] = ()

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, CheckOutput)
            and message.exercise_id == self.exercise_id
            and message.check == self.check
        )


@dataclass
class ReferenceReady(Message):
    """The engine's run that exercise ``exercise_id``'s loop must reproduce (a
    ``tutor.own_run.ReferenceRun``), or why it could not be computed (``error``)."""

    exercise_id: str
    reference: Any = None
    error: str = ""


@dataclass
class RegionsReady(Message):
    """The decision regions (a ``tutor.grids.RegionGrid``) of the network the learner trained in
    check number ``check`` of ``exercise_id``, or why they cannot be drawn (``error``)."""

    exercise_id: str
    check: int
    grid: Any = None
    error: str = ""
