"""Trained parameters in a file: ``nntutor train --save FILE`` writes them, ``--load FILE`` starts
from them.

    save(path, network, config)          # np.savez: one array per weight and bias, and the settings
    arrays = load(path, config)          # checked against config; raises CheckpointError (one line)
    put_parameters(network, arrays)      # into the network built from config

The file is an ordinary ``np.savez`` archive, read back with ``allow_pickle=False`` (nothing in it can
run code): ``dense1.weights``, ``dense1.biases``, ``dense2.weights``, ... as float32, and
``nntutor.network``, the settings that decide the shapes (data set, hidden sizes, activation, head,
outputs) as JSON text. A file that cannot be read, or that was made for another network, is one
``CheckpointError`` naming the file and what is wrong.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from tutor.training_config import TrainConfig

NETWORK_KEY = "nntutor.network"
FORMAT = 1


class CheckpointError(ValueError):
    """A parameters file that cannot be written, read or used: ``str(error)`` is one line."""


def network_description(config: TrainConfig) -> dict[str, Any]:
    """The settings that decide a network's layers and shapes, as saved beside its parameters."""
    return {
        "format": FORMAT,
        "dataset": config.dataset,
        "hidden": list(config.hidden),
        "activation": config.activation,
        "output": config.head,
        "outputs": config.outputs,
    }


def parameter_names(count: int) -> list[str]:
    """``dense1.weights``, ``dense1.biases``, ... for ``count`` Dense layers."""
    return [f"dense{index}.{part}" for index in range(1, count + 1) for part in ("weights", "biases")]


def check_writable(path: str | os.PathLike) -> None:
    """Raise ``CheckpointError`` now if ``path`` cannot be written later (before a long run, not after)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CheckpointError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise CheckpointError(f"cannot write {path}: there is no folder {folder}")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CheckpointError(f"cannot write {path}: permission denied")


def save(path: str | os.PathLike, network: Any, config: TrainConfig) -> None:
    """Write ``network``'s weights and biases and ``config``'s network description to ``path``
    (exactly that name: ``np.savez`` would add ``.npz`` to a bare name). Written to a temporary file
    first, then renamed: a failed write leaves an existing file as it was."""
    import numpy as np

    dense = network.dense_layers
    arrays = {}
    for name, layer in zip(parameter_names(len(dense))[::2], dense):
        arrays[name] = np.asarray(layer.weights, dtype=np.float32)
        arrays[name.replace("weights", "biases")] = np.asarray(layer.biases, dtype=np.float32)
    arrays[NETWORK_KEY] = np.array(json.dumps(network_description(config)))
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".nntutor-", suffix=".npz", dir=target.parent or ".")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **arrays)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CheckpointError(f"cannot write {path}: {error.strerror or error}") from None


def load(path: str | os.PathLike, config: TrainConfig) -> dict[str, Any]:
    """The parameter arrays saved in ``path``, checked: an ``np.savez`` file, without pickled objects,
    made for the network ``config`` builds (same settings, names, shapes), finite float numbers.
    Raises ``CheckpointError`` with one line saying what is wrong."""
    import numpy as np

    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise CheckpointError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise CheckpointError(f"cannot read {path}: it is a folder") from None
    except PermissionError:
        raise CheckpointError(f"cannot read {path}: permission denied") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        raise CheckpointError(
            f"{path} is not a saved network (an np.savez file from nntutor train --save)"
        ) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise CheckpointError(f"{path} is not a saved network (one array, not an np.savez archive)")
    with archive:
        try:
            arrays = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as error:
            raise CheckpointError(f"{path} is damaged: {error}") from None
    expected = network_description(config)
    saved = arrays.pop(NETWORK_KEY, None)
    try:
        description = json.loads(str(saved)) if saved is not None and saved.shape == () else None
    except ValueError:
        description = None
    if not isinstance(description, dict):
        raise CheckpointError(f"{path} is not a saved network: it has no readable {NETWORK_KEY} entry")
    for key, value in expected.items():
        if description.get(key) != value:
            raise CheckpointError(
                f"{path} was saved for {key} {_shown(description.get(key))}, but this run has "
                f"{key} {_shown(value)}: use the settings it was saved with"
            )
    names = parameter_names(len(config.hidden) + 1)
    if sorted(arrays) != sorted(names):
        raise CheckpointError(
            f"{path} holds {', '.join(sorted(arrays)) or 'nothing'}, not {', '.join(names)}"
        )
    for name, shape in zip(names, _shapes(config)):
        array = arrays[name]
        if array.shape != shape:
            raise CheckpointError(f"{path}: {name} has shape {array.shape}, this network needs {shape}")
        if array.dtype.kind != "f":
            raise CheckpointError(f"{path}: {name} holds {array.dtype} values, not floats")
        if not np.all(np.isfinite(array)):
            raise CheckpointError(f"{path}: {name} holds nan or infinite values")
    return arrays


def put_parameters(network: Any, arrays: dict[str, Any]) -> None:
    """Copy ``load``'s arrays into ``network``'s Dense layers (in place: the layers' arrays are views
    into the network's flat buffers)."""
    for index, layer in enumerate(network.dense_layers, start=1):
        layer.weights[...] = arrays[f"dense{index}.weights"]
        layer.biases[...] = arrays[f"dense{index}.biases"]


def _shapes(config: TrainConfig) -> list[tuple[int, ...]]:
    from engine.names import DATASET_INPUTS

    widths = [DATASET_INPUTS[config.dataset], *config.hidden, config.outputs]
    shapes: list[tuple[int, ...]] = []
    for inputs, outputs in itertools.pairwise(widths):
        shapes += [(inputs, outputs), (1, outputs)]
    return shapes


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)
