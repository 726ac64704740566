"""How long a check takes end to end, as the app sees it (``Grader.grade``).

Prints the first, cold check (starting the worker, which imports NumPy, the engine and the checks), then
the median and 95th percentile of N warm ``relu`` checks (each in a fresh confined learner process,
judged in the worker over the values-only channel), what confines learner code on this machine, and,
as the baseline measured in the same run, the median of N fresh ``python -c "import numpy"`` processes:
what isolation would cost per check without a warm worker.

    .venv/bin/python benchmarks/bench_grader.py [--checks 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

RELU = "import numpy as np\n\ndef relu(inputs):\n    return np.maximum(0, inputs)\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=100, help="warm checks to time (default 100)")
    args = parser.parse_args()
    if args.checks < 1:
        parser.error("--checks must be at least 1")

    from tutor.grader import Grader

    grader = Grader()
    try:
        started = time.perf_counter()
        first = grader.grade("relu", RELU)
        cold_ms = (time.perf_counter() - started) * 1000
        assert first.passed, first.feedback
        confinement = grader.confinement
        warm = []
        for _ in range(args.checks):
            started = time.perf_counter()
            result = grader.grade("relu", RELU)
            warm.append((time.perf_counter() - started) * 1000)
            assert result.passed, result.feedback
    finally:
        grader.close()

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    baseline = []
    for _ in range(args.checks):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True, env=env)
        baseline.append((time.perf_counter() - started) * 1000)

    median = statistics.median(warm)
    baseline_median = statistics.median(baseline)
    print(f"first (cold) check:        {cold_ms:8.1f} ms")
    print(f"warm check, median:        {median:8.1f} ms   (over {args.checks})")
    print(f"warm check, 95th pct:      {percentile(warm, 0.95):8.1f} ms")
    print(f"baseline: python -c 'import numpy', median: {baseline_median:.1f} ms")
    print(f"warm check / baseline:     {median / baseline_median:8.2f}x")
    print("confinement:", ", ".join(f"{key}={value}" for key, value in sorted(confinement.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
