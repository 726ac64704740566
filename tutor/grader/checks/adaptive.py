"""Checks for lesson 11: Adagrad's and RMSprop's per-parameter updates, each with its cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine import optimizers
from tutor.grader.api import Mistake, check
from tutor.grader.cases import float32_exact, random_matrix

NAMES = ("new_weights", "new_cache")


def _cache_like(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """A cache some steps into training: sums of squares, so never negative."""
    return float32_exact(np.abs(random_matrix(rng, 1, weights.size).reshape(weights.shape)) * 2.0)


def _cases(rng: np.random.Generator):
    """(name, weights, dweights, cache, note) for both checks: the lesson's example first (the first
    step, cache all 0), then a cache from earlier steps, tiny gradients (where epsilon's place
    matters), biases and a wide layer. Each check pairs them with its settings."""
    w0 = float32_exact([[0.5, -0.25, 1.0]])
    dw0 = float32_exact([[0.5, -0.002, 3.0]])
    w1, dw1 = random_matrix(rng, 4, 3), random_matrix(rng, 4, 3)
    wt, dwt = random_matrix(rng, 2, 5), float32_exact(1e-6 * random_matrix(rng, 2, 5))
    wb, dwb = random_matrix(rng, 1, 8), random_matrix(rng, 1, 8)
    wl, dwl = random_matrix(rng, 2, 64), random_matrix(rng, 2, 64)
    tiny = "the gradients here are tiny, so where epsilon goes matters: it is added after the square root."
    return [
        ("the lesson's example: the first step, cache all 0", w0, dw0, np.zeros_like(w0), None),
        ("weights (4, 3), a cache from earlier steps", w1, dw1, _cache_like(rng, w1), None),
        ("tiny gradients (about 1e-6), cache all 0", wt, dwt, np.zeros_like(wt), tiny),
        ("biases (1, 8), a cache from earlier steps", wb, dwb, _cache_like(rng, wb), None),
        ("weights (2, 64), cache all 0", wl, dwl, np.zeros_like(wl), None),
    ]


def _settings_text(names: tuple[str, ...], settings: tuple[float, ...] | None) -> str:
    """How a case's settings read in its name: "default settings" or "learning_rate=0.5, ..."."""
    if settings is None:
        return "default settings"
    return ", ".join(f"{name}={value:g}" for name, value in zip(names, settings))


def _weights_mistakes(
    w: np.ndarray, dw: np.ndarray, cache: np.ndarray, new_cache: np.ndarray, lr: float, eps: float
) -> list[Mistake]:
    """The mistakes of the weights' step, shared by Adagrad and RMSprop (both divide by the cache)."""

    def step_with(divisor: np.ndarray) -> Callable[[], Any]:
        return lambda: w - lr * dw / divisor

    return [
        Mistake(
            "new_weights moves the wrong way: the step is subtracted from the weights, against the gradient.",
            lambda: w + lr * dw / (np.sqrt(new_cache) + eps),
            cause="sign",
        ),
        Mistake(
            "new_weights divides by the cache itself. Divide by its square root (plus epsilon): the "
            "cache holds squared gradients.",
            step_with(new_cache + eps),
            cause="formula",
        ),
        Mistake(
            "new_weights adds epsilon inside the square root. Epsilon goes after the square root.",
            step_with(np.sqrt(new_cache + eps)),
            cause="formula",
        ),
        Mistake(
            "new_weights leaves out epsilon: add it to the square root of the cache, so that a cache of "
            "0 cannot make the step divide by zero.",
            step_with(np.sqrt(new_cache)),
            cause="missing-term",
        ),
        Mistake(
            "new_weights subtracts epsilon from the square root of the cache; it is added.",
            step_with(np.sqrt(new_cache) - eps),
            cause="sign",
        ),
        Mistake(
            "new_weights divides by the old cache. Update the cache first, then divide by the square "
            "root of the new one.",
            step_with(np.sqrt(cache) + eps),
            cause="order",
        ),
        Mistake(
            "new_weights leaves out the learning rate: it scales the whole step.",
            (lambda: w - dw / (np.sqrt(new_cache) + eps)) if lr != 1 else (lambda: None),
            cause="scale",
        ),
        Mistake(
            "That is a plain SGD step: the step is divided by the square root of the cache (plus "
            "epsilon), which gives each parameter its own step size.",
            lambda: w - lr * dw,
            cause="return",
        ),
        Mistake(
            "new_weights is the old weights unchanged: move them one step against the gradient.",
            lambda: w,
            cause="return",
        ),
    ]


@check("adagrad-update")
def adagrad_update_check(submission):
    adagrad_update = submission.function("adagrad_update", "weights, dweights, cache, learning_rate, epsilon")
    settings = [None, (0.5, 1e-7), (0.02, 1e-7), (1.0, 1e-5), (0.05, 1e-7)]
    for (name, w, dw, cache, note), chosen in zip(_cases(submission.rng), settings):
        lr, eps = chosen or (1.0, 1e-7)
        with submission.case(f"{name}, {_settings_text(('learning_rate', 'epsilon'), chosen)}", note=note):
            new_w, new_cache = w.copy(), cache.copy()
            optimizers.Adagrad(lr, epsilon=eps).update(new_w, dw, {"cache": new_cache})
            mistakes = {
                "new_cache": [
                    Mistake(
                        "new_cache adds the gradients, not their squares: the cache sums squared gradients.",
                        lambda: cache + dw,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache adds the size of the gradients, not their squares.",
                        lambda: cache + np.abs(dw),
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache forgets the old cache: Adagrad's cache is a running sum, the old "
                        "cache plus the squared gradient.",
                        (lambda: dw**2) if np.any(cache) else (lambda: None),
                        cause="missing-term",
                    ),
                    Mistake(
                        "new_cache is a moving average, as in RMSprop. Adagrad's cache is a plain sum: "
                        "it only grows.",
                        lambda: 0.9 * cache + 0.1 * dw**2,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache subtracts the squared gradient; the cache adds it, so it only grows.",
                        lambda: cache - dw**2,
                        cause="sign",
                    ),
                    Mistake(
                        "new_cache adds the gradients cubed; the cache collects their squares.",
                        lambda: cache + dw**3,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache is the old cache unchanged: add this step's squared gradient to it.",
                        lambda: cache,
                        cause="return",
                    ),
                ],
                "new_weights": _weights_mistakes(w, dw, cache, new_cache, lr, eps),
            }
            received = adagrad_update(
                w, dw, cache, *(chosen or ()), unchanged=("weights", "dweights", "cache")
            )
            _compare(submission, received, (new_w, new_cache), w, mistakes)


@check("rmsprop-update")
def rmsprop_update_check(submission):
    rmsprop_update = submission.function(
        "rmsprop_update", "weights, dweights, cache, learning_rate, rho, epsilon"
    )
    settings = [None, (0.01, 0.9, 1e-7), (0.001, 0.999, 1e-7), (0.02, 0.8, 1e-5), (0.005, 0.9, 1e-7)]
    names = ("learning_rate", "rho", "epsilon")
    for (name, w, dw, cache, note), chosen in zip(_cases(submission.rng), settings):
        lr, rho, eps = chosen or (0.001, 0.9, 1e-7)
        with submission.case(f"{name}, {_settings_text(names, chosen)}", note=note):
            new_w, new_cache = w.copy(), cache.copy()
            optimizers.RMSprop(lr, epsilon=eps, rho=rho).update(new_w, dw, {"cache": new_cache})
            mistakes = {
                "new_cache": [
                    Mistake(
                        "new_cache has rho and 1 - rho swapped: the old cache keeps the share rho, "
                        "the squared gradient gets 1 - rho.",
                        lambda: (1 - rho) * cache + rho * dw**2,
                        cause="order",
                    ),
                    Mistake(
                        "new_cache adds the whole squared gradient: weight it by 1 - rho, so that the "
                        "cache is an average.",
                        lambda: rho * cache + dw**2,
                        cause="missing-term",
                    ),
                    Mistake(
                        "new_cache is a running sum, as in Adagrad. RMSprop's cache is a moving "
                        "average: rho of the old cache, 1 - rho of the squared gradient.",
                        lambda: cache + dw**2,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache averages the gradients, not their squares.",
                        lambda: rho * cache + (1 - rho) * dw,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache adds the old cache without scaling it by rho.",
                        (lambda: cache + (1 - rho) * dw**2) if np.any(cache) else (lambda: None),
                        cause="missing-term",
                    ),
                    Mistake(
                        "new_cache subtracts the squared gradient's share; it is added.",
                        lambda: rho * cache - (1 - rho) * dw**2,
                        cause="sign",
                    ),
                    Mistake(
                        "new_cache weights the squared gradient by 1 + rho; it is 1 - rho.",
                        lambda: rho * cache + (1 + rho) * dw**2,
                        cause="sign",
                    ),
                    Mistake(
                        "new_cache leaves out the squared gradient: mix (1 - rho) times it into the cache.",
                        (lambda: rho * cache) if np.any(dw) else (lambda: None),
                        cause="missing-term",
                    ),
                    Mistake(
                        "new_cache averages the gradients cubed; the cache averages their squares.",
                        lambda: rho * cache + (1 - rho) * dw**3,
                        cause="formula",
                    ),
                    Mistake(
                        "new_cache is the old cache unchanged: mix this step's squared gradient into it.",
                        lambda: cache,
                        cause="return",
                    ),
                ],
                "new_weights": _weights_mistakes(w, dw, cache, new_cache, lr, eps),
            }
            received = rmsprop_update(
                w, dw, cache, *(chosen or ()), unchanged=("weights", "dweights", "cache")
            )
            _compare(submission, received, (new_w, new_cache), w, mistakes)


def _compare(submission, received, expected: tuple, weights: np.ndarray, mistakes: dict) -> None:
    """Compare ``(new_weights, new_cache)``: the cache first (the step is computed from it), then the
    weights. The step is small next to the weights, so they are judged by the size of the step, as
    for Adam."""
    # The cache of tiny gradients is tiny too (1e-12): compare it by its own size, not the default atol.
    submission.expect_tuple(received, expected, NAMES, mistakes=mistakes, order=("new_cache",), atol=1e-30)
    atol = 1e-4 * float(np.max(np.abs(expected[0] - weights))) + 1e-12
    submission.expect(
        received[0],
        expected[0],
        what="`new_weights`",
        mistakes=mistakes["new_weights"],
        rtol=1e-6,
        atol=atol,
    )
