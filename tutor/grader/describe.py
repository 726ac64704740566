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
# The feedback panel's width: a grid row wider than this is cut into lines of whole entries, each with
# its own line of ^ marks, so that the marks stay under the entries they mark when nothing wraps.
PANEL_WIDTH = 76


def number_text(value) -> str:
    """A number in at most 6 significant digits: 4.8, 0.0900306, -1e+04, nan."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if value == 0:
        value = 0.0  # never -0.0
    if np.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{value:.1f}"
    return f"{value:.6g}"


def compact(array) -> str:
    """An array in a short form: ``[1.0, -2.5, 3.0]``, rows on their own lines, long runs elided."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        return repr(array.tolist())
    if array.dtype.kind == "f":
        array = array + 0.0  # -0.0 + 0.0 is 0.0: never show "-0."
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


def _grid(expected: np.ndarray | None, received: np.ndarray, differs: np.ndarray, heads: list[str]) -> str:
    """Both arrays drawn as grids (only ``received`` when ``expected`` is None), differing entries of
    the received one marked with ^ underneath."""
    grids = [_grid_rows(received)] if expected is None else [_grid_rows(expected), _grid_rows(received)]
    width = max(len(cell) for rows in grids for row in rows for cell in row)
    two_d = received.ndim == 2
    per_line = max(1, (PANEL_WIDTH - len(heads[0]) - 2) // (width + 2))
    lines = []
    for which, rows in enumerate(grids):
        marked = which == len(grids) - 1
        for row_index, row in enumerate(rows):
            for start in range(0, len(row), per_line):
                first_piece, last_piece = start == 0, start + per_line >= len(row)
                head = heads[which] if row_index == 0 and first_piece else " " * len(heads[which])
                open_ = ("[[" if row_index == 0 else " [") if two_d else "["
                open_ = open_ if first_piece else " " * len(open_)
                close = ("]]" if row_index == len(rows) - 1 else "],") if two_d else "]"
                close = close if last_piece else ","
                cells = [cell.rjust(width) for cell in row[start : start + per_line]]
                lines.append(head + open_ + ", ".join(cells) + close)
                flags = differs[row_index][start : start + per_line]
                if marked and flags.any():
                    marks = ["^" * width if flag else " " * width for flag in flags]
                    lines.append((" " * (len(head) + len(open_)) + "  ".join(marks)).rstrip())
    return "\n".join(lines)


def how_far(expected, received) -> str:
    """How a wrong number compares with the right one, without giving the right one: 'too high by
    about 12%', 'the wrong sign', 'about 10 times too large'."""
    expected, received = float(expected), float(received)
    if not np.isfinite(received):
        return "not a finite number"
    if expected == 0:
        return "too high" if received > 0 else "too low"
    if np.sign(received) != np.sign(expected) and received != 0:
        return (
            "the wrong sign"
            if np.isclose(abs(received), abs(expected), rtol=1e-3)
            else ("too high" if received > expected else "too low") + ", and of the wrong sign"
        )
    ratio = received / expected
    if ratio >= 2 or ratio <= 0.5:
        return f"about {number_text(round(ratio, 2))} times the right value"
    change = abs(ratio - 1) * 100
    amount = f"{change:.2g}%" if change >= 0.1 else "less than 0.1%"
    return ("too high" if received > expected else "too low") + f" by about {amount}"


def without_answer(expected, received) -> str:
    """The received value with its wrong entries marked, what each is off by, and the expected shape:
    everything but the expected value itself."""
    expected = np.asarray(expected, dtype=float)
    received = np.asarray(received, dtype=float)
    head = "  received:  "
    if expected.shape != received.shape:
        return f"{head}{_indent(compact(received), len(head))}\n  expected shape {expected.shape}, got {received.shape}"
    if expected.ndim == 0:
        return f"{head}{number_text(received)}  ({how_far(expected, received)})"
    differs = ~np.isclose(received, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
    columns = expected.shape[-1] if expected.ndim else 1
    if expected.ndim <= 2 and expected.size <= GRID_MAX_ENTRIES:
        lines = [_grid(None, received, differs.reshape(-1, columns), [head])]
    else:
        lines = [head + _indent(compact(received), len(head))]
    for index in np.argwhere(differs)[:3]:
        position = tuple(int(i) for i in index)
        where = position[0] if len(position) == 1 else list(position)
        lines.append(f"  at {where}: {how_far(expected[position], received[position])}")
    if differs.sum() > 3:
        lines.append(f"  (and {int(differs.sum()) - 3} more marked entries)")
    return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n" + " " * width)
