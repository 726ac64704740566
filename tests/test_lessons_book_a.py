"""Lessons 11 to 14: the numbers their text quotes are the engine's, their code fits the terminal, and
each has the exercises the course asks for (one of each kind, a train block whose results are quoted).

Training numbers are checked in the exact ``nnfs_init`` mode, which gives the same run on every CPU,
so these tests do not depend on the BLAS kernel or the thread count.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_lesson_content import CODE_WIDTH

from engine import layers, losses
from engine.optimizers import Adagrad, RMSprop
from tutor.curriculum import load_curriculum
from tutor.paths import LESSONS_DIR
from tutor.runs import Training
from tutor.training_config import TrainConfig

BOOK_A = {
    "11-adagrad-and-rmsprop.md": "adagrad-and-rmsprop",
    "12-validation-and-test-data.md": "validation-and-test-data",
    "13-l1-and-l2-regularization.md": "l1-and-l2-regularization",
    "14-dropout.md": "dropout",
}


def _text(name: str) -> str:
    """A lesson's text with every run of whitespace turned into one space, for phrase searches."""
    return " ".join((LESSONS_DIR / name).read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def lessons():
    curriculum = load_curriculum(LESSONS_DIR)
    by_id = {lesson.id: lesson for lesson in curriculum.lessons}
    assert set(BOOK_A.values()) <= set(by_id), [str(item) for item in curriculum.broken]
    return by_id


# ------------------------------------------------------------------------------ the format


@pytest.mark.parametrize("name", sorted(BOOK_A))
def test_the_lesson_has_every_kind_of_quiz_and_a_train_block(lessons, name):
    lesson = lessons[BOOK_A[name]]
    kinds = {exercise.kind for exercise in lesson.exercises}
    assert {"choice", "match", "numeric"} <= kinds
    if name != "12-validation-and-test-data.md":  # lesson 12 teaches with runs, not new code
        assert "code" in kinds
    text = (LESSONS_DIR / name).read_text(encoding="utf-8")
    assert "```train" in text and "## Summary" in text
    assert "@@" not in text  # no number left to fill in


@pytest.mark.parametrize("name", sorted(BOOK_A))
def test_code_blocks_fit_the_terminal(name):
    too_wide = []
    fence = None
    for number, line in enumerate((LESSONS_DIR / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if fence in ("python", "text", "") and len(line) > CODE_WIDTH:
            too_wide.append(f"{name}:{number}: {len(line)} columns")
    assert not too_wide, too_wide


# ------------------------------------------------------------------- worked numbers


def _steps(optimizer, gradients, count):
    """The size of each step an optimizer takes for constant ``gradients``, and the caches."""
    gradient = np.array(gradients, dtype=float)
    weights, state, sizes, caches = np.zeros_like(gradient), {}, [], []
    for _ in range(count):
        before = weights.copy()
        optimizer.update(weights, gradient, state)
        sizes.append(before - weights)
        caches.append(state["cache"].copy())
    return sizes, caches


def test_lesson_11_adagrad_tables_match_the_engine():
    text = _text("11-adagrad-and-rmsprop.md")
    sizes, _ = _steps(Adagrad(1.0), [3.0, 0.01], 3)
    assert [round(float(big), 4) for big, _ in sizes] == [1.0, 0.7071, 0.5774]
    assert [round(float(small), 5) for _, small in sizes] == [0.99999, 0.70710, 0.57735]
    assert "| 1 | 9 | 1.0 | 0.0001 | 0.99999 |" in text
    assert "| 2 | 18 | 0.7071 | 0.0002 | 0.7071 |" in text
    assert "| 3 | 27 | 0.5774 | 0.0003 | 0.5773 |" in text
    sizes, _ = _steps(Adagrad(1.0), [1.0], 10000)
    assert [round(float(sizes[t - 1][0]), 4) for t in (2, 4, 100, 10000)] == [0.7071, 0.5, 0.1, 0.01]
    sizes, _ = _steps(Adagrad(1.0), [2.0], 4)
    assert round(float(sizes[3][0]), 4) == 0.5 and round(float(sum(sizes)[0]), 4) == 2.7845


def test_lesson_11_rmsprop_table_matches_the_engine():
    text = _text("11-adagrad-and-rmsprop.md")
    sizes, caches = _steps(RMSprop(0.001, rho=0.9), [1.0], 100)
    for t, cache, size in (
        (1, "0.1", "0.003162"),
        (2, "0.19", "0.002294"),
        (3, "0.271", "0.001921"),
        (10, "0.6513", "0.001239"),
        (50, "0.9948", "0.001003"),
        (100, "0.99997", "0.001000"),
    ):
        assert f"| {t} | {cache} | {size} |" in text
        assert float(caches[t - 1][0]) == pytest.approx(float(cache), abs=5e-5)
        assert f"{float(sizes[t - 1][0]):.6f}" == size
    first, _ = _steps(RMSprop(0.001, rho=0.999), [1.0], 1)
    assert round(float(first[0][0]) / 0.001, 1) == 31.6
    five, _ = _steps(RMSprop(0.001, rho=0.9), [5.0], 1)
    assert round(float(five[0][0]), 5) == 0.00316


def test_lesson_13_worked_example_matches_the_engine():
    text = _text("13-l1-and-l2-regularization.md")
    layer = layers.Dense(2, 3, weight_regularizer_l1=0.01, weight_regularizer_l2=0.001)
    layer.weights = np.array([[0.5, -1.0, 0.25], [-0.75, 2.0, 0.0]])
    layer.biases = np.zeros((1, 3))
    assert losses.regularization_loss(layer) == pytest.approx(0.050875)
    assert "regularisation loss = 0.050875" in text
    layer.dweights = np.array([[0.1, -0.2, 0.05], [0.3, 0.0, -0.1]])
    layer.dbiases = np.zeros((1, 3))
    layer._add_regularization_gradients()
    assert np.allclose(layer.dweights, [[0.111, -0.212, 0.0605], [0.2885, 0.014, -0.1]])
    assert "[[0.111, -0.212, 0.0605], [0.2885, 0.014, -0.1]]" in text


def test_lesson_14_worked_numbers_match_the_engine():
    text = _text("14-dropout.md")
    np.random.seed(0)
    assert np.random.binomial(1, 0.8, size=10).tolist() == [1, 1, 1, 1, 1, 1, 1, 0, 0, 1]
    assert "give `[1 1 1 1 1 1 1 0 0 1]`" in text
    np.random.seed(1)
    dropout = layers.Dropout(0.2)
    dropout.forward(np.ones((1000, 1000)))
    assert f"{(dropout.mask > 0).mean():.6f}" == "0.800665"
    assert f"{dropout.output.mean():.5f}" == "1.00083"
    assert "a share of 0.800665" in text and "it is 1.00083" in text
    dropout = layers.Dropout(0.5)
    dropout.mask = np.array([[2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 2.0, 2.0]])
    dropout.backward(np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 0.75, -0.5, 1.0]]))
    assert dropout.dinputs.tolist() == [[1.0, 0.0, 4.0, 0.0], [0.0, 1.5, -1.0, 2.0]]


# ------------------------------------------------------------------- training numbers


RACE_ROW = re.compile(
    r"^\| (SGD|Adagrad|RMSprop|Adam) \| (.+?) \| (0\.\d{3}) \| (\d\.\d{3}) \|$", re.MULTILINE
)

RACE = {
    ("SGD", "lr 1.0, decay 1e-3, momentum 0.9"): dict(
        optimizer="sgd", learning_rate=1.0, decay=1e-3, momentum=0.9
    ),
    ("Adagrad", "lr 1.0, decay 1e-4"): dict(optimizer="adagrad", learning_rate=1.0, decay=1e-4),
    ("RMSprop", "lr 0.001, decay 1e-4"): dict(optimizer="rmsprop", learning_rate=0.001, decay=1e-4),
    ("RMSprop", "lr 0.02, decay 1e-5, rho 0.999"): dict(
        optimizer="rmsprop", learning_rate=0.02, decay=1e-5, rho=0.999
    ),
    ("Adam", "lr 0.05, decay 5e-7"): dict(optimizer="adam", learning_rate=0.05, decay=5e-7),
}


def _train(**settings):
    """Train the way ``nntutor train`` does, in the exact mode. Returns the reports of every 100th epoch
    and of the last as ``{epoch: report}`` (their numbers read while the report is current)."""
    config = TrainConfig(nnfs_init=True, **settings)
    log = {}

    def on_epoch(report):
        if report.epoch % 100 == 0 or report.epoch == config.epochs - 1:
            log[report.epoch] = (f"{report.accuracy:.3f}", f"{report.loss:.3f}")

    training = Training.build(config)
    training.run(config.epochs, on_epoch=on_epoch)
    return log


def test_lesson_11_race_table_matches_the_engine():
    rows = {
        (name, settings): (accuracy, loss)
        for name, settings, accuracy, loss in RACE_ROW.findall(
            (LESSONS_DIR / "11-adagrad-and-rmsprop.md").read_text(encoding="utf-8")
        )
    }
    assert set(rows) == set(RACE)
    for key, settings in RACE.items():
        assert _train(epochs=10001, **settings)[10000] == rows[key], key


def test_lesson_11_adagrad_and_rho_sentences_match_the_engine():
    text = _text("11-adagrad-and-rmsprop.md")
    assert "reaches accuracy 0.813 and loss 0.459 at epoch 5000" in text
    assert "at epoch 10000 it is at 0.840 and 0.385" in text
    log = _train(optimizer="adagrad", learning_rate=1.0, decay=1e-4, epochs=10001)
    assert log[5000] == ("0.813", "0.459") and log[10000] == ("0.840", "0.385")
    assert "touches 0.937 at epoch 8600, but is back at 0.840 by epoch 10000" in text
    log = _train(optimizer="rmsprop", learning_rate=0.02, decay=1e-5, rho=0.9, epochs=10001)
    assert log[8600][0] == "0.937" and log[10000][0] == "0.840"
    assert max(accuracy for accuracy, _ in log.values()) == "0.937"


CAPSTONE = dict(optimizer="adam", learning_rate=0.05, decay=5e-7, validation=0.2, epochs=10001)


def _train_validated(**settings):
    """``{epoch: (acc, loss, val_acc, val_loss)}`` with 3 decimals for every 20th epoch, in the exact mode;
    the accuracy on the training points with every neuron on at the last epoch; and the epochs of the
    lowest validation loss and the highest validation accuracy (the first, if several)."""
    config = TrainConfig(nnfs_init=True, **settings)
    log: dict = {}
    raw: dict = {}
    training = Training.build(config)

    def on_epoch(report):
        if report.epoch % 20 == 0 or report.epoch == config.epochs - 1:
            numbers = (report.accuracy, report.loss, report.validation_accuracy, report.validation_loss)
            log[report.epoch] = tuple(f"{value:.3f}" for value in numbers)
            raw[report.epoch] = numbers
        if report.epoch == config.epochs - 1:
            probabilities = report.network.predict_proba(training.X)
            log["every neuron"] = f"{losses.accuracy(probabilities, training.y):.4f}"

    training.run(config.epochs, on_epoch=on_epoch)
    log["lowest validation loss"] = min(raw, key=lambda epoch: raw[epoch][3])
    log["highest validation accuracy"] = max(raw, key=lambda epoch: (raw[epoch][2], -epoch))
    return log


def _row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


@pytest.fixture(scope="module")
def capstone_held_out():
    return _train_validated(**CAPSTONE)


def test_lesson_12_table_and_quiz_match_the_engine(capstone_held_out):
    text = _text("12-validation-and-test-data.md")
    log = capstone_held_out
    for epoch in (0, 100, 500, 1000, 2500, 5000, 10000):
        assert _row(epoch, *log[epoch]) in text, epoch
    assert _row(100, *log[100]) in text and _row(2500, *log[2500]) in text  # the early-stopping quiz
    best = log["lowest validation loss"]
    assert best == 100 and "lowest at epoch 100, 0.945, and climbs from there to 1.989" in text
    assert log[log["highest validation accuracy"]][2] == "0.733"
    assert "a generalisation gap of 0.325" in text and "to 0.958 - 0.633 = 0.325" in text
    assert float(log[2500][0]) - float(log[2500][2]) == pytest.approx(0.221)


def test_lesson_12_more_data_and_a_smaller_network_match_the_engine(capstone_held_out):
    text = _text("12-validation-and-test-data.md")
    assert _row("100 per class", *capstone_held_out[10000], "0.325") in text
    log = _train_validated(**{**CAPSTONE, "samples": 1000})
    assert _row("1000 per class", *log[10000], "0.012") in text
    best = log["lowest validation loss"]
    assert (best, log[best][3]) == (9900, "0.322") and "to its lowest, 0.322, at epoch 9900" in text
    log = _train_validated(**{**CAPSTONE, "hidden": (16,)})
    assert log[10000][0] == "0.704" and log[10000][2] == "0.517"
    assert "ends at 0.704 on its training points and 0.517 on the validation points" in text


def test_lesson_13_table_matches_the_engine(capstone_held_out):
    text = _text("13-l1-and-l2-regularization.md")
    assert _row("none", *capstone_held_out[10000], "0.325") in text
    for label, settings, gap in (
        ("`l2: 5e-4`", {"l2": 5e-4}, "0.313"),
        ("`l2: 5e-3`", {"l2": 5e-3}, "0.238"),
        ("`l1: 5e-4`", {"l1": 5e-4}, "0.267"),
    ):
        log = _train_validated(**CAPSTONE, **settings)
        assert _row(label, *log[10000], gap) in text, label
        if settings == {"l2": 5e-3}:
            best = log["lowest validation loss"]
            assert (best, log[best][3], log[best][2]) == (5400, "0.518", "0.767")
            assert "Its best validation epoch, 5400 (validation loss 0.518, accuracy 0.767)" in text


def test_lesson_14_table_matches_the_engine(capstone_held_out):
    text = _text("14-dropout.md")
    assert _row("none", *capstone_held_out[10000]) in text
    log = _train_validated(**CAPSTONE, dropout=0.1)
    assert _row("0.1", *log[10000]) in text
    assert log["every neuron"] == "0.7625" and "get 183 of the 240 training points right, 0.7625" in text
    best_loss, best_accuracy = log["lowest validation loss"], log["highest validation accuracy"]
    assert (best_loss, log[best_loss][3]) == (6680, "0.574")
    assert (best_accuracy, log[best_accuracy][2]) == (7440, "0.767")
    assert "lowest at epoch 6680 (0.574) and the validation accuracy highest at epoch 7440 (0.767)" in text
