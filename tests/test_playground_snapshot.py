"""What the playground looks like after a fixed run: 300 epochs of Adam on the spiral data, seed 0."""

from __future__ import annotations

import time

from textual.app import App
from textual.widgets import Input

from tutor.screens.playground import PlaygroundScreen
from tutor.training_config import TrainConfig
from tutor.widgets.plane import RegionPlot

SNAPSHOT_CONFIG = TrainConfig(
    dataset="spiral",
    samples=60,
    classes=3,
    hidden=(32,),
    optimizer="adam",
    learning_rate=0.05,
    decay=5e-7,
    epochs=300,
    seed=0,
    nnfs_init=True,
)


class PlaygroundApp(App):
    def on_mount(self) -> None:
        self.push_screen(PlaygroundScreen(SNAPSHOT_CONFIG, autostart=True))


async def finish_training(pilot) -> None:
    screen = pilot.app.screen
    deadline = time.monotonic() + 60
    while screen.run is None or screen.run.state != "finished":
        assert time.monotonic() < deadline, "the run did not finish"
        await pilot.pause(0.05)
    # The final regions are redone at the charts' final size after the run ends (a loaded machine
    # may end the run before the layout settles): wait until what is shown was computed for it.
    while True:
        grid = screen.query_one(RegionPlot).grid
        columns, rows = screen._plane_resolution()
        if grid is not None and grid.classes.shape == (rows, columns):
            break
        assert time.monotonic() < deadline, "the final regions were not redone at the charts' size"
        await pilot.pause(0.05)
    for field in screen.query(Input):
        field.cursor_blink = False
    screen.set_focus(None)
    # Let the frames that follow the end of the run and the focus change be drawn (a loaded machine
    # may need more than one pause for them).
    for _ in range(4):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.1)


def test_playground_after_a_fixed_run(snap_compare):
    assert snap_compare(PlaygroundApp(), terminal_size=(120, 36), run_before=finish_training)
