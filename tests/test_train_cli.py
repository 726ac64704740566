"""``nntutor train``: the notebook's capstone log digit for digit, output modes, and bad input."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

CAPSTONE_LOG = Path(__file__).parent / "data" / "capstone_log.txt"
CAPSTONE = [
    "--nnfs-init",
    "--dataset",
    "spiral",
    "--samples",
    "100",
    "--classes",
    "3",
    "--hidden",
    "64",
    "--optimizer",
    "adam",
    "--lr",
    "0.05",
    "--decay",
    "5e-7",
    "--epochs",
    "10001",
    "--every",
    "100",
]


def nntutor(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_capstone_prints_the_notebooks_101_lines_exactly():
    result = nntutor("train", *CAPSTONE)
    assert result.returncode == 0, result.stderr
    expected = CAPSTONE_LOG.read_text().splitlines()
    assert len(expected) == 101
    assert result.stdout.splitlines() == expected
    assert expected[-1] == "epoch: 10000, acc: 0.967, loss: 0.074, lr: 0.04975126853296942"


def test_json_output_is_one_object_with_the_final_numbers():
    result = nntutor("train", "--epochs", "201", "--optimizer", "adam", "--lr", "0.05", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["epoch"] == 200
    assert 0 <= report["accuracy"] <= 1 and report["loss"] > 0
    assert report["learning_rate"] == 0.05 and report["wall_seconds"] >= 0
    assert report["history"][0]["epoch"] == 0 and report["history"][-1]["epoch"] == 200
    assert report["history"][-1]["loss"] == report["loss"]
    assert report["history"][-1]["loss"] < report["history"][0]["loss"]


def test_json_reports_validation_figures_and_null_without_them():
    result = nntutor(
        "train", "--epochs", "101", "--lr", "0.05", "--validation", "0.2", "--l2", "5e-4", "--json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["validation_loss"] > 0 and 0 <= report["validation_accuracy"] <= 1
    assert report["regularization_loss"] > 0
    assert report["config"]["validation"] == 0.2 and report["config"]["l2"] == 5e-4
    last = report["history"][-1]
    assert last["validation_loss"] == report["validation_loss"]
    assert last["validation_accuracy"] == report["validation_accuracy"]
    plain = json.loads(nntutor("train", "--epochs", "5", "--json").stdout)
    assert plain["validation_loss"] is None and plain["validation_accuracy"] is None
    assert "validation_loss" not in plain["history"][-1]


def test_new_settings_print_their_columns_and_learn():
    result = nntutor(
        "train", "--dataset", "vertical", "--classes", "2", "--output", "sigmoid", "--hidden", "16",
        "--lr", "0.02", "--l1", "1e-4", "--dropout", "0.1", "--batch-size", "50", "--validation", "0.25",
        "--epochs", "201", "--every", "200",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, last = result.stdout.splitlines()
    assert first.startswith("epoch: 0, acc: ") and last.startswith("epoch: 200, acc: ")
    assert ", reg_loss: " in last and ", val_acc: " in last and ", val_loss: " in last
    assert float(last.split("val_acc: ")[1].split(",")[0]) > 0.8


def test_sine_regression_learns_and_plots_its_fit():
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "train", "--dataset", "sine", "--hidden", "32,32", "--lr", "0.005",
         "--decay", "1e-3", "--epochs", "501", "--every", "500", "--plot"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "80", "LINES": "24"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = float(lines[0].split("loss: ")[1].split(",")[0])
    last = float(lines[1].split("loss: ")[1].split(",")[0])
    assert last < 0.2 * first
    assert "the network's fit" in result.stdout and "regions" not in result.stdout
    assert all(len(line) <= 80 for line in lines[2:])


def test_every_zero_prints_only_the_final_line():
    result = nntutor("train", "--epochs", "50", "--every", "0")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("epoch: 49, acc: ")


def test_plot_draws_curves_and_regions():
    result = nntutor("train", "--epochs", "101", "--lr", "0.05", "--every", "0", "--plot")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "epoch: 100" in text
    assert len(text.splitlines()) > 20
    lowered = text.lower()
    assert "loss" in lowered and "accuracy" in lowered


@pytest.mark.parametrize(
    "settings",
    [
        ["--hidden", "16,16", "--optimizer", "adam", "--lr", "0.02"],
        ["--hidden", "16", "--optimizer", "sgd", "--lr", "1", "--momentum", "0.9"],
        ["--hidden", "16", "--optimizer", "rmsprop", "--lr", "0.01", "--decay", "1e-4"],
        ["--hidden", "16", "--optimizer", "adagrad", "--lr", "0.5", "--activation", "sigmoid"],
    ],
)
def test_vertical_data_learns_with_every_optimizer(settings):
    result = nntutor("train", "--dataset", "vertical", *settings, "--epochs", "301", "--every", "300")
    assert result.returncode == 0, result.stderr
    first, last = result.stdout.splitlines()
    assert first.startswith("epoch: 0, acc: ") and last.startswith("epoch: 300, acc: ")
    assert float(last.split("acc: ")[1].split(",")[0]) > 0.8


@pytest.mark.parametrize(
    "args, flag",
    [
        (["--lr", "-0.1"], "--lr"),
        (["--lr", "0"], "--lr"),
        (["--samples", "0"], "--samples"),
        (["--classes", "1"], "--classes"),
        (["--optimizer", "adamw"], "--optimizer"),
        (["--hidden", "0"], "--hidden"),
        (["--hidden", "64,x"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--epochs", "ten"], "--epochs"),
        (["--momentum", "1.5"], "--momentum"),
        (["--decay", "-1"], "--decay"),
        (["--dataset", "moons"], "--dataset"),
        (["--every", "-5"], "--every"),
        (["--plot", "--json"], "--json"),
        (["--rho", "1"], "--rho"),
        (["--rho", "x"], "--rho"),
        (["--l1", "-0.1"], "--l1"),
        (["--l2", "-1"], "--l2"),
        (["--l2", "nan"], "--l2"),
        (["--dropout", "1"], "--dropout"),
        (["--dropout", "-0.5"], "--dropout"),
        (["--batch-size", "0"], "--batch-size"),
        (["--batch-size", "8.5"], "--batch-size"),
        (["--validation", "0.95"], "--validation"),
        (["--validation", "half"], "--validation"),
        (["--output", "tanh"], "--output"),
        (["--output", "linear"], "--output"),
        (["--dataset", "sine", "--output", "softmax"], "--output"),
        (["--output", "sigmoid"], "--classes"),
        (["--no-such-flag"], "--no-such-flag"),
    ],
)
def test_bad_values_get_one_line_naming_the_flag_and_exit_2(args, flag):
    result = nntutor("train", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert flag in lines[0]
    assert "Traceback" not in result.stderr


def test_a_diverging_run_stops_with_a_clear_message_and_exit_1():
    result = nntutor("train", "--optimizer", "sgd", "--lr", "1e300", "--epochs", "100", "--every", "0")
    assert result.returncode == 1
    assert "diverged" in result.stderr and "--lr" in result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr


def test_progress_bar_on_a_terminal_only():
    plain = nntutor("train", "--epochs", "30", "--every", "0")
    assert "#" not in plain.stderr and plain.stderr == ""

    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "tutor", "train", "--epochs", "3000", "--every", "0"],
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        os.close(follower)
        follower = None
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert process.returncode == 0
    terminal = b"".join(chunks).decode()
    assert "epochs" in terminal and "[#" in terminal


def test_the_engine_name_tables_match_its_registries():
    """``engine.names`` (NumPy-free, for --help) lists what the engine's registries hold."""
    import inspect

    from engine import activations, datasets, losses, names, optimizers

    assert tuple(datasets.DATASETS) == names.DATASETS
    assert tuple(datasets.REGRESSION_DATASETS) == names.REGRESSION_DATASETS
    assert set(names.DATASET_INPUTS) == set(names.TRAINING_DATASETS)
    assert tuple(losses.HEADS) == names.OUTPUTS
    assert tuple(optimizers.OPTIMIZERS) == names.OPTIMIZERS
    assert set(activations.ACTIVATIONS) == set(names.ACTIVATIONS)
    assert set(names.HIDDEN_ACTIVATIONS) <= set(names.ACTIVATIONS)
    for name, optimizer_class in optimizers.OPTIMIZERS.items():
        default = inspect.signature(optimizer_class).parameters["learning_rate"].default
        assert names.DEFAULT_LEARNING_RATES[name] == default, name


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop", "adam"])
def test_each_optimizer_gets_the_settings_its_class_takes(name):
    from engine.optimizers import OPTIMIZERS
    from tutor.training_config import TrainConfig, make_optimizer

    config = TrainConfig(optimizer=name, decay=1e-3, momentum=0.5, beta_1=0.8, beta_2=0.99, rho=0.7)
    optimizer = make_optimizer(config)
    assert type(optimizer) is OPTIMIZERS[name]
    assert optimizer.learning_rate == config.effective_learning_rate and optimizer.decay == 1e-3
    assert getattr(optimizer, "momentum", 0.5) == 0.5
    assert getattr(optimizer, "rho", 0.7) == 0.7
    assert (getattr(optimizer, "beta_1", 0.8), getattr(optimizer, "beta_2", 0.99)) == (0.8, 0.99)


def test_help_imports_no_numpy():
    code = (
        "import sys\nfrom tutor.cli import main\n"
        "try:\n    main(['train', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip() == "False"
