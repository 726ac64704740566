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
import itertools
import math
from dataclasses import asdict, dataclass, field, fields

from engine.names import DATASETS, DEFAULT_LEARNING_RATES, HIDDEN_ACTIVATIONS, OPTIMIZERS

# Upper bounds, so that no setting can ask for more than a learner's computer has. Memory decides:
# ``TrainConfig.memory_estimate()`` counts the arrays a run keeps (measured with tracemalloc: about 7
# float32 values per point per hidden unit, 10 per parameter with Adam's state and its temporaries, 8 per
# point per class) and a run must fit in MEMORY_LIMIT, 1 GiB: a quarter of a small 4 GB laptop, and
# ~700 times what the lessons' run needs (100 samples x 3 classes, hidden 64: about 1.5 MB). Each
# setting's own cap is where it alone would reach that limit with the others at their defaults, rounded:
MEMORY_LIMIT = 1 << 30
MAX_SAMPLES = 100_000  # per class: 300,000 points x hidden 64 is ~540 MB; the playground allows 100,000
MAX_CLASSES = 20  # as many colours as a plot can tell apart
MAX_HIDDEN_SIZE = 4096  # 4096,4096 is ~670 MB of parameters and Adam state
MAX_HIDDEN_LAYERS = 10  # more only multiplies the memory; the lessons use one or two
# Epochs cost time, not memory (the history kept for the curves is decimated): 100 times the
# notebook's 10,001 is a long evening, and the learner can stop it with Ctrl-C.
MAX_EPOCHS = 1_000_000

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
            """A finite int or float (nan and infinities are not settings)."""
            return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

        require(self.dataset in DATASETS, "dataset", f"must be one of {', '.join(DATASETS)}")
        require(
            is_int(self.samples) and 0 < self.samples <= MAX_SAMPLES,
            "samples",
            f"must be a whole number from 1 to {MAX_SAMPLES}",
        )
        require(
            is_int(self.classes) and 2 <= self.classes <= MAX_CLASSES,
            "classes",
            f"must be a whole number from 2 to {MAX_CLASSES}",
        )
        require(
            isinstance(self.hidden, (tuple, list))
            and 0 < len(self.hidden) <= MAX_HIDDEN_LAYERS
            and all(is_int(size) and size > 0 for size in self.hidden),
            "hidden",
            f"must be 1 to {MAX_HIDDEN_LAYERS} layer sizes above 0, like 64 or 64,64",
        )
        require(
            all(size <= MAX_HIDDEN_SIZE for size in self.hidden),
            "hidden",
            f"layer sizes above {MAX_HIDDEN_SIZE} are too big",
        )
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
        require(
            is_int(self.epochs) and 0 < self.epochs <= MAX_EPOCHS,
            "epochs",
            f"must be a whole number from 1 to {MAX_EPOCHS}",
        )
        require(
            is_int(self.seed) and 0 <= self.seed < 2**32, "seed", "must be a whole number from 0 to 2**32 - 1"
        )
        needed = self.memory_estimate()
        if needed > MEMORY_LIMIT:
            points = self.samples * self.classes * sum(self.hidden)
            raise ConfigError(
                "samples" if points >= self.parameter_count() else "hidden",
                f"is too big: this run would need about {needed / 2**30:.1f} GiB of memory, over the "
                f"{MEMORY_LIMIT / 2**30:g} GiB limit; use fewer samples or classes, or smaller hidden layers",
            )
        return self

    def parameter_count(self) -> int:
        """Weights and biases of the network these settings build (2 inputs, ``classes`` outputs)."""
        widths = (2, *self.hidden, self.classes)
        return sum((inputs + 1) * outputs for inputs, outputs in itertools.pairwise(widths))

    def memory_estimate(self, predict_points: int = 0) -> int:
        """Bytes the run needs at its peak, roughly (float32 arrays; see MEMORY_LIMIT for the factors),
        from the settings alone, before anything is allocated. ``predict_points``: a prediction grid
        drawn afterwards (the run's arrays are still alive then), about 3 values per point per unit
        of the widest layer."""
        points = self.samples * self.classes
        values = 7 * points * sum(self.hidden) + 10 * self.parameter_count() + 8 * points * self.classes
        predicting = 3 * predict_points * max(*self.hidden, self.classes)
        return 4 * (values + predicting) + 2**20  # + 1 MiB for the small things

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


# The notebook's final network: spiral data (100 points x 3 classes), one hidden layer of 64, Adam with
# learning rate 0.05 and decay 5e-7, 10001 epochs, under nnfs.init(). Its 101 log lines are the course's
# reference numbers.
NOTEBOOK_CAPSTONE = TrainConfig(optimizer="adam", learning_rate=0.05, decay=5e-7, nnfs_init=True)


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
