"""How much the progress store costs per call: ``save_draft`` (called about once a second while the
learner types), ``record_attempt`` and ``statuses()``; and the one write that finds the store file
deleted and recreates it with everything (a pause the learner meets once, not per write).

The baseline, measured in the same run, is writing the same text to a file with ``Path.write_text``
(no fsync). Runs in a temporary folder.

    .venv/bin/python benchmarks/bench_store.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def timings_ms(function, repeat: int) -> list[float]:
    times = []
    for n in range(repeat):
        started = time.perf_counter()
        function(n)
        times.append((time.perf_counter() - started) * 1000)
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(times):6.3f} ms, p95 {p95:6.3f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args()

    from tutor.store import STORE_FILENAME, Store

    draft = "def relu(inputs):\n    return [max(0.0, x) for x in inputs]\n" * 20  # ~1.2 KB
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.txt"
        baseline = timings_ms(lambda n: plain.write_text(f"{draft}# {n}\n"), args.repeat)
        started = time.perf_counter()
        store = Store.open(folder)
        opened = (time.perf_counter() - started) * 1000
        save = timings_ms(lambda n: store.save_draft("relu", f"{draft}# {n}\n"), args.repeat)
        unchanged = timings_ms(
            lambda n: store.save_draft("relu", f"{draft}# {args.repeat - 1}\n"), args.repeat
        )
        attempt = timings_ms(
            lambda n: store.record_attempt(f"exercise-{n % 50}", n % 3 == 0, 42.0), args.repeat
        )
        statuses = timings_ms(lambda n: store.statuses(), args.repeat)

        def delete_then_write(n: int) -> None:
            (Path(folder) / STORE_FILENAME).unlink()
            started = time.perf_counter()
            store.save_draft("relu", f"{draft}# recreated {n}\n")
            recreate.append((time.perf_counter() - started) * 1000)

        recreate: list[float] = []
        for n in range(20):
            delete_then_write(n)
        assert store.saving
        store.close()

    base = statistics.median(baseline)
    print(f"{args.repeat} calls each, draft of {len(draft)} characters")
    print(f"Path.write_text (baseline):      {describe(baseline)}")
    print(f"Store.open() (new store):        {opened:6.3f} ms")
    print(
        f"save_draft (changed text):       {describe(save)}  ({statistics.median(save) / base:.3f}x the baseline)"
    )
    print(
        f"save_draft (unchanged text):     {describe(unchanged)}  "
        f"({statistics.median(unchanged) / base:.3f}x)"
    )
    print(f"record_attempt:                  {describe(attempt)}  ({statistics.median(attempt) / base:.3f}x)")
    print(
        f"statuses() ({args.repeat} attempts stored): {describe(statuses)}  "
        f"({statistics.median(statuses) / base:.1f}x)"
    )
    print(
        f"write that recreates a deleted store ({args.repeat} attempts): {describe(recreate)}  "
        f"({statistics.median(recreate) / base:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
