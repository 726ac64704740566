"""End to end: the real ``nntutor`` command in a tmux pane, driven by keys, with a temporary NNTUTOR_HOME."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

NNTUTOR = Path(sys.executable).with_name("nntutor")
ANSWER = "sum(i*w for i,w in zip(inputs,weights))+bias"


class Tmux:
    """One private tmux server (its own socket) running one command in a 100x30 pane."""

    def __init__(self, home: Path) -> None:
        self.socket = f"nntutor-test-{uuid.uuid4().hex[:8]}"
        self.home = home

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check)

    def start(self) -> None:
        command = f"exec env NNTUTOR_HOME={self.home} TERM=xterm-256color {NNTUTOR}"
        self.run("new-session", "-d", "-s", "tutor", "-x", "100", "-y", "30", command)

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


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home)
    yield session
    session.kill_server()


def open_lesson_one_editor(tmux: Tmux) -> None:
    tmux.start()
    tmux.wait_for("1. A single neuron")
    tmux.keys("Enter")
    tmux.wait_for("Lesson 1: A single neuron")
    tmux.keys("C-n")
    tmux.wait_for("output = None")


def test_finish_an_exercise_quit_and_find_it_passed(tmux):
    open_lesson_one_editor(tmux)
    # The starter ends with "output = None" on line 5: replace None with the sum.
    tmux.keys("Down", "Down", "Down", "Down", "End", "BSpace", "BSpace", "BSpace", "BSpace")
    # Let the cursor keys land before typing: Textual runs key bindings after the keystrokes that
    # arrived in the same burst.
    tmux.wait_until(lambda screen: "output = None" not in screen)
    tmux.type(ANSWER)
    tmux.wait_for(ANSWER)
    tmux.keys("C-r")
    tmux.wait_for("✓ Passed")
    tmux.keys("C-q")
    tmux.wait_for_exit()

    tmux.start()
    screen = tmux.wait_for("exercises passed")
    assert "Your progress: 1 of" in screen
    tmux.keys("Enter")
    assert re.search(r"1/\d+ passed", tmux.wait_for("Lesson 1: A single neuron"))
    tmux.keys("C-n")
    screen = tmux.wait_for("✓ passed")
    assert ANSWER in screen  # the code is still there too
    tmux.keys("Escape", "Escape")
    tmux.wait_for("Continue")
    tmux.keys("q")
    tmux.wait_for_exit()


def test_kill_9_loses_at_most_the_last_second_of_typing(tmux):
    open_lesson_one_editor(tmux)
    tmux.type("# first thought")
    tmux.wait_for("# first thought")
    time.sleep(1.5)  # the draft is saved within a second of typing
    os.kill(tmux.pid(), signal.SIGKILL)
    tmux.wait_for_exit()

    open_lesson_one_editor(tmux)
    tmux.wait_for("# first thought")
    tmux.keys("C-q")
    tmux.wait_for_exit()
