"""Lesson 10's live view at 80x24 in the real ``nntutor`` (tmux): a wrong training loop shows the
first line that differs from the notebook's next to the expected one; the right one trains live and
ends with its 101 lines equal to the notebook's."""

from __future__ import annotations

import pytest
from own_network_support import right_loop, seed_progress, wrong_loop
from tmux_support import HAVE_TMUX, Tmux

from tutor.store import Store

pytestmark = [pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed"), pytest.mark.trains]


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home)  # 80x24
    yield session
    session.kill_server()


def open_the_loop(tmux: Tmux) -> None:
    tmux.start()
    tmux.wait_for("Continue")
    tmux.keys("c")  # every exercise but the loop is passed: continue opens it
    tmux.wait_for("your code, run after the classes above", timeout=60)


def test_a_wrong_loop_shows_the_first_line_that_differs(tmux, nntutor_home):
    with Store.open(nntutor_home) as store:
        seed_progress(store, wrong_loop(), everything_before=True)
    open_the_loop(tmux)
    tmux.keys("C-r")
    # The grader's sentence ("Line 2 of your log differs ...") comes first; the view's own verdict,
    # with the two lines side by side, replaces it a moment later.
    screen = tmux.wait_for("line 2 of 101 differs from the notebook's", timeout=90)
    assert "yours:    epoch: 50, acc:" in screen
    assert "notebook: epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04999752512250644" in screen
    assert "✗ Not yet" in screen
    tmux.keys("Escape")  # back to the code, the grader's feedback under it
    tmux.wait_for("Line 2 of your log differs from the notebook's")
    tmux.keys("C-f")  # the view again, as it ended
    screen = tmux.wait_for("yours:    epoch: 50, acc:")
    assert "notebook: epoch: 100, acc: 0.670" in screen
    tmux.keys("C-q")
    tmux.wait_for_exit()


def test_the_right_loop_trains_live_and_equals_the_notebooks_log(tmux, nntutor_home):
    with Store.open(nntutor_home) as store:
        seed_progress(store, right_loop(), everything_before=True)
    open_the_loop(tmux)
    tmux.keys("C-r")
    screen = tmux.wait_for("Your network trains: epoch", timeout=60)
    assert "loss" in screen and "accuracy" in screen
    tmux.wait_for("your 101 lines equal the notebook's", timeout=120)
    tmux.wait_for("your network's regions")  # drawn from the parameters it trained, just after
    # The pass's toast (where ctrl+n goes) covers the end of the verdict line for a few seconds.
    screen = tmux.wait_for("✓ your 101 lines equal the notebook's.", timeout=30)
    assert "✓ Passed: epoch 10000 of 10000" in screen
    assert "epoch: 10000, acc: 0.967, loss: 0.074" in screen
    tmux.keys("C-q")
    tmux.wait_for_exit()
