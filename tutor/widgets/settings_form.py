"""The settings column of the playground and the optimizer race: one form widget and its styles.

``SettingsForm`` is the column itself (titles, label + input rows, rows of buttons, the look of a field
that cannot be read) with the helpers that read its inputs; ``TrainingForm`` (the playground: data,
network, optimizer, run) and ``RaceForm`` (the race: contestants and epochs) are its two uses. A form
only reads and marks its fields: its buttons' presses and Enter in a field bubble up to the screen,
which decides what they do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from engine.names import DEFAULT_LEARNING_RATES, OUTPUTS, TRAINING_DATASETS
from tutor.runs import SPEEDS, RaceEntry, speed_label
from tutor.training_config import ConfigError, TrainConfig


def format_number(value: float) -> str:
    """Short, exact enough, and parseable again: 0.05, 5e-07, 1, 0.999."""
    return f"{value:g}"


# Fields keep every character typed (no input filter): a field that cannot be read is an error
# that names it, never a number quietly made from the characters a filter let through.


def parse_float(text: str, field_id: str, name: str, *, blank: float | None = None) -> float:
    """The number in ``text`` (``blank`` if it is empty and ``blank`` is given), else ``FormError``."""
    text = text.strip()
    if not text and blank is not None:
        return blank
    try:
        value = float(text)
    except ValueError:
        raise FormError(field_id, f"{name} must be a number, like 0.05 or 5e-7") from None
    if not math.isfinite(value):
        raise FormError(field_id, f"{name} must be a finite number")
    return value


def parse_hidden(text: str, field_id: str = "hidden") -> tuple[int, ...]:
    """Hidden layer sizes separated by commas or spaces: ``64``, ``64,32`` or ``16 16``."""
    parts = text.replace(",", " ").split()
    try:
        sizes = tuple(int(part) for part in parts)
    except ValueError:
        sizes = ()
    if not sizes or any(size <= 0 for size in sizes):
        raise FormError(
            field_id, f"hidden sizes must be whole numbers above 0, like 64 or 64,32 (got {text.strip()!r})"
        )
    return sizes


class FormError(ValueError):
    """A field of a settings form that cannot be read. ``field_id`` names the input."""

    def __init__(self, field_id: str, message: str):
        super().__init__(message)
        self.field_id = field_id


class SettingsForm(VerticalScroll):
    """A scrolling column of settings: ``section`` titles, ``field`` rows (a label and an input),
    ``buttons`` rows. ``read_int`` / ``read_float`` read an input or raise ``FormError``;
    ``show_error`` marks the field at fault and focuses it; typing in it clears the mark."""

    DEFAULT_CSS = """
    SettingsForm {
        width: 36;
        height: 1fr;
        border-right: tall $panel;
        padding: 0 1;
    }
    SettingsForm .settings-title { text-style: bold; margin: 1 0 0 0; color: $accent; }
    SettingsForm .field { height: 1; }
    SettingsForm .field Label { width: 14; color: $text-muted; }
    SettingsForm .field Input, SettingsForm .field Select { width: 1fr; }
    SettingsForm Input.-invalid { background: $error 30%; }
    SettingsForm .buttons { height: auto; margin-top: 1; }
    SettingsForm .buttons Button { min-width: 8; margin-right: 1; }
    """

    # -- building

    @staticmethod
    def section(title: str) -> Static:
        return Static(title, classes="settings-title")

    @staticmethod
    def field(label: str, widget: Widget) -> Horizontal:
        return Horizontal(Label(label), widget, classes="field")

    @classmethod
    def number_field(cls, label: str, field_id: str, value: float | None) -> Horizontal:
        """A number input; whole numbers show as such, others as ``format_number`` writes them."""
        text = "" if value is None else (str(value) if isinstance(value, int) else format_number(value))
        return cls.field(label, Input(text, compact=True, id=field_id))

    @staticmethod
    def buttons(*buttons: Button) -> Horizontal:
        return Horizontal(*buttons, classes="buttons")

    # -- reading

    def input(self, field_id: str) -> Input:
        return self.query_one(f"#{field_id}", Input)

    def read_int(self, field_id: str, name: str, *, minimum: int | None = None) -> int:
        text = self.input(field_id).value.strip()
        try:
            value = int(text)
        except ValueError:
            raise FormError(field_id, f"{name} must be a whole number, like 100") from None
        if value < 0 and minimum is None:
            raise FormError(field_id, f"{name} must be a whole number, 0 or more")
        if minimum is not None and value < minimum:
            raise FormError(field_id, f"{name} must be a whole number, {minimum} or more")
        return value

    def read_float(self, field_id: str, name: str, *, blank: float | None = None) -> float:
        """The number in the field (``blank`` if it is empty and ``blank`` is given)."""
        return parse_float(self.input(field_id).value, field_id, name, blank=blank)

    def show_error(self, error: FormError, *, focus: bool = True) -> None:
        """Mark the field ``error`` names (until it is edited) and, with ``focus``, move to it."""
        widget = self.query_one(f"#{error.field_id}")
        widget.add_class("-invalid")
        if focus:
            widget.focus()

    @on(Input.Changed)
    def _clear_invalid(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")


# ---------------------------------------------------------------------------------------------
# The playground's form

# The optimizer menu. "SGD with momentum" is the sgd optimizer with a momentum above 0.
OPTIMIZER_CHOICES = [
    ("SGD", "sgd"),
    ("SGD with momentum", "momentum"),
    ("Adagrad", "adagrad"),
    ("RMSprop", "rmsprop"),
    ("Adam", "adam"),
]
DEFAULT_MOMENTUM = 0.9
# Settings a ConfigError may name that have a field of their own; others are blamed on epochs.
_CONFIG_FIELDS = {
    "samples",
    "classes",
    "hidden",
    "learning_rate",
    "decay",
    "momentum",
    "beta_1",
    "beta_2",
    "rho",
    "l1",
    "l2",
    "dropout",
    "batch_size",
    "validation",
    "output",
    "epochs",
    "seed",
}
# The head menu: "auto" is the data set's natural head (linear for sine, else softmax).
AUTO_OUTPUT = "auto"
MAX_POINTS = 100_000  # samples x classes: more would not keep the playground live


def optimizer_choice(config: TrainConfig) -> str:
    """The menu entry for ``config``'s optimizer."""
    if config.optimizer == "sgd" and config.momentum:
        return "momentum"
    return config.optimizer


class TrainingForm(SettingsForm):
    """Every setting of a ``TrainConfig`` (data, network, optimizer, run), then the ``buttons``
    rows. ``read_config()`` gives the validated config. Only the settings the chosen optimizer uses
    are editable."""

    DEFAULT_CSS = """
    TrainingForm #nnfs_init { margin-top: 1; }
    """

    def __init__(
        self, config: TrainConfig, buttons: Sequence[Sequence[Button]] = (), *, id: str | None = None
    ):
        super().__init__(id=id)
        self.config = config
        self._button_rows = buttons

    def compose(self) -> ComposeResult:
        config = self.config
        yield self.section("Data")
        yield self.field(
            "Data set",
            Select(
                [(name, name) for name in TRAINING_DATASETS],
                value=config.dataset,
                allow_blank=False,
                compact=True,
                id="dataset",
            ),
        )
        yield self.number_field("Points/class", "samples", config.samples)
        yield self.number_field("Classes", "classes", config.classes)
        yield self.number_field("Validation", "validation", config.validation)
        yield self.section("Network")
        yield self.field(
            "Hidden sizes",
            Input(
                ",".join(str(size) for size in config.hidden),
                placeholder="64 or 64,32",
                compact=True,
                id="hidden",
            ),
        )
        yield self.field(
            "Activation",
            Select(
                [("ReLU", "relu"), ("sigmoid", "sigmoid")],
                value=config.activation,
                allow_blank=False,
                compact=True,
                id="activation",
            ),
        )
        yield self.field(
            "Output",
            Select(
                [(AUTO_OUTPUT, AUTO_OUTPUT), *((name, name) for name in OUTPUTS)],
                value=config.output or AUTO_OUTPUT,
                allow_blank=False,
                compact=True,
                id="output",
            ),
        )
        yield self.number_field("Dropout", "dropout", config.dropout)
        yield self.number_field("L1", "l1", config.l1)
        yield self.number_field("L2", "l2", config.l2)
        yield self.section("Optimizer")
        yield self.field(
            "Optimizer",
            Select(
                OPTIMIZER_CHOICES,
                value=optimizer_choice(config),
                allow_blank=False,
                compact=True,
                id="optimizer",
            ),
        )
        yield self.number_field("Learning rate", "learning_rate", config.learning_rate)
        yield self.number_field("Decay", "decay", config.decay)
        yield self.number_field("Momentum", "momentum", config.momentum)
        yield self.number_field("Rho", "rho", config.rho)
        yield self.number_field("Beta 1", "beta_1", config.beta_1)
        yield self.number_field("Beta 2", "beta_2", config.beta_2)
        yield self.section("Run")
        yield self.number_field("Epochs", "epochs", config.epochs)
        yield self.number_field("Batch size", "batch_size", config.batch_size)
        yield self.number_field("Seed", "seed", config.seed)
        exact = Checkbox("exact: nnfs.init()", config.nnfs_init, compact=True, id="nnfs_init")
        exact.tooltip = (
            "Train under nnfs.init(), as the notebook does: the notebook's numbers, digit for digit."
        )
        yield exact
        for row in self._button_rows:
            yield self.buttons(*row)

    def on_mount(self) -> None:
        self._sync_optimizer_fields()
        self.input("batch_size").placeholder = "all"
        # The learning rate the form last filled in itself: while the field still shows it, the
        # learner has not typed one, and a change of optimizer offers that optimizer's default.
        self._offered_rate = self.input("learning_rate").value
        self._optimizer = self.query_one("#optimizer", Select).value

    def read_config(self) -> TrainConfig:
        """The form as a validated ``TrainConfig``; raises ``FormError`` naming the field at fault."""
        hidden = parse_hidden(self.input("hidden").value)
        choice = self.query_one("#optimizer", Select).value
        optimizer = "sgd" if choice == "momentum" else str(choice)
        momentum = self.read_float("momentum", "momentum", blank=0.0) if choice == "momentum" else 0.0
        rate_text = self.input("learning_rate").value.strip()
        output = str(self.query_one("#output", Select).value)
        batch_text = self.input("batch_size").value.strip()
        config = TrainConfig(
            dataset=str(self.query_one("#dataset", Select).value),
            samples=self.read_int("samples", "points per class"),
            classes=self.read_int("classes", "classes"),
            hidden=hidden,
            activation=str(self.query_one("#activation", Select).value),
            output=None if output == AUTO_OUTPUT else output,
            dropout=self.read_float("dropout", "dropout", blank=0.0),
            l1=self.read_float("l1", "L1", blank=0.0),
            l2=self.read_float("l2", "L2", blank=0.0),
            validation=self.read_float("validation", "validation", blank=0.0),
            # Blank: the whole data set per step.
            batch_size=self.read_int("batch_size", "batch size", minimum=1) if batch_text else None,
            optimizer=optimizer,
            # Blank: the optimizer's own default.
            learning_rate=self.read_float("learning_rate", "learning rate") if rate_text else None,
            decay=self.read_float("decay", "decay", blank=0.0),
            momentum=momentum,
            rho=self.read_float("rho", "rho", blank=0.9),
            beta_1=self.read_float("beta_1", "beta 1", blank=0.9),
            beta_2=self.read_float("beta_2", "beta 2", blank=0.999),
            epochs=self.read_int("epochs", "epochs"),
            seed=self.read_int("seed", "seed"),
            nnfs_init=self.query_one("#nnfs_init", Checkbox).value,
            title=self.config.title,
        )
        if choice == "momentum" and momentum == 0:
            raise FormError("momentum", "SGD with momentum needs a momentum above 0, like 0.9")
        if config.points > MAX_POINTS:
            raise FormError("samples", f"at most {MAX_POINTS} points in all, to keep the playground live")
        try:
            return config.validate()
        except ConfigError as error:
            field_id = error.setting if error.setting in _CONFIG_FIELDS else "epochs"
            raise FormError(field_id, str(error).replace("_", " ")) from None

    @on(Select.Changed, "#optimizer")
    def _optimizer_changed(self) -> None:
        choice = self.query_one("#optimizer", Select).value
        if choice == self._optimizer:
            return  # the menu's first report of its value, or the same choice again
        self._optimizer = choice
        self._sync_optimizer_fields()
        rate = self.input("learning_rate")
        if rate.value == self._offered_rate:
            default = DEFAULT_LEARNING_RATES.get("sgd" if choice == "momentum" else str(choice))
            if default is not None:
                rate.value = self._offered_rate = format_number(default)
        momentum = self.input("momentum")
        if self.query_one("#optimizer", Select).value == "momentum" and momentum.value.strip() in (
            "",
            "0",
            "0.0",
        ):
            momentum.value = format_number(DEFAULT_MOMENTUM)

    def _sync_optimizer_fields(self) -> None:
        """Only the settings the chosen optimizer uses are editable; the learning rate's
        placeholder names its default."""
        choice = self.query_one("#optimizer", Select).value
        self.input("momentum").disabled = choice != "momentum"
        self.input("beta_1").disabled = choice != "adam"
        self.input("beta_2").disabled = choice != "adam"
        self.input("rho").disabled = choice != "rmsprop"
        rate = DEFAULT_LEARNING_RATES.get("sgd" if choice == "momentum" else str(choice))
        self.input("learning_rate").placeholder = f"default {format_number(rate)}" if rate else ""


# ---------------------------------------------------------------------------------------------
# The race's form


class RaceForm(SettingsForm):
    """One row per contestant (ticked or not, learning rate, decay), the epochs, a line saying what
    every contestant shares, then the ``buttons`` rows. ``read(base)`` gives the chosen entries and
    the base config with the epochs typed in."""

    DEFAULT_CSS = """
    RaceForm { width: 37; }
    RaceForm .entry { height: 1; }
    RaceForm .entry Checkbox { width: 17; }
    RaceForm .entry Label { width: 3; color: $text-muted; }
    RaceForm .entry Input { width: 1fr; }
    """

    def __init__(
        self,
        base: TrainConfig,
        entries: Sequence[RaceEntry],
        buttons: Sequence[Sequence[Button]] = (),
        *,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.base = base
        self.entries = list(entries)
        self._button_rows = buttons

    def compose(self) -> ComposeResult:
        yield self.section("Optimizers: lr, decay")
        for index, entry in enumerate(self.entries):
            yield Horizontal(
                Checkbox(entry.name, True, compact=True, id=f"use-{index}"),
                Label("lr"),
                Input(format_number(entry.learning_rate), compact=True, id=f"lr-{index}"),
                Label(" d"),
                Input(format_number(entry.decay), compact=True, id=f"decay-{index}"),
                classes="entry",
            )
        yield self.section("Shared by all")
        yield self.field("Epochs", Input(str(self.base.epochs), compact=True, id="race-epochs"))
        yield Static(self.shared_text(), id="race-shared")
        for row in self._button_rows:
            yield self.buttons(*row)

    def shared_text(self) -> str:
        """What every contestant shares: the settings but the optimizer's, the epochs' and the title."""
        base = self.base
        data = (
            f"{base.samples} points" if base.regression else f"{base.samples} points x {base.classes} classes"
        )
        parts = [
            f"{base.dataset} data, {data}, hidden {','.join(str(size) for size in base.hidden)}",
            base.activation,
        ]
        if base.output is not None:
            parts.append(f"{base.head} output")
        extras = {"l1": base.l1, "l2": base.l2, "dropout": base.dropout, "validation": base.validation}
        parts += [f"{name} {value:g}" for name, value in extras.items() if value]
        if base.batch_size is not None:
            parts.append(f"batches of {base.batch_size}")
        parts.append("nnfs.init()" if base.nnfs_init else f"seed {base.seed}")
        return ", ".join(parts)

    def read(self) -> tuple[list[RaceEntry], TrainConfig]:
        """The ticked entries with the rates and decays typed in, and the base config with the
        epochs typed in; raises ``FormError`` for a field that cannot be read (``field_id`` is ""
        for a problem of the whole form)."""
        chosen = []
        for index, entry in enumerate(self.entries):
            if not self.query_one(f"#use-{index}", Checkbox).value:
                continue
            rate = self.read_float(f"lr-{index}", f"{entry.name}: the learning rate")
            if rate <= 0:
                raise FormError(f"lr-{index}", f"{entry.name}: the learning rate must be a number above 0")
            decay = self.read_float(f"decay-{index}", f"{entry.name}: the decay")
            if decay < 0:
                raise FormError(f"decay-{index}", f"{entry.name}: the decay must be a number, 0 or more")
            chosen.append(replace(entry, learning_rate=rate, decay=decay))
        if not chosen:
            raise FormError("", "Tick at least one optimizer to race.")
        labels = [entry.label for entry in chosen]
        if len(set(labels)) != len(labels):
            raise FormError("", "Two contestants have the same optimizer and learning rate.")
        epochs = self.read_int("race-epochs", "Epochs", minimum=1)
        return chosen, replace(self.base, epochs=epochs).validate()

    def show_error(self, error: FormError, *, focus: bool = False) -> None:
        if error.field_id:
            super().show_error(error, focus=focus)


# ---------------------------------------------------------------------------------------------
# The playground's live bar: what can change while a run trains


class LiveBar(Horizontal):
    """One line: the learning rate, decay and momentum of the run in progress (shown while a run
    is on: ``-running``) and the speed. Enter in a field asks the screen to apply it (the screen
    reacts to ``Input.Submitted`` from ``#live-*``); the speed menu posts ``Select.Changed``."""

    DEFAULT_CSS = """
    LiveBar { height: 1; }
    LiveBar Label { padding: 0 1 0 0; color: $text-muted; }
    LiveBar Input { width: 9; margin-right: 1; }
    LiveBar Input.-invalid { background: $error 30%; }
    LiveBar .live { display: none; }
    LiveBar.-running .live { display: block; }
    LiveBar.-running .live.-unused { display: none; }
    LiveBar #speed { width: 20; }
    """

    def __init__(self, speed: float | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.speed = speed

    def compose(self) -> ComposeResult:
        for field_id, label in (("learning_rate", "lr"), ("decay", "decay"), ("momentum", "mom")):
            yield Label(label, classes=f"live live-{field_id}")
            yield Input("", compact=True, id=f"live-{field_id}", classes=f"live live-{field_id}")
        yield Label("speed")
        yield Select(
            [(speed_label(speed), index) for index, speed in enumerate(SPEEDS)],
            value=SPEEDS.index(self.speed),
            allow_blank=False,
            compact=True,
            id="speed",
        )

    def show_config(self, config: TrainConfig) -> None:
        """Fill the fields with ``config``'s settings; momentum only for SGD."""
        self.query_one("#live-learning_rate", Input).value = format_number(config.effective_learning_rate)
        self.query_one("#live-decay", Input).value = format_number(config.decay)
        self.query_one("#live-momentum", Input).value = format_number(config.momentum)
        for widget in self.query(".live-momentum"):
            widget.set_class(config.optimizer != "sgd", "-unused")

    def read_changes(self, config: TrainConfig) -> dict[str, float]:
        """The live settings that differ from ``config``'s; ``FormError`` for one that cannot be read."""
        names = {"learning_rate": "the learning rate", "decay": "the decay", "momentum": "the momentum"}
        current = {
            "learning_rate": config.effective_learning_rate,
            "decay": config.decay,
            "momentum": config.momentum,
        }
        changes = {}
        for setting, name in names.items():
            if setting == "momentum" and config.optimizer != "sgd":
                continue
            field_id = f"live-{setting}"
            value = parse_float(self.query_one(f"#{field_id}", Input).value, field_id, name)
            if value != current[setting]:
                changes[setting] = value
        return changes

    def set_speed(self, speed: float | None) -> None:
        self.speed = speed
        select = self.query_one("#speed", Select)
        with self.prevent(Select.Changed):  # the screen asked for it: no report back
            select.value = SPEEDS.index(speed)

    @on(Input.Changed)
    def _clear_invalid(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid")
