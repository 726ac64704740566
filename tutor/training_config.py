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
from typing import Any

from engine.names import (
    DATASET_INPUTS,
    DEFAULT_LEARNING_RATES,
    HIDDEN_ACTIVATIONS,
    OPTIMIZERS,
    OUTPUTS,
    REGRESSION_DATASETS,
    TRAINING_DATASETS,
    head_outputs,
)

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
# RMSprop: rho; Adam: beta_1, beta_2); the learning rate is passed first, to every optimizer.
OPTIMIZER_SETTINGS = ("decay", "momentum", "rho", "beta_1", "beta_2")

# The settings that hold a float (a lesson's YAML may give them as text, like 5e-7, or as an int).
FLOAT_SETTINGS = (
    "learning_rate",
    "decay",
    "momentum",
    "rho",
    "beta_1",
    "beta_2",
    "l1",
    "l2",
    "dropout",
    "validation",
)
# The largest share of the samples ``validation`` may hold out: some must be left to train on.
MAX_VALIDATION = 0.9


class ConfigError(ValueError):
    """A setting out of range. ``setting`` is the field name, ``problem`` says what is wrong."""

    def __init__(self, setting: str, problem: str):
        super().__init__(f"{setting} {problem}")
        self.setting = setting
        self.problem = problem


@dataclass
class TrainConfig:
    dataset: str = "spiral"  # spiral, vertical (classes) or sine (regression)
    samples: int = 100  # per class; for sine, the number of points
    classes: int = 3  # ignored for sine
    hidden: tuple[int, ...] = (64,)
    activation: str = "relu"
    output: str | None = None  # the head: softmax, sigmoid or linear; None: linear for sine, else softmax
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimizer's usual default
    decay: float = 0.0
    momentum: float = 0.0  # SGD only
    rho: float = 0.9  # RMSprop only
    beta_1: float = 0.9  # Adam only
    beta_2: float = 0.999
    l1: float = 0.0  # L1 penalty on every hidden layer's weights and biases
    l2: float = 0.0  # L2 penalty, the same layers
    dropout: float = 0.0  # a Dropout layer of this rate after each hidden activation
    batch_size: int | None = None  # None: the whole training set per step
    validation: float = 0.0  # the share of the samples held out for validation
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
    def head(self) -> str:
        """The head in force: ``output``, or the data set's natural one (linear for sine, else softmax)."""
        if self.output is not None:
            return self.output
        return "linear" if self.dataset in REGRESSION_DATASETS else "softmax"

    @property
    def regression(self) -> bool:
        return self.dataset in REGRESSION_DATASETS

    @property
    def points(self) -> int:
        """How many samples the data set has: ``samples`` per class, or ``samples`` for regression."""
        return self.samples if self.regression else self.samples * self.classes

    @property
    def outputs(self) -> int:
        """The output layer's width."""
        return head_outputs(self.head, self.classes)

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

        require(
            self.dataset in TRAINING_DATASETS, "dataset", f"must be one of {', '.join(TRAINING_DATASETS)}"
        )
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
        require(
            self.output is None or self.output in OUTPUTS, "output", f"must be one of {', '.join(OUTPUTS)}"
        )
        require(
            self.regression == (self.head == "linear"),
            "output",
            "must be linear for the sine data set (regression)"
            if self.regression
            else "linear is for the sine data set (regression); use softmax or sigmoid",
        )
        require(
            self.head != "sigmoid" or self.classes == 2,
            "classes",
            "must be 2 for the sigmoid output (binary logistic regression)",
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
        require(is_number(self.rho) and 0 <= self.rho < 1, "rho", "must be a number in [0, 1)")
        require(is_number(self.beta_1) and 0 <= self.beta_1 < 1, "beta_1", "must be in [0, 1)")
        require(is_number(self.beta_2) and 0 <= self.beta_2 < 1, "beta_2", "must be in [0, 1)")
        require(is_number(self.l1) and self.l1 >= 0, "l1", "must be a number, 0 or more")
        require(is_number(self.l2) and self.l2 >= 0, "l2", "must be a number, 0 or more")
        require(
            is_number(self.dropout) and 0 <= self.dropout < 1,
            "dropout",
            "must be a rate from 0 up to (not including) 1",
        )
        require(
            self.batch_size is None or (is_int(self.batch_size) and self.batch_size > 0),
            "batch_size",
            "must be a whole number above 0 (or none: the whole data set per step)",
        )
        require(
            is_number(self.validation) and 0 <= self.validation <= MAX_VALIDATION,
            "validation",
            f"must be a share of the samples from 0 to {MAX_VALIDATION}",
        )
        require(
            not self.validation or self.points >= 2,
            "validation",
            "needs at least 2 samples: one to train on, one to hold out",
        )
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
            points = self.points * sum(self.hidden)
            raise ConfigError(
                "samples" if points >= self.parameter_count() else "hidden",
                f"is too big: this run would need about {needed / 2**30:.1f} GiB of memory, over the "
                f"{MEMORY_LIMIT / 2**30:g} GiB limit; use fewer samples or classes, or smaller hidden layers",
            )
        return self

    def parameter_count(self) -> int:
        """Weights and biases of the network these settings build (the data's inputs, ``outputs``)."""
        widths = (DATASET_INPUTS.get(self.dataset, 2), *self.hidden, self.outputs)
        return sum((inputs + 1) * outputs for inputs, outputs in itertools.pairwise(widths))

    def memory_estimate(self, predict_points: int = 0) -> int:
        """Bytes the run needs at its peak, roughly (float32 arrays; see MEMORY_LIMIT for the factors),
        from the settings alone, before anything is allocated. ``predict_points``: a prediction grid
        drawn afterwards (the run's arrays are still alive then), about 3 values per point per unit
        of the widest layer."""
        points = self.points
        values = 7 * points * sum(self.hidden) + 10 * self.parameter_count() + 8 * points * self.outputs
        predicting = 3 * predict_points * max(*self.hidden, self.outputs)
        return 4 * (values + predicting) + 2**20  # + 1 MiB for the small things

    def to_dict(self) -> dict:
        values = asdict(self)
        values["hidden"] = list(self.hidden)
        values["learning_rate"] = self.effective_learning_rate
        values["output"] = self.head
        return values

    def describe(self) -> str:
        """One line, e.g. ``spiral 100x3, hidden 64, relu, adam lr 0.05 decay 5e-07, 10001 epochs``."""
        data = (
            f"{self.dataset} {self.samples}"
            if self.regression
            else f"{self.dataset} {self.samples}x{self.classes}"
        )
        parts = [
            data,
            f"hidden {','.join(str(size) for size in self.hidden)}",
            self.activation,
        ]
        if self.output is not None:
            parts.append(f"{self.head} output")
        parts.append(f"{self.optimizer} lr {self.effective_learning_rate:g}")
        if self.decay:
            parts[-1] += f" decay {self.decay:g}"
        if self.optimizer == "sgd" and self.momentum:
            parts[-1] += f" momentum {self.momentum:g}"
        if self.optimizer == "rmsprop" and self.rho != 0.9:
            parts[-1] += f" rho {self.rho:g}"
        extras = {"l1": self.l1, "l2": self.l2, "dropout": self.dropout, "validation": self.validation}
        parts += [f"{name} {value:g}" for name, value in extras.items() if value]
        if self.batch_size is not None:
            parts.append(f"batches of {self.batch_size}")
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


@dataclass
class RunParts:
    """What ``build_parts`` makes: the network, its optimizer, the training data and, with
    ``validation``, the held-out samples (else None)."""

    network: Any
    optimizer: Any
    X: Any
    y: Any
    X_val: Any = None
    y_val: Any = None


def build_parts(config: TrainConfig) -> RunParts:
    """Data, then each layer's weights, in the notebook's order. Call inside ``numpy_setup(config)``.

    With ``validation`` the samples are shuffled with their own generator (seeded with ``seed``) and
    split; the sigmoid and linear heads get their targets as a column ``(n_samples, 1)``."""
    import numpy as np

    from engine.datasets import make, split_validation
    from engine.network import Network

    X, y = make(config.dataset, config.samples, config.classes)
    # float32, as the notebook computes (nnfs.init() makes it NumPy's default): ample precision for
    # training, and half-size arrays make every epoch faster than float64.
    X = X.astype(np.float32, copy=False)
    if config.head != "softmax":
        y = np.asarray(y).reshape(-1, 1)
    X_val = y_val = None
    if config.validation:
        X, y, X_val, y_val = split_validation(X, y, config.validation, config.seed)
    network = Network.stacked(
        X.shape[1],
        config.hidden,
        config.outputs,
        config.activation,
        head=config.head,
        l1=config.l1,
        l2=config.l2,
        dropout=config.dropout,
        dtype=np.float32,
    )
    return RunParts(network, make_optimizer(config), X, y, X_val, y_val)


def build_run(config: TrainConfig):
    """``(network, optimizer, X, y)``: ``build_parts`` without the validation samples."""
    parts = build_parts(config)
    return parts.network, parts.optimizer, parts.X, parts.y


def log_line(report) -> str:
    """The notebook's log line for an ``EpochReport``."""
    return report.log_line()
