"""Helpers for the app tests: a small lesson set, a stand-in grader, typing into widgets."""

from __future__ import annotations

import threading
from pathlib import Path

from tutor.grader.results import CaseResult, CheckResult

APP_LESSONS = Path(__file__).parent / "fixtures" / "app_lessons"


class StandInGrader:
    """Grades the fixture's ``neuron-output`` exercise in-process, the way the real check does:
    run the code, compare ``output`` with 4.8. ``gate`` (an Event) holds grading until set, so a
    test can look at the app while a check is running."""

    def __init__(self, gate: threading.Event | None = None, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, str, float | None]] = []
        self.gate = gate
        self.error = error

    def grade(self, check_id, source, *, filename="answer.py", timeout=None):
        self.calls.append((check_id, source, timeout))
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        namespace: dict = {}
        try:
            exec(compile(source, filename, "exec"), namespace)
        except Exception as error:
            return CheckResult(
                check_id,
                False,
                f"Your code raised {type(error).__name__}.",
                traceback=f'  File "{filename}", line 1\n{type(error).__name__}: {error}',
                duration_ms=2.0,
            )
        output = namespace.get("output")
        passed = isinstance(output, (int, float)) and abs(output - 4.8) < 1e-9
        message = "" if passed else f"expected output == 4.8, got {output!r}"
        return CheckResult(
            check_id,
            passed,
            "All 1 cases pass." if passed else "1 of 1 cases failed.",
            cases=[CaseResult("the four-input neuron", passed, message)],
            stdout="checking...\n" if not passed else "",
            duration_ms=3.0,
        )


def key_for(character: str) -> str:
    """The Pilot key name that types ``character``."""
    return {"\n": "enter", " ": "space", "\t": "tab"}.get(character, character)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*(key_for(character) for character in text))


async def wait_until_loaded(pilot, timeout: float = 30.0) -> None:
    """Wait until the lesson on screen has mounted every block (it mounts them in batches)."""
    import time

    deadline = time.monotonic() + timeout
    while not getattr(pilot.app.screen, "loaded", False):
        assert time.monotonic() < deadline, "the lesson did not finish mounting"
        await pilot.pause(0.05)
    await pilot.pause()
