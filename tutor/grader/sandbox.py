"""The judge's handle on the learner's side: the runner zygote and one check's learner process.

:class:`Runner` starts ``python -m tutor.grader.runner`` (which imports no check, no engine and no
grader API) and asks it for a confined process per check. :class:`LearnerProcess` is the judge's end of
that process: requests go out on the RPC socket and replies (values only, :mod:`tutor.grader.wire`) come
back, while the learner's printed output and faulthandler's text (where a crash or a timeout happened)
are collected from their own pipes. The judge never runs learner code and never unpickles anything.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tutor.grader import wire
from tutor.grader.limits import OUTPUT_CAP_BYTES, STARTUP_TIMEOUT, STREAM_CAP_BYTES

TRACE_CAP_BYTES = 1 << 20
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class LearnerGone(BaseException):
    """The learner's process stopped answering: ``reason`` is "timeout", "ended" or "garbage", or
    "stopped" when the judge's ``on_line`` asked to stop it (a training log that went wrong).

    A BaseException, so a check's ``except Exception`` cannot swallow it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Runner:
    """The warm zygote that forks learner processes (started once per worker, restarted if it dies)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.support: dict = {}

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {
            key: value for key, value in os.environ.items() if key not in ("NNTUTOR_HOME", "PYTHONSTARTUP")
        }
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor.grader.runner", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("NNTUTOR_GRADER_DEBUG") else subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
            env=env,
            cwd=os.getcwd(),
        )
        theirs.close()
        self.control = ours
        reply = wire.Reader(ours.fileno()).receive(time.monotonic() + STARTUP_TIMEOUT)
        if not reply or not reply.get("ready"):
            self.stop()
            raise RuntimeError("the learner-side runner did not start")
        self.support = reply.get("support", {})

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def _ask(self, message: dict, fds: list[int] = ()) -> dict:  # type: ignore[assignment]
        assert self.control is not None
        data = wire.pack(message)
        socket.send_fds(self.control, [data], list(fds))
        reply = wire.Reader(self.control.fileno()).receive(time.monotonic() + 30)
        if reply is None:
            raise RuntimeError("the learner-side runner stopped")
        return reply

    def launch(self, timeout: float) -> LearnerProcess:
        """A confined learner process for one check (prepared ahead by the runner); its deadline starts now."""
        self.start()
        assert self.control is not None
        deadline = time.monotonic() + timeout
        socket.send_fds(self.control, [wire.pack({"op": "start"})], [])
        data, fds, _flags, _address = socket.recv_fds(self.control, 1 << 16, 4)
        if len(fds) != 3 or not data:
            for fd in fds:
                os.close(fd)
            raise RuntimeError("the learner-side runner did not hand over a process")
        rpc, output, trace = fds
        return LearnerProcess(self, socket.socket(fileno=rpc), output, trace, deadline)

    def end(self, grace: float = 0.0) -> int | None:
        """Kill the current learner process and all it started (after ``grace`` seconds to end by
        itself); its wait status."""
        try:
            reply = self._ask({"op": "end", "grace": grace})
        except (OSError, RuntimeError):
            self.stop()
            return None
        status = reply.get("status")
        return status if isinstance(status, int) else None


class LearnerProcess:
    """The judge's end of one check's learner process.

    ``on_line``, when set, is called with each complete line the learner's code prints, as it arrives
    (up to ``limits.STREAM_CAP_BYTES``); returning True stops the learner's code: the request in
    progress raises :class:`LearnerGone` ("stopped").
    """

    def __init__(self, runner: Runner, rpc: socket.socket, output: int, trace: int, deadline: float):
        self.runner = runner
        self.rpc = rpc
        self.reader = wire.Reader(rpc.fileno())
        self.output_fd = output
        self.trace_fd = trace
        self.deadline = deadline
        self.output = bytearray()
        self.output_total = 0
        self.trace = bytearray()
        self.status: int | None = None
        self._open = {output, trace}
        self.on_line: Callable[[str], bool | None] | None = None
        self.stop_requested = False
        self.closed = False
        self._partial = b""
        self._streamed = 0

    def request(self, message: dict) -> dict:
        """Send ``message`` and wait for the reply; :class:`LearnerGone` if none comes in time."""
        try:
            wire.send(self.rpc.fileno(), message)
        except OSError:
            raise LearnerGone("ended") from None
        while True:
            try:
                reply = self.reader.message()
            except wire.WireError:
                raise LearnerGone("garbage") from None
            if reply is not None:
                return reply
            if self.reader.closed:
                raise LearnerGone("ended")
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise LearnerGone("timeout")
            ready, _, _ = select.select([self.rpc.fileno(), *self._open], [], [], remaining)
            for fd in ready:
                if fd == self.rpc.fileno():
                    try:
                        self.reader.feed()
                    except (OSError, wire.WireError):
                        raise LearnerGone("garbage") from None
                else:
                    self._collect(fd)
            if self.stop_requested:
                raise LearnerGone("stopped")

    def _collect(self, fd: int) -> None:
        chunk = os.read(fd, 65536)
        if not chunk:
            self._open.discard(fd)
        elif fd == self.output_fd:
            self.output_total += len(chunk)
            room = OUTPUT_CAP_BYTES - len(self.output)
            if room > 0:
                self.output += chunk[:room]
            if self.on_line is not None and not self.stop_requested:
                self._pass_lines(chunk)
        elif len(self.trace) < TRACE_CAP_BYTES:
            self.trace += chunk

    def _pass_lines(self, chunk: bytes) -> None:
        """Hand each complete line of output to ``on_line`` (within ``STREAM_CAP_BYTES``)."""
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        if len(self._partial) > STREAM_CAP_BYTES:
            self._partial = b""  # one endless line: nothing to pass on
        for raw in lines:
            self._streamed += len(raw) + 1
            if self._streamed > STREAM_CAP_BYTES:
                self.on_line = None
                return
            assert self.on_line is not None
            if self.on_line(raw.decode("utf-8", "replace").rstrip("\r")):
                self.stop_requested = True
                return

    def close(self) -> None:
        """End the process (and everything it started), keep its status, read what is left to read.
        Closing again does nothing."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self.rpc.shutdown(socket.SHUT_RDWR)
        # It closed its end (it exited, say): give it a moment to finish, so its exit status is its own.
        self.status = self.runner.end(grace=0.5 if self.reader.closed else 0.0)
        # Everything is dead now: what is still in the pipes is all there is.
        self.drain()
        self.on_line = None
        for fd in (self.output_fd, self.trace_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.rpc.close()

    def drain(self) -> None:
        """Read the output and trace that are already in the pipes (without waiting)."""
        while self._open:
            ready, _, _ = select.select(list(self._open), [], [], 0)
            if not ready:
                break
            for fd in ready:
                self._collect(fd)

    def stdout_text(self) -> str:
        text = self.output.decode("utf-8", "replace")
        if self.output_total > len(self.output):
            text += f"\n[... {self.output_total - len(self.output):,} more bytes of output not shown]"
        return text

    def trace_text(self) -> str:
        return self.trace.decode("utf-8", "replace")
