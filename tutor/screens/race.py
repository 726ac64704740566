"""The optimizer race: several optimizers train the same network on the same data, side by side.

Every entry gets the same data and the same initial weights, so the only difference between the
curves is the optimizer. The race itself is a ``tutor.runs.Race`` (one thread advances every entry in
turns and posts ``RaceProgress`` / ``RaceEnded``); the settings are a ``RaceForm``. This screen lays
them out and reacts.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from tutor import plotting, runs
from tutor.messages import RaceEnded, RaceProgress
from tutor.runs import DEFAULT_ENTRIES, RaceEntry
from tutor.screens.base import release_closed_watchers
from tutor.training_config import TrainConfig
from tutor.widgets.plots import RacePlot
from tutor.widgets.settings_form import FormError, RaceForm


class RaceScreen(Screen):
    """Pick the contestants and their learning rates; watch their loss curves on one chart.

    ``config`` gives the data, network, epochs and seed shared by every entry; ``entries`` the
    optimizers (default: SGD, SGD with momentum, Adagrad, RMSprop and Adam).
    """

    DEFAULT_CSS = """
    RaceScreen #race-body { height: 1fr; }
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
        self, config: TrainConfig, entries: Sequence[RaceEntry] | None = None, autostart: bool = False
    ) -> None:
        super().__init__()
        self.base = config
        self.entries = list(entries or DEFAULT_ENTRIES)
        self.autostart = autostart
        self.race: runs.Race | None = None
        self._next_race_id = 0
        self.redraw_budget = runs.redraw_budget()

    def compose(self) -> ComposeResult:
        with Horizontal(id="race-body"):
            yield RaceForm(
                self.base,
                self.entries,
                buttons=[
                    [
                        Button("Start race", id="race-start", variant="success", compact=True),
                        Button("Stop", id="race-stop", variant="error", compact=True, disabled=True),
                        Button("Back", id="race-back", compact=True),
                    ]
                ],
                id="race-settings",
            )
            with Vertical(id="race-charts"):
                yield Static("Same data, same initial weights: only the optimizer differs.", id="race-title")
                yield RacePlot(id="race-plot")
                with Vertical(id="standings"):
                    yield Static("", id="race-table")
                    yield Static("Press s to start the race.", id="race-message")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "optimizer race"
        if self.autostart:
            self.call_after_refresh(self.action_start)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.race is not None and self.race.state == "racing":
            self._message("The race is running: x stops it.")
            return
        form = self.query_one(RaceForm)
        try:
            entries, base = form.read()
        except FormError as error:
            form.show_error(error)
            self._message(str(error), error=True)
            return
        self._next_race_id += 1
        self.race = race = runs.Race(
            self._next_race_id,
            base,
            entries,
            every=plotting.history_step(base.epochs),
            budget=self.redraw_budget,
        )
        race.start(self.post_message)
        self.query_one(RacePlot).set_curves(race.curves)
        self.query_one("#race-table", Static).update(self._standings())
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
        release_closed_watchers(self.app)  # what this screen's charts and header watched forgets them

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

    def _current(self, race_id: int) -> runs.Race | None:
        race = self.race
        return race if race is not None and race.race_id == race_id else None

    def on_race_progress(self, message: RaceProgress) -> None:
        race = self._current(message.race_id)
        if race is None:
            return
        race.show(message)
        self.redraw_budget.tick()
        self.query_one(RacePlot).set_curves(race.curves, race.diverged)
        self.query_one("#race-table", Static).update(self._standings())

    def on_race_ended(self, message: RaceEnded) -> None:
        race = self._current(message.race_id)
        if race is None:
            return
        race.show(message)
        self.query_one(RacePlot).set_curves(race.curves, race.diverged)
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
