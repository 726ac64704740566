"""``nntutor check EXERCISE_ID FILE [--json]``: exit codes, human and JSON output, usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tutor.cli import main

GOOD_RELU = "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"
BAD_RELU = "def relu(inputs):\n    return [min(0, x) for x in inputs]\n"


@pytest.fixture
def answer(tmp_path):
    def write(text: str, name: str = "answer.py"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_passing_answer_exits_0_and_says_so(answer, capsys):
    assert main(["check", "relu", answer(GOOD_RELU)]) == 0
    assert capsys.readouterr().out.startswith("Passed")


def test_failing_answer_exits_1_with_feedback(answer, capsys):
    assert main(["check", "relu", answer(BAD_RELU)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Not yet")
    assert "min(0, x)" in out and "expected:" in out


def test_json_output_is_one_object_with_the_documented_fields(answer, capsys):
    assert main(["check", "relu", answer(BAD_RELU), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"exercise", "passed", "summary", "cases", "stdout", "duration_ms"} <= set(data)
    assert data["exercise"] == "relu" and data["passed"] is False
    assert data["cases"] and {"name", "passed", "message"} == set(data["cases"][0])
    assert isinstance(data["duration_ms"], float)


def test_tracebacks_use_the_learners_file_name(answer, capsys):
    path = answer("def relu(inputs):\n    return inputs.nope\n", name="my_relu.py")
    assert main(["check", "relu", path]) == 1
    assert 'File "my_relu.py", line 2, in relu' in capsys.readouterr().out


def test_unknown_exercise_is_a_one_line_usage_error_with_close_matches(answer, capsys):
    assert main(["check", "sigmiod", answer(GOOD_RELU)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown exercise id 'sigmiod'" in err and "sigmoid" in err


@pytest.mark.parametrize(
    "make_path, words",
    [
        (lambda tmp: str(tmp / "missing.py"), "no such file"),
        (lambda tmp: str(tmp), "is a folder"),
    ],
)
def test_missing_or_unusable_file_is_a_usage_error(tmp_path, capsys, make_path, words):
    assert main(["check", "relu", make_path(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_unreadable_file_is_a_usage_error(answer, capsys):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = answer(GOOD_RELU)
    os.chmod(path, 0)
    assert main(["check", "relu", path]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_non_utf8_file_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "latin.py"
    path.write_bytes(b"# caf\xe9\n")
    assert main(["check", "relu", str(path)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_bad_timeout_flag_is_one_line_exit_2(answer, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "relu", answer(GOOD_RELU), "--timeout", "soon"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["check", "relu", answer(GOOD_RELU), "--timeout", "-1"]) == 2


def test_timeout_flag_limits_the_run(answer, capsys):
    assert main(["check", "relu", answer("while True:\n    pass\n"), "--timeout", "0.5"]) == 1
    assert "still running after 0.5 s" in capsys.readouterr().out


def test_the_installed_command_runs_end_to_end(answer):
    completed = subprocess.run(
        [sys.executable, "-m", "tutor", "check", "relu", answer(GOOD_RELU), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["passed"] is True


def test_a_learners_own_numpy_py_does_not_shadow_numpy(tmp_path, monkeypatch):
    (tmp_path / "numpy.py").write_text("raise SystemExit('shadowed')\n")
    (tmp_path / "answer.py").write_text(GOOD_RELU)
    monkeypatch.chdir(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "tutor", "check", "relu", "answer.py"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_text_and_json_show_the_same_rendered_feedback(answer, capsys):
    path = answer(BAD_RELU + "print('hello')\n")
    assert main(["check", "relu", path]) == 1
    text = capsys.readouterr().out
    assert main(["check", "relu", path, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert text.rstrip("\n") == data["feedback"]
    assert "Failing case: the lesson's example (a list)" in text and "Your output:\n  hello" in text
    assert text.index("min(0, x)") < text.index("expected:")  # the mistake first, then the values
