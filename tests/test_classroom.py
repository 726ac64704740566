"""The class folder: learner names, one session per name, and ``nntutor progress --class``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tutor.classroom import MAX_NAME_LENGTH, BadName, claim, learner_dir, learner_name, learners
from tutor.cli import main
from tutor.commands.class_report import summarise
from tutor.commands.progress import ProgressRow
from tutor.curriculum import load_curriculum
from tutor.store import Store


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("ada", "ada"), ("Ada", "ada"), ("  bob_2 ", "bob_2"), ("x-y", "x-y"), ("7", "7")],
)
def test_good_names_are_kept_in_lower_case(typed, kept):
    assert learner_name(typed) == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type your name first."),
        ("   ", "Type your name first."),
        ("a b", "Use letters a-z, digits, '-' and '_' only (not ' ')"),
        ("../etc", "Use letters a-z, digits, '-' and '_' only (not '.' '/')"),
        ("zoë", "not 'ë'"),
        ("-ada", "A name starts with a letter or a digit."),
        ("_", "A name starts with a letter or a digit."),
        ("a" * (MAX_NAME_LENGTH + 1), f"at most {MAX_NAME_LENGTH} characters"),
    ],
)
def test_bad_names_say_what_is_wrong(typed, message):
    with pytest.raises(BadName) as error:
        learner_name(typed)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_the_longest_name_is_accepted():
    assert learner_name("a" * MAX_NAME_LENGTH) == "a" * MAX_NAME_LENGTH


def test_a_name_has_one_session_at_a_time(tmp_path):
    folder = learner_dir(tmp_path, "Ada")
    first = claim(folder)
    assert first is not None
    assert claim(folder) is None  # a second tab with the same name
    first.close()  # the first tab's session ended
    again = claim(folder)
    assert again is not None
    again.close()


def test_the_lock_goes_with_the_process_that_held_it(tmp_path):
    folder = learner_dir(tmp_path, "ada")
    code = "import sys, time; from pathlib import Path; from tutor.classroom import claim; "
    code += "h = claim(Path(sys.argv[1])); print('held', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert claim(folder) is None
    finally:
        holder.kill()
        holder.wait(timeout=10)
    handle = claim(folder)
    assert handle is not None
    handle.close()


def test_learners_lists_named_folders_only(tmp_path):
    for name in ("bob", "ada"):
        learner_dir(tmp_path, name).mkdir(parents=True)
    (tmp_path / "learners" / "Not A Name").mkdir()
    (tmp_path / "learners" / "notes.txt").write_text("x")
    assert [name for name, _ in learners(tmp_path)] == ["ada", "bob"]
    assert learners(tmp_path / "missing") == []


def row(exercise, status, attempts, diagnoses=()):
    return ProgressRow("a-neuron", exercise, "code", status, attempts, 0, False, None, None, tuple(diagnoses))


def test_summary_counts_passes_median_attempts_and_where_the_unpassed_are_stuck():
    by_learner = {
        "ada": [row("dot", "passed", 3, ["Missing keepdims."]), row("sum", "not started", 0)],
        "bob": [row("dot", "attempted", 2, ["Missing keepdims.", "Wrong axis."]), row("sum", "passed", 1)],
        "cy": [row("dot", "attempted", 5, ["Missing keepdims."]), row("sum", "not started", 0)],
        "di": [row("dot", "not started", 0), row("sum", "not started", 0)],
    }
    dot, total = summarise(by_learner)
    assert (dot.exercise, dot.learners, dot.passed, dot.share_passed) == ("dot", 4, 1, 0.25)
    assert dot.median_attempts == 3  # of 3, 2 and 5: the learners who tried
    # Ada passed: her diagnosis no longer counts. Bob and Cy were both told about keepdims.
    assert dot.stuck == [("Missing keepdims.", 2), ("Wrong axis.", 1)]
    assert (total.passed, total.median_attempts, total.stuck) == (1, 1, [])
    assert summarise({}) == []


@pytest.fixture
def class_dir(tmp_path):
    folder = tmp_path / "class"
    with Store.open(learner_dir(folder, "ada")) as store:
        store.record_attempt("neuron-output", False, 5.0, "Your output is the weighted sum without the bias.")
        store.record_attempt("neuron-output", True, 5.0)
        store.record_attempt("neuron-by-hand", True, 0.1)
    with Store.open(learner_dir(folder, "bob")) as store:
        store.record_attempt("neuron-output", False, 5.0, "Your output is the weighted sum without the bias.")
        store.record_attempt("neuron-output", False, 5.0, "Your output is the weighted sum without the bias.")
    with Store.open(learner_dir(folder, "cy")) as store:
        store.record_hint("neuron-output", 1)
    return folder


def test_class_report_as_text_fits_80_columns(class_dir, capsys):
    assert main(["progress", "--class", str(class_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"3 learners in {class_dir}")
    lines = out.splitlines()
    assert max(len(line) for line in lines if not line.startswith("3 learners in")) <= 80
    (ada,) = [line for line in lines if line.startswith("ada ")]
    lessons = load_curriculum().lessons
    exercises = sum(len(lesson.exercises) for lesson in lessons)
    assert ada.split()[1:3] == ["2", "·"] and ada.split()[-1] == f"2/{exercises}"  # 2 of lesson 1, none of 2
    (output_line,) = [line for line in lines if line.startswith("neuron-output ")]
    assert output_line.split()[1:] == ["1/3", "33%", "2"]  # median of 2 (ada) and 2 (bob)
    assert "    1 learner: Your output is the weighted sum without the bias." in lines


def test_class_report_json_and_csv(class_dir, capsys):
    assert main(["progress", "--class", str(class_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [learner["name"] for learner in data["learners"]] == ["ada", "bob", "cy"]
    assert [learner["passed"] for learner in data["learners"]] == [2, 0, 0]
    (summary,) = [entry for entry in data["exercises"] if entry["exercise"] == "neuron-output"]
    assert summary["stuck"] == [
        {"diagnosis": "Your output is the weighted sum without the bias.", "learners": 1}
    ]
    assert main(["progress", "--class", str(class_dir), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("learner,lesson,exercise,kind,status,")
    assert len(lines) == 1 + 3 * len(load_curriculum().exercises)


def test_class_report_of_a_missing_folder_is_one_line_exit_2(tmp_path, capsys):
    assert main(["progress", "--class", str(tmp_path / "nowhere")]) == 2
    assert (
        capsys.readouterr().err == f"nntutor progress: error: no such class folder: {tmp_path / 'nowhere'}\n"
    )


def test_class_report_of_an_empty_class(tmp_path, capsys):
    assert main(["progress", "--class", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"No learners yet in {tmp_path}")


async def test_the_name_screen_refuses_a_bad_name_then_opens_the_learners_progress(tmp_path):
    from app_support import type_text
    from textual.widgets import Static

    from tutor.app import NNTutorApp
    from tutor.screens.home import HomeScreen
    from tutor.screens.learner_name import LearnerNameScreen

    with Store.open(learner_dir(tmp_path, "ada")) as store:
        store.record_attempt("neuron-output", True, 1.0)
    app = NNTutorApp(class_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LearnerNameScreen)
        app.open_lesson("a-neuron")  # e.g. from the command palette: not before the name
        await pilot.pause()
        assert isinstance(app.screen, LearnerNameScreen)
        await type_text(pilot, "a/b")
        await pilot.press("enter")
        await pilot.pause()
        assert "not '/'" in str(app.screen.query_one("#sign-in-error", Static).render())
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "ADA")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.learner == "ada"
        assert app.store.path == tmp_path / "learners" / "ada" / "progress.sqlite3"
        assert app.store.status("neuron-output").value == "passed"  # continued where Ada stopped
        assert claim(learner_dir(tmp_path, "ada")) is None  # held while the session runs
    handle = claim(learner_dir(tmp_path, "ada"))
    assert handle is not None  # and given back when it ends
    handle.close()


def test_serving_beyond_this_machine_warns_and_gives_the_address(tmp_path, monkeypatch, capsys):
    pytest.importorskip("textual_serve", reason="the serve extra is not installed")
    from tutor.commands import serve
    from tutor.serve.server import ClassroomServer

    started = []
    monkeypatch.setattr(serve, "_can_listen", lambda host, port: None)  # nothing is bound here
    monkeypatch.setattr(ClassroomServer, "serve", lambda self: started.append(self))
    argv = ["serve", "--host", "192.0.2.7", "--port", "8123", "--class-dir", str(tmp_path / "c")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "anyone who can reach port 8123" in err and "run Python code through its grader" in err
    assert "http://192.0.2.7:8123/" in err
    (server,) = started
    assert (server.max_learners, server.host) == (30, "192.0.2.7")
    assert str(tmp_path / "c") in server.command and "tutor.serve.session" in server.command

    started.clear()
    assert main(["serve", "--port", "8123", "--class-dir", str(tmp_path / "c")]) == 0
    assert "warning" not in capsys.readouterr().err  # loopback by default: no warning
    assert started[0].host == "127.0.0.1"
