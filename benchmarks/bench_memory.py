"""Memory over a long session: the app's resident memory after 5 and after 30 visits to lessons.

Drives the app with Pilot at 80x24 (a temporary NNTUTOR_HOME): opens lessons 1 to 9 in turn, waits until
each is fully mounted, goes back to the list, and reads the process's resident set size (VmRSS) after
visit 5 and visit 30, with a garbage collection before each reading. The target: the memory after 30
visits is within 20 MB of that after 5.

    .venv/bin/python benchmarks/bench_memory.py [--visits 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tempfile


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def session(visits: int) -> dict[int, float]:
    from tutor.app import NNTutorApp
    from tutor.store import Store

    app = NNTutorApp(store=Store.in_memory())
    readings: dict[int, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lessons = app.curriculum.lessons
        gc.collect()
        readings[0] = rss_mb()
        for visit in range(1, visits + 1):
            app.open_lesson(lessons[(visit - 1) % len(lessons)].id)
            await pilot.pause()
            while not getattr(app.screen, "loaded", True):
                await asyncio.sleep(0.01)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            if visit in (5, visits):
                gc.collect()
                readings[visit] = rss_mb()
    return readings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=30)
    args = parser.parse_args()
    os.environ["NNTUTOR_HOME"] = tempfile.mkdtemp(prefix="nntutor-bench-")
    readings = asyncio.run(session(args.visits))
    growth = readings[args.visits] - readings[5]
    print("resident memory, 80x24, Pilot:")
    print(f"  at the lesson list            {readings[0]:6.1f} MB")
    print(f"  after 5 lesson visits         {readings[5]:6.1f} MB")
    print(f"  after {args.visits} lesson visits        {readings[args.visits]:6.1f} MB")
    print(
        f"  growth from 5 to {args.visits} visits     {growth:6.1f} MB   (target within 20 MB: "
        f"{'met' if growth <= 20 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
