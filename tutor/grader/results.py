"""What a check returns: plain data, no NumPy, safe to import in the app process."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CaseResult:
    """One case of a check: its name, whether it passed, and the message that explains it."""

    name: str
    passed: bool
    message: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class CheckResult:
    """The outcome of grading one answer.

    ``summary`` is one line; ``feedback`` is the full text to show the learner (the summary, the first
    failing case with its input, expected and received values, a sentence naming the mistake, the
    learner's trimmed traceback and output). ``traceback`` is trimmed to the learner's own lines, or None.
    ``stdout`` is what the learner's code printed (stdout and stderr together, capped at about 10 KB).
    """

    exercise: str
    passed: bool
    summary: str
    cases: list[CaseResult] = field(default_factory=list)
    stdout: str = ""
    traceback: str | None = None
    duration_ms: float = 0.0
    feedback: str = ""

    def to_json(self) -> dict:
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "summary": self.summary,
            "cases": [case.to_json() for case in self.cases],
            "stdout": self.stdout,
            "traceback": self.traceback,
            "duration_ms": round(self.duration_ms, 1),
            "feedback": self.feedback,
        }

    @classmethod
    def from_json(cls, data: dict) -> CheckResult:
        return cls(
            exercise=data["exercise"],
            passed=bool(data["passed"]),
            summary=data["summary"],
            cases=[CaseResult(**case) for case in data.get("cases", [])],
            stdout=data.get("stdout", ""),
            traceback=data.get("traceback"),
            duration_ms=float(data.get("duration_ms", 0.0)),
            feedback=data.get("feedback", ""),
        )
