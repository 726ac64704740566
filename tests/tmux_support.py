"""Driving the real ``nntutor`` command in tmux, as a learner would: keys in, screen text out."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

NNTUTOR = Path(sys.executable).with_name("nntutor")
HAVE_TMUX = shutil.which("tmux") is not None


class Tmux:
    """One private tmux server (its own socket) running one command in a pane of ``size`` (columns,
    rows): 80x24 by default, the size most terminals open at."""

    def __init__(self, home: Path, size: tuple[int, int] = (80, 24)) -> None:
        self.socket = f"nntutor-test-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.size = size

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check)

    def start(self, *arguments: str) -> None:
        """Start ``nntutor`` (with ``arguments``, e.g. a subcommand) in the pane."""
        command = " ".join(
            ["exec env", f"NNTUTOR_HOME={shlex.quote(str(self.home))}", "TERM=xterm-256color", str(NNTUTOR)]
            + [shlex.quote(argument) for argument in arguments]
        )
        columns, rows = self.size
        self.run("new-session", "-d", "-s", "tutor", "-x", str(columns), "-y", str(rows), command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "tutor", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "tutor", "-l", text)

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", "tutor", check=False)
        return result.stdout if result.returncode == 0 else ""

    def pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", "tutor", "#{pane_pid}").stdout.strip())

    def alive(self) -> bool:
        return self.run("has-session", "-t", "tutor", check=False).returncode == 0

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def wait_until(self, condition, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the screen did not change as expected:\n{screen}")

    def wait_for_exit(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.1)
        raise AssertionError(f"nntutor did not exit; the screen was:\n{self.screen()}")

    def kill_server(self) -> None:
        self.run("kill-server", check=False)
