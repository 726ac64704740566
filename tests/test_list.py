"""``nntutor list``: lessons and exercises in order with the learner's status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.store import STORE_FILENAME, Store

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid_lessons"
BROKEN = FIXTURES / "broken_lessons"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("NNTUTOR_HOME", str(folder))
    monkeypatch.setenv("NO_COLOR", "1")
    return folder


def record_progress(home: Path) -> None:
    with Store.open(home) as store:
        store.record_attempt("fixture-neuron", False, 30)
        store.record_attempt("fixture-neuron", True, 25)
        store.record_attempt("fixture-choice", False, 0)
        store.record_reveal("fixture-shape")


def list_json(capsys, *args):
    assert main(["list", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_lists_lessons_and_exercises_in_order_with_status(home, capsys):
    record_progress(home)
    data = list_json(capsys, "--lessons", str(VALID))
    assert [lesson["id"] for lesson in data["lessons"]] == ["first-steps", "shapes"]
    first, second = data["lessons"]
    assert first["order"] == 1 and first["title"] == "First steps" and first["minutes"] == 10
    assert [(e["id"], e["kind"], e["status"]) for e in first["exercises"]] == [
        ("fixture-neuron", "code", "passed"),
        ("fixture-choice", "choice", "attempted"),
        ("fixture-several", "choice", "not started"),
    ]
    assert (first["passed"], first["total"]) == (1, 3)
    assert second["exercises"][0] == {
        "id": "fixture-shape",
        "kind": "numeric",
        "status": "solution revealed",
        "solution_seen": True,
    }
    assert first["exercises"][0]["solution_seen"] is False
    assert data["summary"] == {"lessons": 2, "exercises": 7, "passed": 1}
    assert data["broken"] == []


def test_json_without_a_store_creates_none(home, capsys):
    data = list_json(capsys, "--lessons", str(VALID))
    assert {e["status"] for lesson in data["lessons"] for e in lesson["exercises"]} == {"not started"}
    assert not (home / STORE_FILENAME).exists()


def test_broken_lessons_are_listed_with_their_error(home, capsys):
    data = list_json(capsys, "--lessons", str(BROKEN))
    assert "00-good.md" in {Path(lesson["path"]).name for lesson in data["lessons"]}
    broken = {Path(item["path"]).name: item for item in data["broken"]}
    assert broken["missing-hints.md"]["line"] == 14
    assert broken["missing-hints.md"]["error"] == "the exercise has no 'hints'"
    assert broken["missing-hints.md"]["title"] == "Missing hints"


def test_human_output(home, capsys):
    record_progress(home)
    assert main(["list", "--lessons", str(VALID)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "2 lessons, 1 of 7 exercises passed"
    assert "\x1b[" not in out  # NO_COLOR, and not a terminal anyway
    heading = next(line for line in lines if "First steps" in line)
    assert heading.strip().startswith("1  First steps") and "1/3 passed" in heading and "10 min" in heading
    neuron = next(line for line in lines if "fixture-neuron" in line)
    assert "code" in neuron and "passed" in neuron and "next" not in neuron
    choice = next(line for line in lines if "fixture-choice" in line)
    assert "attempted" in choice and "next" in choice  # the first exercise not passed yet
    shape = next(line for line in lines if "fixture-shape" in line)
    assert "solution revealed" in shape
    # Exercises come in course order.
    order = [line.split()[1] for line in lines if "fixture-" in line]
    assert order == [
        "fixture-neuron",
        "fixture-choice",
        "fixture-several",
        "fixture-shape",
        "fixture-number",
        "fixture-match",
        "fixture-relu",
    ]


def test_a_pass_after_revealing_the_solution_says_so(home, capsys):
    with Store.open(home) as store:
        store.record_reveal("fixture-neuron")
        store.record_attempt("fixture-neuron", True, 25)
        store.record_attempt("fixture-choice", True, 5)
    assert main(["list", "--lessons", str(VALID)]) == 0
    lines = capsys.readouterr().out.splitlines()
    neuron = next(line for line in lines if "fixture-neuron" in line)
    choice = next(line for line in lines if "fixture-choice" in line)
    assert neuron.endswith("passed (solution seen)")
    assert choice.endswith("passed") and "seen" not in choice
    data = list_json(capsys, "--lessons", str(VALID))
    exercises = {e["id"]: e for e in data["lessons"][0]["exercises"]}
    assert exercises["fixture-neuron"]["status"] == "passed" and exercises["fixture-neuron"]["solution_seen"]
    assert not exercises["fixture-choice"]["solution_seen"]


def test_next_skips_revealed_solutions_like_the_apps_continue(home, capsys):
    with Store.open(home) as store:
        store.record_attempt("fixture-neuron", True, 25)
        store.record_reveal("fixture-choice")
    assert main(["list", "--lessons", str(VALID)]) == 0
    lines = capsys.readouterr().out.splitlines()
    marked = [line.split()[1] for line in lines if "next" in line and "fixture-" in line]
    assert marked == ["fixture-several"]


def test_human_output_shows_broken_lessons(home, capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert main(["list", "--lessons", "broken_lessons"]) == 0
    out = capsys.readouterr().out
    assert "Missing hints (broken, not loaded)" in out
    assert "broken_lessons/missing-hints.md:14: the exercise has no 'hints'" in out
    assert "nntutor validate" in out


def test_corrupt_store_notice_goes_to_stderr(home, capsys):
    home.mkdir()
    (home / STORE_FILENAME).write_bytes(b"garbage" * 100)
    assert main(["list", "--json", "--lessons", str(VALID)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["passed"] == 0
    assert captured.err.startswith(f"note: The progress store {home / STORE_FILENAME} is unreadable")
    assert captured.err.count("\n") == 1
    assert sorted(path.name for path in home.iterdir()) == [STORE_FILENAME]  # list moves nothing aside
    assert (home / STORE_FILENAME).read_bytes() == b"garbage" * 100


def test_missing_lessons_folder_is_a_usage_error(home, capsys, tmp_path):
    assert main(["list", "--lessons", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nntutor list: error: no such lessons folder") and err.count("\n") == 1


def test_real_lessons_in_order(home, capsys):
    data = list_json(capsys)
    assert [lesson["order"] for lesson in data["lessons"]] == list(range(1, 18))
    assert data["lessons"][0]["exercises"][0]["id"] == "neuron-output"
    assert data["summary"]["exercises"] >= 27
