"""What each training setting of lessons 11-17 costs and reaches, against the plain run, in one run.

    python benchmarks/bench_settings.py [--epochs 1001] [--repeats 3]

Every case trains the playground's default network (spiral 100 x 3, hidden 64, Adam) with one setting
added, from the same seed; the sine and sigmoid cases use their own data. Prints CPU milliseconds per
epoch (best of ``repeats``), the ratio to the plain run measured in the same process, and the final
loss and accuracy (and validation figures where there are some). Set OPENBLAS_NUM_THREADS=1 on a busy
machine. Ratios, not times, are what compare between machines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor.training_config import TrainConfig
from tutor.training_run import Training

BASE = {"learning_rate": 0.05, "decay": 5e-7}
CASES: list[tuple[str, dict]] = [
    ("plain (baseline)", {}),
    ("l2 5e-4", {"l2": 5e-4}),
    ("l1 5e-4", {"l1": 5e-4}),
    ("dropout 0.1", {"dropout": 0.1}),
    ("l2 5e-4 + dropout 0.1", {"l2": 5e-4, "dropout": 0.1}),
    ("batch_size 32", {"batch_size": 32}),
    ("validation 0.2", {"validation": 0.2}),
    ("rmsprop rho 0.999", {"optimizer": "rmsprop", "learning_rate": 0.02, "decay": 1e-5, "rho": 0.999}),
    ("sigmoid, 2 classes, l2 5e-4", {"output": "sigmoid", "classes": 2, "l2": 5e-4, "learning_rate": 0.001}),
    (
        "sine 1000, hidden 64,64",
        {"dataset": "sine", "samples": 1000, "hidden": (64, 64), "learning_rate": 0.005, "decay": 1e-3},
    ),
]


def measure(settings: dict, epochs: int, repeats: int) -> tuple[float, object]:
    """Best CPU seconds per epoch over ``repeats`` runs, and the last run's final report."""
    best, report = float("inf"), None
    for _ in range(repeats):
        config = TrainConfig(**{**BASE, **settings, "epochs": epochs}).validate()
        training = Training.build(config)
        start = time.process_time()
        report = training.run(epochs)
        best = min(best, (time.process_time() - start) / epochs)
    return best, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1001)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    baseline = None
    print(f"{'setting':30} {'ms/epoch':>9} {'ratio':>6}  final report ({args.epochs} epochs)")
    for name, settings in CASES:
        seconds, report = measure(settings, args.epochs, args.repeats)
        baseline = baseline or seconds
        print(f"{name:30} {1000 * seconds:9.3f} {seconds / baseline:6.2f}  {report.log_line()}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
