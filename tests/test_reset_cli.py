"""``nntutor reset EXERCISE_ID | --all``: with and without confirmation."""

from __future__ import annotations

import io
import sys

import pytest

from tutor.cli import main
from tutor.store import Status, Store


class Terminal(io.StringIO):
    """stdin as a terminal that answers with ``text``."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def touched(nntutor_home):
    with Store.open(nntutor_home) as store:
        store.record_attempt("relu", True, 1.0)
        store.record_hint("relu", 1)
        store.save_draft("relu", "def relu(x): ...")
        store.record_attempt("step", False, 1.0)
        store.record_reveal("step")
    return nntutor_home


def statuses(home):
    with Store.open(home) as store:
        return store.statuses(), store.draft("relu"), store.hints_shown("relu")


def test_yes_resets_one_exercise_and_keeps_the_others(touched, capsys):
    assert main(["reset", "relu", "--yes"]) == 0
    found, draft, hints = statuses(touched)
    assert "relu" not in found and draft is None and hints == 0
    assert found["step"] is Status.REVEALED
    assert "Reset your progress on 'relu'" in capsys.readouterr().out


def test_all_resets_everything(touched, capsys):
    assert main(["reset", "--all", "-y"]) == 0
    assert statuses(touched) == ({}, None, 0)


@pytest.mark.parametrize("answer, resets", [("y\n", True), ("yes\n", True), ("n\n", False), ("\n", False)])
def test_a_terminal_is_asked_y_n(touched, capsys, monkeypatch, answer, resets):
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    code = main(["reset", "relu"])
    out = capsys.readouterr().out
    assert "[y/N]" in out and "Forget your progress on 'relu' (1 attempt" in out
    found, _, _ = statuses(touched)
    assert ("relu" not in found) is resets
    assert code == (0 if resets else 1)


def test_end_of_input_at_the_question_is_no(touched, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    assert main(["reset", "--all"]) == 1
    assert statuses(touched)[0]["relu"] is Status.PASSED


def test_no_terminal_and_no_yes_refuses_with_exit_2(touched, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(["reset", "relu"]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert statuses(touched)[0]["relu"] is Status.PASSED


def test_unknown_exercise_gets_close_matches(touched, capsys):
    assert main(["reset", "rellu", "--yes"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown exercise id 'rellu'; did you mean relu" in err


def test_nothing_to_reset_says_so(nntutor_home, capsys):
    assert main(["reset", "sigmoid", "--yes"]) == 0
    assert "Nothing to reset" in capsys.readouterr().out
