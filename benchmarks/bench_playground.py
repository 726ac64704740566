"""What live plotting costs: training throughput in the playground against the engine alone, in one run.

    python benchmarks/bench_playground.py [--epochs 10001] [--repeats 5] [--size 120x40]

Three ways to train the same run (the notebook's capstone: spiral data 100 x 3, Dense 2->64, ReLU,
Dense 64->3, Adam lr 0.05 decay 5e-7, under nnfs.init()), interleaved so that a busy machine slows all
of them alike:

    engine     Trainer.run alone, no callback: the baseline
    callback   the playground's run (tutor.runs.Run.work) without a screen: history rows, log lines
               and decision-region grids, posted into a list instead of the app
    playground the real PlaygroundScreen in a headless app (Textual's run_test) at the given terminal
               size, started with its s key once the screen is up, its live charts redrawn as it trains

Two measures, per run from the first epoch to the last:

    wall  epochs per wall-clock second: what a learner sees on an idle machine. On a busy one it
          swings with whatever else runs.
    CPU   epochs per CPU second of the threads doing the work: the training thread, plus (for the
          playground) the UI thread. The two share one interpreter lock, so on an idle machine their
          CPU times add up to the wall time; unlike wall time, this hardly moves with other load.

"Live plotting costs" is 1 - playground / engine in CPU epochs per second (best of the repeats);
the wall-clock figure is printed beside it. The playground runs at full speed for that; then once at
its default pace (``runs.DEFAULT_SPEED``, about 20 s for the capstone), where what counts is how often
the charts redraw: frames per second of the loss curve and of the decision regions while training.
Also printed: the redraw time per frame (the CPU time each chart takes to draw once at that size,
measured by redrawing them in the finished screen).
Set OPENBLAS_NUM_THREADS=1 on a busy machine: these matrices are too small for BLAS threads to help.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor import plotting, runs
from tutor.screens import playground
from tutor.training_config import NOTEBOOK_CAPSTONE, TrainConfig

CAPSTONE = NOTEBOOK_CAPSTONE


def time_engine(config: TrainConfig) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for ``config.epochs`` epochs of the engine alone."""
    training = runs.Training.build(config)
    with training.numerics():
        wall, cpu = time.perf_counter(), time.thread_time()
        training.trainer.run(config.epochs)
        return time.perf_counter() - wall, time.thread_time() - cpu


def measured_worker(seconds: dict, work=runs.Run.work):
    """``Run.work`` (a training thread's body), noting its wall and CPU time into ``seconds``."""

    def worker(run, post):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return work(run, post)
        finally:
            seconds["wall"], seconds["cpu"] = time.perf_counter() - wall, time.thread_time() - cpu

    return worker


def time_callback(config: TrainConfig, resolution=(60, 34)) -> tuple[float, float]:
    """(wall, CPU) seconds for the playground's worker with its callback, posting into a list."""
    posted = []
    from tutor import grids

    budget = runs.RedrawBudget(runs.REDRAW_SHARE, runs.MIN_POST_INTERVAL)
    run = runs.Run(
        1,
        config,
        every=plotting.history_step(config.epochs),
        picture=lambda network, X: grids.plane_picture(network, X, resolution),
        budget=budget,
    )

    def post(message):
        # Stands in for the screen: take the update, allow the next after the shortest interval.
        posted.append(message)
        budget.next_post_at = time.perf_counter() + runs.MIN_POST_INTERVAL

    seconds: dict = {}
    measured_worker(seconds)(run, post)
    assert type(posted[-1]).__name__ == "RunEnded" and posted[-1].outcome == "finished", posted[-1]
    return seconds["wall"], seconds["cpu"]


class TimedPlayground(playground.PlaygroundScreen):
    """The playground, noting when its run starts and ends and the UI thread's CPU time meanwhile."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.done = asyncio.Event()

    def _launch(self) -> None:
        self.ui_cpu_started = time.thread_time()
        super()._launch()

    def on_run_ended(self, message) -> None:
        self.ui_cpu = time.thread_time() - self.ui_cpu_started
        super().on_run_ended(message)
        self.done.set()


async def run_playground(
    config: TrainConfig, size: tuple[int, int], speed: float | None = None
) -> tuple[float, float, dict]:
    """(wall, CPU) seconds of the run in the real screen at ``speed``, and redraw figures."""
    from textual.app import App

    from tutor.widgets.plane import PlaneView
    from tutor.widgets.plots import ChartPlot

    class BenchApp(App):
        def on_mount(self) -> None:
            self.push_screen(TimedPlayground(config, speed=speed))

    seconds: dict = {}
    original = runs.Run.work
    runs.Run.work = measured_worker(seconds)  # type: ignore[method-assign]
    try:
        app = BenchApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)  # the screen is up and painted, as when a learner presses s
            screen = app.screen
            await pilot.press("s")
            # Wait without polling: a harness that polls would itself take time from training.
            await screen.done.wait()
            frames = {
                "curves": screen.query_one("#loss", ChartPlot).renders,
                "regions": screen.query_one("#regions", PlaneView).renders,
            }
            await pilot.pause(0.2)
            # Redraw each chart a few times in the finished screen: CPU time per frame.
            per_chart = {}
            charts = [*screen.query(ChartPlot), screen.query_one("#regions", PlaneView)]
            for chart in charts:
                samples = []
                for _ in range(5):
                    started = time.thread_time()
                    if isinstance(chart, ChartPlot):
                        chart.draw_lines(chart.size.width, chart.size.height)
                    else:
                        chart.lines(chart.size.width, chart.size.height)
                    samples.append(time.thread_time() - started)
                per_chart[chart.id] = statistics.median(samples)
            figures = {
                "frames": frames,
                "per_chart": per_chart,
                "interval": screen.redraw_interval,
                "ui_cpu": screen.ui_cpu,
            }
    finally:
        runs.Run.work = original  # type: ignore[method-assign]
    return seconds["wall"], seconds["cpu"] + figures["ui_cpu"], figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10001)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT for the app")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    config = replace(CAPSTONE, epochs=args.epochs)

    wall = {"engine": [], "callback": [], "playground": []}
    cpu = {"engine": [], "callback": [], "playground": []}
    figures = {}
    time_engine(replace(config, epochs=200))  # warm up imports and caches
    for repeat in range(args.repeats):
        for name, measure in (
            ("engine", lambda: time_engine(config)),
            ("callback", lambda: time_callback(config)),
        ):
            seconds, cpu_seconds = measure()
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
        seconds, cpu_seconds, figures = asyncio.run(run_playground(config, (width, height)))
        wall["playground"].append(seconds)
        cpu["playground"].append(cpu_seconds)
        print(
            f"repeat {repeat + 1}: "
            + ", ".join(f"{name} {wall[name][-1]:.2f} s ({cpu[name][-1]:.2f} s CPU)" for name in wall),
            flush=True,
        )

    epochs = args.epochs
    print(f"\n{config.describe()}; app at {width}x{height}; epochs per second:")
    print(
        f"{'':12}{'wall best':>11}{'wall median':>13}{'CPU best':>10}{'CPU median':>12}{'vs engine (CPU)':>17}"
    )
    best_engine_cpu = epochs / min(cpu["engine"])
    for name in wall:
        print(
            f"{name:<12}{epochs / min(wall[name]):>11.0f}{epochs / statistics.median(wall[name]):>13.0f}"
            f"{epochs / min(cpu[name]):>10.0f}{epochs / statistics.median(cpu[name]):>12.0f}"
            f"{(epochs / min(cpu[name])) / best_engine_cpu:>16.2f}x"
        )
    cpu_cost = 1 - min(cpu["engine"]) / min(cpu["playground"])
    wall_cost = 1 - statistics.median(wall["engine"]) / statistics.median(wall["playground"])
    print(
        f"\nlive plotting costs {cpu_cost:.1%} of the engine's throughput in CPU time "
        f"({wall_cost:.1%} in median wall time; target: under 20%)"
    )
    per_chart = figures["per_chart"]
    frame = sum(per_chart.values())
    print(
        f"redraw time per frame: {frame * 1000:.1f} ms CPU ("
        + ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in per_chart.items())
        + " ms)"
    )
    frames = figures["frames"]
    print(
        f"last full-speed run: {frames['curves']} curve frames, {frames['regions']} region frames in "
        f"{wall['playground'][-1]:.2f} s; the budget settled at one frame per {figures['interval']:.2f} s"
    )
    # The default pace: what a learner watches.
    seconds, cpu_seconds, paced = asyncio.run(run_playground(config, (width, height), runs.DEFAULT_SPEED))
    frames = paced["frames"]
    print(
        f"\nat the default pace ({runs.speed_label(runs.DEFAULT_SPEED)}): {epochs} epochs in {seconds:.1f} s; "
        f"curves {frames['curves'] / seconds:.1f} frames/s (target: 10 or more), "
        f"regions {frames['regions'] / seconds:.1f} frames/s (target: 2 or more); "
        f"the UI thread used {paced['ui_cpu'] / seconds:.0%} of a core"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
