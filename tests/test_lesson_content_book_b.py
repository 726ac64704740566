"""Lessons 15 to 17: the worked numbers are the engine's, the code fits the terminal, and the code the
learner is meant to run in lesson 17 runs as printed."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import numpy as np
import pytest

from engine import losses
from engine.activations import Sigmoid
from engine.datasets import sine
from tutor.curriculum import load_curriculum
from tutor.paths import LESSONS_DIR

# These tests train networks (in the exact mode): run them on every BLAS kernel (conftest.TRAINING_MODULES).
pytestmark = pytest.mark.trains

LESSONS = ("15-binary-logistic-regression.md", "16-regression.md", "17-the-model.md")
CODE_WIDTH = 76


def _text(name: str) -> str:
    return " ".join((LESSONS_DIR / name).read_text(encoding="utf-8").split())


def _python_blocks(name: str) -> list[str]:
    source = (LESSONS_DIR / name).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", source, flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("name", LESSONS)
def test_code_blocks_fit_the_terminal(name):
    fence = None
    too_wide = []
    for number, line in enumerate((LESSONS_DIR / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if fence in ("python", "text", "") and len(line) > CODE_WIDTH:
            too_wide.append(f"{name}:{number}: {len(line)} columns")
    assert not too_wide


def test_the_lessons_load_in_order():
    curriculum = load_curriculum(LESSONS_DIR)
    orders = {lesson.id: lesson.order for lesson in curriculum.lessons}
    assert orders["binary-logistic-regression"] == 15
    assert orders["regression"] == 16
    assert orders["the-model"] == 17
    kinds = {exercise.kind for exercise in curriculum.exercises if exercise.id in _ids(curriculum)}
    assert kinds == {"code", "choice", "match", "numeric"}


def _ids(curriculum) -> set[str]:
    return {
        exercise.id
        for lesson in curriculum.lessons
        if lesson.order in (15, 16, 17)
        for exercise in lesson.exercises
    }


def test_lesson_15_numbers_are_the_engine_s():
    text = _text("15-binary-logistic-regression.md")
    y_pred = np.array([[0.9], [0.2], [0.6], [0.35]])
    y_true = np.array([[1], [0], [0], [1]])
    bce = losses.BinaryCrossEntropy()
    assert f"print(np.mean(sample_losses)) # {bce.calculate(y_pred, y_true)!r}" in text
    assert "[0.10536052 0.22314355 0.91629073 1.04982212]" in text
    assert np.array2string(bce.forward(y_pred, y_true)) == "[0.10536052 0.22314355 0.91629073 1.04982212]"
    bce.backward(y_pred, y_true)
    assert np.allclose(bce.dinputs.ravel(), [-1 / 0.9 / 4, 0.3125, 0.625, -1 / 0.35 / 4])
    assert "| 0.9 | 1 | -1 / 0.9 = -1.111 | -0.278 |" in text
    assert "| 0.35 | 1 | -1 / 0.35 = -2.857 | -0.714 |" in text
    sigmoid = Sigmoid()
    sigmoid.output = np.array([[0.5], [0.875], [0.25]])
    sigmoid.backward(np.array([[1.0], [-2.0], [0.5]]))
    assert sigmoid.dinputs.ravel().tolist() == [0.25, -0.21875, 0.09375]
    assert "`[[0.25], [-0.21875], [0.09375]]`" in text
    through_sigmoid = bce.dinputs * y_pred * (1 - y_pred)
    assert np.allclose(through_sigmoid.ravel(), [-0.025, 0.05, 0.15, -0.1625])
    assert "`[-0.025, 0.05, 0.15, -0.1625]`" in text
    assert f"{bce.calculate(np.array([[1.0]]), np.array([[0]])):.3f}" == "16.118"
    assert np.mean((y_pred > 0.5) * 1 == y_true) == 0.5
    # a float32 sigmoid rounds to exactly 1.0 above a score of about 17
    assert np.float32(1) / (1 + np.exp(np.float32(-17))) == 1.0
    assert np.float32(1) / (1 + np.exp(np.float32(-16))) < 1.0


def test_lesson_16_numbers_are_the_engine_s():
    text = _text("16-regression.md")
    y_pred = np.array([[0.5], [-0.25], [1.0]])
    y_true = np.array([[0.75], [-0.5], [0.0]])
    mse, mae = losses.MeanSquaredError(), losses.MeanAbsoluteError()
    assert mse.calculate(y_pred, y_true) == 0.375 and "# 0.375" in text
    assert mae.calculate(y_pred, y_true) == 0.5 and "= 0.5" in text
    mse.backward(y_pred, y_true)
    mae.backward(y_pred, y_true)
    assert [f"{v:.3f}" for v in mse.dinputs.ravel()] == ["-0.167", "0.167", "0.667"]
    assert [f"{v:.3f}" for v in mae.dinputs.ravel()] == ["-0.333", "0.333", "0.333"]
    assert "| 1.0 | 0.0 | -1.0 | 0.667 | 0.333 |" in text
    _, y = sine()
    assert f"`np.std(y)` is {float(np.std(y))!r}" in text
    assert f"the precision is {float(np.std(y) / 250)!r}" in text
    errors = np.array([[0.1], [-0.1], [0.1], [3.0]])
    assert np.isclose(mse.calculate(errors, 0 * errors), 2.2575)
    assert np.isclose(mae.calculate(errors, 0 * errors), 0.825)


def test_lesson_17_code_runs_as_printed(tmp_path):
    """The lesson's python blocks, with the learner's batches() from the exercise, run in order; fewer
    epochs keep the test short. The restored parameters give the trained model's numbers."""
    curriculum = load_curriculum(LESSONS_DIR)
    solution = curriculum.exercise("batches")[1].solution
    blocks = _python_blocks("17-the-model.md")
    assert len(blocks) == 4
    program = "\n".join([blocks[0], solution, *blocks[1:]])
    program = program.replace(
        "epochs=100, batch_size=128, print_every=25", "epochs=6, batch_size=128, print_every=3"
    )
    assert "epochs=6" in program
    script = tmp_path / "lesson17.py"
    script.write_text(program, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 3", "epoch 6", "restored"]
    losses_seen = [float(line.rsplit("loss ", 1)[1]) for line in lines]
    assert losses_seen[1] < losses_seen[0]
    assert lines[2].split(": ", 1)[1] == lines[1].split(": ", 1)[1]
    assert (tmp_path / "sine.npz").exists()


def test_lesson_17_steps_per_epoch():
    text = _text("17-the-model.md")
    assert "7 full batches and one of 104, so 8 steps" in text
    assert -(-1000 // 128) == 8 and 1000 - 7 * 128 == 104
    assert -(-60000 // 128) == 469


# ------------------------------------------------------------------ train blocks, in the exact mode


def _train_blocks(order: int):
    from tutor.curriculum.model import TrainBlock

    curriculum = load_curriculum(LESSONS_DIR)
    lesson = next(lesson for lesson in curriculum.lessons if lesson.order == order)
    return [block.config for block in lesson.blocks if isinstance(block, TrainBlock)]


def _final(config, epochs: int | None = None):
    """The report of the last epoch of a block's run (its exact nnfs_init mode: the same on every CPU)."""
    from tutor.runs import Training

    assert config.nnfs_init
    training = Training.build(config)
    seen = {}

    def keep(report):
        seen[report.epoch] = (
            f"{report.accuracy:.3f}",
            f"{report.loss:.3f}",
            None if report.validation is None else f"{report.validation_accuracy:.3f}",
            None if report.validation is None else f"{report.validation_loss:.3f}",
        )

    training.run(epochs or config.epochs, on_epoch=keep, every=100)
    return seen


def test_lesson_15_train_block_reaches_the_quoted_numbers():
    (config,) = _train_blocks(15)
    assert (config.output, config.classes, config.l2, config.validation) == ("sigmoid", 2, 5e-4, 0.2)
    seen = _final(config)
    assert seen[0][1] == "0.693"
    assert seen[10000] == ("0.838", "0.370", "0.750", "0.436")
    text = _text("15-binary-logistic-regression.md")
    assert "| the 160 training points | 0.838 | 0.370 |" in text
    assert "| the 40 validation points | 0.750 | 0.436 |" in text


def test_lesson_17_train_blocks_reach_the_quoted_numbers():
    shuffled, in_order = _train_blocks(17)
    assert (shuffled.batch_size, shuffled.validation) == (32, 0.2)
    assert (in_order.batch_size, in_order.validation) == (32, 0.0)
    seen = _final(shuffled)
    text = _text("17-the-model.md")
    for epoch in (0, 300, 1000):
        row = "| " + " | ".join([str(epoch), *seen[epoch]]) + " |"
        assert row in text, row
    assert seen[300][3] < seen[1000][3]  # the validation loss climbs while the training loss falls
    assert seen[1000][1] < seen[300][1]
    seen = _final(in_order)
    assert seen[1000][:2] == ("0.543", "0.788")
    assert "only accuracy 0.543, loss 0.788" in text


def _sine_run(scale: float, epochs: int) -> dict[int, tuple[str, float]]:
    """Lesson 16's sine network built from engine pieces with the first weights at ``scale``, in the
    exact mode: ``{epoch: (accuracy with 3 decimals, loss)}`` every 100 epochs."""
    from engine.activations import Linear, ReLU
    from engine.datasets import notebook_numpy
    from engine.layers import Dense
    from engine.losses import regression_precision
    from engine.optimizers import Adam

    seen = {}
    with notebook_numpy(0):
        X, y = sine()
        X, y = X.astype(np.float32), y.astype(np.float32)
        layers: list = []
        width = 1
        for size in (64, 64, 1):
            dense = Dense(width, size)
            dense.weights = dense.weights * (scale / 0.01)
            layers += [dense, ReLU() if size > 1 else Linear()]
            width = size
        loss, optimizer = losses.MeanSquaredError(), Adam(learning_rate=0.005, decay=1e-3)
        precision = regression_precision(y)
        for epoch in range(epochs):
            values = X
            for layer in layers:
                layer.forward(values)
                values = layer.output
            if epoch % 100 == 0:
                accuracy = np.mean(np.abs(values - y) < precision)
                seen[epoch] = (f"{accuracy:.3f}", loss.calculate(values, y))
            loss.backward(values, y)
            gradient = loss.dinputs
            for layer in reversed(layers):
                layer.backward(gradient)
                gradient = layer.dinputs
            optimizer.pre_update_params()
            for layer in layers[::2]:
                optimizer.update_params(layer)
            optimizer.post_update_params()
    return seen


def test_lesson_16_initialisation_table_matches_the_engine():
    """The first 1000 epochs of both columns (the full 10001 take minutes): the 0.01 column is the
    lesson's train block, and the engine pieces at scale 0.01 give the same run."""
    text = _text("16-regression.md")
    (config,) = _train_blocks(16)
    assert (config.dataset, config.output, config.hidden) == ("sine", "linear", (64, 64))
    block = _final(dataclasses.replace(config, epochs=1001))
    small, large = _sine_run(0.01, 1001), _sine_run(0.1, 1001)
    assert block[1000][0] == small[1000][0] == "0.799"
    assert f"{small[1000][1]:.1e}" == "1.8e-05" and f"{large[1000][1]:.1e}" == "2.4e-06"
    assert (small[100][0], f"{small[100][1]:.3f}") == ("0.006", "0.085")
    assert (large[100][0], f"{large[100][1]:.3f}") == ("0.017", "0.048")
    assert large[1000][0] == "0.935"
    assert "| 100 | 0.006 | 0.085 | 0.017 | 0.048 |" in text
    assert "| 1000 | 0.799 | 1.8e-5 | 0.935 | 2.4e-6 |" in text
    assert small[1000][1] / large[1000][1] > 7


def test_lesson_17_save_and_load_commands_print_what_the_lesson_shows(tmp_path):
    text = (LESSONS_DIR / "17-the-model.md").read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0].replace("\\\n", "")
    outputs: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ nntutor "):
            args = line[len("$ nntutor ") :].split()
            run = subprocess.run(
                [sys.executable, "-m", "tutor", *args],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert run.returncode == 0, run.stderr
            outputs.append(run.stdout.strip())
        else:
            assert outputs and outputs[-1] == line.strip(), (outputs, line)
    assert len(outputs) == 2
