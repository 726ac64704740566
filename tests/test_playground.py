"""The training playground and the optimizer race, driven with Textual's Pilot."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import plotext
from textual.app import App
from textual.widgets import Input, Static

from tutor import runs
from tutor.messages import RaceEnded, RaceProgress, RunEnded, RunProgress
from tutor.runs import RaceEntry
from tutor.screens.playground import PlaygroundScreen
from tutor.screens.race import RaceScreen
from tutor.training_config import NOTEBOOK_CAPSTONE, TrainConfig
from tutor.widgets.plane import RegionPlot
from tutor.widgets.plots import CurvePlot, RacePlot

QUICK = TrainConfig(optimizer="adam", learning_rate=0.05, decay=5e-7, epochs=400, samples=40)
# Long enough that a test can pause and stop it in the middle.
LONG = replace(QUICK, epochs=200_000)
CAPSTONE = NOTEBOOK_CAPSTONE


class ScreenApp(App):
    """A bare app showing one screen, as the home and lesson screens would push it."""

    def __init__(self, screen_factory):
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


async def wait_for(pilot, condition, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_training_advances_the_epoch_counter_and_the_curves():
    app = ScreenApp(lambda: PlaygroundScreen(LONG))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert text_of(screen, "#epoch") == "epoch -"
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.run.epoch is not None and screen.run.epoch > 50, what="epochs")
        first_epoch, first_rows = screen.run.epoch, len(screen.run.history)
        # a history row is kept every `run.every` epochs: wait past the next one
        await wait_for(pilot, lambda: screen.run.epoch > first_epoch + screen.run.every, what="more epochs")
        assert len(screen.run.history) > first_rows
        assert f"epoch {screen.run.epoch} of 199999" in text_of(screen, "#epoch")
        assert text_of(screen, "#log").startswith(f"epoch: {screen.run.epoch}, acc: ")
        loss_chart = screen.query_one("#loss", CurvePlot)
        assert loss_chart.history is screen.run.history and loss_chart.renders > 1
        assert screen.query_one(RegionPlot).grid is not None
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.run.state == "stopped", what="stop")


async def test_pause_resume_stop_and_reset():
    app = ScreenApp(lambda: PlaygroundScreen(LONG))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (screen.run.epoch or 0) > 20, what="training")

        await pilot.press("p")
        await wait_for(pilot, lambda: screen.run.state == "paused", timeout=5, what="pause")
        paused_at = screen.run.trainer.epoch
        await pilot.pause(0.3)
        assert screen.run.trainer.epoch == paused_at  # nothing runs while paused
        assert "(paused)" in text_of(screen, "#epoch")

        await pilot.press("p")  # resume continues the same run
        await wait_for(pilot, lambda: screen.run.trainer.epoch > paused_at + 50, what="resume")
        assert screen.run.history[0][0] == 0  # same history, not a new run

        await pilot.press("x")
        await wait_for(pilot, lambda: screen.run.state == "stopped", timeout=5, what="stop")
        stopped_at = screen.run.trainer.epoch
        await pilot.pause(0.2)
        assert screen.run.trainer.epoch == stopped_at

        await pilot.press("r")
        await pilot.pause()
        assert screen.run is None
        assert text_of(screen, "#epoch") == "epoch -"
        assert screen.query_one("#loss", CurvePlot).history == []
        assert screen.query_one(RegionPlot).grid is None


async def test_stop_takes_effect_within_one_epoch():
    app = ScreenApp(lambda: PlaygroundScreen(LONG))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (screen.run.epoch or 0) > 20, what="training")
        run = screen.run
        run.request_stop()
        epoch_when_asked = run.trainer.epoch
        await wait_for(pilot, lambda: run.state == "stopped", timeout=5, what="stop")
        assert run.trainer.epoch <= epoch_when_asked + 1


async def test_a_finished_run_shows_the_notebook_log_line_and_final_regions():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK, autostart=True))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.run is not None and screen.run.state == "finished", what="finish"
        )
        assert screen.run.epoch == 399
        assert text_of(screen, "#log").startswith("epoch: 399, acc: ")
        assert screen.run.history[-1][0] == 399
        grid = screen.query_one(RegionPlot).grid
        assert grid is not None and grid.classes.shape == (
            screen.grid_resolution[1],
            screen.grid_resolution[0],
        )


async def test_diverging_run_stops_with_a_clear_message():
    config = TrainConfig(optimizer="sgd", learning_rate=1e100, epochs=1000, samples=40)
    app = ScreenApp(lambda: PlaygroundScreen(config, autostart=True))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.run is not None and screen.run.state == "diverged", what="divergence"
        )
        message = text_of(screen, "#message")
        assert "diverged at epoch" in message and "make it smaller" in message
        assert screen.query_one("#message").has_class("-error")
        # The screen still works: a sensible rate trains.
        screen.query_one("#learning_rate", Input).value = "0.05"
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.run.state == "finished", what="a new run")
        assert not screen.query_one("#message").has_class("-error")


async def test_bad_setting_is_named_and_nothing_starts():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#hidden", Input).value = "64,,0"
        screen.query_one("#epochs", Input).value = "50"
        await pilot.press("s")
        await pilot.pause()
        assert screen.run is None
        assert "hidden" in text_of(screen, "#message")
        assert screen.query_one("#hidden", Input).has_class("-invalid")
        assert screen.query_one("#epochs", Input).value == "50"  # nothing typed is lost

        screen.query_one("#hidden", Input).value = "16"
        screen.query_one("#learning_rate", Input).value = "-1"
        screen.set_focus(None)
        await pilot.press("s")
        await pilot.pause()
        assert screen.run is None
        assert "learning rate" in text_of(screen, "#message")


async def test_sgd_with_momentum_fills_in_a_momentum_and_enables_it():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        momentum = screen.query_one("#momentum", Input)
        assert momentum.disabled
        screen.query_one("#optimizer").value = "momentum"
        await pilot.pause()
        assert not momentum.disabled and momentum.value == "0.9"
        assert screen.query_one("#beta_1", Input).disabled
        screen.query_one("#learning_rate", Input).value = ""
        config = screen.read_config()
        assert (config.optimizer, config.momentum, config.learning_rate) == ("sgd", 0.9, None)


async def test_keys_are_answered_while_training():
    app = ScreenApp(lambda: PlaygroundScreen(LONG))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (screen.run.epoch or 0) > 20, what="training")
        started = time.monotonic()
        await pilot.press("p")
        await wait_for(pilot, lambda: screen.run.state == "paused", timeout=5, what="pause")
        assert time.monotonic() - started < 1.0


async def test_capstone_reaches_the_notebooks_numbers():
    app = ScreenApp(lambda: PlaygroundScreen(CAPSTONE, autostart=True, speed=None))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot,
            lambda: screen.run is not None and screen.run.state == "finished",
            timeout=120,
            what="the capstone run",
        )
        assert text_of(screen, "#log") == "epoch: 10000, acc: 0.967, loss: 0.074, lr: 0.04975126853296942"


async def test_race_draws_one_curve_per_optimizer_from_the_same_start():
    config = replace(QUICK, epochs=150)
    app = ScreenApp(lambda: RaceScreen(config, autostart=True))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.race is not None and screen.race.state == "finished", what="race"
        )
        race = screen.race
        labels = ["SGD lr=1", "SGD+momentum lr=1", "Adagrad lr=1", "RMSprop lr=0.02", "Adam lr=0.05"]
        assert list(race.curves) == labels
        for label in labels:
            assert race.curves[label][0][0] == 0 and race.curves[label][-1][0] == 149
        # Same data and initial weights: every optimizer starts from the same loss.
        first_losses = {round(points[0][1], 12) for points in race.curves.values()}
        assert len(first_losses) == 1
        trainings = race.trainings
        assert all((t.X == trainings[0].X).all() for t in trainings)
        plot = screen.query_one(RacePlot)
        assert plot.curves is race.curves
        standings = text_of(screen, "#race-table")
        assert standings.count("   149") == 5
        for label in labels:  # the table, in the curves' colours, is the chart's legend
            assert label in standings


async def test_race_reports_a_diverging_entry_and_finishes_the_others():
    entries = [RaceEntry("SGD", "sgd", 1e100), RaceEntry("Adam", "adam", 0.05)]
    app = ScreenApp(lambda: RaceScreen(replace(QUICK, epochs=100), entries, autostart=True))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.race is not None and screen.race.state == "finished", what="race"
        )
        assert "SGD lr=1e+100" in screen.race.diverged
        standings = text_of(screen, "#race-table")
        assert "diverged at epoch" in standings and "Adam lr=0.05" in standings
        # Marked in the chart too, not only in the table.
        await pilot.pause(0.2)
        assert "✗ SGD diverged" in plotext.uncolorize(screen.query_one(RacePlot).plt.build())


async def test_playground_opens_the_race_with_its_settings_and_pauses_training():
    app = ScreenApp(lambda: PlaygroundScreen(LONG))
    async with app.run_test(size=(120, 40)) as pilot:
        playground = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (playground.run.epoch or 0) > 10, what="training")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, RaceScreen), what="race screen")
        assert app.screen.base.samples == LONG.samples
        await wait_for(pilot, lambda: playground.run.state == "paused", timeout=5, what="pause")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is playground, what="back")


async def test_pausing_and_resuming_does_not_change_the_numbers():
    config = replace(CAPSTONE, epochs=3001)

    async def final_line(pause: bool) -> str:
        app = ScreenApp(lambda: PlaygroundScreen(config, autostart=True, speed=None))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            if pause:
                await wait_for(
                    pilot, lambda: screen.run is not None and (screen.run.epoch or 0) > 100, what="training"
                )
                await pilot.press("p")
                await wait_for(pilot, lambda: screen.run.state == "paused", timeout=5, what="pause")
                assert screen.run.trainer.epoch < 3001
                await pilot.press("p")
            await wait_for(
                pilot,
                lambda: screen.run is not None and screen.run.state == "finished",
                what="the end of the run",
            )
            return text_of(screen, "#log")

    assert await final_line(pause=True) == await final_line(pause=False)


# ---------------------------------------------------------------------------------------------
# tutor.runs and tutor.messages without a screen


def run_to_the_end(run: runs.Run) -> list:
    posted: list = []
    run.work(posted.append)  # the thread's body, here in the test's thread
    return posted


def test_a_run_posts_its_whole_history_and_ends_finished():
    config = replace(QUICK, epochs=230)
    run = runs.Run(
        1, config, every=20, picture=lambda network, X: ("picture", len(X)), pacing=runs.Pacing(35)
    )
    posted = run_to_the_end(run)
    progress = [m for m in posted if isinstance(m, RunProgress)]
    assert isinstance(posted[-1], RunEnded) and posted[-1].outcome == "finished"
    final = progress[-1]
    # Rows every 20 epochs and the last, whatever the chunks the loop trained in.
    assert [row[0] for row in final.history] == [*range(0, 230, 20), 229]
    assert final.epoch == 229 and final.log_line.startswith("epoch: 229, acc: ")
    assert final.picture == ("picture", 120)
    # Each progress message holds every row an earlier one did.
    for older, newer in itertools.pairwise(progress):
        assert tuple(newer.history[: len(older.history)]) == tuple(older.history)


def test_small_chunks_train_the_same_numbers_as_one_chunk():
    config = replace(CAPSTONE, epochs=301)

    def last_line(chunk_epochs: int) -> str:
        run = runs.Run(1, config, every=50, pacing=runs.Pacing(chunk_epochs))
        return [m for m in run_to_the_end(run) if isinstance(m, RunProgress)][-1].log_line

    assert last_line(7) == last_line(1000)


def test_a_stopped_run_resumes_where_it_stopped():
    run = runs.Run(1, replace(QUICK, epochs=200), every=10, pacing=runs.Pacing(50))
    run.stop.set()  # stopped before the first chunk: nothing trains
    assert run_to_the_end(run)[-1].outcome == "stopped"
    assert run.training is not None and run.training.epoch == 0
    run.stop.clear()
    assert run_to_the_end(run)[-1].outcome == "finished"
    assert run.training.epoch == 200


def test_a_diverging_run_posts_its_rows_then_diverged():
    run = runs.Run(1, TrainConfig(optimizer="sgd", learning_rate=1e100, epochs=100, samples=20), every=1)
    posted = run_to_the_end(run)
    ended = posted[-1]
    assert isinstance(ended, RunEnded) and ended.outcome == "diverged" and ended.epoch is not None
    assert "diverged" in ended.detail


def test_the_same_config_builds_the_same_data_and_weights():
    first, second = runs.Training.build(CAPSTONE), runs.Training.build(CAPSTONE)
    assert (first.X == second.X).all() and (first.y == second.y).all()
    for a, b in zip(first.network.dense_layers, second.network.dense_layers):
        assert (a.weights == b.weights).all()
    assert first.epoch == 0 and first.remaining == CAPSTONE.epochs


def test_a_race_posts_divergence_as_it_happens_and_finishes_the_rest():
    entries = [RaceEntry("SGD", "sgd", 1e100), RaceEntry("Adam", "adam", 0.05)]
    race = runs.Race(1, replace(QUICK, epochs=60), entries, every=1)
    posted: list = []
    race.work(posted.append)
    progress = [m for m in posted if isinstance(m, RaceProgress)]
    assert "SGD lr=1e+100" in progress[-1].diverged
    assert [point[0] for point in progress[-1].curves["Adam lr=0.05"]] == list(range(60))
    ended = posted[-1]
    assert isinstance(ended, RaceEnded) and ended.outcome == "finished"
    assert set(ended.diverged) == {"SGD lr=1e+100"}


def test_progress_messages_replace_older_ones_of_the_same_run_only():
    older = RunProgress(1, ((0, 1.0, 0.3, 0.05),), 0, "epoch: 0", picture=None)
    newer = RunProgress(1, ((0, 1.0, 0.3, 0.05), (10, 0.9, 0.4, 0.05)), 10, "epoch: 10", picture="grid")
    assert older.can_replace(newer)  # Textual then handles only the newer
    # A newer one without a picture must not swallow an older picture.
    assert not newer.can_replace(replace(older, epoch=20, picture=None))
    assert not older.can_replace(replace(newer, run_id=2))
    assert not older.can_replace(RunEnded(1, "finished"))
    race = RaceProgress(1, {"Adam": ((0, 1.0),)}, {})
    assert race.can_replace(RaceProgress(1, {"Adam": ((0, 1.0), (1, 0.9))}, {}))
    assert not race.can_replace(RaceProgress(2, {}, {}))


# ---------------------------------------------------------------------------------------------
# Pacing and live changes


def frames_at(speed, epochs=120):
    """Run ``epochs`` of QUICK at ``speed`` in this thread, with a stand-in screen that takes an
    update at most every 20 ms; returns the progress messages."""
    budget = runs.RedrawBudget(0.5, 0.02)
    run = runs.Run(1, replace(QUICK, epochs=epochs), every=10, budget=budget, pacing=runs.Pacing(speed=speed))
    posted: list = []

    def post(message):
        posted.append(message)
        budget.next_post_at = time.perf_counter() + 0.02

    run.work(post)
    assert posted[-1].outcome == "finished"
    return [m for m in posted if isinstance(m, RunProgress)]


def test_a_paced_run_posts_many_frames_and_a_slower_pace_fewer_epochs_each():
    slow, fast = frames_at(200), frames_at(None)
    # 120 epochs at 200 a second: about 0.6 s, a frame every 10 epochs or so (bounds generous).
    assert len(slow) >= 5
    assert len(slow) > len(fast)
    per_frame_slow = 120 / len(slow)
    per_frame_fast = 120 / len(fast)
    assert per_frame_slow < per_frame_fast
    # Every frame carries the epoch it reached and its log line.
    epochs = [m.epoch for m in slow]
    assert epochs == sorted(epochs) and all(m.log_line.startswith(f"epoch: {m.epoch},") for m in slow)


def test_pacing_gives_one_frame_of_epochs_per_chunk():
    assert runs.Pacing(speed=None, chunk_epochs=500).chunk(10_000) == 500
    assert runs.Pacing(speed=500).chunk(10_000) == 15  # 30 ms of epochs
    assert runs.Pacing(speed=10).chunk(10_000) == 1  # the slowest: single steps
    assert runs.next_speed(runs.DEFAULT_SPEED, -1) < runs.DEFAULT_SPEED
    assert runs.next_speed(runs.SPEEDS[-2], +1) is None and runs.next_speed(None, +1) is None
    assert runs.next_speed(runs.SPEEDS[0], -1) == runs.SPEEDS[0]


def test_a_live_learning_rate_change_takes_effect_at_the_next_epoch():
    config = replace(QUICK, epochs=60, decay=0.0)
    run = runs.Run(
        1, config, every=1, budget=runs.RedrawBudget(1.0, 0.0), pacing=runs.Pacing(chunk_epochs=500)
    )
    asked_at: list[int] = []

    def post(message):
        if isinstance(message, RunProgress) and message.epoch >= 20 and not asked_at:
            asked_at.append(message.epoch)
            run.change(learning_rate=0.01)
        run.budget.next_post_at = 0.0

    run.work(post)
    rows = {row[0]: row for row in run._rows}
    changed = asked_at[0] + 1
    assert run._marks == [(changed, "lr 0.01")]
    assert rows[changed - 1][3] == 0.05 and rows[changed][3] == 0.01 and rows[59][3] == 0.01
    assert run.config.learning_rate == 0.01


def test_decay_and_momentum_change_live_and_bad_values_are_refused():
    config = TrainConfig(optimizer="sgd", learning_rate=1.0, momentum=0.5, epochs=30, samples=20)
    run = runs.Run(1, config, every=1)
    run.change(decay=0.1, momentum=0.9)
    run.work(lambda message: None)
    optimizer = run.trainer.optimizer
    assert (optimizer.decay, optimizer.momentum) == (0.1, 0.9)
    assert run._marks == [(0, "decay 0.1, momentum 0.9")]
    try:
        run.change(learning_rate=-1.0)
    except ValueError as error:
        assert "learning_rate" in str(error)
    else:
        raise AssertionError("a negative learning rate was accepted")


async def test_speed_keys_change_how_many_epochs_each_frame_shows():
    app = ScreenApp(lambda: PlaygroundScreen(LONG, speed=1000))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen

        async def steps(seconds=1.5):
            seen = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if screen.run.epoch is not None and (not seen or seen[-1] != screen.run.epoch):
                    seen.append(screen.run.epoch)
                await pilot.pause(0.02)
            return [b - a for a, b in itertools.pairwise(seen)]

        await pilot.press("s")
        await wait_for(pilot, lambda: screen.run.epoch is not None, what="training")
        fast = await steps()
        for _ in range(4):
            await pilot.press("minus")
        assert screen.speed == 30 and screen.run.pacing.speed == 30
        assert "30 epochs/s" in text_of(screen, "#message")
        await pilot.pause(0.3)
        slow = await steps()
        assert len(slow) >= 5  # frames keep coming at a slow pace
        assert sorted(slow)[len(slow) // 2] < sorted(fast)[len(fast) // 2]
        await pilot.press("plus")
        assert screen.speed == 100
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.run.state == "stopped", timeout=5, what="stop")


async def test_the_live_bar_changes_the_learning_rate_during_a_run():
    app = ScreenApp(lambda: PlaygroundScreen(LONG, speed=250))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (screen.run.epoch or 0) > 20, what="training")
        assert not screen.form.display or not screen.form.region  # folded away while training
        field = screen.query_one("#live-learning_rate", Input)
        assert field.value == "0.05"
        field.focus()
        field.value = "0.01"
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(screen.run.marks), what="the change")
        epoch, text = screen.run.marks[0]
        assert text == "lr 0.01" and "lr 0.01" in text_of(screen, "#run-title")
        await wait_for(pilot, lambda: screen.run.history[-1][0] > epoch, what="rows after the change")
        after = [row for row in screen.run.history if row[0] >= epoch]
        assert after and all(abs(row[3] - 0.01) < 1e-4 for row in after)  # 0.01, decayed a little
        assert screen.query_one("#loss", CurvePlot).marks == screen.run.marks
        field.value = "abc"
        field.focus()
        await pilot.press("enter")
        assert "must be a number" in text_of(screen, "#message") and field.has_class("-invalid")
        screen.run.request_stop()


# ---------------------------------------------------------------------------------------------
# 80x24 and the hidden layer


async def test_at_80x24_every_chart_gets_eight_rows_and_its_title():
    app = ScreenApp(lambda: PlaygroundScreen(LONG, speed=1000))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: (screen.run.epoch or 0) > 300, what="training")
        assert not screen.form.display or screen.form.region.height == 0
        assert text_of(screen, "#run-title").startswith("spiral 40x3, hidden 64")
        titles = {
            "regions": "predicted classes",
            "neurons": "hidden layer 1: neurons 1-16 of 64",
            "loss": "loss",
            "accuracy": "accuracy",
            "learning_rate": "learning rate",
        }
        seen = []
        for _ in range(5):
            await pilot.pause(0.4)
            view = screen.view
            seen.append(view)
            chart = screen.query_one(f"#chart-row #{view}")
            assert chart.region.height >= 8, (view, chart.region)
            shown = [widget for widget in screen.query("CurvePlot, PlaneView") if widget.region.height]
            assert shown == [chart]  # one chart at a time
            assert titles[view] in str(chart.render())
            await pilot.press("v")
        assert sorted(seen) == sorted(titles)
        screen.run.request_stop()


async def test_the_neuron_view_shows_sixteen_maps_of_the_first_hidden_layer():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK, autostart=True, speed=None))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.run is not None and screen.run.state == "finished", what="finish"
        )
        await pilot.press("v")
        await pilot.pause(0.3)
        view = screen.query_one("#neurons")
        assert view.region.height >= 8 and view.maps is not None
        assert view.maps.values.shape[0] == 16 and view.maps.layer_size == 64
        assert "▀" in str(view.render())


# ---------------------------------------------------------------------------------------------
# Settings fields


async def test_settings_fields_read_what_was_typed():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        hidden = screen.query_one("#hidden", Input)
        for typed, sizes in (("16 16", (16, 16)), ("64 64", (64, 64)), ("32, 8", (32, 8))):
            hidden.value = typed
            assert screen.read_config().hidden == sizes
        hidden.value = "16 x"
        await pilot.press("s")
        assert screen.run is None and "hidden sizes" in text_of(screen, "#message")
        hidden.value = "16"
        rate = screen.query_one("#learning_rate", Input)
        rate.focus()
        await pilot.press("a", "b", "c")
        assert rate.value.endswith("abc")  # nothing typed is dropped
        rate.value = "abc"
        screen.set_focus(None)
        await pilot.press("s")
        assert screen.run is None and "learning rate must be a number" in text_of(screen, "#message")
        samples = screen.query_one("#samples", Input)
        rate.value, samples.value = "0.05", "-5"
        screen.set_focus(None)  # the error focused the learning rate field
        await pilot.pause()
        await pilot.press("s")
        assert screen.run is None and "points per class" in text_of(screen, "#message"), text_of(
            screen, "#message"
        )
        assert samples.value == "-5"


async def test_switching_optimizer_offers_its_learning_rate_unless_one_was_typed():
    app = ScreenApp(lambda: PlaygroundScreen(QUICK))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        rate = screen.query_one("#learning_rate", Input)
        assert rate.value == "0.05"
        screen.query_one("#optimizer").value = "sgd"
        await pilot.pause()
        assert rate.value == "1"
        screen.query_one("#optimizer").value = "rmsprop"
        await pilot.pause()
        assert rate.value == "0.001"
        rate.value = "0.02"  # the learner's own
        screen.query_one("#optimizer").value = "sgd"
        await pilot.pause()
        assert rate.value == "0.02"
