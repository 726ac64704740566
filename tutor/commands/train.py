"""``nntutor train``: train a classifier in the terminal, headless.

    nntutor train --nnfs-init --optimizer adam --lr 0.05 --decay 5e-7 --epochs 10001 --every 100

prints the notebook's log lines (``epoch: N, acc: X, loss: Y, lr: Z``); ``--plot`` draws the curves and
the decision regions afterwards; ``--json`` prints one JSON object instead. Exit 0 when training
finishes, 1 when it diverges, 2 for a bad flag.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from tutor.commands import UsageError

# TrainConfig field -> the flag that sets it, so errors name what the learner typed.
FLAGS = {
    "dataset": "--dataset",
    "samples": "--samples",
    "classes": "--classes",
    "hidden": "--hidden",
    "activation": "--activation",
    "output": "--output",
    "optimizer": "--optimizer",
    "learning_rate": "--lr",
    "decay": "--decay",
    "momentum": "--momentum",
    "rho": "--rho",
    "beta_1": "--beta1",
    "beta_2": "--beta2",
    "l1": "--l1",
    "l2": "--l2",
    "dropout": "--dropout",
    "batch_size": "--batch-size",
    "validation": "--validation",
    "epochs": "--epochs",
    "seed": "--seed",
}


def _hidden_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 64 or 64,64, got {text!r}") from None
    return sizes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.names import (
        DEFAULT_LEARNING_RATES,
        HIDDEN_ACTIVATIONS,
        OPTIMIZERS,
        OUTPUTS,
        TRAINING_DATASETS,
    )
    from tutor.training_config import TrainConfig

    defaults = TrainConfig()  # one home for the defaults: the settings a run starts from
    data = parser.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=TRAINING_DATASETS,
        default=defaults.dataset,
        help="spiral and vertical are classes; sine is regression (default %(default)s)",
    )
    data.add_argument(
        "--samples",
        type=int,
        default=defaults.samples,
        help="points per class; for sine, points (default %(default)s)",
    )
    data.add_argument(
        "--classes", type=int, default=defaults.classes, help="number of classes (default %(default)s)"
    )
    data.add_argument(
        "--validation",
        type=float,
        default=defaults.validation,
        metavar="FRACTION",
        help="hold out this share of the samples as validation data, from 0 to 0.9 (default %(default)s)",
    )
    model = parser.add_argument_group("network")
    model.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=defaults.hidden,
        help="hidden layer sizes: 64, or 64,64 for two layers (default "
        + ",".join(str(size) for size in defaults.hidden)
        + ")",
    )
    model.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default=defaults.activation)
    model.add_argument(
        "--output",
        choices=OUTPUTS,
        default=defaults.output,
        help="the head: softmax (classes), sigmoid (2 classes, one output), linear (regression); "
        "default: linear for sine, else softmax",
    )
    model.add_argument(
        "--dropout",
        type=float,
        default=defaults.dropout,
        metavar="RATE",
        help="drop this share of each hidden layer's outputs while training, in [0, 1) (default %(default)s)",
    )
    model.add_argument(
        "--l1",
        type=float,
        default=defaults.l1,
        help="L1 penalty on the hidden layers' weights and biases (default %(default)s)",
    )
    model.add_argument(
        "--l2",
        type=float,
        default=defaults.l2,
        help="L2 penalty on the hidden layers' weights and biases (default %(default)s)",
    )
    training = parser.add_argument_group("training")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer)
    training.add_argument(
        "--lr",
        type=float,
        default=defaults.learning_rate,
        help="learning rate (default: "
        + ", ".join(f"{name} {rate}" for name, rate in DEFAULT_LEARNING_RATES.items())
        + ")",
    )
    training.add_argument(
        "--decay", type=float, default=defaults.decay, help="learning-rate decay (default %(default)s)"
    )
    training.add_argument(
        "--momentum", type=float, default=defaults.momentum, help="SGD momentum (default %(default)s)"
    )
    training.add_argument(
        "--rho", type=float, default=defaults.rho, help="RMSprop cache decay (default %(default)s)"
    )
    training.add_argument(
        "--beta1", type=float, default=defaults.beta_1, help="Adam beta_1 (default %(default)s)"
    )
    training.add_argument(
        "--beta2", type=float, default=defaults.beta_2, help="Adam beta_2 (default %(default)s)"
    )
    training.add_argument(
        "--epochs", type=int, default=defaults.epochs, help="default %(default)s, like the notebook"
    )
    training.add_argument(
        "--batch-size",
        type=int,
        default=defaults.batch_size,
        metavar="N",
        help="steps of N samples, in order (default: the whole data set per step)",
    )
    training.add_argument("--seed", type=int, default=defaults.seed, help="random seed (default %(default)s)")
    training.add_argument(
        "--nnfs-init",
        action="store_true",
        help="run under nnfs.init() to reproduce the notebook's numbers exactly",
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--every",
        type=int,
        default=100,
        metavar="N",
        help="log every N epochs in the notebook's format (0: final line only; default 100)",
    )
    output.add_argument(
        "--save",
        metavar="FILE",
        help="after training, write the network's weights and biases to FILE (np.savez)",
    )
    output.add_argument(
        "--load",
        metavar="FILE",
        help="start from the weights and biases saved in FILE (by --save, with the same network settings)",
    )
    shown = output.add_mutually_exclusive_group()
    shown.add_argument(
        "--plot",
        action="store_true",
        help="after training, draw loss and accuracy curves and the decision regions",
    )
    shown.add_argument("--json", action="store_true", help="print one JSON object at the end instead")


# --plot draws to the terminal's size (COLUMNS and LINES override it), kept within these bounds: no
# terminal is wider or taller, and an absurd COLUMNS must not ask for a huge drawing.
MAX_PLOT_SIZE = (400, 200)


def _plot_size() -> tuple[int, int]:
    """(width, height) for ``--plot``: the terminal's, clamped to MAX_PLOT_SIZE."""
    import shutil

    size = shutil.get_terminal_size((100, 40))
    return min(size.columns, MAX_PLOT_SIZE[0]), min(max(20, size.lines - 2), MAX_PLOT_SIZE[1])


def _usage_error(error) -> UsageError:
    """A ``ConfigError`` told with the flag the learner typed."""
    return UsageError(f"{FLAGS.get(error.setting, error.setting)} {error.problem}")


def _config_from(args):
    from tutor.training_config import MEMORY_LIMIT, ConfigError, TrainConfig

    config = TrainConfig(
        dataset=args.dataset,
        samples=args.samples,
        classes=args.classes,
        hidden=args.hidden,
        activation=args.activation,
        output=args.output,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        decay=args.decay,
        momentum=args.momentum,
        rho=args.rho,
        beta_1=args.beta1,
        beta_2=args.beta2,
        l1=args.l1,
        l2=args.l2,
        dropout=args.dropout,
        batch_size=args.batch_size,
        validation=args.validation,
        epochs=args.epochs,
        seed=args.seed,
        nnfs_init=args.nnfs_init,
    )
    try:
        config.validate()
    except ConfigError as error:
        raise _usage_error(error) from None
    if args.plot:
        # The decision regions predict one point per character cell of the drawing.
        width, height = _plot_size()
        needed = config.memory_estimate(predict_points=width * height)
        if needed > MEMORY_LIMIT:
            raise UsageError(
                f"--plot would need about {needed / 2**30:.1f} GiB of memory for a {width}x{height} "
                f"drawing of this network, over the {MEMORY_LIMIT / 2**30:g} GiB limit; "
                "use smaller hidden layers or a smaller terminal"
            )
    if args.every < 0:
        raise UsageError("--every must be 0 or more")
    return config


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int, stream):
        self.total = total
        self.stream = stream
        self.last_draw = 0.0

    def update(self, report, force=False):
        now = time.monotonic()
        if not force and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        done = report.epoch + 1
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r[{bar}] {done}/{self.total} epochs  acc {report.accuracy:.3f}  loss {report.loss:.3f} "
        )
        self.stream.flush()

    def close(self):
        self.stream.write("\r" + " " * 79 + "\r")
        self.stream.flush()


def run(args) -> int:
    config = _config_from(args)

    from engine.training import TrainingDiverged
    from tutor.training_run import Training

    every = args.every
    quiet = args.json
    progress = ProgressBar(config.epochs, sys.stderr) if sys.stderr.isatty() and not quiet else None
    from tutor.history import history_dicts, history_row, history_step

    # A bounded history for the curves, whatever the run length (the same rule as the playground).
    step = history_step(config.epochs)
    history = []

    def on_epoch(report):
        if every and report.epoch % every == 0 and not quiet:
            if progress:
                progress.close()
            print(report.log_line(), flush=progress is not None)
        if report.epoch % step == 0 or report.epoch == config.epochs - 1:
            history.append(history_row(report))
        if progress:
            progress.update(report)

    from tutor.checkpoints import CheckpointError, check_writable, load, put_parameters, save

    try:
        if args.save:
            check_writable(args.save)  # now, not after a long run
        loaded = load(args.load, config) if args.load else None
    except CheckpointError as error:
        raise UsageError(str(error)) from None
    start = time.perf_counter()
    training = Training.build(config)
    network, X, y = training.network, training.X, training.y
    if loaded is not None:
        put_parameters(network, loaded)
    with training.numerics():
        try:
            final = training.trainer.run(config.epochs, on_epoch=on_epoch)
        except TrainingDiverged as error:
            if progress:
                progress.close()
            print(f"nntutor train: {error}; try a smaller --lr", file=sys.stderr)
            return 1
        seconds = time.perf_counter() - start
        if progress:
            progress.close()
        if not every and not quiet:
            print(final.log_line())
        if args.save:
            try:
                save(args.save, network, config)
            except CheckpointError as error:
                raise UsageError(str(error)) from None

        if args.json:
            print(
                json.dumps(
                    {
                        "epoch": final.epoch,
                        "accuracy": final.accuracy,
                        "loss": final.loss,
                        "learning_rate": final.learning_rate,
                        "regularization_loss": final.regularization_loss,
                        "validation_loss": final.validation_loss,
                        "validation_accuracy": final.validation_accuracy,
                        "wall_seconds": round(seconds, 3),
                        "config": config.to_dict(),
                        "history": history_dicts(history),
                    }
                )
            )
        if args.plot:
            from tutor.plotting import render_training_report

            width, height = _plot_size()
            # Colours for a terminal; plain text for a file or a pipe.
            print(
                render_training_report(
                    history, network, X, y, width=width, height=height, color=sys.stdout.isatty()
                )
            )
    return 0
