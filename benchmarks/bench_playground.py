"""What live plotting costs: training throughput in the playground against the engine alone, in one run.

    python benchmarks/bench_playground.py [--epochs 10001] [--repeats 3] [--size 120x40]

Three ways to train the same run (the notebook's capstone: spiral data 100 x 3, Dense 2->64, ReLU,
Dense 64->3, Adam lr 0.05 decay 5e-7, under nnfs.init()), interleaved so that a busy machine slows all
of them alike:

    engine     Trainer.run alone, no callback: the baseline
    callback   the playground's worker without a screen: history rows, log line and decision-region grids,
               posted into a list instead of the app
    playground the real PlaygroundScreen in a headless app (Textual's run_test) at the given terminal
               size, with its live charts redrawn while it trains

Throughput is epochs per wall-clock second from the first epoch to the last (the learner's view;
the UI thread and the training thread share the interpreter, so redraws show up here). Prints the best
and the median of the repeats, the ratio to the engine, and the redraw time per frame: the CPU time the
four charts take to draw once at that size, measured by redrawing them in the finished screen.
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

from engine.training import Trainer  # noqa: E402
from tutor.screens import playground  # noqa: E402
from tutor.training_config import TrainConfig, build_run, numpy_setup  # noqa: E402
from tutor.widgets.plots import RedrawBudget  # noqa: E402

CAPSTONE = TrainConfig(dataset="spiral", samples=100, classes=3, hidden=(64,), optimizer="adam",
                       learning_rate=0.05, decay=5e-7, epochs=10001, nnfs_init=True)


def time_engine(config: TrainConfig) -> float:
    """Seconds for ``config.epochs`` epochs of the engine alone."""
    with numpy_setup(config):
        network, optimizer, X, y = build_run(config)
        trainer = Trainer(network, optimizer, X, y)
        started = time.perf_counter()
        trainer.run(config.epochs)
        return time.perf_counter() - started


def time_callback(config: TrainConfig, resolution=(60, 34)) -> float:
    """Seconds for the playground's worker with its callback, posting into a list (no app)."""
    posted = []
    run = playground.Run(1, config, playground.history_step(config.epochs))
    started = time.perf_counter()
    budget = RedrawBudget(playground.REDRAW_BUDGET, playground.MIN_REDRAW_INTERVAL)

    def post(message):
        # Stands in for the screen: take the update, allow the next after the shortest interval.
        posted.append(message)
        budget.next_post_at = time.perf_counter() + playground.MIN_REDRAW_INTERVAL

    playground.train_in_thread(run, post, budget, lambda: resolution)
    seconds = time.perf_counter() - started
    assert type(posted[-1]).__name__ == "TrainingEnded" and posted[-1].outcome == "finished", posted[-1]
    return seconds


class TimedPlayground(playground.PlaygroundScreen):
    """The playground, noting when its run starts and ends and the UI thread's CPU time meanwhile."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.done = asyncio.Event()

    def _launch(self) -> None:
        self.started = time.perf_counter()
        self.ui_cpu_started = time.thread_time()
        super()._launch()

    def on_training_ended(self, message) -> None:
        self.ended = time.perf_counter()
        self.ui_cpu = time.thread_time() - self.ui_cpu_started
        super().on_training_ended(message)
        self.done.set()


async def run_playground(config: TrainConfig, size: tuple[int, int]) -> tuple[float, dict]:
    """Seconds from launch to the end of the run in the real screen, and redraw figures."""
    from textual.app import App

    from tutor.widgets.plots import ChartPlot

    class BenchApp(App):
        def on_mount(self) -> None:
            self.push_screen(TimedPlayground(config))

    app = BenchApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)  # the screen is up and painted, as when a learner presses s
        screen = app.screen
        await pilot.press("s")
        # Wait without polling: a test harness that polls would itself take time from training.
        await screen.done.wait()
        seconds = screen.ended - screen.started
        frames = screen.query_one("#regions", ChartPlot).renders
        await pilot.pause(0.2)
        # Redraw each chart a few times in the finished screen: CPU time per frame.
        per_chart = {}
        for chart in screen.query(ChartPlot):
            samples = []
            for _ in range(5):
                started = time.thread_time()
                chart.render()
                samples.append(time.thread_time() - started)
            per_chart[chart.id] = statistics.median(samples)
        figures = {"frames": frames, "per_chart": per_chart, "interval": screen.redraw_interval,
                   "ui_cpu": screen.ui_cpu, "seconds": seconds}
    return seconds, figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10001)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", default="120x40", help="terminal size WIDTHxHEIGHT for the app")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    config = replace(CAPSTONE, epochs=args.epochs)

    times = {"engine": [], "callback": [], "playground": []}
    figures = {}
    time_engine(replace(config, epochs=200))  # warm up imports and caches
    for repeat in range(args.repeats):
        times["engine"].append(time_engine(config))
        times["callback"].append(time_callback(config))
        seconds, figures = asyncio.run(run_playground(config, (width, height)))
        times["playground"].append(seconds)
        print(f"repeat {repeat + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items()),
              flush=True)

    print(f"\n{config.describe()}; app at {width}x{height}")
    print(f"{'':12}{'best epochs/s':>15}{'median epochs/s':>17}{'vs engine (best)':>18}")
    best_engine = args.epochs / min(times["engine"])
    for name, values in times.items():
        best = args.epochs / min(values)
        median = args.epochs / statistics.median(values)
        print(f"{name:<12}{best:>15.0f}{median:>17.0f}{best / best_engine:>17.2f}x")
    slowdown = 1 - (args.epochs / min(times["playground"])) / best_engine
    print(f"\nlive plotting costs {slowdown:.1%} of the engine's throughput (target: under 20%)")
    per_chart = figures["per_chart"]
    frame = sum(per_chart.values())
    print(f"redraw time per frame: {frame * 1000:.1f} ms CPU ("
          + ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in per_chart.items()) + " ms)")
    print(f"frames drawn in the last run: {figures['frames']}; throttle settled at one frame per "
          f"{figures['interval']:.2f} s; the UI thread used {figures['ui_cpu']:.2f} s of CPU in "
          f"{figures['seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
