"""The app's side of grading: :class:`Grader` talks to the warm worker process.

This module imports no NumPy: the app starts fast, and the learner's code never runs in the app's process.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grader.limits import DEFAULT_TIMEOUT, MAX_TIMEOUT, REPLY_MARGIN, STARTUP_TIMEOUT, check_timeout
from tutor.grader.registry import check_ids, has_check
from tutor.grader.results import CheckResult

if TYPE_CHECKING:
    import subprocess

# DEFAULT_TIMEOUT and MAX_TIMEOUT are read from here by the CLI (their home is limits).
__all__ = ["DEFAULT_TIMEOUT", "MAX_TIMEOUT", "Grader", "GraderUnavailable", "default_grader", "grade"]

# Limit BLAS and friends to one thread: a forked child must not inherit half-started thread pools,
# and two cores are shared by the app, the worker and the learner's code.
_SINGLE_THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}


# The folder holding the tutor and engine packages (a source checkout, or site-packages).
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class GraderUnavailable(RuntimeError):
    """The worker process could not be started."""


def _worker_environment() -> dict:
    env = dict(os.environ)
    env.update(_SINGLE_THREAD_ENV)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
    return env


def _stop_process(process) -> None:
    """Close the worker's stdin (it exits on EOF), then make sure it is gone and reaped."""
    if process is None:
        return
    with contextlib.suppress(OSError):
        process.stdin.close()
    import subprocess  # already loaded: it started the process

    try:
        process.wait(timeout=2)  # it exits on EOF after any check in progress; do not wait long
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(OSError):
        process.stdout.close()


class Grader:
    """Grades learner code in a sandboxed, warm worker process.

    The worker starts on first use (or on :meth:`start`) and is restarted if it dies. ``grade`` blocks
    and is safe to call from several threads (requests are served one at a time); in the app, call it
    from a worker thread. :meth:`close` stops the worker; it also runs at interpreter exit.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._finalizer: weakref.finalize | None = None
        self._confinement: dict = {}
        self._buffer = b""

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker now (it otherwise starts on the first ``grade``)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._stop()
            import subprocess

            process = subprocess.Popen(
                [sys.executable, "-m", "tutor.grader.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None if os.environ.get("NNTUTOR_GRADER_DEBUG") else subprocess.DEVNULL,
                env=_worker_environment(),
                # `python -m` puts the working directory first on sys.path: never the learner's folder,
                # where a file named numpy.py or engine.py would shadow the real one.
                cwd=_PROJECT_ROOT,
                close_fds=True,
            )
            self._process = process
            self._buffer = b""
            self._finalizer = weakref.finalize(self, _stop_process, process)
            reply = self._read_reply(time.monotonic() + STARTUP_TIMEOUT)
            if not reply or not reply.get("ready"):
                self._stop()
                raise GraderUnavailable("the grading worker did not start")
            self._confinement = dict(reply.get("confinement") or {})

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id while it runs (for tests and diagnostics)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def confinement(self) -> dict:
        """What confines learner code on this machine (starts the worker): ``landlock`` (the ABI version
        applied, 0 for none), ``network`` ("netns", "userns+netns" or "" for none), ``pid_namespace`` and
        ``subreaper`` (booleans). docs/grader-security.md says what each guarantees."""
        self.start()
        return dict(self._confinement)

    def close(self) -> None:
        """Stop the worker process. The Grader can still be used: it starts a new worker when needed."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # runs _stop_process once
            self._finalizer = None
        self._process = None
        self._buffer = b""

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- grading ------------------------------------------------------------------------------------

    def grade(
        self,
        check_id: str,
        source: str,
        *,
        filename: str = "answer.py",
        timeout: float | None = None,
        on_output: Callable[[str], object] | None = None,
    ) -> CheckResult:
        """Run ``source`` (the learner's whole file) in a fresh sandboxed process and check it.

        ``timeout`` is the wall-clock limit in seconds (default: the check's own limit,
        ``limits.check_timeout``). ``on_output(line)`` is called in this thread with each complete
        line the learner's code prints, while the check runs (the result's ``stdout`` has them too, up to
        its cap); an exception it raises is raised again once the result has been read. Raises
        ``ValueError`` for an unknown check id; every problem with the learner's code is a failed
        :class:`CheckResult` instead.
        """
        if not has_check(check_id):
            import difflib

            close = difflib.get_close_matches(check_id, check_ids(), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"no check named {check_id!r}{hint}")
        if timeout is None:
            timeout = check_timeout(check_id)
        timeout = float(timeout)
        if not 0 < timeout <= MAX_TIMEOUT:
            raise ValueError(f"timeout must be between 0 and {MAX_TIMEOUT:g} seconds, not {timeout:g}")
        request = {"check": check_id, "source": source, "filename": filename, "timeout": timeout}
        started = time.perf_counter()
        listener = _Listener(on_output)
        with self._lock:
            self.start()
            reply = self._exchange(request, time.monotonic() + timeout + REPLY_MARGIN, listener)
        duration_ms = (time.perf_counter() - started) * 1000
        if reply is None:
            result = CheckResult(
                exercise=check_id,
                passed=False,
                summary="The grader stopped while checking your code (its process ended or stopped answering).",
                diagnosis=(
                    "It will restart for the next check. If this keeps happening with this answer, look "
                    "for code that signals or kills other processes."
                ),
            )
        elif "error" in reply:
            raise RuntimeError(f"grading worker error: {reply['error']}")
        else:
            result = CheckResult.from_json(reply["result"])
        result.duration_ms = duration_ms
        listener.raise_failure()
        return result

    def _exchange(self, request: dict, deadline: float, listener: _Listener) -> dict | None:
        process = self._process
        assert process is not None and process.stdin is not None  # start() ran
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError):
            self._stop()
            return None
        while True:
            reply = self._read_reply(deadline)
            if reply is None:
                self._stop()
                return None
            if "output" in reply and len(reply) == 1:
                listener(str(reply["output"]))
                continue
            return reply

    def _read_reply(self, deadline: float) -> dict | None:
        """One JSON line from the worker, or None if it died or missed the deadline."""
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)


class _Listener:
    """Calls ``on_output`` with each printed line; keeps its first exception to raise after the reply
    (the worker's reply must still be read, or the next grading would read this one's)."""

    def __init__(self, on_output: Callable[[str], object] | None) -> None:
        self.on_output = on_output
        self.failure: BaseException | None = None

    def __call__(self, line: str) -> None:
        if self.on_output is None:
            return
        try:
            self.on_output(line)
        except Exception as error:
            self.failure = error
            self.on_output = None

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


_default_grader: Grader | None = None
_default_lock = threading.Lock()


def default_grader() -> Grader:
    """The shared Grader of this process (its worker stops when the process exits)."""
    global _default_grader
    with _default_lock:
        if _default_grader is None:
            _default_grader = Grader()
        return _default_grader


def grade(check_id: str, source: str, **options) -> CheckResult:
    """``default_grader().grade(...)``."""
    return default_grader().grade(check_id, source, **options)
