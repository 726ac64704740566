"""``nntutor train --save FILE`` / ``--load FILE``: round trips, and one clear line (exit 2) for a file
that is missing, corrupt, pickled or made for another network."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from tutor.checkpoints import NETWORK_KEY, CheckpointError, load, put_parameters, save
from tutor.runs import Training
from tutor.training_config import TrainConfig

CONFIG = TrainConfig(hidden=(8, 4), samples=10, epochs=20, learning_rate=0.05)


def nntutor(*args):
    return subprocess.run(
        [sys.executable, "-m", "tutor", "train", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def trained(config=CONFIG):
    training = Training.build(config)
    training.run(config.epochs)
    return training


def test_a_round_trip_gives_the_same_parameters_and_predictions(tmp_path):
    path = tmp_path / "net"  # no .npz: the name is kept as given
    training = trained()
    save(path, training.network, CONFIG)
    assert path.exists() and not (tmp_path / "net.npz").exists()
    fresh = Training.build(CONFIG)
    put_parameters(fresh.network, load(path, CONFIG))
    np.testing.assert_array_equal(fresh.network.flat_parameters, training.network.flat_parameters)
    np.testing.assert_array_equal(
        fresh.network.predict_proba(fresh.X), training.network.predict_proba(training.X)
    )
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(
            [NETWORK_KEY, "dense1.weights", "dense1.biases", "dense2.weights", "dense2.biases",
             "dense3.weights", "dense3.biases"]
        )  # fmt: skip
        assert archive["dense1.weights"].shape == (2, 8) and archive["dense1.weights"].dtype == np.float32


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(dataset="sine", samples=50, hidden=(8,), epochs=5),
        TrainConfig(output="sigmoid", classes=2, samples=10, hidden=(8,), epochs=5, dropout=0.1, l2=1e-3),
    ],
)
def test_every_head_round_trips(tmp_path, config):
    path = tmp_path / "net.npz"
    training = trained(config)
    save(path, training.network, config)
    fresh = Training.build(config)
    put_parameters(fresh.network, load(path, config))
    np.testing.assert_array_equal(fresh.network.flat_parameters, training.network.flat_parameters)


def write_archive(path, **arrays):
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def good_arrays(config=CONFIG):
    training = Training.build(config)
    arrays = {}
    for index, layer in enumerate(training.network.dense_layers, start=1):
        arrays[f"dense{index}.weights"] = np.array(layer.weights)
        arrays[f"dense{index}.biases"] = np.array(layer.biases)
    from tutor.checkpoints import network_description

    arrays[NETWORK_KEY] = np.array(json.dumps(network_description(config)))
    return arrays


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda a: a.pop("dense2.biases"), "holds"),
        (lambda a: a.update({"dense1.weights": np.zeros((3, 8), np.float32)}), "shape"),
        (lambda a: a.update({"dense1.weights": np.zeros((2, 8), np.int64)}), "int64"),
        (lambda a: a.update({"dense1.biases": np.full((1, 8), np.nan, np.float32)}), "nan"),
        (lambda a: a.pop(NETWORK_KEY), NETWORK_KEY),
        (lambda a: a.update({NETWORK_KEY: np.array("not json")}), NETWORK_KEY),
        (lambda a: a.update({"extra": np.zeros(2)}), "holds"),
    ],
)
def test_a_mismatched_archive_is_one_clear_error(tmp_path, change, words):
    arrays = good_arrays()
    change(arrays)
    path = tmp_path / "net.npz"
    write_archive(path, **arrays)
    with pytest.raises(CheckpointError) as error:
        load(path, CONFIG)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "net.npz"
    arrays = good_arrays()
    arrays["dense1.weights"] = np.array([{"a": 1}], dtype=object)
    write_archive(path, **arrays)
    with pytest.raises(CheckpointError):
        load(path, CONFIG)


def test_settings_that_change_the_network_are_named(tmp_path):
    path = tmp_path / "net.npz"
    training = trained()
    save(path, training.network, CONFIG)
    for other, setting in [
        (TrainConfig(hidden=(8, 5)), "hidden"),
        (TrainConfig(hidden=(8, 4), activation="sigmoid"), "activation"),
        (TrainConfig(hidden=(8, 4), classes=4), "outputs"),
        (TrainConfig(hidden=(8, 4), dataset="sine"), "dataset"),
    ]:
        with pytest.raises(CheckpointError) as error:
            load(path, other)
        assert f"saved for {setting}" in str(error.value)
    # Settings that leave the network as it is may differ: the optimizer, the epochs, the data size.
    load(path, TrainConfig(hidden=(8, 4), optimizer="sgd", epochs=3, samples=50))


def test_the_command_saves_loads_and_continues(tmp_path):
    path = tmp_path / "spiral.npz"
    first = nntutor("--epochs", "301", "--lr", "0.05", "--every", "0", "--save", str(path), "--hidden", "16")
    assert first.returncode == 0, first.stderr
    assert path.exists()
    again = nntutor("--epochs", "1", "--every", "0", "--load", str(path), "--hidden", "16")
    assert again.returncode == 0, again.stderr
    trained_accuracy = float(first.stdout.split("acc: ")[1].split(",")[0])
    loaded_accuracy = float(again.stdout.split("acc: ")[1].split(",")[0])
    assert loaded_accuracy > 0.5 and abs(loaded_accuracy - trained_accuracy) < 0.1


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.write_text("not an archive"), "is not a saved network"),
        (
            lambda p: np.save(p.with_suffix(".npy"), np.zeros(3)) or p.with_suffix(".npy").rename(p),
            "np.savez",
        ),
        (lambda p: p.write_bytes(b""), "is not a saved network"),
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_the_command_reports_a_bad_file_in_one_line_and_exits_2(tmp_path, make, words):
    path = tmp_path / "net.npz"
    make(path)
    result = nntutor("--epochs", "5", "--load", str(path))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr


def test_a_truncated_file_is_one_line_too(tmp_path):
    good = tmp_path / "good.npz"
    save(good, trained().network, CONFIG)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(good.read_bytes()[:400])
    with pytest.raises(CheckpointError):
        load(bad, CONFIG)
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as archive:
        archive.writestr("dense1.weights.npy", b"\x93NUMPY garbage")
    with pytest.raises(CheckpointError):
        load(tmp_path / "other.npz", CONFIG)


def test_an_unwritable_save_path_fails_before_training(tmp_path):
    result = nntutor("--epochs", "5", "--save", str(tmp_path / "missing" / "net.npz"))
    assert result.returncode == 2 and result.stdout == ""
    assert "cannot write" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    folder = tmp_path / "folder"
    folder.mkdir()
    result = nntutor("--epochs", "5", "--save", str(folder))
    assert result.returncode == 2 and "folder" in result.stderr
