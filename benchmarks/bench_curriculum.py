"""How long loading the lessons takes (it runs at every app start-up).

Prints the median time of ``load_curriculum()`` on the shipped lessons, of a fresh process importing
the loader and loading, and, as the baseline measured in the same run, of just reading the lesson files.

    .venv/bin/python benchmarks/bench_curriculum.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from tutor.curriculum import lesson_files, load_curriculum
    from tutor.paths import LESSONS_DIR

    files = lesson_files(LESSONS_DIR)
    curriculum = load_curriculum(LESSONS_DIR)
    exercises = len(curriculum.exercises)

    def read_files():
        for path in files:
            path.read_text(encoding="utf-8").split("\n")

    baseline = median_ms(read_files, args.repeat)
    load = median_ms(lambda: load_curriculum(LESSONS_DIR), args.repeat)

    def fresh_process():
        subprocess.run(
            [sys.executable, "-c", "from tutor.curriculum import load_curriculum; load_curriculum()"],
            check=True,
        )

    def bare_process():
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    process_repeat = max(5, args.repeat // 5)
    process = median_ms(fresh_process, process_repeat)
    bare = median_ms(bare_process, process_repeat)

    print(
        f"lessons: {len(curriculum.lessons)} ({exercises} exercises, {len(curriculum.broken)} broken), "
        f"median of {args.repeat} runs"
    )
    print(f"read the files (baseline):       {baseline:7.2f} ms")
    print(f"load_curriculum():               {load:7.2f} ms  ({load / baseline:.0f}x the baseline)")
    print(f"python -c 'pass' (baseline):     {bare:7.1f} ms")
    print(
        f"new process, import + load:      {process:7.1f} ms  (+{process - bare:.1f} ms over a bare "
        f"interpreter, {process / bare:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
