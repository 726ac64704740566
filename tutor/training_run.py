"""``Training``: one configuration built (data, network, optimizer, trainer), the only place that
builds a run. ``nntutor train`` trains it headless; ``tutor.runs`` and ``tutor.racing`` train it in
threads.

    training = Training.build(config)            # numpy set up -> build_parts -> Trainer
    final = training.run(config.epochs, on_epoch=print_line)

Imports the engine and NumPy lazily.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.training_config import TrainConfig, build_parts, numpy_setup

if TYPE_CHECKING:
    import numpy as np

    from engine.training import EpochReport, Trainer


@dataclass
class Training:
    """One configuration built: its data ``X``, ``y`` and the ``trainer`` (network and optimizer).

    ``Training.build(config)`` is the only place that builds a run; train inside ``numerics()``
    (or with ``run``, which enters it for you): under ``nnfs_init`` the notebook's float32 dot must be
    in place while training too. ``trainer.run`` may be called again to continue.
    """

    config: TrainConfig
    trainer: Trainer
    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None = None  # the validation samples (config.validation), else None
    y_val: np.ndarray | None = None

    @classmethod
    def build(cls, config: TrainConfig) -> Training:
        """Data and model in the notebook's order, under ``numpy_setup(config)``: the same
        configuration always gives the same data and the same initial weights."""
        from engine.training import Trainer

        with numpy_setup(config):
            parts = build_parts(config)
        validation = (parts.X_val, parts.y_val) if parts.X_val is not None else None
        trainer = Trainer(
            parts.network,
            parts.optimizer,
            parts.X,
            parts.y,
            batch_size=config.batch_size,
            validation=validation,
        )
        return cls(config, trainer, parts.X, parts.y, parts.X_val, parts.y_val)

    @property
    def network(self) -> Any:
        return self.trainer.network

    @property
    def epoch(self) -> int:
        """The next epoch to run."""
        return int(self.trainer.epoch)

    @property
    def remaining(self) -> int:
        return max(0, self.config.epochs - self.epoch)

    def numerics(self) -> contextlib.AbstractContextManager[None]:
        """Train inside this block: ``nnfs.init()`` for the notebook's numbers, else the seed."""
        return numpy_setup(self.config)

    def run(
        self, epochs: int, on_epoch: Callable[[EpochReport], None] | None = None, every: int = 1
    ) -> EpochReport | None:
        """``trainer.run`` inside ``numerics()``; raises ``TrainingDiverged`` as it does."""
        with self.numerics():
            return self.trainer.run(epochs, on_epoch=on_epoch, every=every)
