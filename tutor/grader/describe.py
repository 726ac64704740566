"""Describing values to a learner: numbers, arrays, shapes, and expected-versus-received.

Used inside the grading worker (it imports NumPy). Arrays are printed compactly; when an expected and a
received array have the same shape, the entries that differ are marked with ``^`` underneath.
"""

from __future__ import annotations

import numpy as np

from tutor.grader.limits import ATOL, RTOL

# Arrays up to this many entries (and columns) are drawn in full with the differences marked.
GRID_MAX_ENTRIES = 48
GRID_MAX_COLUMNS = 10


def number_text(value) -> str:
    """A number in at most 6 significant digits: 4.8, 0.0900306, -1e+04, nan."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if np.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{value:.1f}"
    return f"{value:.6g}"


def compact(array) -> str:
    """An array in a short form: ``[1.0, -2.5, 3.0]``, rows on their own lines, long runs elided."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        return repr(array.tolist())
    if array.ndim == 0:
        return number_text(array)
    if array.ndim == 1:
        return _compact_row(array)
    if array.ndim == 2:
        rows = [row if isinstance(row, str) else _compact_row(row) for row in _elide(list(array), 6)]
        return "[" + ",\n ".join(rows) + "]"
    with np.printoptions(precision=6, threshold=30, edgeitems=2, linewidth=96):
        return np.array2string(array, separator=", ")


def _compact_row(row) -> str:
    return (
        "[" + ", ".join(number_text(x) if not isinstance(x, str) else x for x in _elide(list(row), 12)) + "]"
    )


def _elide(items: list, limit: int) -> list:
    if len(items) <= limit:
        return items
    keep = limit // 2
    return [*items[:keep], "...", *items[-keep:]]


def describe(value) -> str:
    """What a learner's value is, in words: 'a list of 3 numbers', 'a NumPy array of shape (2, 3)'..."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"the number {number_text(value)}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d NumPy array holding {compact(value)}"
        return f"a NumPy array of shape {value.shape}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return f"a {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__} object"


def show_argument(name: str, value) -> str:
    """``name = value`` for the 'called with' part of a case, arrays indented under their name."""
    prefix = f"  {name} = "
    if isinstance(value, (list, tuple)):
        try:
            text = compact(np.asarray(value))
        except ValueError:  # ragged
            text = repr(value)
        note = f"  (a Python {'list' if isinstance(value, list) else 'tuple'})"
    elif isinstance(value, np.ndarray):
        text = compact(value)
        note = f"  (a NumPy array, shape {value.shape})" if value.ndim else ""
    else:
        text = number_text(value) if isinstance(value, (int, float, np.number)) else repr(value)
        note = ""
    text = text.replace("\n", "\n" + " " * len(prefix))
    return prefix + text + note


def _grid_rows(array: np.ndarray) -> list[list[str]]:
    matrix = array.reshape(1, -1) if array.ndim == 1 else array
    return [[number_text(x) for x in row] for row in matrix]


def side_by_side(expected, received, differs=None, labels=("expected", "received")) -> str:
    """``expected:`` and ``received:`` lines; differing entries of equal-shaped arrays marked with ^."""
    expected = np.asarray(expected)
    received = np.asarray(received)
    label_width = max(len(label) for label in labels)
    heads = [f"  {label}:".ljust(label_width + 4) for label in labels]
    indent = label_width + 4
    if expected.shape != received.shape or expected.ndim > 2:
        return (
            f"{heads[0]}{_indent(compact(expected), indent)}\n{heads[1]}{_indent(compact(received), indent)}"
        )
    if expected.ndim == 0:
        return f"{heads[0]}{number_text(expected)}\n{heads[1]}{number_text(received)}"
    if differs is None:
        differs = ~np.isclose(received, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
    columns = expected.shape[-1]
    differs = np.asarray(differs).reshape(-1, columns)
    if expected.size <= GRID_MAX_ENTRIES and columns <= GRID_MAX_COLUMNS:
        return _grid(expected, received, differs, heads)
    flat = np.argwhere(differs.reshape(expected.shape))
    lines = [
        f"{heads[0]}{_indent(compact(expected), indent)}",
        f"{heads[1]}{_indent(compact(received), indent)}",
    ]
    if len(flat):
        shown = []
        for index in flat[:3]:
            position = tuple(int(i) for i in index)
            where = position[0] if len(position) == 1 else list(position)
            shown.append(
                f"at {where}: expected {number_text(expected[position])}, "
                f"received {number_text(received[position])}"
            )
        more = f" (and {len(flat) - 3} more)" if len(flat) > 3 else ""
        lines.append("  first differences " + "; ".join(shown) + more)
    return "\n".join(lines)


def _grid(expected: np.ndarray, received: np.ndarray, differs: np.ndarray, heads: list[str]) -> str:
    expected_rows, received_rows = _grid_rows(expected), _grid_rows(received)
    width = max(len(cell) for row in expected_rows + received_rows for cell in row)
    two_d = expected.ndim == 2
    lines = []
    for which, rows in enumerate((expected_rows, received_rows)):
        for row_index, row in enumerate(rows):
            head = heads[which] if row_index == 0 else " " * len(heads[which])
            open_ = ("[[" if row_index == 0 else " [") if two_d else "["
            close = ("]]" if row_index == len(rows) - 1 else "],") if two_d else "]"
            cells = [cell.rjust(width) for cell in row]
            lines.append(head + open_ + ", ".join(cells) + close)
            if which == 1 and differs[row_index].any():
                marks = ["^" * width if differs[row_index][i] else " " * width for i in range(len(cells))]
                lines.append((" " * (len(head) + len(open_)) + "  ".join(marks)).rstrip())
    return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n" + " " * width)
