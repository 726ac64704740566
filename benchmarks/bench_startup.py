"""Start-up time: from launching ``nntutor`` to its lesson list on screen, in a real terminal (a pty).

Each run starts the installed ``nntutor`` in a fresh pty with a temporary NNTUTOR_HOME and times it from
the launch to the moment the lesson list's text ("Your progress") reaches the terminal. Then, for lessons
1 and 9 (each in its own run), it opens the lesson with Enter and times how long the lesson takes to show
its first text and to open its jump list (ctrl+g, which waits for every block); in another run, as soon
as the first text is drawn, it sends one ctrl+n per exercise in one burst and times Enter to the last
exercise's title ("Exercise 5 of 5") on screen. The targets: 300 ms to the first text, 1 s to every exercise. Baselines measured in the same
run, the same way: a bare Textual app (header, one line, footer) until its text is drawn, and the whole
of ``python -c "import textual.app"``. Prints the medians and the ratios.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
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

Bare().run()
"""


class PtySession:
    """A command running with a pty as its terminal; reads everything it draws."""

    def __init__(self, command: list[str], env: dict[str, str], columns: int = 80, rows: int = 24) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: bytes, timeout: float = 30.0) -> float:
        """Seconds from now until ``text`` is drawn (looks only at output drawn after this call)."""
        start_at = len(self.output)
        began = time.perf_counter()
        while text not in self.output[start_at:]:
            if time.perf_counter() - began > timeout or not self._read(0.05):
                tail = self.output.decode(errors="replace")[-1500:]
                raise SystemExit(f"{text!r} was not drawn; the end of the output:\n{tail}")
        return time.perf_counter() - began

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        self.process.terminate()
        while self._read(0.05) and self.process.poll() is None:
            pass
        self.process.wait(10)
        os.close(self.master)


def time_to_text(command: list[str], env: dict[str, str], text: bytes) -> float:
    session = PtySession(command, env)
    try:
        return session.wait_for(text)
    finally:
        session.close()


def time_process(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    if not NNTUTOR.exists():
        print(f"nntutor is not installed next to {sys.executable}", file=sys.stderr)
        return 2
    env = dict(os.environ, TERM="xterm-256color")
    # A learner's install has its .pyc files (pip writes them); the warm-up run below writes them for
    # a source checkout too, unless the environment forbids writing bytecode.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lessons = (1, 9)
    from tutor.curriculum import load_curriculum

    exercises = {lesson.order: len(lesson.exercises) for lesson in load_curriculum().lessons}
    launch, bare, imports = [], [], []
    first: dict[int, list[float]] = {order: [] for order in lessons}
    jump: dict[int, list[float]] = {order: [] for order in lessons}
    last: dict[int, list[float]] = {order: [] for order in lessons}
    with tempfile.TemporaryDirectory() as home:
        env["NNTUTOR_HOME"] = home
        # One unmeasured run of each warms the file cache, writes the .pyc files and the parsed-lessons
        # cache (tutor.curriculum.cache), as any start-up after a learner's first does.
        time_to_text([str(NNTUTOR)], env, b"Your progress")
        time_to_text([sys.executable, "-c", BARE_TEXTUAL_APP], env, b"Your progress")
        for _ in range(args.repeat):
            for order in lessons:
                down = b"\x1b[B" * (order - 1)  # Down to the lesson
                session = PtySession([str(NNTUTOR)], env)
                try:
                    launch.append(session.wait_for(b"Your progress"))
                    session.send(down + b"\r")  # Enter
                    first[order].append(session.wait_for(f"Lesson {order}".encode()))
                    session.send(b"\x07")  # ctrl+g: the jump list, which needs every block mounted
                    jump[order].append(first[order][-1] + session.wait_for(b"Jump to"))
                finally:
                    session.close()
                count = exercises[order]
                session = PtySession([str(NNTUTOR)], env)
                try:
                    session.wait_for(b"Your progress")
                    session.send(down)
                    time.sleep(0.3)
                    session.send(b"\r")  # Enter
                    shown = session.wait_for(f"Lesson {order}".encode())
                    started = time.perf_counter()
                    session.send(b"\x0e" * count)  # at once, one ctrl+n per exercise
                    session.wait_for(f"Exercise {count} of {count}".encode())
                    last[order].append(shown + time.perf_counter() - started)
                finally:
                    session.close()
            bare.append(time_to_text([sys.executable, "-c", BARE_TEXTUAL_APP], env, b"Your progress"))
            imports.append(time_process([sys.executable, "-c", "import textual.app"], env))
    median = {
        name: statistics.median(values) * 1000
        for name, values in [("launch", launch), ("bare", bare), ("imports", imports)]
    }
    print(f"median of {args.repeat} runs, 80x24 pty:")
    print(f"  launch to the lesson list drawn   {median['launch']:6.0f} ms")
    print(
        f"  bare Textual app, launch to drawn {median['bare']:6.0f} ms   (baseline; nntutor / bare = "
        f"{median['launch'] / median['bare']:.2f}x, target under 1.5x)"
    )
    print(
        f"  python -c 'import textual.app'    {median['imports']:6.0f} ms   (nntutor / import = "
        f"{median['launch'] / median['imports']:.2f}x)"
    )
    for order in lessons:
        shown, listed, reached = (statistics.median(values[order]) * 1000 for values in (first, jump, last))
        print(f"  lesson {order}: Enter to first text    {shown:6.0f} ms   (target 300 ms)")
        print(f"  lesson {order}: Enter to jump list     {listed:6.0f} ms   (target 1000 ms)")
        print(
            f"  lesson {order}: Enter + ctrl+n x{exercises[order]} to the last exercise {reached:6.0f} ms   (target 1000 ms)"
        )
    print(f"  start-up target under 1000 ms: {'met' if median['launch'] < 1000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
