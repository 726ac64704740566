"""The grading worker: a warm fork server (run as ``python -m tutor.grader.worker``).

It imports NumPy, the engine and every check once, then reads requests, one JSON object per line, on
stdin, and answers each with one JSON line on stdout. Each request runs in a freshly forked child with
resource limits (address space, core dumps, CPU time as a backstop), stdin from /dev/null, and stdout and
stderr captured through a pipe, capped and counted. The child is killed at the wall-clock deadline.
The worker exits when stdin closes, so it never outlives the app that started it.

Request:  {"check": "relu", "source": "...", "filename": "answer.py", "timeout": 5.0}
Response: {"result": {...CheckResult fields except duration_ms...}}
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import re
import resource
import select
import signal
import sys
import time

from tutor.grader import sandbox
from tutor.grader.limits import DEFAULT_TIMEOUT, MEMORY_LIMIT_BYTES, OUTPUT_CAP_BYTES
from tutor.grader.results import CheckResult
from tutor.grader.sandbox import FRAME_MARK

FRAMES_CAP_BYTES = 1 << 20

_SIGNAL_WORDS: dict[int, str] = {
    signal.SIGSEGV: "a segmentation fault (it touched memory it may not)",
    signal.SIGBUS: "a bus error (bad memory access)",
    signal.SIGABRT: "an abort",
    signal.SIGFPE: "a floating-point exception",
    signal.SIGILL: "an illegal instruction",
    signal.SIGXCPU: "running out of CPU time",
    signal.SIGKILL: "being killed from outside (often: the machine ran out of memory)",
}


def _load_checks() -> list[str]:
    """Import everything a child needs now, once, so no child pays for an import."""
    import ctypes  # noqa: F401 - used by _set_parent_death_signal in every child

    from tutor.grader.api import CHECKS
    from tutor.grader.registry import check_modules

    for module in check_modules():
        importlib.import_module(module)
    sandbox.warm_up()
    return sorted(CHECKS)


def _set_parent_death_signal() -> None:
    """Linux: the child is killed if the worker dies, so a looping child is never orphaned."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(request: dict, output_fd: int, channel_fd: int, close_fds: list[int]) -> None:
    """In the forked child: isolate, limit, run. Never returns."""
    status = 0
    try:
        os.setpgid(0, 0)
        _set_parent_death_signal()
        for fd in close_fds:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(devnull)
        os.close(output_fd)
        timeout = float(request["timeout"])
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu_seconds = int(timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        sandbox.run_in_child(request, channel_fd)
    except BaseException:
        status = 70
    finally:
        os._exit(status)


def run_check(request: dict, protocol_fds: list[int]) -> dict:
    """Fork a child for ``request``, collect its output and result, and always reap it."""
    timeout = float(request["timeout"])
    output_read, output_write = os.pipe()
    channel_read, channel_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(request, output_write, channel_write, [output_read, channel_read, *protocol_fds])
    os.close(output_write)
    os.close(channel_write)
    with contextlib.suppress(OSError):  # the child already did it (or already exited)
        os.setpgid(pid, pid)
    deadline = time.monotonic() + timeout
    output = bytearray()
    output_total = 0
    frames = bytearray()
    open_fds = {output_read, channel_read}
    timed_out = False
    status = None
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        if status is None and FRAME_MARK + b"result " in frames:
            # The child has reported; once it has exited, stop waiting for EOF, which a process it
            # forked (and that still holds the pipes) could delay until the deadline.
            reaped, wait_status = os.waitpid(pid, os.WNOHANG)
            if reaped:
                status = wait_status
                remaining = 0
            else:
                remaining = min(remaining, 0.01)
        ready, _, _ = select.select(list(open_fds), [], [], remaining)
        if not ready and status is not None:
            break
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            if fd == output_read:
                output_total += len(chunk)
                room = OUTPUT_CAP_BYTES - len(output)
                if room > 0:
                    output += chunk[:room]
            elif len(frames) < FRAMES_CAP_BYTES:
                frames += chunk
    # Kill the whole process group: the child if it is still running, and anything it started.
    kills = [lambda: os.killpg(pid, signal.SIGKILL)]
    if status is None:  # not reaped yet, so the pid is still ours
        kills.append(lambda: os.kill(pid, signal.SIGKILL))
    for kill in kills:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill()
    if status is None:
        _, status = os.waitpid(pid, 0)
    for fd in (output_read, channel_read):
        os.close(fd)
    return _response(request, bytes(output), output_total, bytes(frames), status, timed_out)


def _parse_frames(data: bytes) -> tuple[dict[str, list], str]:
    frames: dict[str, list] = {}
    loose = []
    for line in data.split(b"\n"):
        if line.startswith(FRAME_MARK):
            kind, _, payload = line[1:].partition(b" ")
            try:
                frames.setdefault(kind.decode(), []).append(json.loads(payload))
            except ValueError:
                continue
        elif line:
            loose.append(line.decode("utf-8", "replace"))
    return frames, "\n".join(loose)


def _learner_line(fault_text: str, filename: str, source: str) -> str:
    """'line 3: `while True:`' from faulthandler's text (innermost learner frame first)."""
    match = re.search(r'File "' + re.escape(filename) + r'", line (\d+)', fault_text)
    if not match:
        return ""
    number = int(match.group(1))
    lines = source.splitlines()
    code = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    return f"line {number}" + (f": `{code}`" if code else "")


def _response(
    request, output: bytes, output_total: int, frames_data: bytes, status: int, timed_out: bool
) -> dict:
    """The reply for one check: the child's result (or why there is none) with what it printed."""
    frames, fault_text = _parse_frames(frames_data)
    stdout = output.decode("utf-8", "replace")
    if output_total > len(output):
        stdout += f"\n[... {output_total - len(output):,} more bytes of output not shown]"
    if "result" in frames:
        result = CheckResult.from_json(frames["result"][-1])
    else:
        result = _death_result(request, frames, fault_text, status, timed_out, output_total)
    result.stdout = stdout
    return result.to_json(rendered=False)


def _death_result(request, frames, fault_text, status, timed_out, output_total) -> CheckResult:
    """A child that produced no result: timed out, crashed or exited early. Say which, and where."""
    exercise = request["check"]
    filename = request.get("filename") or "answer.py"
    where = _learner_line(fault_text, filename, request["source"])
    stage = (frames.get("stage") or [{"stage": "start"}])[-1]["stage"]
    case = frames["case"][-1]["name"] if "case" in frames and stage == "check" else None
    during = f" while checking the case \"{case}\"" if case else ""
    timeout = float(request["timeout"])
    details = []
    if timed_out:
        summary = f"Your code was still running after {timeout:g} s and was stopped{during}."
        if where:
            details.append(f"It was at {where}.")
        details.append(
            "Look for a loop whose condition never becomes false, or work far bigger than the inputs."
        )
        if output_total > OUTPUT_CAP_BYTES * 10:
            details.append(f"It also printed {output_total:,} bytes: is a print inside an endless loop?")
    elif os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        words = _SIGNAL_WORDS.get(signal_number, f"signal {signal_number}")
        summary = f"Your code crashed the Python process{during}: it ended with {words}."
        if where:
            details.append(f"The crash happened at {where}.")
        if signal_number == signal.SIGSEGV:
            details.append("Code using ctypes or writing to raw memory can do this; plain NumPy code cannot.")
    else:
        code = os.WEXITSTATUS(status)
        summary = f"Your code ended the process{during} (exit status {code}) before it could be checked."
        details.append(
            "os._exit() or a similar call stops Python at once. Remove it so your code runs to the end."
        )
    return CheckResult(exercise, False, summary, diagnosis=" ".join(details))


def main() -> int:
    # The protocol runs on private copies of fds 0 and 1; fd 1 then points at stderr, so a stray print
    # in the worker can never corrupt a response.
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    os.dup2(2, 1)
    requests = os.fdopen(protocol_in, "rb")
    responses = os.fdopen(protocol_out, "wb", buffering=0)
    checks = _load_checks()
    import numpy  # noqa: F401 - imported by the checks already; the children inherit it warm

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is for the app
    gc.collect()
    gc.freeze()  # fewer copy-on-write pages in each child
    os.chdir(_scratch_dir())
    responses.write(json.dumps({"ready": True, "checks": checks}).encode() + b"\n")
    while True:
        line = requests.readline()
        if not line:
            return 0  # the app closed our stdin (it exited or died)
        try:
            request = json.loads(line)
            request["timeout"] = float(request.get("timeout") or DEFAULT_TIMEOUT)
            result = run_check(request, [protocol_in, protocol_out])
            reply: dict = {"result": result}
        except Exception as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        responses.write(json.dumps(reply).encode() + b"\n")


def _scratch_dir() -> str:
    """An empty private folder to run in, so files a learner's code writes land nowhere important."""
    import atexit
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="nntutor-grader-")
    atexit.register(shutil.rmtree, path, True)
    return path


if __name__ == "__main__":
    sys.exit(main())
