"""The checks behind ``nntutor validate``: everything the loader checks, plus what needs the grader.

On top of the loader's checks (front matter, ids, kinds, keys, answers naming options that exist, numeric
answers that parse, train settings), for every code exercise:

- its ``check`` names a grader check that exists;
- its solution and its starter are valid Python (a syntax error is reported at its line in the file);
- with grading on: the solution passes its check and the starter fails it, run through the real grader.

Every problem is a :class:`tutor.curriculum.Problem` (file, line, message).
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tutor.curriculum import Exercise, Problem, parse_lesson_files


@dataclass
class ValidationReport:
    """What ``validate`` found: ``problems`` sorted by file and line, and what was looked at."""

    path: Path
    problems: list[Problem]
    lessons: int
    exercises: int
    checks_run: int = 0
    seconds: float = 0.0
    graded: bool = True
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line, e.g. ``9 lessons, 31 exercises: all valid (38 checks run in 1.4 s)``."""
        counts = f"{_plural(self.lessons, 'lesson')}, {_plural(self.exercises, 'exercise')}"
        if self.graded:
            work = f"{_plural(self.checks_run, 'check')} run in {self.seconds:.1f} s"
        else:
            work = f"grading skipped, {self.seconds:.2f} s"
        if self.ok:
            return f"{counts}: all valid ({work})"
        return f"{counts}: {_plural(len(self.problems), 'problem')} ({work})"


def validate(
    path: str | Path,
    *,
    grade: bool = True,
    grader=None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ValidationReport:
    """Check the lessons under ``path`` (a folder, or one lesson file).

    ``grade``: run every code solution and starter through the grader (``grader``: a
    ``tutor.grader.Grader``; default: the shared one). ``progress(done, total, exercise_id)`` is
    called before each grading run. FileNotFoundError when ``path`` does not exist.
    """
    started = time.perf_counter()
    parsed = parse_lesson_files(path)
    problems: list[Problem] = [problem for result in parsed for problem in result.problems]
    code = [
        (result.path, block)
        for result in parsed
        for block in result.blocks
        if isinstance(block, Exercise) and block.kind == "code"
    ]
    exercises = sum(1 for result in parsed for block in result.blocks if isinstance(block, Exercise))

    gradable: list[tuple[Path, Exercise]] = []
    owners = _check_owners(code)
    # What an exercise that builds_on others is graded after: their solutions (the loader checked that
    # each is an earlier code exercise).
    solutions = {exercise.id: exercise.solution for _, exercise in code}
    if code:
        from tutor.grader import check_ids, has_check

        for file, exercise in code:
            before = len(problems)
            check = exercise.check or ""
            if not has_check(check):
                problems.append(
                    Problem(
                        file,
                        exercise.lines.get("check", exercise.line),
                        _unknown_check(check, check_ids()),
                    )
                )
            for key in ("solution", "starter"):
                problem = _syntax_problem(file, exercise, key)
                if problem is not None:
                    problems.append(problem)
            if len(problems) == before:
                gradable.append((file, exercise))

    checks_run = 0
    if grade and gradable:
        if grader is None:
            from tutor.grader import default_grader

            grader = default_grader()
        total = 2 * len(gradable)
        try:
            for file, exercise in gradable:
                for key, must_pass in (("solution", True), ("starter", False)):
                    if progress is not None:
                        progress(checks_run, total, exercise.id)
                    owner = owners.get(exercise.check or "")
                    other = owner if owner is not None and owner[1] is not exercise else None
                    problem = _grade_one(grader, file, exercise, key, must_pass, other, solutions)
                    checks_run += 1
                    if problem is not None:
                        problems.append(problem)
        except _GraderDown as down:
            # One line, not one per exercise: nothing else can be graded either.
            problems.append(
                Problem(
                    down.file,
                    down.line,
                    f"the grader could not run ({down.reason}): grading stopped; --no-grade checks the rest",
                )
            )

    problems = sorted(dict.fromkeys(problems), key=lambda problem: (str(problem.path), problem.line))
    return ValidationReport(
        path=Path(path),
        problems=problems,
        lessons=len(parsed),
        exercises=exercises,
        checks_run=checks_run,
        seconds=time.perf_counter() - started,
        graded=grade,
        files=[result.path for result in parsed],
    )


class _GraderDown(Exception):
    def __init__(self, file: Path, line: int, reason: str) -> None:
        super().__init__(reason)
        self.file, self.line, self.reason = file, line, reason


def _check_owners(code: list[tuple[Path, Exercise]]) -> dict[str, tuple[Path, Exercise]]:
    """Each check id and the exercise it belongs to: a check's id is the id of the exercise it grades."""
    owners: dict[str, tuple[Path, Exercise]] = {}
    for file, exercise in code:
        owners.setdefault(exercise.id, (file, exercise))
    return owners


def _grade_one(
    grader,
    file: Path,
    exercise: Exercise,
    key: str,
    must_pass: bool,
    other: tuple[Path, Exercise] | None = None,
    solutions: dict[str, str] | None = None,
) -> Problem | None:
    """Grade the solution (``must_pass``) or the starter; a problem at the line that needs the fix.
    An exercise that ``builds_on`` others is graded after their ``solutions``."""
    from tutor.grader import GraderUnavailable

    own = getattr(exercise, key)
    source = exercise.source_with(own, (solutions or {}).get) if exercise.builds_on else own
    # Lines of the graded file before the exercise's own code.
    before = len(source.splitlines()) - len(own.rstrip("\n").splitlines()) if exercise.builds_on else 0
    line = exercise.lines.get(key, exercise.line)
    filename = f"{exercise.id}-{key}.py"
    try:
        result = grader.grade(exercise.check, source, filename=filename, timeout=exercise.timeout)
    except GraderUnavailable as error:
        raise _GraderDown(file, line, str(error) or type(error).__name__) from error
    except Exception as error:  # the grader failed on this one: say so at the exercise, keep going
        return Problem(
            file, line, f"could not grade the {key} of {exercise.id!r}: {type(error).__name__}: {error}"
        )
    if result.passed:
        if must_pass:
            return None
        return Problem(
            file,
            line,
            f"the starter of {exercise.id!r} passes its check {exercise.check!r}: "
            "a starter must leave the work to the learner",
        )
    check_line = exercise.lines.get("check", exercise.line)
    if must_pass:
        passing = _passing_check(grader, exercise, source, filename)
        if passing is not None:
            return Problem(
                file,
                check_line,
                f"the solution of {exercise.id!r} fails check {exercise.check!r} but passes check "
                f"{passing!r}: write 'check: {passing}'",
            )
    if must_pass and other is not None:
        other_file, owner = other
        return Problem(
            file,
            check_line,
            f"check {exercise.check!r} is the check of exercise {owner.id!r} "
            f"({other_file.name}:{owner.line}), and the solution of {exercise.id!r} fails it: "
            "name this exercise's own check (`nntutor validate --checks` lists them)",
        )
    raised = _raised(result.traceback, filename)
    if raised is not None and (must_pass or not raised[1].startswith("NotImplementedError")):
        at, raised_error = raised
        at = max(at - before, 1)
        advice = "" if must_pass else ": a starter should run, leaving the work undone rather than broken"
        return Problem(
            file, line + at - 1, f"the {key} of {exercise.id!r} raises {raised_error} at this line{advice}"
        )
    if must_pass:
        return Problem(
            file,
            line,
            f"the solution of {exercise.id!r} fails its check {exercise.check!r}: "
            f"{_first_line(result.summary)}",
        )
    return None


def _passing_check(grader, exercise: Exercise, source: str, filename: str) -> str | None:
    """When a solution fails its check: the check it passes among those named like the exercise
    (a ``check:`` copied from another exercise), or None."""
    from tutor.grader import check_ids

    known = [check for check in check_ids() if check != exercise.check]
    candidates = [exercise.id] if exercise.id in known else []
    candidates += difflib.get_close_matches(exercise.id, known, n=2, cutoff=0.6)
    candidates += sorted((check for check in known if check in exercise.id), key=len, reverse=True)[:1]
    for check in dict.fromkeys(candidates):
        try:
            if grader.grade(check, source, filename=filename, timeout=exercise.timeout).passed:
                return check
        except Exception:  # the grader's own trouble is reported by the main run
            return None
    return None


_FRAME = re.compile(r'  File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _raised(traceback: str | None, filename: str) -> tuple[int, str] | None:
    """From a grader traceback: the line (in the learner's file) of the innermost frame of that file,
    and the error's last line (``NameError: name 'np' is not defined``)."""
    if not traceback:
        return None
    frames = [m for m in _FRAME.finditer(traceback) if m.group("file") == filename]
    text_lines = [line for line in traceback.strip().splitlines() if line.strip()]
    if not frames or not text_lines:
        return None
    return int(frames[-1].group("line")), text_lines[-1].strip()


def _syntax_problem(file: Path, exercise: Exercise, key: str) -> Problem | None:
    source = getattr(exercise, key) or ""
    try:
        compile(source, f"{exercise.id}-{key}.py", "exec", dont_inherit=True)
    except SyntaxError as error:
        first = exercise.lines.get(key, exercise.line)
        line = first + (error.lineno or 1) - 1
        return Problem(file, line, f"the {key} of {exercise.id!r} is not valid Python: {error.msg}")
    except ValueError as error:  # e.g. a NUL byte
        return Problem(
            file,
            exercise.lines.get(key, exercise.line),
            f"the {key} of {exercise.id!r} is not valid Python: {error}",
        )
    return None


def _unknown_check(check_id: str, known: list[str]) -> str:
    import difflib

    near = (
        difflib.get_close_matches(check_id, known, n=1, cutoff=0.6)
        or sorted((k for k in known if k in check_id or check_id in k), key=len, reverse=True)[:1]
    )
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"check {check_id!r} does not exist{hint}; `nntutor validate --checks` lists the checks there are"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text and text.strip() else ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
