"""What a failed case is: the exceptions a check raises to fail one case, or to stop the check.

Every failure carries the sentence shown to the learner (one line that names the mistake in plain
words) and the evidence under it. The check API (:mod:`tutor.grader.api`), the value comparisons
(:mod:`tutor.grader.compare`) and the proofs (:mod:`tutor.grader.proofs`) raise them; ``Submission.case``
records them.
"""

from __future__ import annotations


class CaseFailure(Exception):
    """A case failed. ``sentence`` names the mistake in plain words; ``detail`` shows the values."""

    def __init__(self, sentence: str, detail: str = "", traceback: str | None = None):
        super().__init__(sentence)
        self.sentence = sentence
        self.detail = detail
        self.traceback = traceback


class StopCheck(CaseFailure):
    """A failure that makes the remaining cases pointless (a missing name, say)."""
