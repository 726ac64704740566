"""One description of a training run, shared by ``nntutor train``, lessons' ``train`` blocks and the
playground: what data, what network, what optimizer, how long.

    config = TrainConfig(optimizer="adam", learning_rate=0.05, decay=5e-7, nnfs_init=True)
    config.validate()                       # raises ConfigError naming the bad setting
    with numpy_setup(config):               # nnfs.init() for the notebook's numbers, else a seed
        network, optimizer, X, y = build_run(config)
        Trainer(network, optimizer, X, y).run(config.epochs, on_epoch=...)

Imports NumPy and the engine lazily, so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field, fields

from engine.names import DATASETS, DEFAULT_LEARNING_RATES, HIDDEN_ACTIVATIONS, OPTIMIZERS

# The settings an optimizer takes as keyword arguments when its class accepts them (SGD: momentum;
# Adam: beta_1, beta_2); the learning rate is passed first, to every optimizer.
OPTIMIZER_SETTINGS = ("decay", "momentum", "beta_1", "beta_2")


class ConfigError(ValueError):
    """A setting out of range. ``setting`` is the field name, ``problem`` says what is wrong."""

    def __init__(self, setting: str, problem: str):
        super().__init__(f"{setting} {problem}")
        self.setting = setting
        self.problem = problem


@dataclass
class TrainConfig:
    dataset: str = "spiral"
    samples: int = 100  # per class
    classes: int = 3
    hidden: tuple[int, ...] = (64,)
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimizer's usual default
    decay: float = 0.0
    momentum: float = 0.0  # SGD only
    beta_1: float = 0.9  # Adam only
    beta_2: float = 0.999
    epochs: int = 10001
    seed: int = 0
    nnfs_init: bool = False
    title: str = field(default="", compare=False)

    @classmethod
    def from_mapping(cls, values: dict) -> TrainConfig:
        """Build from a lesson's ``train`` block (unknown keys raise ConfigError)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(unknown[0], f"is not a training setting (known: {', '.join(sorted(known))})")
        values = dict(values)
        if "hidden" in values:
            hidden = values["hidden"]
            values["hidden"] = tuple(hidden) if isinstance(hidden, (list, tuple)) else (hidden,)
        config = cls(**values)
        config.validate()
        return config

    @property
    def effective_learning_rate(self) -> float:
        if self.learning_rate is None:
            return DEFAULT_LEARNING_RATES.get(self.optimizer, 0.001)
        return self.learning_rate

    def validate(self) -> TrainConfig:
        def require(ok: bool, setting: str, problem: str):
            if not ok:
                raise ConfigError(setting, problem)

        def is_int(value):
            return isinstance(value, int) and not isinstance(value, bool)

        def is_number(value):
            return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value

        require(self.dataset in DATASETS, "dataset", f"must be one of {', '.join(DATASETS)}")
        require(is_int(self.samples) and self.samples > 0, "samples", "must be a whole number above 0")
        require(
            is_int(self.classes) and 2 <= self.classes <= 20, "classes", "must be a whole number from 2 to 20"
        )
        require(
            len(self.hidden) > 0 and all(is_int(size) and size > 0 for size in self.hidden),
            "hidden",
            "must be one or more layer sizes above 0, like 64 or 64,64",
        )
        require(all(size <= 4096 for size in self.hidden), "hidden", "layer sizes above 4096 are too big")
        require(
            self.activation in HIDDEN_ACTIVATIONS,
            "activation",
            f"must be one of {', '.join(HIDDEN_ACTIVATIONS)}",
        )
        require(self.optimizer in OPTIMIZERS, "optimizer", f"must be one of {', '.join(OPTIMIZERS)}")
        require(
            self.learning_rate is None or (is_number(self.learning_rate) and self.learning_rate > 0),
            "learning_rate",
            "must be a number above 0",
        )
        require(is_number(self.decay) and self.decay >= 0, "decay", "must be a number, 0 or more")
        require(
            is_number(self.momentum) and 0 <= self.momentum < 1,
            "momentum",
            "must be a number from 0 up to (not including) 1",
        )
        require(is_number(self.beta_1) and 0 <= self.beta_1 < 1, "beta_1", "must be in [0, 1)")
        require(is_number(self.beta_2) and 0 <= self.beta_2 < 1, "beta_2", "must be in [0, 1)")
        require(is_int(self.epochs) and self.epochs > 0, "epochs", "must be a whole number above 0")
        require(
            is_int(self.seed) and 0 <= self.seed < 2**32, "seed", "must be a whole number from 0 to 2**32 - 1"
        )
        return self

    def to_dict(self) -> dict:
        values = asdict(self)
        values["hidden"] = list(self.hidden)
        values["learning_rate"] = self.effective_learning_rate
        return values

    def describe(self) -> str:
        """One line, e.g. ``spiral 100x3, hidden 64, relu, adam lr 0.05 decay 5e-07, 10001 epochs``."""
        parts = [
            f"{self.dataset} {self.samples}x{self.classes}",
            f"hidden {','.join(str(size) for size in self.hidden)}",
            self.activation,
            f"{self.optimizer} lr {self.effective_learning_rate:g}",
        ]
        if self.decay:
            parts[-1] += f" decay {self.decay:g}"
        if self.optimizer == "sgd" and self.momentum:
            parts[-1] += f" momentum {self.momentum:g}"
        parts.append(f"{self.epochs} epochs")
        parts.append("nnfs.init()" if self.nnfs_init else f"seed {self.seed}")
        return ", ".join(parts)


@contextlib.contextmanager
def numpy_setup(config: TrainConfig):
    """Build and train inside this block: ``nnfs.init()`` (scoped) for ``nnfs_init``, else a seeded
    generator, so the same settings always give the same run."""
    import numpy as np

    from engine.datasets import notebook_numpy

    if config.nnfs_init:
        with notebook_numpy(random_seed=config.seed):
            yield
    else:
        np.random.seed(config.seed)
        yield


def make_optimizer(config: TrainConfig):
    """The engine's optimizer called ``config.optimizer``, given the settings its class takes."""
    import inspect

    from engine.optimizers import OPTIMIZERS as OPTIMIZER_CLASSES

    optimizer_class = OPTIMIZER_CLASSES[config.optimizer]
    accepted = inspect.signature(optimizer_class).parameters
    settings = {name: getattr(config, name) for name in OPTIMIZER_SETTINGS if name in accepted}
    return optimizer_class(config.effective_learning_rate, **settings)


def build_run(config: TrainConfig):
    """``(network, optimizer, X, y)`` in the notebook's order: data first, then each layer's weights.
    Call inside ``numpy_setup(config)``."""
    import numpy as np

    from engine.datasets import make
    from engine.network import Network

    X, y = make(config.dataset, config.samples, config.classes)
    # float32, as the notebook computes (nnfs.init() makes it NumPy's default): ample precision for
    # training, and half-size arrays make every epoch faster than float64.
    X = X.astype(np.float32, copy=False)
    network = Network.classifier(
        X.shape[1], config.hidden, config.classes, config.activation, dtype=np.float32
    )
    return network, make_optimizer(config), X, y


def log_line(report) -> str:
    """The notebook's log line for an ``EpochReport``."""
    return report.log_line()
