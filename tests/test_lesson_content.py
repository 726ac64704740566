"""The shipped lessons' content: quizzes that do not give themselves away, code that fits the
terminal, no references the learner cannot follow, and numbers that the engine reproduces.

The training numbers are checked in the exact ``nnfs_init`` mode, which gives the same run on every
CPU, so these tests do not depend on the BLAS kernel or the thread count.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tutor.curriculum import load_curriculum
from tutor.paths import LESSONS_DIR
from tutor.runs import Training
from tutor.training_config import TrainConfig

LESSON_FILES = sorted(LESSONS_DIR.glob("0*.md"))
CODE_WIDTH = 76  # a code line must not be cut in a lesson read at 80 columns


@pytest.fixture(scope="module")
def curriculum():
    loaded = load_curriculum(LESSONS_DIR)
    assert loaded.lessons and not loaded.broken
    return loaded


def _exercises(curriculum, kind):
    return [exercise for exercise in curriculum.exercises if exercise.kind == kind]


def _lesson_text(name: str) -> str:
    """A lesson's text with every run of whitespace turned into one space, for phrase searches."""
    return " ".join((LESSONS_DIR / name).read_text(encoding="utf-8").split())


def _train(**settings):
    """Train the way ``nntutor train`` and the playground do. Returns the logged lines (every 100th
    epoch) as ``{epoch: (accuracy, loss)}`` with 3 decimals, the last epoch's probabilities, X, y."""
    config = TrainConfig(nnfs_init=True, **settings)
    log = {}
    last = {}

    def on_epoch(report):
        if report.epoch % 100 == 0 or report.epoch == config.epochs - 1:
            log[report.epoch] = (f"{report.accuracy:.3f}", f"{report.loss:.3f}")
        if report.epoch == config.epochs - 1:
            last["probabilities"] = np.array(report.probabilities, copy=True)

    training = Training.build(config)
    training.run(config.epochs, on_epoch=on_epoch)
    return log, last["probabilities"], training.X, training.y


# ----------------------------------------------------------------------------- quizzes


def test_every_match_exercise_has_a_spare_option(curriculum):
    """With as many options as items, the last pair is free; a spare option keeps it a question."""
    for exercise in _exercises(curriculum, "match"):
        unused = set(exercise.options) - set(exercise.answer.values())
        assert unused, f"{exercise.id}: every option is used, so the last match gives itself away"


def test_the_right_choice_is_not_systematically_the_longest(curriculum):
    quizzes = _exercises(curriculum, "choice")
    longest_is_right = []
    for exercise in quizzes:
        answers = exercise.answer if isinstance(exercise.answer, (list, tuple)) else [exercise.answer]
        longest = max(exercise.options, key=lambda key: len(str(exercise.options[key])))
        if longest in answers:
            longest_is_right.append(exercise.id)
    assert len(quizzes) >= 4
    assert len(longest_is_right) <= len(quizzes) // 3, longest_is_right


def test_chain_rule_slope_accepts_the_numerical_check(curriculum):
    """A learner who measures the slope with a step of 1e-4 types 12.0004; that is right."""
    exercise = curriculum.exercise("chain-rule-slope")[1]
    assert exercise.tolerance >= 0.0004


# ------------------------------------------------------------------------------ the text


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.name)
def test_no_reference_to_notes_the_learner_never_saw(path):
    assert "workshop notes" not in path.read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda path: path.name)
def test_code_blocks_fit_the_terminal(path):
    too_wide = []
    fence = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if fence in ("python", "text", "") and len(line) > CODE_WIDTH:
            too_wide.append(f"{path.name}:{number}: {len(line)} columns")
    assert not too_wide, too_wide


def test_nnfs_init_is_explained_before_a_lesson_relies_on_it():
    for path in LESSON_FILES:
        text = path.read_text(encoding="utf-8")
        if "nnfs_init: true" in text:
            assert "nnfs.init()" in text.split("nnfs_init: true")[0], path.name
            return
    pytest.fail("no lesson trains in the exact nnfs_init mode")


# ------------------------------------------------------------------- numbers from the engine

SGD_ROW = re.compile(r"^\| (\d+(?:\.\d+)?) \| (0\.\d{3}) \| (\d+\.\d{3}) \| .+\|$", re.MULTILINE)


def _sgd_table():
    text = (LESSONS_DIR / "07-optimizers-sgd.md").read_text(encoding="utf-8")
    table = text.split("| learning rate | accuracy | loss | reading the log |")[1].split("\n\n")[0]
    return [tuple(match.groups()) for match in SGD_ROW.finditer(table)]


def test_the_sgd_table_has_the_rows_the_text_discusses():
    rates = [rate for rate, _, _ in _sgd_table()]
    assert rates == ["0.01", "0.1", "1.0", "2.5", "5.0", "20.0"]


@pytest.mark.parametrize("rate, accuracy, loss", _sgd_table())
def test_lesson_7_sgd_table_matches_the_engine(rate, accuracy, loss):
    log, _, _, _ = _train(optimizer="sgd", learning_rate=float(rate), epochs=10001)
    assert log[10000] == (accuracy, loss)


def test_lesson_7_sgd_ceiling_sentence_matches_the_engine():
    text = _lesson_text("07-optimizers-sgd.md")
    assert "1.0 ends at 0.647, 1.5 at 0.790, and 2.5 at 0.827" in text
    assert "| 2.5 | 0.827 | 0.329 | best of these; accuracy was 0.857 at epoch 9300 |" in text
    log, _, _, _ = _train(optimizer="sgd", learning_rate=1.5, epochs=10001)
    assert log[10000][0] == "0.790"
    log, _, _, _ = _train(optimizer="sgd", learning_rate=2.5, epochs=10001)
    assert log[9300][0] == "0.857"
    assert max(accuracy for accuracy, _ in log.values()) == "0.857"  # its best logged line


def test_lesson_9_errors_near_the_origin_match_the_engine():
    assert "of the 10 training points still misclassified at epoch 10000, 6 lie within 0.051" in (
        _lesson_text("09-adam-and-the-spiral.md")
    )
    log, probabilities, X, y = _train(optimizer="adam", learning_rate=0.05, decay=5e-7, epochs=10001)
    assert log[10000] == ("0.967", "0.074")
    wrong = np.argmax(probabilities, axis=1) != y
    radii = np.sqrt((X[wrong].astype(np.float64) ** 2).sum(axis=1))
    assert wrong.sum() == 10
    assert (radii <= 0.051).sum() == 6
