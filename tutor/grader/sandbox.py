"""What happens inside one grading child process: run the learner's code, then the check.

The worker (``tutor.grader.worker``) forks a fresh child per check and calls :func:`run_in_child` in it,
with stdout and stderr already pointing at the output pipe and ``channel_fd`` at the result pipe. The
child reports on the result pipe in frames, one per line, each starting with ``FRAME_MARK``:
``stage``/``case`` frames say what is running (so a timeout or crash can say where), and the final
``result`` frame holds the outcome. Anything else on that pipe is faulthandler's text (a crash, or the
traceback dumped just before the time limit).
"""

from __future__ import annotations

import builtins
import faulthandler
import io
import json
import os
import sys
import zlib

import numpy as np

from tutor.grader import explain
from tutor.grader.api import CHECKS, StopCheck, Submission
from tutor.grader.results import CheckResult

FRAME_MARK = b"\x1e"

# Learner code may not import the project itself: the exercises are about writing these pieces.
REFUSED_PACKAGES = ("engine", "tutor")


def _refusal(name: str) -> ImportError:
    error = ImportError(
        f"`import {name}` is refused: nntutor's own code is not available to your answers. "
        "Write this part yourself (with NumPy); that is the exercise.",
        name=name,
    )
    error.refused_by_grader = True  # type: ignore[attr-defined]  # read by explain_exception
    return error


def guarded_builtins() -> dict:
    """A copy of the builtins whose ``__import__`` refuses the project's packages."""
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.partition(".")[0] in REFUSED_PACKAGES:
            raise _refusal(name)
        return real_import(name, globals, locals, fromlist, level)

    names = dict(vars(builtins))
    names["__import__"] = guarded_import
    return names


class _RefuseProjectFinder:
    """Meta-path finder that refuses the project's packages (catches importlib.import_module too)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in REFUSED_PACKAGES:
            raise _refusal(name)
        return None


def hide_project_modules() -> None:
    """Take the project's modules out of sys.modules so no import path can reach them.

    The check code already holds references to what it needs, so it keeps working.
    """
    for name in list(sys.modules):
        if name.partition(".")[0] in REFUSED_PACKAGES:
            del sys.modules[name]
    sys.meta_path.insert(0, _RefuseProjectFinder())


class Channel:
    """Frames to the worker on the result pipe."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, kind: str, payload: dict) -> None:
        data = FRAME_MARK + kind.encode() + b" " + json.dumps(payload).encode() + b"\n"
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


def redirect_standard_streams() -> None:
    """Fresh unbuffered text streams on fds 0-2 (a print just before os._exit is not lost)."""
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (the process keeps it until it ends)
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
    )


def run_in_child(request: dict, channel_fd: int) -> None:
    """Run the learner's code and the check; send the ``result`` frame. Never raises."""
    channel = Channel(channel_fd)
    exercise = request["check"]
    source = request["source"]
    filename = request.get("filename") or "answer.py"
    timeout = float(request["timeout"])
    faulthandler.enable(file=channel_fd, all_threads=False)
    # Just before the worker's deadline, write where the code is: the timeout message can then point
    # at the learner's line that was still running.
    faulthandler.dump_traceback_later(max(timeout - min(0.3, timeout * 0.1), 0.05), file=channel_fd)
    redirect_standard_streams()
    hide_project_modules()
    channel.send("stage", {"stage": "compile"})
    try:
        result = grade_source(exercise, source, filename, channel)
    except Exception as error:
        sentence = (
            f"The grader itself failed while checking your code ({type(error).__name__}: {error}). "
            "This is a bug in nntutor, not in your answer."
        )
        result = _failure(exercise, sentence)
    faulthandler.cancel_dump_traceback_later()
    sys.stdout.flush()
    sys.stderr.flush()
    channel.send("result", result.to_json(rendered=False))


def grade_source(exercise: str, source: str, filename: str, channel: Channel) -> CheckResult:
    """Compile and run ``source``, then the check for ``exercise``."""
    explain.remember_source(filename, source)
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        text = explain.syntax_error_text(error)
        where = f" on line {error.lineno}" if error.lineno else ""
        sentence = f"Python could not read your code: there is a syntax error{where}."
        return _failure(exercise, sentence, traceback=text)
    except ValueError as error:  # e.g. a null byte in the source
        sentence = f"Python could not read your code: {error}."
        return _failure(exercise, sentence)
    except (RecursionError, MemoryError):
        sentence = "Python could not read your code: it is nested too deeply."
        return _failure(exercise, sentence)

    namespace = {"__name__": "__main__", "__file__": filename, "__builtins__": guarded_builtins()}
    channel.send("stage", {"stage": "run"})
    try:
        with np.errstate(all="warn"):
            exec(code, namespace)
    except SystemExit as error:
        code_text = "" if error.code is None else repr(error.code)
        sentence = (
            f"Your code called sys.exit({code_text}) (or exit()). Remove it: the grader needs your "
            "code to run to the end so it can check the names it defines."
        )
        return _failure(exercise, sentence)
    except BaseException as error:
        trace = explain.learner_traceback(error, filename)
        line = explain.last_learner_line(error, filename)
        where = f" on line {line}" if line else ""
        sentence = f"Your code raised {type(error).__name__}{where} before anything could be checked."
        if isinstance(error, ImportError) and getattr(error, "refused_by_grader", False):
            sentence = (
                f"Your code imports nntutor's own {(error.name or '').partition('.')[0]}{where}. Graded code "
                "may not use it: write this part yourself with NumPy."
            )
        explanation = explain.explain_exception(error, namespace, filename=filename)
        # Without a frame of the learner's there is no traceback to show: the exception line says it.
        diagnosis = [explanation] if trace else [f"{type(error).__name__}: {error}", explanation]
        return _failure(exercise, sentence, "\n\n".join(filter(None, diagnosis)), traceback=trace)

    channel.send("stage", {"stage": "check"})
    # Seeded by the exercise: a learner sees the same cases, and the same first failure, every time.
    submission = Submission(exercise, namespace, filename, np.random.default_rng(_stable_seed(exercise)))
    submission.progress = lambda name: channel.send("case", {"name": name})
    try:
        CHECKS[exercise](submission)
    except StopCheck:
        pass
    except Exception as error:
        sentence = (
            f"The check for {exercise} itself failed ({type(error).__name__}: {error}). This is a "
            "bug in nntutor, not in your answer."
        )
        return _failure(exercise, sentence)
    return _submission_result(exercise, submission)


def _stable_seed(exercise: str) -> int:
    return zlib.crc32(exercise.encode())


class _Silent(Channel):
    def __init__(self) -> None:
        super().__init__(-1)

    def send(self, kind: str, payload: dict) -> None:
        pass


def warm_up() -> None:
    """Grade one answer in the worker itself, so that lazy imports and first-call set-up (NumPy's
    random module, say) happen once here instead of in every child."""
    grade_source(
        "relu", "def relu(inputs):\n    return [max(0, x) for x in inputs]\n", "warm-up.py", _Silent()
    )


def _failure(exercise: str, summary: str, diagnosis: str = "", traceback: str | None = None) -> CheckResult:
    return CheckResult(exercise, False, summary, diagnosis=diagnosis, traceback=traceback)


def _submission_result(exercise: str, submission: Submission) -> CheckResult:
    """The result of a check that ran: every case, and the first failure's sentence as the diagnosis."""
    total = len(submission.cases)
    passed_count = sum(case.passed for case in submission.cases)
    failure = submission.first_failure
    if failure is None and total:
        summary = f"Passed: all {total} cases are right." if total > 1 else "Passed: the answer is right."
        return CheckResult(exercise, True, summary, cases=submission.cases)
    failing = next(case for case in submission.cases if not case.passed)
    assert failure is not None
    if passed_count == 0 and total == 1:
        summary = failure.sentence.split(". ")[0].rstrip(".") + "."
    else:
        summary = f"Not yet: {passed_count} of {total} cases passed; first failure: {failing.name}."
    return CheckResult(
        exercise,
        False,
        summary,
        diagnosis=failure.sentence,
        cases=submission.cases,
        traceback=failure.traceback,
    )
