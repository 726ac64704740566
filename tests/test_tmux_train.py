"""``nntutor train --validation 0.2 --epochs 300 --plot`` in a real 80x24 terminal (tmux): the log line
has the validation figures, and the charts fit, each with a legend telling training from validation."""

from __future__ import annotations

import shlex

import pytest
from tmux_support import HAVE_TMUX, NNTUTOR, Tmux

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home, size=(80, 24))
    yield session
    session.kill_server()


def start_shell_command(tmux: Tmux, arguments: list[str]) -> None:
    """Run ``nntutor`` in the pane and keep the pane open after it exits (then ``done`` is printed)."""
    command = " ".join([shlex.quote(str(NNTUTOR)), *(shlex.quote(argument) for argument in arguments)])
    script = f"TERM=xterm-256color {command}; printf 'done %s' $?; sleep 60"
    columns, rows = tmux.size
    tmux.run("new-session", "-d", "-s", "tutor", "-x", str(columns), "-y", str(rows), "sh", "-c", script)


def test_train_with_validation_draws_both_curves_at_80x24(tmux):
    start_shell_command(
        tmux, ["train", "--validation", "0.2", "--epochs", "300", "--lr", "0.05", "--every", "0", "--plot"]
    )
    screen = tmux.wait_for("done 0", timeout=120)
    lines = screen.rstrip("\n").splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any(line.startswith("epoch: 299, acc: ") and "val_acc: " in line for line in lines), screen
    # The curves: both charts name training and validation in their legends.
    assert screen.count("training") >= 2 and screen.count("validation") >= 2, screen
    assert "loss" in screen and "accuracy" in screen and "class regions" in screen
