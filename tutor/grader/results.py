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
class GradientEntry:
    """One gradient of a gradient check: the learner's analytic values next to central finite
    differences of a loss computed through the learner's own forward pass.

    ``name`` is the gradient's name ("dweights"); ``shape`` its full shape; ``analytic`` and ``numeric``
    hold at most the first ``MAX_GRADIENT_VALUES`` values, flattened; ``relative_error`` is the largest
    over all entries; ``ok`` says whether it is under the check's threshold.
    """

    name: str
    shape: list[int]
    analytic: list[float]
    numeric: list[float]
    relative_error: float
    ok: bool

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "shape": list(self.shape),
            "analytic": list(self.analytic),
            "numeric": list(self.numeric),
            "relative_error": self.relative_error,
            "ok": self.ok,
        }

    @classmethod
    def from_json(cls, data: dict) -> GradientEntry:
        return cls(
            name=str(data["name"]),
            shape=[int(size) for size in data.get("shape", [])],
            analytic=[float(value) for value in data.get("analytic", [])],
            numeric=[float(value) for value in data.get("numeric", [])],
            relative_error=float(data["relative_error"]),
            ok=bool(data["ok"]),
        )


# How many values of each gradient a GradientEntry keeps (the first ones, flattened).
MAX_GRADIENT_VALUES = 12


@dataclass
class GradientCheck:
    """A gradient check of the learner's backward pass on a small input: one entry per gradient,
    ``verdict`` in one line, ``passed`` when every entry's relative error is under ``threshold``."""

    verdict: str
    passed: bool
    entries: list[GradientEntry] = field(default_factory=list)
    threshold: float = 1e-4

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict,
            "passed": self.passed,
            "entries": [entry.to_json() for entry in self.entries],
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict) -> GradientCheck:
        return cls(
            verdict=str(data["verdict"]),
            passed=bool(data["passed"]),
            entries=[GradientEntry.from_json(entry) for entry in data.get("entries", [])],
            threshold=float(data.get("threshold", 1e-4)),
        )


@dataclass
class CheckResult:
    """The outcome of grading one submission.

    ``summary`` is one line. ``diagnosis`` says what went wrong in words, beyond the summary (the
    mistake's sentence, what an exception usually means, where a timed-out loop was); empty when the
    code passed. ``traceback`` is trimmed to the learner's own lines, or None. ``stdout`` is what the
    learner's code printed (stdout and stderr together, capped at ``limits.OUTPUT_CAP_BYTES``).
    ``feedback`` is the text a learner reads, rendered by :func:`tutor.grader.feedback.render_feedback`.
    ``gradient_check`` is a :class:`GradientCheck` of the learner's backward passes (the checks of
    backward passes and of layers attach one); ``trained`` holds the parameters the learner's own
    training produced, as nested lists by name ("dense1.weights", ...), for a check that trains.
    """

    exercise: str
    passed: bool
    summary: str
    diagnosis: str = ""
    cases: list[CaseResult] = field(default_factory=list)
    stdout: str = ""
    traceback: str | None = None
    duration_ms: float = 0.0
    gradient_check: GradientCheck | None = None
    trained: dict | None = None

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
            "gradient_check": None if self.gradient_check is None else self.gradient_check.to_json(),
            "trained": self.trained,
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
            gradient_check=GradientCheck.from_json(data["gradient_check"])
            if data.get("gradient_check")
            else None,
            trained=data.get("trained"),
        )
