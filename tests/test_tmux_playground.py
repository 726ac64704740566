"""End to end at 80x24: the real ``nntutor`` in tmux, the playground started, slowed, sped up and
stopped with its keys, as a learner would."""

from __future__ import annotations

import re

import pytest
from tmux_support import HAVE_TMUX, Tmux

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home)  # 80x24
    yield session
    session.kill_server()


def epoch_of(screen: str) -> int:
    match = re.search(r"epoch (\d+) of 10000", screen)
    assert match, screen
    return int(match.group(1))


def test_start_slow_down_speed_up_and_stop_a_run_at_80x24(tmux):
    tmux.start()
    tmux.wait_for("Your progress")
    tmux.keys("p")
    tmux.wait_for("the data (press s to train)")
    tmux.keys("s")
    screen = tmux.wait_for("(training)  at 500 epochs/s")
    # The settings fold to the one-line summary; the chart keeps its title.
    assert "spiral 100x3, hidden 64" in screen and "Hidden sizes" not in screen
    tmux.wait_for("predicted classes, epoch")
    tmux.keys("-", "-", "-", "-")
    tmux.wait_for("(training)  at 10 epochs/s")
    slow_from = epoch_of(tmux.screen())
    tmux.wait_until(lambda screen: epoch_of(screen) > slow_from)
    tmux.keys("+", "+", "+", "+", "+")
    fast_from = epoch_of(tmux.wait_for("(training)  at 1000 epochs/s"))
    tmux.wait_until(lambda screen: epoch_of(screen) > fast_from + 300)
    tmux.keys("x")
    tmux.wait_for("Stopped at epoch", timeout=10)
    screen = tmux.wait_for("(stopped)")
    assert "Start" in screen  # the settings are back
    # Beside the settings the status column is narrow: its lines wrap, none is cut off.
    status = " ".join(line.split("▎")[-1].strip() for line in screen.splitlines()[-8:-1])
    assert re.search(r"\(stopped\)\s+at 1000 epochs/s", status), screen
    assert re.search(r"lr: [\d.]+ Stopped at epoch \d+\. s starts a new run\.", status), screen
