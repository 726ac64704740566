"""Telling an endless recursion from one that is only too deep for Python's limit, from the frames of
a RecursionError: pure standard library, so the learner's process can judge its own frames (their
arguments never leave it) and send back one word."""

from __future__ import annotations

import itertools

ENDLESS = "endless"
TOO_DEEP = "too deep"


def classify(error: BaseException, filename: str | None) -> str | None:
    """``ENDLESS`` when the deepest call repeats an earlier call's arguments exactly; ``TOO_DEEP`` when
    each call works on a shorter sequence (or a smaller whole number) that is still not empty; else
    None. Reads the learner's frames (those of ``filename``) of ``error``'s traceback."""
    frames = _learner_frames(error, filename)
    if len(frames) < 3:
        return None
    deepest = _arguments(frames[-1])
    if deepest is not None and any(_arguments(frame) == deepest for frame in frames[-50:-1]):
        return ENDLESS
    sizes = [size for size in (_sizes(frame) for frame in frames[-50:]) if size is not None]
    if (
        len(sizes) == len(frames[-50:])
        and sizes[0]
        and all(len(s) == len(sizes[0]) for s in sizes)
        and any(
            all(earlier[i] > later[i] > 0 for earlier, later in itertools.pairwise(sizes))
            for i in range(len(sizes[0]))
        )
    ):
        return TOO_DEEP
    return None


def _learner_frames(error: BaseException, filename: str | None) -> list:
    frames = []
    trace = error.__traceback__
    while trace is not None:
        if filename is None or trace.tb_frame.f_code.co_filename == filename:
            frames.append(trace.tb_frame)
        trace = trace.tb_next
    return frames


def _arguments(frame) -> tuple | None:
    """A frame's arguments as comparable text (None when they cannot be read)."""
    code = frame.f_code
    try:
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        return (code, tuple(repr(frame.f_locals.get(name))[:2000] for name in names))
    except Exception:
        return None


def _sizes(frame) -> tuple[int, ...] | None:
    """The lengths of a frame's sequence arguments, and its whole-number arguments."""
    code = frame.f_code
    sizes = []
    for name in code.co_varnames[: code.co_argcount]:
        value = frame.f_locals.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            sizes.append(abs(value))
        else:
            try:
                sizes.append(len(value))
            except TypeError:
                continue
    return tuple(sizes)
