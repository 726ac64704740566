"""``nntutor serve``: memory per learner session and time to the first screen, with 1 and 10 sessions.

Starts ``nntutor serve`` on a free loopback port (a temporary class folder) and opens browser tabs in
headless Chromium (Debian's, through Playwright), each in its own context, as separate learners do:

1. one tab: the time from opening the page to the name screen in its terminal; the learner signs in
   and the home screen shows; then the memory of the server's process tree is read, and again after
   the learner's first code check (the grader's worker and runner start with it);
2. ten more tabs opened at once: each one's time to the name screen; all sign in; memory again.

Memory is the proportional set size (PSS, from /proc/PID/smaps_rollup: shared pages split between the
processes that share them) of every process under the server, less the server itself, divided by the
number of sessions. Printed as figures and as ratios against the one-session run measured here.

    .venv/bin/python benchmarks/bench_serve.py [--sessions 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import ServeProcess, Tab, VIEWPORT_80x24


def children(pid: int) -> list[int]:
    """Every process under ``pid`` (by parent links in /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(child)
                frontier.append(child)
    return found


def memory_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def sessions_memory(server_pid: int) -> tuple[float, float]:
    """(PSS, RSS) in MB of every process under the server."""
    pids = children(server_pid)
    return sum(memory_mb(pid, "Pss") for pid in pids), sum(memory_mb(pid, "Rss") for pid in pids)


def check_starter(tab: Tab) -> None:
    """Continue to lesson 1's first code exercise and check its starter: the session's grader starts."""
    mark = tab.mark()
    tab.press("c")
    tab.wait_for("not started", mark)
    tab.page.wait_for_timeout(500)
    mark = tab.mark()
    tab.press("Control+r")
    tab.wait_for("attempted", mark, timeout=120)


def open_tabs(browser, url: str, count: int) -> tuple[list[Tab], list[float]]:
    """``count`` tabs opened together; each one's seconds until its name screen showed."""
    started = time.perf_counter()
    tabs = [Tab(browser.new_context(viewport=VIEWPORT_80x24), url) for _ in range(count)]
    times = []
    pending = list(tabs)
    arrived: dict[int, float] = {}
    deadline = time.monotonic() + 180
    while pending and time.monotonic() < deadline:
        for tab in list(pending):
            if "Type your name" in tab.text():
                arrived[id(tab)] = time.perf_counter() - started
                pending.remove(tab)
        tabs[0].page.wait_for_timeout(50)
    if pending:
        raise SystemExit(f"{len(pending)} tabs never showed the name screen")
    times = [arrived[id(tab)] for tab in tabs]
    return tabs, times


def sign_in(tabs: list[Tab], first: int) -> None:
    marks = []
    for number, tab in enumerate(tabs, first):
        tab.type(f"learner{number}")
        marks.append(tab.mark())
        tab.press("Enter")
    for tab, mark in zip(tabs, marks):
        tab.wait_for("exercises passed", mark, timeout=180)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="nntutor-bench-serve-") as folder:
        root = Path(folder)
        with ServeProcess(root / "class", max_learners=args.sessions + 1, home=root / "home") as server:
            server_pid = server.process.pid
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                try:
                    first_tabs, first_times = open_tabs(browser, server.url, 1)
                    sign_in(first_tabs, 0)
                    time.sleep(2)
                    one, one_rss = sessions_memory(server_pid)
                    check_starter(first_tabs[0])
                    time.sleep(2)
                    graded, graded_rss = sessions_memory(server_pid)
                    more_tabs, more_times = open_tabs(browser, server.url, args.sessions)
                    sign_in(more_tabs, 1)
                    time.sleep(2)
                    many, many_rss = sessions_memory(server_pid)
                finally:
                    browser.close()
    first = first_times[0]
    count = args.sessions + 1
    print("nntutor serve, measured in this run (headless Chromium, one context per learner):")
    print(f"  1 session:  first screen after {first:.2f} s; memory {one:.0f} MB PSS ({one_rss:.0f} MB RSS)")
    print(
        f"  the same session after its first code check (its grader started): {graded:.0f} MB PSS "
        f"({graded_rss:.0f} MB RSS), {graded / one:.1f}x"
    )
    print(
        f"  {args.sessions} more opened at once: first screen after median {statistics.median(more_times):.2f} s, "
        f"slowest {max(more_times):.2f} s ({statistics.median(more_times) / first:.1f}x and "
        f"{max(more_times) / first:.1f}x the single session's)"
    )
    print(
        f"  {count} sessions (one with a grader): {many:.0f} MB PSS in all ({many_rss:.0f} MB RSS); "
        f"the {args.sessions} new ones {(many - graded) / args.sessions:.0f} MB PSS each "
        f"({(many - graded) / args.sessions / one:.2f}x the single session's)"
    )


if __name__ == "__main__":
    main()
