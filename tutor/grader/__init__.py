"""Sandboxed grading of learner code.

    from tutor.grader import default_grader
    result = default_grader().grade("relu", source)   # -> CheckResult
    result.passed, result.summary, result.feedback      # feedback: render_feedback(result).text()

Learner code runs in a confined process forked from a runner that holds no check (``tutor.grader.runner``),
with limits on time, memory and output; the warm worker (``tutor.grader.worker``) runs the checks
(``tutor/grader/checks/``, written with ``tutor.grader.api``) on the values it sends back, compares them
with the engine and names common mistakes (docs/grader-security.md). Importing this package is light: no NumPy in the app process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.grader.client import Grader, GraderUnavailable, default_grader, grade
    from tutor.grader.feedback import Feedback, render_feedback
    from tutor.grader.registry import check_ids, has_check
    from tutor.grader.results import CaseResult, CheckResult

# The public names and the module each comes from. They are imported on first use, so that reading
# ``tutor.grader.limits`` (as the lesson loader does) loads nothing else of the grader.
_HOMES = {
    "Grader": "client",
    "GraderUnavailable": "client",
    "default_grader": "client",
    "grade": "client",
    "Feedback": "feedback",
    "render_feedback": "feedback",
    "check_ids": "registry",
    "has_check": "registry",
    "CaseResult": "results",
    "CheckResult": "results",
}

__all__ = [
    "CaseResult",
    "CheckResult",
    "Feedback",
    "Grader",
    "GraderUnavailable",
    "check_ids",
    "default_grader",
    "grade",
    "has_check",
    "render_feedback",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'tutor.grader' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tutor.grader.{_HOMES[name]}"), name)
