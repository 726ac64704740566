"""The playground with lessons 11-17's settings: validation curves beside the training ones, the sine
fit instead of regions, the sigmoid head's regions, and the form's new fields (Pilot, 80x24)."""

from __future__ import annotations

from textual.widgets import Select

from tests.test_playground import ScreenApp, text_of, wait_for
from tutor import plotting
from tutor.screens.playground import PlaygroundScreen
from tutor.screens.race import RaceScreen
from tutor.training_config import TrainConfig
from tutor.widgets.plane import RegionPlot
from tutor.widgets.plots import CurvePlot, FitPlot
from tutor.widgets.settings_form import TrainingForm

VALIDATED = TrainConfig(learning_rate=0.05, epochs=300, samples=40, validation=0.2, hidden=(16,))


class RecordingPlot:
    """Remembers every series a draw function makes."""

    def __init__(self):
        self.series: list[dict] = []

    def clear_data(self):
        self.series.clear()

    def plot(self, x, y, **options):
        self.series.append({"kind": "plot", "x": list(x), "y": list(y), **options})

    def scatter(self, x, y, **options):
        self.series.append({"kind": "scatter", "x": list(x), "y": list(y), **options})

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


async def test_validation_curves_are_drawn_with_the_training_ones_at_80x24():
    app = ScreenApp(lambda: PlaygroundScreen(VALIDATED, autostart=True, speed=None))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.run is not None and screen.run.state == "finished", what="finish"
        )
        await pilot.pause()
        history = screen.run.history
        assert all(len(row) == 6 for row in history)
        assert "val_acc: " in text_of(screen, "#log")
        for metric in ("loss", "accuracy"):
            # Show this chart (80x24 shows one at a time), then read what it drew.
            while screen.view != metric:
                await pilot.press("v")
            await pilot.pause()
            chart = screen.query_one(f"#{metric}", CurvePlot)
            lines = "\n".join(
                str(line.text) for line in chart.draw_lines(chart.size.width, chart.size.height)
            )
            assert "training" in lines and "validation" in lines, lines
        plt = RecordingPlot()
        plotting.draw_curves(plt, history, "loss")
        labels = [series.get("label") for series in plt.series]
        assert labels == ["training", "validation"]
        training, validation = plt.series
        assert training["marker"] != validation["marker"] and training["color"] != validation["color"]


async def test_the_sine_run_shows_the_data_and_the_fitted_curve():
    config = TrainConfig(dataset="sine", samples=200, hidden=(16, 16), learning_rate=0.005, epochs=300)
    app = ScreenApp(lambda: PlaygroundScreen(config))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        fit = screen.query_one(FitPlot)
        assert fit.display and not screen.query_one(RegionPlot).display
        assert fit.X is not None and fit.curve is None  # the data, before training
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.run.state == "finished", what="finish")
        await pilot.pause()
        xs, predictions = fit.curve
        assert len(xs) == len(predictions) > 10
        assert "fit" in (fit.title or "")
        lines = "\n".join(str(line.text) for line in fit.draw_lines(fit.size.width, fit.size.height))
        assert "network" in lines and "data" in lines


async def test_the_sigmoid_head_paints_two_regions():
    config = TrainConfig(
        dataset="vertical",
        classes=2,
        output="sigmoid",
        samples=40,
        hidden=(8,),
        learning_rate=0.05,
        epochs=200,
    )
    app = ScreenApp(lambda: PlaygroundScreen(config, autostart=True, speed=None))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.run is not None and screen.run.state == "finished", what="finish"
        )
        await pilot.pause()
        grid = screen.query_one(RegionPlot).grid
        assert grid is not None and set(grid.classes.ravel().tolist()) == {0, 1}


async def test_the_form_reads_the_new_settings_and_names_a_bad_one():
    app = ScreenApp(lambda: PlaygroundScreen(TrainConfig(epochs=50, samples=20)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        form = screen.query_one(TrainingForm)
        form.input("validation").value = "0.25"
        form.input("dropout").value = "0.1"
        form.input("l2").value = "5e-4"
        form.input("batch_size").value = "16"
        form.query_one("#optimizer", Select).value = "rmsprop"
        await pilot.pause()
        assert not form.input("rho").disabled
        form.input("rho").value = "0.95"
        config = screen.read_config()
        assert (config.validation, config.dropout, config.l2, config.batch_size, config.rho) == (
            0.25, 0.1, 5e-4, 16, 0.95
        )  # fmt: skip
        assert config.output is None and config.head == "softmax"
        form.input("batch_size").value = ""
        assert screen.read_config().batch_size is None  # blank: the whole set per step
        form.input("dropout").value = "1.5"
        await pilot.pause()  # the field's Changed message (which clears a mark) first
        screen.action_start()
        await pilot.pause()
        assert screen.run is None
        assert "dropout" in text_of(screen, "#message")
        assert form.input("dropout").has_class("-invalid")
        form.input("dropout").value = "0"
        form.query_one("#output", Select).value = "sigmoid"
        await pilot.pause()
        screen.action_start()
        await pilot.pause()
        assert screen.run is None and "classes must be 2" in text_of(screen, "#message")
        # The form scrolls at 80x24: its last fields are reachable, not cut off.
        assert form.max_scroll_y > 0
        form.input("seed").focus()
        await pilot.pause()
        assert form.scroll_y > 0


async def test_the_race_keeps_the_shared_settings():
    config = TrainConfig(epochs=40, samples=20, l2=5e-4, dropout=0.1, validation=0.2, hidden=(8,))
    app = ScreenApp(lambda: RaceScreen(config))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        shared = text_of(screen, "#race-shared")
        assert "l2 0.0005" in shared and "dropout 0.1" in shared and "validation 0.2" in shared
        entries, base = screen.query_one("RaceForm").read()
        assert all(entry.config(base).l2 == 5e-4 for entry in entries)
        await pilot.pause()
