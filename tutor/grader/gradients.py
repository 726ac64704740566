"""Gradient checks: the learner's analytic gradients next to central finite differences.

For a scalar loss ``L`` and one entry ``x_i`` of what it depends on, the central difference

    (L(x + h e_i) - L(x - h e_i)) / (2 h)

approximates ``dL/dx_i`` with an error that shrinks like ``h**2`` (a one-sided difference only like
``h``). The loss is computed through a forward pass: the learner's own (a class's ``forward``, called
in the learner's process through a check's handles) or, for exercises that ask only for a backward
function, the lesson's formula. Each gradient is then judged by its largest relative error,

    |analytic - numeric| / (|analytic| + |numeric|)      (0 when both are 0; at most 1)

with a small floor in the denominator so that entries that are 0 up to rounding do not count as wrong.
In float64 a right gradient gives 1e-8 or less; a wrong one 1e-2 to 1. A forward pass that computes in
float32 (NumPy under ``nnfs.init()``, say) is differenced with a larger step and judged more loosely.
Runs in the judge; the result is a :class:`~tutor.grader.results.GradientCheck`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.grader.results import MAX_GRADIENT_VALUES, GradientCheck, GradientEntry

# (step, threshold) for a forward pass computing in float64, and in float32.
FLOAT64 = (1e-6, 1e-5)
FLOAT32 = (1e-2, 1e-2)


@dataclass
class Gradient:
    """One gradient to check: the learner's ``analytic`` values (whatever they returned) and the
    ``numeric`` ones from central differences."""

    name: str
    analytic: object
    numeric: np.ndarray


def central_differences(loss: Callable[[np.ndarray], float], point: np.ndarray, step: float) -> np.ndarray:
    """``dloss/dpoint`` entry by entry: ``(loss(point + h e_i) - loss(point - h e_i)) / 2h``.
    ``loss`` gets a new array each time (``point`` is left alone)."""
    point = np.asarray(point, dtype=float)
    slopes = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        up, down = point.copy(), point.copy()
        up[index] += step
        down[index] -= step
        slopes[index] = (float(loss(up)) - float(loss(down))) / (2 * step)
    return slopes


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor_share: float) -> float:
    """The largest ``|a - n| / (|a| + |n|)`` over the entries, the denominator at least
    ``floor_share`` times the gradient's largest entry (1.0 for a shape mismatch or nan)."""
    if analytic.shape != numeric.shape or not np.all(np.isfinite(analytic)):
        return 1.0
    scale = max(float(np.max(np.abs(numeric), initial=0.0)), float(np.max(np.abs(analytic), initial=0.0)))
    floor = max(scale * floor_share, 1e-12)
    errors = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(np.max(errors, initial=0.0))


def gradient_check(
    gradients: list[Gradient], *, float32: bool = False, of: str = "your forward pass"
) -> GradientCheck:
    """Judge each gradient; the one-line verdict names the first wrong one, or says all agree.
    ``float32``: the forward pass computed in float32 (looser threshold). ``of`` names the forward
    pass in the verdict."""
    step, threshold = FLOAT32 if float32 else FLOAT64
    entries = []
    for gradient in gradients:
        numeric = np.asarray(gradient.numeric, dtype=float)
        try:
            analytic = np.asarray(gradient.analytic, dtype=float)
        except (TypeError, ValueError):
            analytic = np.full((0,), np.nan)
        error = relative_error(analytic, numeric, floor_share=step)
        entries.append(
            GradientEntry(
                name=gradient.name,
                shape=[int(size) for size in numeric.shape],
                analytic=[float(v) for v in analytic.ravel()[:MAX_GRADIENT_VALUES]],
                numeric=[float(v) for v in numeric.ravel()[:MAX_GRADIENT_VALUES]],
                relative_error=error,
                ok=error < threshold,
            )
        )
    wrong = [entry for entry in entries if not entry.ok]
    if not wrong:
        largest = max((entry.relative_error for entry in entries), default=0.0)
        verdict = (
            f"Every gradient agrees with central differences of {of}: largest relative error "
            f"{_number(largest)}, under {threshold:g}."
        )
    else:
        first = wrong[0]
        analytic_shape = _shape_of(gradients[entries.index(first)].analytic)
        if analytic_shape != tuple(first.shape):
            verdict = (
                f"`{first.name}` has shape {analytic_shape}, but the slopes of {of} have shape "
                f"{tuple(first.shape)}: a gradient is shaped like what it is the gradient of."
            )
        else:
            verdict = (
                f"`{first.name}` disagrees with central differences of {of} (relative error "
                f"{_number(first.relative_error)}, over {threshold:g}): it is not the slope of the loss."
            )
    return GradientCheck(verdict=verdict, passed=not wrong, entries=entries, threshold=threshold)


def could_not_run(reason: str) -> GradientCheck:
    """A gradient check that could not run (the backward pass raised, say): ``reason`` in one line."""
    return GradientCheck(
        verdict=f"The gradient check could not run: {reason}", passed=False, threshold=FLOAT64[1]
    )


def computes_in_float32(*values: object) -> bool:
    """Whether any of the learner's values came back as float32 (or another short float)."""
    for value in values:
        dtype = getattr(value, "dtype", None)
        if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
            return True
    return False


def _shape_of(value: object) -> tuple[int, ...]:
    try:
        return tuple(int(size) for size in np.shape(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ()


def _number(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"
