"""End to end: the real ``nntutor`` command in a tmux pane, driven by keys, with a temporary NNTUTOR_HOME."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from tmux_support import HAVE_TMUX, Tmux

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")

ANSWER = "sum(i*w for i,w in zip(inputs,weights))+bias"


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home, size=(100, 30))
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
