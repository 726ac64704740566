"""How training threads keep pace: the speeds a learner picks, the chunks a run loop trains in, the
clock that holds a paced loop to its speed, and the budget that keeps redrawing to a share of the CPU.

    pacing = Pacing(speed=500)            # chunk(remaining): how many epochs before looking up again
    clock = Clock(pacing)                 # delay(epoch): how long to wait before going on
    budget = redraw_budget()              # due() / posting() in the worker, tick() on the UI thread
    spawn(work, "training run 1")         # a daemon thread

``tutor.runs`` (one run) and ``tutor.racing`` (the optimizer race) use these; ``tutor.runs`` names them
too, as it did before they moved here.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

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


def spawn(target: Callable[[], None], name: str) -> threading.Thread:
    """Run ``target`` in a new daemon thread called ``name`` (a worker: it must never touch a widget)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
