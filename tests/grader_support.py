"""Finding the grader's processes in tests: the worker (the judge), its runner zygote, and anything
learner code left behind. Processes are found by a marker in their environment."""

from __future__ import annotations

import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

MARKER = f"NNTUTOR_GRADER_TEST={uuid.uuid4().hex}"


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def processes_with_marker() -> set[int]:
    """Live processes whose environment carries the marker: the worker and anything it started."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if MARKER.encode() in environ.split(b"\0"):
            fields = _stat_fields(entry.name)
            if fields and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it has stopped running)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def children(pid: int, *, zombies: bool = False) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(entry.name)
            if fields and int(fields[1]) == pid and (fields[0] == "Z") == zombies:
                found.append(int(entry.name))
    return found


def expected_processes(worker: int) -> set[int]:
    """The worker and its runner zygote: all that may run between checks."""
    return {worker, *children(worker)}


def assert_only_the_grader_runs(grader) -> None:
    worker = grader.worker_pid
    assert worker is not None
    runners = children(worker)
    assert len(runners) == 1, f"the worker should have one child (the runner), not {runners}"
    deadline = time.monotonic() + 3
    while processes_with_marker() != {worker, *runners} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with_marker() == {worker, *runners}
    assert children(worker, zombies=True) == []
    assert children(runners[0]) == [] and children(runners[0], zombies=True) == []


@contextmanager
def marked_environment():
    name, _, value = MARKER.partition("=")
    os.environ[name] = value  # inherited by the worker and its children, so we can find them
    try:
        yield
    finally:
        del os.environ[name]
