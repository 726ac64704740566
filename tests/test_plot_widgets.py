"""Chart widgets: lesson plots draw in place, follow the theme and the terminal size, and never break a
lesson; the redraw budget keeps the UI thread's share of the CPU."""

from __future__ import annotations

import math
import time

from textual.app import App
from textual.containers import VerticalScroll

from tutor.curriculum import PlotSpec
from tutor.plotting import Palette
from tutor.runs import RedrawBudget
from tutor.widgets.plots import LessonPlot


class PlotsApp(App):
    def __init__(self, *specs):
        super().__init__()
        self.specs = specs

    def compose(self):
        with VerticalScroll():
            for index, spec in enumerate(self.specs):
                yield LessonPlot(spec, id=f"plot-{index}")


def text_of(plot: LessonPlot) -> str:
    return "\n".join(line.text for line in plot._lines or [])


def colours_of(plot: LessonPlot) -> set:
    return {
        segment.style.color.triplet
        for line in plot._lines or []
        for segment in line
        if segment.style and segment.style.color and segment.style.color.triplet
    }


async def test_lesson_plots_draw_data_and_functions_in_place():
    app = PlotsApp(
        PlotSpec(data="spiral", samples=50, classes=3, title="The spiral"),
        PlotSpec(function="relu", range=(-3.0, 3.0)),
    )
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        data_plot, function_plot = app.query(LessonPlot)
        assert "The spiral" in text_of(data_plot) and "class 2" in text_of(data_plot)
        assert text_of(data_plot).count("●") > 50
        assert "ReLU: max(0, x)" in text_of(function_plot)
        assert data_plot.size.height == 20
        assert all(line.cell_length == data_plot.size.width for line in data_plot._lines)


async def test_a_bad_plot_block_explains_itself_and_the_rest_still_draws():
    # The loader lets no bad spec through; a data set the engine no longer has still must not crash.
    app = PlotsApp(PlotSpec(data="moons"), PlotSpec(function="sigmoid"))
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        bad, good = app.query(LessonPlot)
        assert "This plot cannot be drawn" in text_of(bad) and "unknown data set 'moons'" in text_of(bad)
        assert bad.has_class("-error")
        assert "sigmoid" in text_of(good)


async def test_plots_follow_the_theme():
    app = PlotsApp(PlotSpec(data="spiral", samples=30))
    async with app.run_test(size=(90, 30)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        plot = app.query_one(LessonPlot)
        dark = colours_of(plot)
        assert plot.palette().dark
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light = colours_of(plot)
        assert not plot.palette().dark
        point_dark, point_light = Palette(dark=True).class_color(0), Palette(dark=False).class_color(0)
        assert point_dark in dark and point_light in light and point_dark not in light


async def test_plots_redraw_at_the_new_size_when_the_terminal_resizes():
    app = PlotsApp(PlotSpec(function="step"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        plot = app.query_one(LessonPlot)
        wide = plot.size.width
        assert {line.cell_length for line in plot._lines} == {wide}
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        await pilot.pause()
        assert plot.size.width < wide
        assert {line.cell_length for line in plot._lines} == {plot.size.width}


def test_redraw_budget_holds_updates_until_the_last_is_handled():
    budget = RedrawBudget(0.1, minimum=0.1, maximum=2.0, first=0.4)
    assert budget.due()  # the first update goes at once
    budget.posting()
    assert not budget.due() and budget.next_post_at == math.inf
    budget.tick()  # handled: the next may go after the interval
    assert not budget.due() and budget.next_post_at <= time.perf_counter() + 0.4


def test_redraw_budget_spaces_updates_by_what_they_cost():
    budget = RedrawBudget(0.1, minimum=0.1, maximum=2.0, first=0.2)
    budget.tick()
    busy_until = time.thread_time() + 0.03
    while time.thread_time() < busy_until:  # 30 ms of UI work
        pass
    budget.tick()
    # 30 ms at a 10% share wants 0.3 s; growth is capped at doubling per update (0.4 s).
    assert 0.29 <= budget.interval <= 0.4
    budget.tick()  # a cheap update: the interval comes back down
    assert budget.interval == 0.1
