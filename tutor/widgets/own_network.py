"""Watch your own network learn: the live view of a check that trains the learner's network.

While the check runs, the lines the learner's loop prints stream in (``LiveCheck.show_output``):
the log scrolls, and the loss and accuracy it reports are drawn as curves over the engine's run of the
same settings, drawn faint. At the end the view says whether the learner's log equals the
notebook's line for line (or shows the first line that differs next to the expected one) and draws
the decision regions of the network the learner trained.

``LiveCheck`` is the state (plain data, kept by the exercise, so the view can be closed and opened
again); ``OwnNetworkScreen`` draws it, laid out for 80x24 first: a title line, the two curves, the
log (and at the end the regions beside it), the verdict, the keys. ``s`` stops the check, escape goes
back to the lesson while it trains on. ``OutputCollector`` is the grader's ``on_output``: it runs in
the grading thread and posts ``CheckOutput`` messages, one in flight at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Footer, Log, Static

from tutor.messages import CheckOutput
from tutor.own_run import HistoryRow, LogComparison, compare_logs, parse_log_line
from tutor.widgets.plane import RegionPlot
from tutor.widgets.plots import CurvePlot

if TYPE_CHECKING:
    from tutor.grader.results import CheckResult
    from tutor.grids import RegionGrid
    from tutor.own_run import ReferenceRun
    from tutor.training_config import TrainConfig


class CheckStopped(Exception):
    """Raised in the grading thread by ``OutputCollector`` once the learner asked to stop."""


class OutputCollector:
    """The grader's ``on_output`` for one check: keeps every line printed (and the log's curve rows)
    and posts them all as a ``CheckOutput``, one message in flight at a time: the UI thread calls
    ``delivered(message)`` once it has shown one, which posts the lines that came meanwhile, if any.
    So a learner's code that prints fast never piles up messages, and the last line always arrives.
    ``stop()`` (any thread) makes the next line raise ``CheckStopped``."""

    def __init__(self, post: Callable[[Any], object], exercise_id: str, check: int) -> None:
        self.post = post
        self.exercise_id = exercise_id
        self.check = check
        self.lines: list[str] = []
        self.history: list[HistoryRow] = []
        self._lock = threading.Lock()
        self._in_flight = False
        self._stop = threading.Event()

    def __call__(self, line: str) -> None:
        """A line printed (called in the grading thread)."""
        if self._stop.is_set():
            raise CheckStopped()
        line = line.rstrip("\r\n")
        row = parse_log_line(line)
        with self._lock:
            self.lines.append(line)
            if row is not None:
                self.history.append(row)
            if self._in_flight:
                return
            self._in_flight = True
            message = self._message()
        self.post(message)

    def delivered(self, message: CheckOutput) -> None:
        """``message`` has been shown (called on the UI thread): post what was printed since."""
        with self._lock:
            if len(self.lines) == len(message.lines):
                self._in_flight = False
                return
            message = self._message()
        self.post(message)

    def _message(self) -> CheckOutput:
        return CheckOutput(self.exercise_id, self.check, tuple(self.lines), tuple(self.history))

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


@dataclass
class LiveCheck:
    """What one check of a training loop has shown so far (the exercise keeps it; views draw it).

    ``check`` numbers the exercise's checks; ``lines``/``history`` what was printed; ``reference`` the
    engine's run of ``config`` (None until computed); ``result`` the grader's result at the end,
    then ``comparison`` of the logs and ``grid``, the trained network's regions (or ``regions_error``).
    """

    exercise_id: str
    check: int
    config: TrainConfig | None
    started: float = field(default_factory=time.monotonic)
    lines: Sequence[str] = ()
    history: Sequence[HistoryRow] = ()
    reference: ReferenceRun | None = None
    reference_error: str = ""
    result: CheckResult | None = None
    failure: str = ""  # the grader itself failed
    stopped: bool = False
    finished_at: float | None = None
    grid: RegionGrid | None = None
    regions_error: str = ""

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def seconds(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - self.started

    @property
    def epochs(self) -> int | None:
        """The last epoch of the run being reproduced, when known."""
        return self.config.epochs - 1 if self.config is not None else None

    @property
    def comparison(self) -> LogComparison | None:
        """The learner's log against the reference's, once both are complete."""
        if self.running or self.reference is None or self.stopped or self.failure:
            return None
        return compare_logs(self.lines, self.reference.lines)

    def finish(self, result: CheckResult | None, lines: Sequence[str] = (), failure: str = "") -> None:
        """The check ended: its ``result`` (None when the grader failed: ``failure`` says why) and the
        complete ``lines`` printed (what was streamed, else the result's output)."""
        self.result = result
        self.failure = failure
        self.finished_at = time.monotonic()
        if not lines and result is not None and result.stdout:
            lines = result.stdout.splitlines()
        if lines:
            self.lines = tuple(lines)
            history = (parse_log_line(line) for line in lines)
            self.history = tuple(row for row in history if row is not None)

    def title(self) -> str:
        """The view's first line: where training is, or how the check ended."""
        where = ""
        if self.history:
            epoch = self.history[-1][0]
            where = f"epoch {epoch}" + (f" of {self.epochs}" if self.epochs is not None else "")
        seconds = f"{self.seconds:.0f} s"
        if self.running:
            if self.stopped:
                return f"Stopping... {where}".strip()
            if not self.lines:
                return f"Your network: starting your code... {seconds}"
            return f"Your network trains: {where or f'{len(self.lines)} lines printed'}, {seconds}"
        if self.stopped:
            return f"Stopped: {where or 'before the first log line'}, {seconds}"
        if self.failure:
            return "The check could not run"
        assert self.result is not None
        mark = "✓ Passed" if self.result.passed else "✗ Not yet"
        return f"{mark}: {where or 'no log lines'}, {seconds}"

    def verdict(self) -> tuple[str, str]:
        """``(style, text)`` for the end of the view: the comparison, or what the check said."""
        if self.running:
            if self.reference is None:
                return "", "Your network's loss and accuracy, as your code prints them."
            return "", "Bright: your network, as your code prints it. Faint: the notebook's run."
        if self.stopped:
            return "warning", "You stopped the check. Check again (ctrl+r) to train from the start."
        if self.failure:
            return "error", self.failure
        result = self.result
        assert result is not None
        comparison = self.comparison
        if comparison is not None and comparison.equal:
            return (
                "success" if result.passed else "error"
            ), f"{'✓' if result.passed else '✗'} {comparison.summary()}." + (
                "" if result.passed else f" {result.summary}"
            )
        if comparison is not None and (comparison.yours is not None or comparison.expected is not None):
            yours = comparison.yours if comparison.yours is not None else "(no line)"
            expected = comparison.expected if comparison.expected is not None else "(no line)"
            return "error", (f"✗ {comparison.summary()}:\n  yours:    {yours}\n  notebook: {expected}")
        return ("success" if result.passed else "error"), f"{'✓' if result.passed else '✗'} {result.summary}"


class OwnNetworkScreen(ModalScreen[None]):
    """The live view of a ``LiveCheck``: call ``update_view()`` whenever it changes. ``on_stop`` is
    called when the learner presses ``s`` while it runs."""

    DEFAULT_CSS = """
    OwnNetworkScreen { background: $background; }
    OwnNetworkScreen #own-title { height: 1; text-style: bold; padding: 0 1; background: $panel; }
    OwnNetworkScreen #own-curves { height: 1fr; min-height: 6; }
    OwnNetworkScreen #own-bottom { height: 1fr; min-height: 5; }
    OwnNetworkScreen #own-log { width: 1fr; height: 1fr; border: round $panel-lighten-2; }
    OwnNetworkScreen #own-regions { width: 2fr; height: 1fr; display: none; }
    OwnNetworkScreen #own-regions.-shown { display: block; }
    OwnNetworkScreen #own-verdict { height: auto; max-height: 5; padding: 0 1; }
    OwnNetworkScreen #own-verdict.-success { color: $text-success; }
    OwnNetworkScreen #own-verdict.-error { color: $text-error; }
    OwnNetworkScreen #own-verdict.-warning { color: $text-warning; }
    OwnNetworkScreen .-regions-shown #own-log { width: 3fr; }
    """

    BINDINGS = [
        Binding("s", "stop", "Stop the check"),
        Binding("escape,q", "close", "Back to your code"),
    ]

    def __init__(self, live: LiveCheck, on_stop: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.live = live
        self.on_stop = on_stop
        self._written = 0  # log lines already in the Log widget
        self._drawn_history: Sequence[HistoryRow] | None = None
        self._drawn_reference: object = None
        self._drawn_grid: object = None
        self._composed = False  # its widgets exist (set on mount)

    def compose(self) -> ComposeResult:
        yield Static(id="own-title")
        with Horizontal(id="own-curves"):
            yield CurvePlot("loss", id="own-loss")
            yield CurvePlot("accuracy", id="own-accuracy")
        with Horizontal(id="own-bottom"):
            log = Log(id="own-log", max_lines=2000)
            log.border_title = "what your code prints"
            yield log
            yield OwnRegions(id="own-regions")
        yield Static(id="own-verdict")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._composed = True
        self.update_view()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.live.running:
            self.query_one("#own-title", Static).update(self.live.title())

    def update_view(self) -> None:
        """Draw what ``live`` holds now (only what changed is drawn again)."""
        if not self._composed:
            return  # on_mount draws it
        live = self.live
        self.query_one("#own-title", Static).update(live.title())
        log = self.query_one("#own-log", Log)
        if len(live.lines) < self._written:  # a new check
            log.clear()
            self._written = 0
        if len(live.lines) > self._written:
            log.write_lines(live.lines[self._written :])
            self._written = len(live.lines)
        reference = live.reference.history if live.reference is not None else ()
        if live.history is not self._drawn_history or reference is not self._drawn_reference:
            for plot_id in ("#own-loss", "#own-accuracy"):
                self.query_one(plot_id, CurvePlot).set_history(live.history, reference=reference)
            self._drawn_history, self._drawn_reference = live.history, reference
        self._show_regions()
        style, text = live.verdict()
        verdict = self.query_one("#own-verdict", Static)
        verdict.update(text)
        verdict.set_classes(f"-{style}" if style else "")
        self.refresh_bindings()

    def _show_regions(self) -> None:
        live = self.live
        regions = self.query_one("#own-regions", OwnRegions)
        if live.grid is None and not live.regions_error:
            regions.remove_class("-shown")
            self.query_one("#own-bottom").remove_class("-regions-shown")
            return
        if live.grid is self._drawn_grid and regions.has_class("-shown"):
            return
        self._drawn_grid = live.grid
        regions.add_class("-shown")
        self.query_one("#own-bottom").add_class("-regions-shown")
        if live.grid is not None and live.reference is not None:
            regions.show_regions(live.grid, "your network's regions", X=live.reference.X, y=live.reference.y)
        else:
            regions.show_problem(live.regions_error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.live.running and not self.live.stopped
        return True

    def action_stop(self) -> None:
        if self.live.running and self.on_stop is not None:
            self.on_stop()
            self.update_view()

    def action_close(self) -> None:
        self.dismiss(None)


class OwnRegions(RegionPlot):
    """The regions of the learner's trained network, or one line saying why they cannot be drawn."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problem = ""

    def show_problem(self, text: str) -> None:
        self.problem, self.grid = text, None
        self.refresh()

    def lines(self, width: int, height: int) -> list[Strip]:
        if self.problem and self.grid is None:
            return _text_strips(self.problem, width)
        return super().lines(width, height)


def _text_strips(text: str, width: int) -> list[Strip]:
    import textwrap

    return [Strip([Segment(line)]).adjust_cell_length(width) for line in textwrap.wrap(text, max(10, width))]


def live_summary(live: LiveCheck) -> str:
    """One line for the feedback panel while the check runs."""
    if live.stopped:
        return "Stopping..."
    if live.history:
        epoch = live.history[-1][0]
        return f"Your network trains: epoch {epoch}, {live.seconds:.0f} s"
    return f"Running your code, {live.seconds:.0f} s"
