"""Judging one submission in the worker: drive the learner's process, run the check, write the verdict.

The learner's code runs in a confined process (:mod:`tutor.grader.runner`); the check, the expected
values, the tolerances and the comparison exist only here. What comes back from the learner's side is
data: values (:mod:`tutor.grader.wire`) and exceptions described as data, rebuilt here by
:func:`remote_exception` so that :mod:`tutor.grader.explain` can diagnose them as before.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import signal
import traceback
import zlib
from collections.abc import Callable

import numpy as np

from tutor.grader import explain, extras, recursion
from tutor.grader.api import CHECKS, StopCheck, Submission
from tutor.grader.limits import OUTPUT_CAP_BYTES
from tutor.grader.results import CheckResult
from tutor.grader.sandbox import LearnerGone, LearnerProcess, Runner

_SIGNAL_WORDS: dict[int, str] = {
    signal.SIGSEGV: "a segmentation fault (it touched memory it may not)",
    signal.SIGBUS: "a bus error (bad memory access)",
    signal.SIGABRT: "an abort",
    signal.SIGFPE: "a floating-point exception",
    signal.SIGILL: "an illegal instruction",
    signal.SIGXCPU: "running out of CPU time",
    signal.SIGKILL: "being killed from outside (often: the machine ran out of memory)",
}

_REBUILT: dict[tuple[str, str, str], type[BaseException]] = {}


def remote_exception(data: dict) -> BaseException:
    """An exception standing for the one the learner's code raised: same type name and message, its
    nearest built-in base (so ``isinstance(error, TypeError)`` still answers), and its traceback's
    frames as ``grader_frames`` (read by :mod:`tutor.grader.explain`)."""
    name = str(data.get("type") or "Exception")
    module = str(data.get("module") or "builtins")
    message = str(data.get("message") or "")
    base: type[BaseException] = Exception
    for candidate in data.get("bases") or []:
        found = getattr(builtins, str(candidate), None)
        if isinstance(found, type) and issubclass(found, BaseException) and found is not BaseException:
            base = found
            break
    key = (name, module, base.__name__)
    cls = _REBUILT.get(key)
    if cls is None:
        safe = re.sub(r"\W", "_", name) or "Exception"
        cls = type(
            safe, (base,), {"__str__": lambda self: self.args[0] if self.args else "", "__module__": module}
        )
        cls.__qualname__ = safe
        _REBUILT[key] = cls
    try:
        error = cls(message)
    except Exception:
        error = type(name, (Exception,), {"__module__": module})(message)
    if data.get("name") is not None:
        with contextlib.suppress(AttributeError):
            error.name = str(data["name"])  # type: ignore[attr-defined]
    if data.get("refused"):
        error.refused_by_grader = True  # type: ignore[attr-defined]
    if data.get("recursion") in (recursion.ENDLESS, recursion.TOO_DEEP):
        error.grader_recursion = data["recursion"]  # type: ignore[attr-defined]
    frames = []
    for item in data.get("frames") or []:
        if isinstance(item, list) and len(item) == 4:
            filename, lineno, function, line = item
            frames.append(
                traceback.FrameSummary(str(filename), int(lineno or 0), str(function), line=str(line))
            )
    error.grader_frames = frames  # type: ignore[attr-defined]
    return error


def stable_seed(exercise: str) -> int:
    return zlib.crc32(exercise.encode())


class Judgement:
    """One check: which stage it reached and which case ran (for a timeout or a crash)."""

    def __init__(self, request: dict, learner: LearnerProcess):
        self.exercise = request["check"]
        self.source = request["source"]
        self.filename = request.get("filename") or "answer.py"
        self.timeout = float(request["timeout"])
        self.learner = learner
        self.stage = "start"
        self.submission: Submission | None = None

    def run(self) -> CheckResult:
        explain.remember_source(self.filename, self.source)
        self.stage = "run"
        try:
            reply = self.learner.request(
                {"op": "exec", "source": self.source, "filename": self.filename, "timeout": self.timeout}
            )
        except LearnerGone as gone:
            if gone.reason != "stopped":
                raise
            # The check's output watch stopped the learner's code (its log already went wrong): end
            # the process now; the check reads what the watch saw and calls nothing in it.
            self.learner.close()
            reply = {"ok": True, "names": []}
        else:
            self.learner.drain()  # the watch has seen every line printed before the reply
        failure = self._exec_failure(reply)
        if failure is not None:
            return failure
        self.stage = "check"
        names = {str(name): None for name in reply.get("names", []) if isinstance(name, str)}
        submission = Submission(
            self.exercise,
            self.learner,
            self.filename,
            np.random.default_rng(stable_seed(self.exercise)),
            names,
        )
        self.submission = submission
        try:
            CHECKS[self.exercise](submission)
        except StopCheck:
            pass
        except Exception as error:
            sentence = (
                f"The check for {self.exercise} itself failed ({type(error).__name__}: {error}). This is a "
                "bug in nntutor, not in your answer."
            )
            return _failure(self.exercise, sentence)
        return _submission_result(self.exercise, submission)

    def _exec_failure(self, reply: dict) -> CheckResult | None:
        exercise = self.exercise
        if "syntax" in reply:
            msg, filename, lineno, offset, text, end_lineno, end_offset = reply["syntax"]
            syntax = SyntaxError(msg, (filename, lineno, offset, text, end_lineno, end_offset))
            where = f" on line {lineno}" if lineno else ""
            sentence = f"Python could not read your code: there is a syntax error{where}."
            return _failure(exercise, sentence, traceback=explain.syntax_error_text(syntax))
        if "unreadable" in reply:
            return _failure(exercise, f"Python could not read your code: {reply['unreadable']}.")
        if "exit" in reply:
            code_text = reply["exit"] or ""
            sentence = (
                f"Your code called sys.exit({code_text}) (or exit()). Remove it: the grader needs your "
                "code to run to the end so it can check the names it defines."
            )
            return _failure(exercise, sentence)
        if "error" in reply:
            error = remote_exception(reply["error"])
            namespace = {str(name): None for name in reply.get("names", [])}
            trace = explain.learner_traceback(error, self.filename)
            line = explain.last_learner_line(error, self.filename)
            where = f" on line {line}" if line else ""
            sentence = f"Your code raised {type(error).__name__}{where} before anything could be checked."
            if isinstance(error, ImportError) and getattr(error, "refused_by_grader", False):
                sentence = (
                    f"Your code imports nntutor's own {(getattr(error, 'name', '') or '').partition('.')[0]}"
                    f"{where}. Graded code may not use it: write this part yourself with NumPy."
                )
            explanation = explain.explain_exception(error, namespace, filename=self.filename)
            diagnosis = [explanation] if trace else [f"{type(error).__name__}: {error}", explanation]
            return _failure(exercise, sentence, "\n\n".join(filter(None, diagnosis)), traceback=trace)
        if not reply.get("ok"):
            return _failure(exercise, "The grader could not read what your code's process sent back.")
        return None

    def death_result(
        self, gone: LearnerGone, status: int | None, output_total: int, fault_text: str
    ) -> CheckResult:
        """The learner's process produced no answer: timed out, crashed, exited early or sent garbage."""
        where = _learner_line(fault_text, self.filename, self.source)
        case = self.submission.current_case if self.submission is not None and self.stage == "check" else None
        during = f' while checking the case "{case}"' if case else ""
        details = []
        if gone.reason == "timeout":
            summary = f"Your code was still running after {self.timeout:g} s and was stopped{during}."
            if where:
                details.append(f"It was at {where}.")
            details.append(
                "Look for a loop whose condition never becomes false, or work far bigger than the inputs."
            )
            if output_total > OUTPUT_CAP_BYTES * 10:
                details.append(f"It also printed {output_total:,} bytes: is a print inside an endless loop?")
        elif gone.reason == "garbage":
            summary = f"Your code wrote to the grader's channel{during}, so its answer could not be read."
            details.append(
                "Graded code talks to the grader only by returning values. Remove the code that writes to file descriptors."
            )
        elif status is not None and os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            words = _SIGNAL_WORDS.get(number, f"signal {number}")
            summary = f"Your code crashed the Python process{during}: it ended with {words}."
            if where:
                details.append(f"The crash happened at {where}.")
            if number == signal.SIGSEGV:
                details.append(
                    "Code using ctypes or writing to raw memory can do this; plain NumPy code cannot."
                )
        else:
            code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else "unknown"
            summary = f"Your code ended the process{during} (exit status {code}) before it could be checked."
            details.append(
                "os._exit() or a similar call stops Python at once. Remove it so your code runs to the end."
            )
        return CheckResult(self.exercise, False, summary, diagnosis=" ".join(details))


def judge(request: dict, runner: Runner, on_output: Callable[[str], None] | None = None) -> dict:
    """Grade one request: the reply the worker sends (a result as JSON, without ``feedback``).

    ``on_output(line)`` is called with each complete line the learner's code prints, as it prints it
    (the worker passes them on to the app)."""
    gone: LearnerGone | None = None
    # The watch is made first: it may prepare what it compares with (before the time limit starts).
    with extras.collecting(request["check"]) as collected:
        learner = runner.launch(float(request["timeout"]))
        judgement = Judgement(request, learner)
        learner.on_line = _line_handler(on_output, collected.watch)
        try:
            result = judgement.run()
            if not learner.closed:
                learner.request({"op": "finish"})  # its output is all written once it answers
        except LearnerGone as error:
            gone = error
        finally:
            learner.close()
    if gone is not None:
        result = judgement.death_result(gone, learner.status, learner.output_total, learner.trace_text())
    else:
        result.gradient_check = collected.gradient_check
        result.trained = collected.trained
    result.stdout = learner.stdout_text()
    return result.to_json(rendered=False)


def _line_handler(
    on_output: Callable[[str], None] | None, watch: extras.OutputWatch | None
) -> Callable[[str], bool] | None:
    """What the learner process calls with each printed line: pass it on, show it to the watch
    (whose True stops the learner's code)."""
    if on_output is None and watch is None:
        return None

    def handle(line: str) -> bool:
        if on_output is not None:
            on_output(line)
        if watch is not None and not watch.stopped and watch.line(line):
            watch.stopped = True
            return True
        return False

    return handle


def _learner_line(fault_text: str, filename: str, source: str) -> str:
    """'line 3: `while True:`' from faulthandler's text (innermost learner frame first)."""
    match = re.search(r'File "' + re.escape(filename) + r'", line (\d+)', fault_text)
    if not match:
        return ""
    number = int(match.group(1))
    lines = source.splitlines()
    code = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    return f"line {number}" + (f": `{code}`" if code else "")


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
    if failure is None:
        return _failure(exercise, "The check ran no case. This is a bug in nntutor, not in your answer.")
    failing = next(case for case in submission.cases if not case.passed)
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
