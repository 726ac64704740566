"""What a check adds to its result beyond its cases, and what it watches while the learner's code runs.

Runs in the grading worker (the judge). A check attaches, through the functions here:

- a :class:`~tutor.grader.results.GradientCheck` of the learner's backward passes
  (:func:`attach_gradient_check`);
- the parameters the learner's own training produced (:func:`attach_trained`).

A check whose learner code prints a log can register an :class:`OutputWatch` with
:func:`watch_output`: the judge makes one per grading and hands it every complete line the learner's
code prints, as it prints it; when ``line`` returns True the judge stops the learner's code at once
(a training log that already went wrong need not run to the end), and the check then reads what the
watch saw with :func:`output_watch`. The judge sets up one :class:`Extras` per grading
(:func:`collecting`); outside a grading (a check's own unit test) the functions work on a throwaway one.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tutor.grader.results import GradientCheck


class OutputWatch:
    """Sees the learner's printed lines as they come. Subclass it and override :meth:`line`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.stopped = False

    def line(self, text: str) -> bool:
        """Called with each complete line (without its newline); return True to stop the learner's
        code now. The base class keeps every line in ``lines``."""
        self.lines.append(text)
        return False


# check id -> what makes its watch (a class, usually); filled by @watch_output in the check modules.
WATCHES: dict[str, Callable[[], OutputWatch]] = {}


def watch_output(check_id: str):
    """Register the decorated :class:`OutputWatch` subclass (or factory) for the check ``check_id``."""

    def register(factory: Callable[[], OutputWatch]) -> Callable[[], OutputWatch]:
        if check_id in WATCHES:
            raise ValueError(f"two output watches for {check_id!r}")
        WATCHES[check_id] = factory
        return factory

    return register


@dataclass
class Extras:
    """What one grading collected besides its cases."""

    gradient_check: GradientCheck | None = None
    trained: dict | None = None
    watch: OutputWatch | None = None


_CURRENT: contextvars.ContextVar[Extras | None] = contextvars.ContextVar("extras", default=None)
_THROWAWAY = Extras()


def current() -> Extras:
    """The extras of the grading in progress (a throwaway one outside a grading)."""
    return _CURRENT.get() or _THROWAWAY


@contextmanager
def collecting(check_id: str) -> Iterator[Extras]:
    """For the judge: a fresh :class:`Extras` for one grading of ``check_id`` (with its watch, if
    the check registered one), current inside the block."""
    factory = WATCHES.get(check_id)
    extras = Extras(watch=factory() if factory is not None else None)
    token = _CURRENT.set(extras)
    try:
        yield extras
    finally:
        _CURRENT.reset(token)


def attach_gradient_check(gradient_check: GradientCheck) -> None:
    """Attach a gradient check to the result of the grading in progress (the first one is kept)."""
    extras = current()
    if extras.gradient_check is None:
        extras.gradient_check = gradient_check


def attach_trained(parameters: dict) -> None:
    """Attach the learner's trained parameters (name -> nested lists) to the result."""
    current().trained = parameters


def output_watch() -> OutputWatch | None:
    """The watch of the grading in progress (None when its check registered none)."""
    return current().watch
