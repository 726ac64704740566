"""What a check returns: plain data, no NumPy, safe to import in the app process."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CaseResult:
    """One case of a check: its name, whether it passed, and the message that explains it.

    A failing case's ``message`` starts with the sentence that names the mistake (its first line), then
    the evidence: the call's arguments, the expected and received values or the learner's traceback, and
    a note on what is special about the case.
    """

    name: str
    passed: bool
    message: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class CheckResult:
    """The outcome of grading one submission.

    ``summary`` is one line. ``diagnosis`` says what went wrong in words, beyond the summary (the
    mistake's sentence, what an exception usually means, where a timed-out loop was); empty when the
    code passed. ``traceback`` is trimmed to the learner's own lines, or None. ``stdout`` is what the
    learner's code printed (stdout and stderr together, capped at ``limits.OUTPUT_CAP_BYTES``).
    ``feedback`` is the text a learner reads, rendered by :func:`tutor.grader.feedback.render_feedback`.
    """

    exercise: str
    passed: bool
    summary: str
    diagnosis: str = ""
    cases: list[CaseResult] = field(default_factory=list)
    stdout: str = ""
    traceback: str | None = None
    duration_ms: float = 0.0

    @property
    def feedback(self) -> str:
        """The full text to show the learner (the same parts the app lays out in its panel)."""
        from tutor.grader.feedback import render_feedback

        return render_feedback(self).text()

    def to_json(self, *, rendered: bool = True) -> dict:
        """The result as JSON data; ``rendered=False`` leaves out ``feedback`` (the worker's replies:
        the client renders it again from the parts)."""
        data = {
            "exercise": self.exercise,
            "passed": self.passed,
            "summary": self.summary,
            "diagnosis": self.diagnosis,
            "cases": [case.to_json() for case in self.cases],
            "stdout": self.stdout,
            "traceback": self.traceback,
            "duration_ms": round(self.duration_ms, 1),
        }
        if rendered:
            data["feedback"] = self.feedback
        return data

    @classmethod
    def from_json(cls, data: dict) -> CheckResult:
        """The result :meth:`to_json` described (``feedback`` is rendered again, not read)."""
        return cls(
            exercise=data["exercise"],
            passed=bool(data["passed"]),
            summary=data["summary"],
            diagnosis=data.get("diagnosis", ""),
            cases=[CaseResult(**case) for case in data.get("cases", [])],
            stdout=data.get("stdout", ""),
            traceback=data.get("traceback"),
            duration_ms=float(data.get("duration_ms", 0.0)),
        )
