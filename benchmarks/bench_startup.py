"""Start-up time: from launching ``nntutor`` to its lesson list on screen, in a real terminal (a pty).

Each run starts the installed ``nntutor`` in a fresh pty with a temporary NNTUTOR_HOME and times it from
the launch to the moment the lesson list's text ("Your progress") reaches the terminal.
NNTUTOR_EXIT_AFTER_START=1 makes the app quit right after that. Baselines measured in the same run, the
same way: a bare Textual app (header, one line, footer) until its text is drawn, and the whole of
``python -c "import textual.app"``. Prints the medians and the ratios.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

NNTUTOR = Path(sys.executable).with_name("nntutor")

BARE_TEXTUAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Your progress: a bare Textual app")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run()
"""


def run_in_pty(
    command: list[str], env: dict[str, str], expect: bytes | None = None, columns: int = 80, rows: int = 24
) -> tuple[float, float | None]:
    """Run ``command`` with a pty as its terminal.

    Returns (seconds until it exited, seconds until ``expect`` first appeared in what it drew, or None).
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()
    drawn = None
    while True:  # drain the terminal, or the app blocks writing to it
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if drawn is None and expect is not None and expect in output:
            drawn = time.perf_counter() - started
    process.wait()
    elapsed = time.perf_counter() - started
    os.close(master)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} exited with {process.returncode}:\n{output.decode(errors='replace')[-2000:]}")
    if expect is not None and drawn is None:
        raise SystemExit(f"{command[0]} exited without drawing {expect!r}")
    return elapsed, drawn


def median_seconds(command: list[str], env: dict[str, str], repeat: int, expect: bytes | None = None) -> float:
    """Median seconds until ``expect`` is on screen (or, without ``expect``, until the process exits)."""
    times = []
    for _ in range(repeat):
        elapsed, drawn = run_in_pty(command, env, expect)
        times.append(drawn if drawn is not None else elapsed)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if not NNTUTOR.exists():
        print(f"nntutor is not installed next to {sys.executable}", file=sys.stderr)
        return 2
    env = dict(os.environ, TERM="xterm-256color", NNTUTOR_EXIT_AFTER_START="1")
    with tempfile.TemporaryDirectory() as home:
        env["NNTUTOR_HOME"] = home
        # One unmeasured run of each warms the file cache and writes the .pyc files.
        run_in_pty([str(NNTUTOR)], env)
        run_in_pty([sys.executable, "-c", BARE_TEXTUAL_APP], env)
        nntutor = median_seconds([str(NNTUTOR)], env, args.repeat, expect=b"Your progress")
        bare = median_seconds([sys.executable, "-c", BARE_TEXTUAL_APP], env, args.repeat, expect=b"Your progress")
        imports = median_seconds([sys.executable, "-c", "import textual.app"], env, args.repeat)
    print(f"launch to first screen drawn, median of {args.repeat} runs (80x24 pty):")
    print(f"  nntutor (the lesson list)     {nntutor * 1000:7.0f} ms")
    print(f"  bare Textual app (baseline)   {bare * 1000:7.0f} ms   nntutor / bare app = {nntutor / bare:.2f}x")
    print(f"  python -c 'import textual.app' {imports * 1000:6.0f} ms   nntutor / import = {nntutor / imports:.2f}x")
    print(f"  target: under 1000 ms -> {'met' if nntutor < 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
