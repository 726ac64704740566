"""A run's history: one row per recorded epoch, kept small whatever the run's length.

    row = history_row(report)        # (epoch, loss, accuracy, learning_rate[, val_loss, val_accuracy])
    rows = history_arrays(history)   # float array (n_rows, 6), nan where a run has no validation data

A row has four numbers, or six when the run holds out validation data. ``history_step`` says which
epochs to record so that a run keeps about ``HISTORY_ROWS`` rows. NumPy is imported only by
``history_arrays``, so the command line can record rows without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# (epoch, loss, accuracy, learning_rate) or (..., validation_loss, validation_accuracy)
HistoryRow = tuple[float, ...]
COLUMNS = ("epoch", "loss", "accuracy", "learning_rate", "validation_loss", "validation_accuracy")

# Rows of history a live chart keeps per run, whatever its length: more than any chart can show.
HISTORY_ROWS = 500


def history_step(epochs: int, rows: int = HISTORY_ROWS) -> int:
    """Record every ``history_step(epochs)``-th epoch to keep about ``rows`` rows of history. Each
    row costs a loss and an accuracy, which training itself does not need."""
    return max(1, epochs // rows)


def history_row(report: Any) -> HistoryRow:
    """The row of an ``EpochReport``: its epoch, loss, accuracy and learning rate, then its validation
    loss and accuracy when the run has validation data."""
    row = (report.epoch, report.loss, report.accuracy, report.learning_rate)
    validation_loss = report.validation_loss
    if validation_loss is None:
        return row
    return (*row, validation_loss, report.validation_accuracy)


def history_dicts(history: Sequence[HistoryRow]) -> list[dict[str, float]]:
    """The rows as dictionaries keyed by ``COLUMNS`` (for JSON)."""
    return [dict(zip(COLUMNS, row)) for row in history]


def has_validation(history: Sequence[HistoryRow]) -> bool:
    return any(len(row) > 4 for row in history)


def history_arrays(history: Sequence[HistoryRow]) -> np.ndarray:
    """``history`` as a float array ``(n_rows, 6)``: epoch, loss, accuracy, learning rate, validation
    loss and validation accuracy (nan for rows without validation data)."""
    import numpy as np

    rows = np.full((len(history), len(COLUMNS)), np.nan)
    for index, row in enumerate(history):
        rows[index, : len(row)] = row
    return rows
