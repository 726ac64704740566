"""``nntutor watch``: the workspace files, the session's keys and saves, and the real command driven in
tmux (and through a pipe)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console
from tmux_support import HAVE_TMUX, NNTUTOR, Tmux

from tutor.commands.watch import Graded, WatchSession
from tutor.curriculum import load_curriculum
from tutor.grader.results import CheckResult
from tutor.paths import LESSONS_DIR
from tutor.store import Status, Store
from tutor.workspace import HEADER_END, code_of, layout, newer_draft, sync, take_draft

# How many code exercises the shipped lessons have: the watch screen counts them.
CODE_EXERCISES = sum(exercise.kind == "code" for exercise in load_curriculum(LESSONS_DIR).exercises)

WRONG_OUTPUT = "output = 0\n"


@pytest.fixture
def files(tmp_path):
    return layout(load_curriculum(), tmp_path / "ws")


def solution(exercise_id: str) -> str:
    _, exercise = load_curriculum().exercise(exercise_id)
    return exercise.solution


def read_screen(console: Console) -> str:
    return console.file.getvalue()  # type: ignore[attr-defined]


def session_for(files, store, graded_items=None):
    console = Console(file=io.StringIO(), width=80, height=24, highlight=False)
    queued = graded_items if graded_items is not None else []
    return WatchSession(files, store, console, grade=queued.append, root=files[0].path.parent.parent)


# ------------------------------------------------------------------------------------ workspace


def test_every_code_exercise_gets_a_file_per_lesson_folder(files):
    curriculum = load_curriculum()
    assert [item.id for item in files] == [e.id for e in curriculum.exercises if e.kind == "code"]
    relu = next(item for item in files if item.id == "relu")
    assert relu.path.parent.name == "03-activation-functions" and relu.path.name == "04-relu.py"


def test_a_file_holds_the_prompt_as_comments_then_the_draft_or_starter(files):
    store = Store.in_memory()
    store.save_draft("step", "def step(x):\n    return 1\n")
    report = sync(files, store)
    assert len(report.written) == len(files)
    relu = next(item for item in files if item.id == "relu")
    text = relu.path.read_text()
    header, code = text.split(HEADER_END + "\n")
    assert all(line.startswith("#") for line in header.splitlines())
    assert "# Define a function `relu(inputs)`" in header
    assert code == relu.exercise.starter
    step = next(item for item in files if item.id == "step")
    assert code_of(step.path.read_text()) == "def step(x):\n    return 1\n"


def test_an_existing_workspace_is_never_overwritten_and_newer_drafts_are_offered(files):
    store = Store.in_memory()
    sync(files, store)
    relu = next(item for item in files if item.id == "relu")
    step = next(item for item in files if item.id == "step")
    relu.path.write_text("# my own notes, no header\n")  # the learner's change
    old = time.time() - 60
    os.utime(step.path, (old, old))  # the file is older than the app's draft below
    store.save_draft("step", "def step(x):\n    return 0\n")
    store.save_draft("relu", store.draft("relu") or "draft from the app")
    os.utime(relu.path, (time.time() + 60, time.time() + 60))  # but the file is newer than that one
    report = sync(files, store)
    assert not report.written and len(report.kept) == len(files)
    assert relu.path.read_text() == "# my own notes, no header\n"
    assert [item.id for item in report.newer_drafts] == ["step"]
    assert newer_draft(relu, store) is None
    before = step.path.read_text()
    backup = take_draft(step, store)
    assert backup is not None and backup.read_text() == before
    assert code_of(step.path.read_text()) == "def step(x):\n    return 0\n"
    assert newer_draft(step, store) is None  # taken: nothing more to offer


# ------------------------------------------------------------------------------------- session


def result(exercise_id: str, passed: bool) -> CheckResult:
    summary = "All cases pass." if passed else "Not yet: 0 of 1 cases passed."
    return CheckResult(exercise_id, passed, summary, duration_ms=5.0)


def test_a_save_is_queued_then_its_result_recorded_and_shown(files):
    store = Store.in_memory()
    sync(files, store)
    queued: list = []
    session = session_for(files, store, queued)
    relu = next(item for item in files if item.id == "relu")
    session.saved({str(relu.path), str(relu.path.parent / "notes.txt")})
    assert queued == [relu] and session.item is relu
    assert "checking…" in read_screen(session.console)
    code = relu.path.read_text().replace("pass", "outputs.append(max(0, x))")
    session.graded(Graded(relu, code, result("relu", True)))
    assert store.status("relu") is Status.PASSED
    assert store.draft("relu") == code_of(code)  # the app opens with the same code
    assert HEADER_END not in store.draft("relu")
    screen = read_screen(session.console)
    assert "All cases pass." in screen and f"1/{CODE_EXERCISES} code exercises passed" in screen


def test_keys_next_hint_list_quit(files):
    store = Store.in_memory()
    sync(files, store)
    session = session_for(files, store)
    first = session.item
    assert session.key("n") and session.item is files[1]
    assert session.key("p") and session.item is first
    assert session.key("h")
    assert store.hints_shown(first.id) == 1
    assert f"Hint 1 of {len(first.exercise.hints)}" in read_screen(session.console)
    assert session.key("l")
    assert "▶ · 1.1 neuron-output" in read_screen(session.console)
    assert session.key("x")  # other keys do nothing
    assert not session.key("q")


def test_a_check_that_could_not_run_records_nothing(files):
    store = Store.in_memory()
    sync(files, store)
    session = session_for(files, store)
    session.graded(Graded(files[0], "", None, "Cannot check it: the file is not UTF-8 text."))
    assert store.status(files[0].id) is Status.NOT_STARTED
    assert "not UTF-8" in read_screen(session.console)


def test_starts_at_the_first_unfinished_exercise(files):
    store = Store.in_memory()
    store.record_attempt(files[0].id, True, 1.0)
    store.record_reveal(files[1].id)
    assert session_for(files, store).item is files[2]


# ------------------------------------------------------------------------------ the real command


def wait_for(condition, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def attempts(home: Path, exercise_id: str) -> list:
    store = Store.open_read_only(home)
    try:
        return store.attempts(exercise_id)
    finally:
        store.close()


def start_watch(workspace: Path, home: Path) -> subprocess.Popen:
    """``nntutor watch --dir workspace`` without a terminal: its input, output and errors are pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "tutor", "watch", "--dir", str(workspace)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NNTUTOR_HOME": str(home)},
    )


def test_without_a_terminal_it_grades_saves_and_quits_at_end_of_input(tmp_path, nntutor_home):
    workspace = tmp_path / "ws"
    process = start_watch(workspace, nntutor_home)
    try:
        target = workspace / "01-a-neuron" / "01-neuron-output.py"
        wait_for(target.exists)
        time.sleep(1.0)  # let the watcher start
        target.write_text(WRONG_OUTPUT)
        wait_for(lambda: attempts(nntutor_home, "neuron-output"))
        process.stdin.close()  # end of input: quit
        process.wait(timeout=30)
        out, err = process.stdout.read(), process.stderr.read()
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "✗ Not passed yet" in out and "Stopped watching" in out
    assert [a.passed for a in attempts(nntutor_home, "neuron-output")] == [False]


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")
def test_tmux_wrong_then_right_file_then_the_app_shows_it_passed(tmp_path, nntutor_home):
    workspace = tmp_path / "ws"
    tmux = Tmux(nntutor_home)
    try:
        tmux.start("watch", "--dir", str(workspace))
        tmux.wait_for("neuron-output")
        screen = tmux.wait_for("n next")
        assert f"0/{CODE_EXERCISES} code exercises passed" in screen
        target = workspace / "01-a-neuron" / "01-neuron-output.py"
        time.sleep(1.0)  # let the watcher start
        target.write_text(WRONG_OUTPUT)
        screen = tmux.wait_for("✗ Not passed yet", timeout=60)
        assert "typed in" in screen  # the grader's feedback: `output` is typed in, not computed
        target.write_text(solution("neuron-output"))
        tmux.wait_for(f"1/{CODE_EXERCISES} code exercises passed", timeout=60)
        assert "✓ Passed" in tmux.screen()
        tmux.keys("n")
        tmux.wait_for("layer-output")
        tmux.keys("q")
        tmux.wait_for_exit()

        tmux.start()  # the app: the same store
        tmux.wait_for("Your progress: 1 of")
        tmux.keys("Enter")
        tmux.wait_for("Lesson 1: A single neuron")
        tmux.keys("C-n")
        tmux.wait_for("✓ passed")
        tmux.keys("C-q")
        tmux.wait_for_exit()
    finally:
        tmux.kill_server()


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")
def test_tmux_ctrl_c_restores_the_terminal(tmp_path, nntutor_home):
    tmux = Tmux(nntutor_home)
    try:
        tmux.run("new-session", "-d", "-s", "tutor", "-x", "80", "-y", "24", "sh")
        tmux.type(f"NNTUTOR_HOME={nntutor_home} {NNTUTOR} watch --dir {tmp_path / 'ws'}")
        tmux.keys("Enter")
        tmux.wait_for("n next")
        tmux.keys("C-c")
        tmux.wait_for("Stopped watching")
        tmux.type("echo MODE=$(stty -a | grep -c -- -icanon)")
        tmux.keys("Enter")
        screen = tmux.wait_until(lambda text: re.search(r"MODE=\d", text) is not None)
        assert "MODE=0" in screen  # no "-icanon": canonical mode is back
    finally:
        tmux.kill_server()


def test_a_loop_that_builds_on_unpassed_classes_is_not_graded_and_says_which(tmp_path, nntutor_home):
    workspace = tmp_path / "ws"
    process = start_watch(workspace, nntutor_home)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        wait_for(lambda: list(workspace.glob("10-*/*-train-spiral.py")))
        (target,) = workspace.glob("10-*/*-train-spiral.py")
        time.sleep(1.0)  # let the watcher start
        target.write_text("print('epoch: 0')\n")
        wait_for(lambda: any("Cannot check train-spiral yet" in line for line in lines))
        process.stdin.close()
        process.wait(timeout=30)
    finally:
        process.kill()
    out = "".join(lines)
    assert "dense-layer: not passed yet" in out and "adam-optimizer: not passed yet" in out
    assert attempts(nntutor_home, "train-spiral") == []  # nothing was graded, nothing recorded
