"""Sandboxed grading of learner code.

    from tutor.grader import default_grader
    result = default_grader().grade("relu", source)   # -> CheckResult
    result.passed, result.summary, result.feedback      # feedback: render_feedback(result).text()

Learner code runs in a child forked from a warm worker process (``tutor.grader.worker``) with limits on
time, memory and output; checks (``tutor/grader/checks/``, written with ``tutor.grader.api``) compare it
with the engine and name common mistakes. Importing this package is light: no NumPy in the app process.
"""

from tutor.grader.client import Grader, GraderUnavailable, default_grader, grade
from tutor.grader.feedback import Feedback, render_feedback
from tutor.grader.registry import check_ids, has_check
from tutor.grader.results import CaseResult, CheckResult

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
