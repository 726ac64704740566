"""Progress arithmetic over the curriculum and the store's statuses (no UI, no I/O)."""

from __future__ import annotations

from typing import Any

# Store Status member names. A revealed solution counts as finished for "what next" (the learner
# has seen it and may move on) but not as passed.
UNFINISHED = {"NOT_STARTED", "ATTEMPTED"}

STATUS_LABELS = {
    "NOT_STARTED": "not started",
    "ATTEMPTED": "attempted",
    "PASSED": "✓ passed",
    "REVEALED": "solution revealed",
}


SOLUTION_SEEN = " (solution seen)"  # after a label whose exercise was passed after a reveal


def status_label(status: Any, solution_seen: bool = False) -> str:
    """What a learner reads for a status: "✓ passed (solution seen)" when the pass came after a reveal."""
    name = status_name(status)
    return STATUS_LABELS[name] + (SOLUTION_SEEN if solution_seen and name == "PASSED" else "")


def status_name(status: Any) -> str:
    """The store Status member's name (``PASSED`` ...); also accepts the enum's value strings."""
    return getattr(status, "name", str(status)).upper().replace(" ", "_").replace("SOLUTION_", "")


def status_of(statuses: dict[str, Any], exercise_id: str) -> str:
    return status_name(statuses.get(exercise_id, "NOT_STARTED"))


def lesson_progress(lesson: Any, statuses: dict[str, Any]) -> tuple[int, int]:
    """``(passed, total)`` exercises of one lesson."""
    passed = sum(status_of(statuses, exercise.id) == "PASSED" for exercise in lesson.exercises)
    return passed, len(lesson.exercises)


def next_step(curriculum: Any, statuses: dict[str, Any]) -> tuple[Any, Any] | None:
    """``(lesson, exercise)`` for the first exercise neither passed nor revealed, in course order."""
    for lesson in curriculum.lessons:
        for exercise in lesson.exercises:
            if status_of(statuses, exercise.id) in UNFINISHED:
                return lesson, exercise
    return None


DIAGNOSIS_LENGTH = 160  # characters of a diagnosis kept for the class report


def shown_diagnosis(text: str | None) -> str | None:
    """The diagnosis a learner was shown after a failed check, as the store keeps it: its first line,
    cut to ``DIAGNOSIS_LENGTH`` characters; None when nothing was said."""
    line = (text or "").strip().split("\n", 1)[0].strip()
    if not line:
        return None
    return line if len(line) <= DIAGNOSIS_LENGTH else line[: DIAGNOSIS_LENGTH - 1] + "…"


def check_diagnosis(result: Any) -> str | None:
    """What the store keeps of a grader ``CheckResult``: None for a pass, else the diagnosis shown
    (or the summary, when the check said nothing more)."""
    if result.passed:
        return None
    return shown_diagnosis(result.diagnosis or result.summary)
