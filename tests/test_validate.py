"""``nntutor validate``: every broken fixture caught with FILE:LINE, the real lessons clean."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tutor.cli import main
from tutor.validation import validate

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken_lessons"
VALID = FIXTURES / "valid_lessons"
REPO = Path(__file__).resolve().parent.parent

# Exactly what validate must print for the broken fixtures, run from inside the folder.
EXPECTED_BROKEN = [
    "bad-front-matter.md:2: id 'Bad Front Matter' is not a valid lesson id: use lowercase words "
    "joined by '-', like 'batch-softmax'",
    "bad-front-matter.md:4: order must be a whole number above 0, not 'first'",
    "bad-front-matter.md:6: objectives must be a list, one '- ' line per objective, not a single "
    "piece of text",
    "bad-front-matter.md:7: unknown key 'author' in the front matter",
    "bad-numeric.md:18: answer 'four point eight' is not a number: write it like 4.8, -0.5 or 1e-7",
    "bad-plot-and-train.md:30: function must be one of step, sigmoid, relu, linear",
    "bad-plot-and-train.md:34: optimizer must be one of sgd, adagrad, rmsprop, adam",
    "bad-plot-and-train.md:38: unknown block type 'exercize' (did you mean 'exercise'?)",
    "bad-yaml.md:17: bad YAML in the exercise block: mapping values are not allowed in this context "
    "(text with ': ' in it must be quoted, or written as a '|' block)",
    "check-of-another.md:28: the solution of 'sigmoid-again' fails check 'relu' but passes check "
    "'sigmoid': write 'check: sigmoid'",
    "duplicate-exercise-id.md:15: exercise id 'good-choice' is already used in 00-good.md:15",
    "duplicate-lesson-id.md:2: lesson id 'good-lesson' is already used by 00-good.md",
    "duplicate-order.md:4: order 1 is already used by 00-good.md",
    "empty-prompt.md:17: prompt is empty",
    "empty-prompt.md:19: hints must be a list with at least one hint",
    "failing-solution.md:24: the solution of 'failing-relu' fails its check 'relu': ",  # + the grader's summary
    "fence-example-same-length.md:17: this exercise block is inside the code block opened at line 16, "
    "whose fence is as long as this one (```), so it shows as code and the exercise is not loaded: "
    "close that code block before it, or open the outer block with ```` to show an example",
    "fence-indented.md:16: this exercise fence is indented by 4 spaces, so markdown reads it as "
    "indented code and the exercise is not loaded: start the fence line at the left margin",
    "fence-short-close.md:14: this exercise block opens with ```` but is closed at line 22 with ```: "
    "a block ends only at a fence at least as long as its opening one, so make both ````",
    "format-version-unknown.md:2: format_version 2 is a lesson format this nntutor does not know (it "
    "reads version 1): update nntutor, or write the lesson in a version it reads",
    "match-missing-option.md:26: answer for item '2' names option 'C', which does not exist (options: A, B)",
    "missing-check.md:26: check 'relus' does not exist (did you mean 'relu'?); `nntutor validate "
    "--checks` lists the checks there are",
    "missing-front-matter.md:1: no front matter: the file must start with a '---' line, then id, "
    "title, order, minutes and objectives, then another '---' line",
    "missing-hints.md:14: the exercise has no 'hints'",
    "missing-option.md:22: answer names option 'e', which does not exist (options: a, b, c)",
    "not-utf8.md:14: byte 0xE9 in this line is not UTF-8 text (the file was saved in another "
    "encoding, such as Latin-1 or Windows-1252): save the file as UTF-8",
    "numeric-decimal-comma.md:18: answer 0,5 has a decimal comma, so it would be read as the shape "
    "(0, 5): write the number with a point, 0.5; or write a shape in brackets, (0, 5)",
    "order-leading-zero.md:4: order 050 has a leading zero, which YAML reads as the octal number 40: "
    "write 50 (or quote it, '050', if it is text)",
    "passing-starter.md:19: the starter of 'generous-relu' passes its check 'relu': a starter must "
    "leave the work to the learner",
    "skipped-dangling-link.md:1: this lesson is a symbolic link to 'drafts/missing-lesson.md', which "
    "does not exist, so it is not loaded: point the link at the lesson file, or remove it",
    "skipped-markdown-suffix.markdown:1: lesson files end in '.md', so this one is not loaded: rename "
    "it to skipped-markdown-suffix.md",
    "skipped-upper-case.MD:1: the name ends in '.MD', not '.md', so the lesson is not loaded: rename "
    "it to skipped-upper-case.md",
    "solution-raises.md:26: the solution of 'raising-relu' raises NameError: name 'valeus' is not "
    "defined at this line",
    "starter-without-pipe.md:18: starter must be text, not a 'key: value' mapping (text over several "
    "lines goes in a '|' block: write 'starter: |' and indent it below)",
    "syntax-error.md:25: the solution of 'syntax-relu' is not valid Python: '[' was never closed",
    "unclosed-block.md:14: this exercise block is never closed: add a ``` line after it",
    "unclosed-front-matter.md:1: the front matter is never closed: add a '---' line after it",
    "unknown-key.md:19: unknown key 'hint' in the numeric exercise (did you mean 'hints'?)",
    "unknown-key.md:21: key 'options' does not belong in a numeric exercise",
    "unknown-kind.md:16: unknown exercise kind 'essay': use one of code, choice, match, numeric",
]
GRADED_ONLY = ("failing-solution.md", "passing-starter.md", "check-of-another.md", "solution-raises.md")


def run_validate(capsys, *args):
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_every_broken_fixture_is_caught_with_file_and_line(capsys, monkeypatch):
    monkeypatch.chdir(BROKEN)
    code, lines, _ = run_validate(capsys, ".")
    assert code == 1
    *problems, summary = lines
    assert len(problems) == len(EXPECTED_BROKEN)
    for line, expected in zip(problems, EXPECTED_BROKEN):
        if expected.endswith(": "):
            assert line.startswith(expected) and len(line) > len(expected), line
        else:
            assert line == expected
    assert re.fullmatch(r"34 lessons, 14 exercises: 40 problems \(10 checks run in \d+\.\d s\)", summary)


def test_paths_are_shown_as_typed(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    code, lines, _ = run_validate(capsys, "broken_lessons/missing-hints.md")
    assert code == 1
    assert lines[0] == "broken_lessons/missing-hints.md:14: the exercise has no 'hints'"


def test_no_grade_skips_only_the_grading(capsys, monkeypatch):
    monkeypatch.chdir(BROKEN)
    code, lines, _ = run_validate(capsys, ".", "--no-grade")
    assert code == 1
    problems, summary = lines[:-1], lines[-1]
    expected = [line for line in EXPECTED_BROKEN if not line.startswith(GRADED_ONLY)]
    assert problems == expected
    assert re.fullmatch(r"34 lessons, 14 exercises: 36 problems \(grading skipped, \d+\.\d\d s\)", summary)


def test_valid_fixture_set_is_clean(capsys):
    code, lines, _ = run_validate(capsys, str(VALID))
    assert code == 0
    assert len(lines) == 1
    assert re.fullmatch(r"2 lessons, 7 exercises: all valid \(4 checks run in \d+\.\d s\)", lines[0])


def test_a_solution_that_stops_passing_is_caught(tmp_path):
    folder = tmp_path / "lessons"
    shutil.copytree(VALID, folder)
    lesson = folder / "02-shapes.md"
    lesson.write_text(
        lesson.read_text().replace(
            "return [max(0.0, x) for x in inputs]", "return [min(0.0, x) for x in inputs]"
        )
    )
    report = validate(folder)
    assert not report.ok
    assert [(p.path.name, p.line) for p in report.problems] == [("02-shapes.md", 79)]
    assert report.problems[0].message.startswith("the solution of 'fixture-relu' fails its check 'relu'")


def test_missing_path_is_a_usage_error(capsys, tmp_path):
    code = main(["validate", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and "no such file or folder" in err


def test_non_markdown_file_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert main(["validate", str(path)]) == 2
    assert "not a lesson file" in capsys.readouterr().err


def test_checks_lists_the_grader_checks(capsys):
    code, lines, _ = run_validate(capsys, "--checks")
    assert code == 0
    assert "relu" in lines and "batch-softmax" in lines
    assert lines == sorted(lines)


def test_real_lessons_are_clean(capsys):
    """`nntutor validate lessons/`: every solution passes and every starter fails, through the grader."""
    code, lines, _ = run_validate(capsys, str(REPO / "lessons"))
    assert lines[:-1] == []
    assert code == 0
    assert re.fullmatch(r"10 lessons, \d+ exercises: all valid \(\d+ checks run in \d+\.\d s\)", lines[-1])


class FakeGrader:
    """Stands in for the grader: each method shows one way grading can go wrong."""

    def __init__(self, failure):
        self.failure = failure
        self.calls = 0

    def grade(self, check_id, source, *, filename="answer.py", timeout=None):
        self.calls += 1
        raise self.failure


def test_a_grader_that_cannot_start_is_reported_once():
    from tutor.grader import GraderUnavailable

    grader = FakeGrader(GraderUnavailable("worker died at start-up"))
    report = validate(VALID, grader=grader)
    assert grader.calls == 1
    assert [(p.path.name, p.line, p.message) for p in report.problems] == [
        (
            "01-first-steps.md",
            36,
            "the grader could not run (worker died at start-up): grading stopped; --no-grade checks the rest",
        )
    ]


def test_a_grader_error_on_one_exercise_is_reported_there_and_grading_goes_on():
    grader = FakeGrader(RuntimeError("protocol error"))
    report = validate(VALID, grader=grader)
    assert grader.calls == 4
    assert [(p.path.name, p.line) for p in report.problems] == [
        ("01-first-steps.md", 31),
        ("01-first-steps.md", 36),
        ("02-shapes.md", 74),
        ("02-shapes.md", 79),
    ]
    assert report.problems[1].message == (
        "could not grade the solution of 'fixture-neuron': RuntimeError: protocol error"
    )


def edited_copy(tmp_path, old, new):
    folder = tmp_path / "lessons"
    shutil.copytree(VALID, folder)
    lesson = folder / "02-shapes.md"
    text = lesson.read_text()
    assert old in text
    lesson.write_text(text.replace(old, new))
    return folder


def test_a_starter_that_raises_is_reported_at_its_line(tmp_path):
    folder = edited_copy(
        tmp_path, "      return None\nhints:\n  - max(0, x)", "      return [0] / 2\nhints:\n  - max(0, x)"
    )
    report = validate(folder)
    assert [(p.path.name, p.line, p.message) for p in report.problems] == [
        (
            "02-shapes.md",
            75,
            "the starter of 'fixture-relu' raises TypeError: unsupported operand type(s) for /: 'list' and "
            "'int' at this line: a starter should run, leaving the work undone rather than broken",
        )
    ]


def test_a_starter_may_raise_not_implemented(tmp_path):
    folder = edited_copy(
        tmp_path,
        "      return None\nhints:\n  - max(0, x)",
        "      raise NotImplementedError\nhints:\n  - max(0, x)",
    )
    assert validate(folder).ok


def test_a_check_that_belongs_to_another_exercise_is_reported_at_the_check_line(tmp_path):
    # The exercise 'relu' exists; a new exercise copied from it keeps its check and solves another task.
    folder = edited_copy(tmp_path, "id: fixture-relu\n", "id: relu\n")
    (folder / "03-copy.md").write_text(
        "---\nid: copy\ntitle: Copy\norder: 3\nminutes: 5\nobjectives:\n  - Copy\n---\n\n"
        "```exercise\nid: leaky\nkind: code\nprompt: Define `leaky(inputs)`.\nstarter: |\n  def leaky(inputs):\n"
        "      return None\nhints:\n  - 0.01 x below 0.\nsolution: |\n  def leaky(inputs):\n"
        "      return [x if x > 0 else 0.01 * x for x in inputs]\ncheck: relu\n```\n"
    )
    problems = [(p.path.name, p.line, p.message) for p in validate(folder).problems]
    assert problems == [
        (
            "03-copy.md",
            22,
            "check 'relu' is the check of exercise 'relu' (02-shapes.md:69), and the solution of 'leaky' "
            "fails it: name this exercise's own check (`nntutor validate --checks` lists them)",
        )
    ]
