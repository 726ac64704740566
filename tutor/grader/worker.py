"""The grading worker, the judge (run as ``python -m tutor.grader.worker``).

It imports NumPy, the engine and every check once, starts the learner-side runner
(:mod:`tutor.grader.runner`, which imports none of them), then reads requests, one JSON object per line,
on stdin, and answers each with one JSON line on stdout. For each request the runner forks a confined
process that runs the learner's code; the check runs here and talks to it through values only
(:mod:`tutor.grader.judge`). Learner code never runs in this process. The worker exits when stdin
closes, so it never outlives the app that started it.

Request:  {"check": "relu", "source": "...", "filename": "answer.py", "timeout": 5.0}
Response: {"result": {...CheckResult fields except duration_ms...}}, preceded by one
          {"output": "a line"} for each complete line the learner's code printed, as it printed it.
A request without "timeout" gets the check's own time limit (``limits.check_timeout``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import sys

from tutor.grader.limits import check_timeout
from tutor.grader.results import CheckResult


def _load_checks() -> list[str]:
    """Import every check now, once."""
    from tutor.grader.api import CHECKS
    from tutor.grader.registry import check_modules

    for module in check_modules():
        importlib.import_module(module)
    return sorted(CHECKS)


def main() -> int:
    # The protocol runs on private copies of fds 0 and 1; fd 1 then points at stderr, so a stray print
    # in the worker can never corrupt a response.
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.set_inheritable(protocol_in, False)
    os.set_inheritable(protocol_out, False)
    requests = os.fdopen(protocol_in, "rb")
    responses = os.fdopen(protocol_out, "wb", buffering=0)
    checks = _load_checks()
    from tutor.grader.judge import judge
    from tutor.grader.sandbox import Runner

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is for the app
    os.chdir(_scratch_dir())
    runner = Runner()
    runner.start()
    gc.collect()
    responses.write(
        json.dumps({"ready": True, "checks": checks, "confinement": runner.support}).encode() + b"\n"
    )
    try:
        while True:
            line = requests.readline()
            if not line:
                return 0  # the app closed our stdin (it exited or died)
            try:
                request = json.loads(line)
                request["timeout"] = float(request.get("timeout") or check_timeout(str(request.get("check"))))
                reply: dict = {"result": _judge_or_fail(judge, request, runner, _emitter(responses))}
            except Exception as error:
                reply = {"error": f"{type(error).__name__}: {error}"}
            responses.write(json.dumps(reply).encode() + b"\n")
    finally:
        runner.stop()


def _emitter(responses):
    """Write each printed line of the learner's code to the app as it comes: {"output": line}."""

    def emit(line: str) -> None:
        with contextlib.suppress(OSError):  # the app is gone; the worker ends when it reads EOF
            responses.write(json.dumps({"output": line}).encode() + b"\n")

    return emit


def _judge_or_fail(judge, request: dict, runner, on_output=None) -> dict:
    try:
        return judge(request, runner, on_output)
    except (OSError, RuntimeError):
        # The runner died (learner code cannot reach it, so this is rare): start a new one next time.
        runner.stop()
        result = CheckResult(
            request["check"],
            False,
            "The grader stopped while checking your code (its process ended or stopped answering).",
            diagnosis="It will restart for the next check.",
        )
        return result.to_json(rendered=False)


def _scratch_dir() -> str:
    """An empty private folder to run in (the runner makes one per check below its own)."""
    import atexit
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="nntutor-grader-")
    atexit.register(shutil.rmtree, path, True)
    return path


if __name__ == "__main__":
    sys.exit(main())
