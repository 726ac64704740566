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


def _grader_tree(worker: int) -> tuple[set[int], bool]:
    """The processes that may run between checks, and whether the tree has the expected shape: the
    worker; its runner zygote; the runner's one spare process, prepared for the next check; and that
    spare's one child (the first process of the next check's PID namespace, where there is one)."""
    runners = children(worker)
    tree = {worker, *runners}
    shape = len(runners) == 1
    for runner in runners:
        spares = children(runner)
        tree.update(spares)
        shape = shape and len(spares) <= 1
        for spare in spares:
            firsts = children(spare)
            tree.update(firsts)
            shape = shape and len(firsts) <= 1 and all(children(first) == [] for first in firsts)
    return tree, shape


def assert_only_the_grader_runs(grader, others=()) -> None:
    """Only the grader's own processes run (nothing learner code started), and no zombie is left.
    ``others``: other live Graders of the test, whose own processes are left out."""
    worker = grader.worker_pid
    assert worker is not None
    deadline = time.monotonic() + 3
    while True:  # the spare for the next check may be starting: wait until the picture is stable
        tree, shape = _grader_tree(worker)
        found = processes_with_marker()
        for other in others:
            found -= _grader_tree(other.worker_pid)[0] if other.worker_pid else set()
        if (shape and found == tree and _grader_tree(worker)[0] == tree) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert shape, f"a process outlived its check: {[(pid, children(pid)) for pid in sorted(tree)]}"
    assert found == tree
    assert all(children(pid, zombies=True) == [] for pid in tree)


@contextmanager
def marked_environment():
    name, _, value = MARKER.partition("=")
    previous = os.environ.get(name)
    os.environ[name] = value  # inherited by the worker and its children, so we can find them
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
