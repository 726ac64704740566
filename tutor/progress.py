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
