"""The lesson loader: parsing, line numbers, broken lessons, and grading of non-code answers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.curriculum import (
    AnswerResult,
    BrokenLesson,
    Exercise,
    Lesson,
    MarkdownBlock,
    PlotBlock,
    PlotSpec,
    TrainBlock,
    grade_answer,
    load_curriculum,
    parse_lesson,
    parse_numeric,
)
from tutor.paths import LESSONS_DIR

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid_lessons"
BROKEN = FIXTURES / "broken_lessons"

FRONT = textwrap.dedent("""\
    ---
    id: sample
    title: Sample
    order: 1
    minutes: 5
    objectives:
      - Learn
    ---
    """)


def write_lesson(folder: Path, body: str, name: str = "01-sample.md", front: str = FRONT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def only_problems(path: Path) -> list[str]:
    result = parse_lesson(path)
    assert isinstance(result, BrokenLesson), "expected the lesson to be broken"
    return [f"{p.line}: {p.message}" for p in result.problems]


# ---------------------------------------------------------------------------- the valid fixture set


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(VALID)


def test_valid_fixture_set_loads_in_order(curriculum):
    assert curriculum.broken == []
    assert [lesson.id for lesson in curriculum.lessons] == ["first-steps", "shapes"]
    first = curriculum.lessons[0]
    assert isinstance(first, Lesson)
    assert (first.title, first.order, first.minutes) == ("First steps", 1, 10)
    assert first.objectives == ["Compute a neuron's output", "Tell a weight from a bias"]
    assert first.path == VALID / "01-first-steps.md"


def test_blocks_come_in_document_order_with_their_lines(curriculum):
    first = curriculum.lessons[0]
    assert [(type(block).__name__, block.line) for block in first.blocks] == [
        ("MarkdownBlock", 11),
        ("Exercise", 21),
        ("MarkdownBlock", 43),
        ("Exercise", 45),
        ("Exercise", 61),
        ("PlotBlock", 77),
    ]
    text = first.blocks[0].text
    assert text.startswith("# First steps\n") and "```python\noutput = 1.0" in text
    assert "---" not in text and "```exercise" not in text


def test_code_exercise_fields(curriculum):
    lesson, exercise = curriculum.exercise("fixture-neuron")
    assert lesson.id == "first-steps"
    assert exercise.kind == "code" and exercise.check == "neuron-output"
    assert exercise.timeout == 10.0
    assert exercise.starter == "output = None\n"
    assert exercise.solution.startswith("inputs = [1.0, 2.0, 3.0, 2.5]\n")
    assert exercise.hints == ["Multiply each input by its weight.", "Add the bias once, at the end."]
    # The prompt's own (indented) code fence does not end the exercise block.
    assert "```python\noutput = ...\n```" in exercise.prompt
    assert exercise.lines["solution"] == 36 and exercise.lines["starter"] == 31
    assert exercise.lines["check"] == 39


def test_default_timeout_and_tolerance(curriculum):
    assert curriculum.exercise("fixture-relu")[1].timeout == 5.0
    assert curriculum.exercise("fixture-shape")[1].tolerance == 1e-6
    assert curriculum.exercise("fixture-number")[1].tolerance == 1e-3  # "1e-3" is text to YAML


def test_choice_match_numeric_fields(curriculum):
    choice = curriculum.exercise("fixture-choice")[1]
    assert choice.options == {"a": "The weight", "b": "The bias"} and choice.answer == "b"
    assert not choice.multiple
    several = curriculum.exercise("fixture-several")[1]
    assert several.answer == ["a", "c"] and several.multiple
    match = curriculum.exercise("fixture-match")[1]
    assert match.items == {"1": "ReLU", "2": "step", "3": "sigmoid"}  # YAML's int keys become text
    assert match.answer == {"1": "A", "2": "A", "3": "B"}
    shape = curriculum.exercise("fixture-shape")[1]
    assert shape.answer == (2, 3) and shape.feedback == [((3, 2), "Rows first, then columns.")]
    assert curriculum.exercise("fixture-number")[1].answer == 1.0


def test_fence_inside_a_longer_fence_is_text(curriculum):
    shapes = curriculum.lessons[1]
    assert "not-an-exercise" in shapes.blocks[0].text
    with pytest.raises(KeyError, match="not-an-exercise"):
        curriculum.exercise("not-an-exercise")


def test_plot_and_train_blocks(curriculum):
    first, shapes = curriculum.lessons
    plot = first.blocks[-1]
    assert isinstance(plot, PlotBlock)
    assert plot.spec == PlotSpec(data="spiral", samples=50, classes=3, title="Spiral data")
    function_plot, train = shapes.blocks[-2:]
    assert function_plot.spec == PlotSpec(function="relu", range=(-3.0, 3.0), title=None)
    assert isinstance(train, TrainBlock) and train.line == 89
    config = train.config
    assert (config.optimizer, config.hidden, config.learning_rate, config.decay, config.epochs) == (
        "sgd",
        (16,),
        1.0,
        0.001,
        101,
    )
    assert config.title == "A quick run" and config.samples == 100


def test_exercises_in_course_order(curriculum):
    assert [e.id for e in curriculum.exercises] == [
        "fixture-neuron",
        "fixture-choice",
        "fixture-several",
        "fixture-shape",
        "fixture-number",
        "fixture-match",
        "fixture-relu",
    ]
    assert curriculum.lesson("shapes").order == 2
    with pytest.raises(KeyError):
        curriculum.lesson("nope")


def test_loading_imports_neither_numpy_nor_the_grader():
    script = (
        "import sys; from tutor.curriculum import load_curriculum; "
        f"load_curriculum({str(VALID)!r}); "
        "print(sorted(m for m in sys.modules if m == 'numpy' "
        "or m.startswith('tutor.grader.') and m != 'tutor.grader.limits' "
        "or m.startswith('engine.') and m != 'engine.names'))"
    )  # engine.names and tutor.grader.limits are NumPy-free tables of names and limits
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- broken lessons


def test_broken_lessons_do_not_stop_the_others():
    curriculum = load_curriculum(BROKEN)
    loaded = {lesson.path.name for lesson in curriculum.lessons}
    # Problems only the validator sees (checks, grading, syntax) leave a lesson loadable.
    assert loaded == {
        "00-good.md",
        "missing-check.md",
        "failing-solution.md",
        "passing-starter.md",
        "syntax-error.md",
        "solution-raises.md",
        "check-of-another.md",
    }
    broken = {item.path.name: item for item in curriculum.broken}
    assert len(broken) == 27
    # Files that are not loaded are listed as broken too, so nothing is dropped in silence.
    for name in ("skipped-upper-case.MD", "skipped-markdown-suffix.markdown", "skipped-dangling-link.md"):
        assert broken[name].line == 1 and "not loaded" in broken[name].error
    assert {p.path.name for p in curriculum.problems} >= {"skipped-upper-case.MD", "not-utf8.md"}
    assert broken["bad-yaml.md"].line == 17 and "bad YAML" in broken["bad-yaml.md"].error
    assert broken["duplicate-order.md"].title == "Duplicate order"
    assert str(broken["missing-hints.md"]).endswith("missing-hints.md:14: the exercise has no 'hints'")
    assert curriculum.exercise("good-choice")[0].path.name == "00-good.md"


def test_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_curriculum(tmp_path / "nowhere")


def test_readme_is_not_a_lesson(tmp_path):
    write_lesson(tmp_path, "Text.\n")
    (tmp_path / "README.md").write_text("# How to write lessons\n")
    assert [lesson.id for lesson in load_curriculum(tmp_path).lessons] == ["sample"]


def test_one_file_can_be_loaded_on_its_own():
    lesson = parse_lesson(VALID / "02-shapes.md")
    assert isinstance(lesson, Lesson) and lesson.id == "shapes"
    assert load_curriculum(VALID / "02-shapes.md").lessons[0].id == "shapes"


def test_crlf_and_bom_are_fine(tmp_path):
    body = "# Title\n\n```exercise\nid: crlf\nkind: numeric\nprompt: 2 + 2?\nanswer: 4\nhints:\n  - Add.\nsolution: Four.\n```\n"
    path = tmp_path / "01-crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + (FRONT + body).replace("\n", "\r\n").encode())
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson)
    assert lesson.exercises[0].answer == 4.0 and lesson.exercises[0].line == 11


def test_not_utf8(tmp_path):
    path = tmp_path / "01-latin1.md"
    path.write_bytes(FRONT.encode() + "caf\xe9\n".encode("latin-1"))
    assert only_problems(path) == [
        "9: byte 0xE9 in this line is not UTF-8 text (the file was saved in another encoding, such as "
        "Latin-1 or Windows-1252): save the file as UTF-8"
    ]


def test_yaml_error_line_is_translated_to_the_file(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        Text.

        ```exercise
        id: broken-yaml
        kind: numeric
        prompt: fine
        answer: 4
        hints:
          - one
         - badly indented
        solution: x
        ```
        """,
    )
    problems = only_problems(path)
    assert len(problems) == 1 and problems[0].startswith("19: bad YAML in the exercise block")


def test_duplicate_keys_are_reported(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: twice
        kind: numeric
        prompt: fine
        answer: 4
        answer: 5
        hints: [one]
        solution: x
        ```
        """,
    )
    assert only_problems(path) == ["15: key 'answer' appears twice in the exercise block (first at line 14)"]


def test_duplicate_exercise_id_within_a_lesson(tmp_path):
    block = """
        ```exercise
        id: same
        kind: numeric
        prompt: fine
        answer: 4
        hints: [one]
        solution: x
        ```
        """
    path = write_lesson(tmp_path, block + block)
    assert only_problems(path) == ["20: exercise id 'same' is already used at line 11"]


def test_yaml_booleans_as_option_keys_are_refused(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: yes-no
        kind: choice
        prompt: Is it?
        options:
          yes: It is
          no: It is not
        answer: yes
        feedback:
          no: It is.
        hints: [Think.]
        solution: It is.
        ```
        """,
    )
    problems = only_problems(path)
    assert problems[0] == (
        "15: option key True is read by YAML as true/false (True): put it in quotes or use a letter"
    )


def test_multiple_answer_naming_a_missing_option(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: several
        kind: choice
        prompt: Which?
        options:
          a: one
          b: two
        answer: [a, z]
        feedback:
          a: fine
        hints: [Think.]
        solution: a.
        ```
        """,
    )
    assert only_problems(path) == ["17: answer names option 'z', which does not exist (options: a, b)"]


def test_match_must_answer_every_item(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: half-matched
        kind: match
        prompt: Match.
        items:
          x: one
          y: two
        options:
          A: uno
          B: dos
        answer:
          x: A
        hints: [Think.]
        solution: x-A, y-B.
        ```
        """,
    )
    assert only_problems(path) == ["20: answer gives no option for item 'y'"]


def test_numeric_feedback_problems(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: feedback-trouble
        kind: numeric
        prompt: Shape?
        answer: (2, 3)
        feedback:
          - answer: 6
            message: That is the size.
          - answer: (2, 3)
            message: Right?
          - answer: (3, 2)
        hints: [Think.]
        solution: Two by three.
        ```
        """,
    )
    assert only_problems(path) == [
        "16: feedback answer must be a shape like the answer",
        "18: feedback answer is the correct answer: feedback is for wrong answers",
        "20: each feedback entry needs exactly two keys: answer and message",
    ]


def test_code_exercise_needs_starter_and_check(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```exercise
        id: no-check
        kind: code
        prompt: Define it.
        hints: [Think.]
        solution: x = 1
        timeout: 0
        ```
        """,
    )
    assert only_problems(path) == [
        "10: the exercise has no 'starter'",
        "10: the exercise has no 'check'",
        "16: timeout must be a number of seconds above 0 and at most 120",
    ]


def test_plot_needs_data_or_function(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```plot
        title: Nothing to draw
        ```

        ```plot
        function: relu
        range: [5, -5]
        ```
        """,
    )
    assert only_problems(path) == [
        "10: a plot block needs exactly one of 'data' (spiral or vertical) or 'function' "
        "(step, sigmoid, relu or linear)",
        "16: range must be two numbers, smallest first, like [-5, 5]",
    ]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("data: moons", "10: data must be one of spiral, vertical"),
        ("data: spiral\nsamples: 0", "11: samples must be a whole number from 1 to 10000"),
        ("data: spiral\nclasses: 1", "11: classes must be a whole number from 2 to 20"),
        ("data: spiral\ncolour: red", "11: unknown key 'colour' in the plot block"),
        ("data: spiral\nrange: [0, 1]", "11: range applies to function plots only"),
        ("function: tanh", "10: function must be one of step, sigmoid, relu, linear"),
        ("function: relu\nrange: wide", "11: range must be two numbers, smallest first, like [-5, 5]"),
        ("function: relu\nrange: [1, 2, 3]", "11: range must be two numbers, smallest first, like [-5, 5]"),
        ("function: relu\nsamples: 5", "11: samples applies to data plots only"),
        ("data: spiral\nfunction: relu", "9: a plot block needs exactly one of 'data'"),
    ],
)
def test_plot_rules_are_the_loaders(tmp_path, body, expected):
    path = write_lesson(tmp_path, "```plot\n" + body + "\n```\n")
    problems = only_problems(path)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_plot_defaults_are_filled_in(tmp_path):
    path = write_lesson(tmp_path, "```plot\ndata: vertical\n```\n\n```plot\nfunction: step\n```\n")
    first, second = parse_lesson(path).blocks
    assert first.spec == PlotSpec(data="vertical", samples=100, classes=3)
    assert second.spec == PlotSpec(function="step", range=(-5.0, 5.0))


def test_plot_sizes_the_app_cannot_draw_are_lesson_errors(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```plot
        data: spiral
        samples: 20000
        classes: 50
        ```
        """,
    )
    problems = only_problems(path)
    assert len(problems) == 2
    assert "samples must be a whole number from 1 to 10000" in problems[0]
    assert "classes must be a whole number from 2 to 20" in problems[1]


def test_every_class_a_lesson_may_plot_has_its_own_colour():
    from tutor.curriculum import MAX_PLOT_CLASSES
    from tutor.plotting import Palette

    for dark in (True, False):
        palette = Palette(dark=dark)
        colours = {palette.class_color(index) for index in range(MAX_PLOT_CLASSES)}
        assert len(colours) == MAX_PLOT_CLASSES


def test_train_setting_errors_point_at_the_setting(tmp_path):
    path = write_lesson(
        tmp_path,
        """
        ```train
        optimizer: adam
        learning_rate: -1
        ```

        ```train
        epochs: 10
        minibatch: 32
        ```
        """,
    )
    problems = only_problems(path)
    assert problems[0] == "12: learning_rate must be a number above 0"
    assert problems[1].startswith("17: minibatch is not a training setting")


def test_an_empty_train_block_means_the_defaults(tmp_path):
    path = write_lesson(tmp_path, "```train\n```\n")
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson)
    assert lesson.blocks[0].config.optimizer == "adam"


def test_unclosed_code_block_is_reported(tmp_path):
    path = write_lesson(tmp_path, "Text\n\n```python\nx = 1\n")
    assert only_problems(path) == ["11: this code block is never closed: add a ``` line after it"]


def test_markdown_block_lines_skip_blank_lines(tmp_path):
    path = write_lesson(tmp_path, "\n\n# Title\n\nText.\n\n")
    lesson = parse_lesson(path)
    assert lesson.blocks == [MarkdownBlock("# Title\n\nText.\n", 11)]


# ---------------------------------------------------------------------------- the real lessons


def test_every_real_lesson_loads():
    curriculum = load_curriculum(LESSONS_DIR)
    assert [str(item) for item in curriculum.broken] == []
    orders = [lesson.order for lesson in curriculum.lessons]
    assert len(orders) == len(list(LESSONS_DIR.glob("[0-9]*.md")))
    assert orders == list(range(1, 18))  # the notebook's nine, your network, the rest of the book
    for lesson in curriculum.lessons:
        assert len(lesson.exercises) >= 3, lesson.id
    ids = {exercise.id for exercise in curriculum.exercises}
    core = {
        "neuron-output",
        "layer-output",
        "dot-product",
        "batch-output",
        "relu",
        "step",
        "sigmoid",
        "softmax",
        "batch-softmax",
        "cce-loss",
        "accuracy",
        "neuron-gradients",
        "dense-backward",
        "relu-backward",
        "softmax-cce-backward",
        "sgd-update",
        "lr-decay",
        "momentum-update",
        "adam-update",
    }
    assert core <= ids
    for exercise_id in core:
        assert curriculum.exercise(exercise_id)[1].check == exercise_id


# ---------------------------------------------------------------------------- numeric parsing


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4.8", 4.8),
        ("4.80", 4.8),
        (" 4.8 ", 4.8),
        ("-0.5", -0.5),
        ("1e-7", 1e-7),
        ("3", 3.0),
        ("(3, 2, 4)", (3, 2, 4)),
        ("3,2,4", (3, 2, 4)),
        ("[3, 2, 4]", (3, 2, 4)),
        ("(3,)", (3,)),
        ("3x2x4", (3, 2, 4)),
        ("3 × 2", (3, 2)),
        ("(5)", (5,)),
        ("−2", -2.0),
    ],
)
def test_parse_numeric(text, expected):
    assert parse_numeric(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("four", "not a number"),
        ("(3, two)", "not a shape"),
        ("nan", "not a finite"),
        ("inf", "not a finite"),
        ("(3.5, 2)", "not a shape"),
        ("(-3, 2)", "not a shape"),
    ],
)
def test_parse_numeric_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_numeric(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_number_written_by_python_parses_back(number):
    assert parse_numeric(repr(number)) == number
    assert parse_numeric(f"  {number}  ") == number


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=5))
def test_any_shape_parses_back_in_every_notation(sizes):
    shape = tuple(sizes)
    assert parse_numeric(str(shape)) == shape
    assert parse_numeric(str(list(shape))) == shape
    if len(shape) > 1:
        assert parse_numeric(",".join(map(str, shape))) == shape
        assert parse_numeric("x".join(map(str, shape))) == shape


# ---------------------------------------------------------------------------- grading answers


def numeric(answer, tolerance=1e-6, feedback=()):
    return Exercise(
        id="n",
        kind="numeric",
        prompt="?",
        hints=["h"],
        solution="s",
        line=1,
        answer=answer,
        tolerance=tolerance,
        feedback=list(feedback),
    )


@pytest.mark.parametrize("response", ["4.8", "4.80", " 4.8 ", "4.8000001", 4.8])
def test_numeric_accepts_equivalent_forms(response):
    assert grade_answer(numeric(4.8), response).passed


def test_numeric_tolerance_edge_is_inclusive():
    exercise = numeric(4.8, tolerance=0.01)
    assert grade_answer(exercise, "4.79").passed and grade_answer(exercise, "4.81").passed
    assert not grade_answer(exercise, "4.7899").passed


def test_numeric_wrong_answers_get_their_feedback():
    exercise = numeric(4.8, feedback=[(2.8, "You forgot the bias.")])
    assert grade_answer(exercise, "2.8") == AnswerResult(False, "You forgot the bias.")
    assert grade_answer(exercise, "2.80") == AnswerResult(False, "You forgot the bias.")
    assert grade_answer(exercise, "3") == AnswerResult(False, "Not quite: 3 is not the answer.")


def test_numeric_rejects_non_answers_without_counting_them():
    exercise = numeric(4.8)
    result = grade_answer(exercise, "four")
    assert not result.passed and not result.valid and "not a number" in result.message
    assert not grade_answer(exercise, "(2, 3)").valid


@pytest.mark.parametrize("response", ["(3, 2, 4)", "3,2,4", "[3, 2, 4]", " ( 3 , 2 , 4 ) ", "3x2x4"])
def test_shape_answers(response):
    assert grade_answer(numeric((3, 2, 4)), response).passed


def test_shape_mistakes_are_explained():
    exercise = numeric((3, 2, 4))
    assert "wrong order" in grade_answer(exercise, "(4, 2, 3)").message
    assert "3 dimensions; yours has 2" in grade_answer(exercise, "(3, 2)").message
    assert grade_answer(numeric((3,)), "3").passed  # one number is a 1-D shape
    assert not grade_answer(exercise, "4.5").valid


def choice(answer, feedback=None):
    return Exercise(
        id="c",
        kind="choice",
        prompt="?",
        hints=["h"],
        solution="s",
        line=1,
        options={"a": "A", "b": "B", "c": "C"},
        answer=answer,
        feedback=feedback or {},
    )


def test_single_choice():
    exercise = choice("b", {"a": "A scales; what shifts?", "b": "Right: the bias."})
    assert grade_answer(exercise, "b") == AnswerResult(True, "Right: the bias.")
    assert grade_answer(exercise, "a") == AnswerResult(False, "A scales; what shifts?")
    assert grade_answer(exercise, "c") == AnswerResult(False, "Not quite. Have another look at the options.")
    assert not grade_answer(exercise, None).valid
    assert not grade_answer(exercise, "z").valid
    assert not grade_answer(exercise, ["a", "b"]).valid


def test_multiple_choice_needs_exactly_the_right_set():
    exercise = choice(["a", "c"], {"b": "B is data."})
    assert grade_answer(exercise, ["c", "a"]).passed
    assert grade_answer(exercise, {"a", "c"}).passed
    assert grade_answer(exercise, ["a", "b", "c"]) == AnswerResult(False, "B is data.")
    partial = grade_answer(exercise, ["a"])
    assert not partial.passed and "1 more option is right too" in partial.message
    assert not grade_answer(exercise, []).valid


def test_match():
    exercise = Exercise(
        id="m",
        kind="match",
        prompt="?",
        hints=["h"],
        solution="s",
        line=1,
        items={"1": "ReLU", "2": "sigmoid"},
        options={"A": "zero", "B": "small"},
        answer={"1": "A", "2": "B"},
        feedback={"2": "Sigmoid never reaches 0."},
    )
    assert grade_answer(exercise, {"1": "A", "2": "B"}).passed
    wrong = grade_answer(exercise, {"1": "A", "2": "A"})
    assert wrong == AnswerResult(False, "1 of 2 pairs are right. Sigmoid never reaches 0.")
    unfinished = grade_answer(exercise, {"1": "A", "2": None})
    assert not unfinished.valid and "1 of 2 matched" in unfinished.message
    assert not grade_answer(exercise, {"1": "Z", "2": "A"}).valid


def test_code_exercises_are_not_graded_here(curriculum):
    with pytest.raises(ValueError, match="grader"):
        grade_answer(curriculum.exercise("fixture-relu")[1], "def relu(x): return x")


def test_real_lessons_answers_pass_their_own_exercises():
    """Every non-code exercise in the shipped lessons accepts its own answer."""
    for exercise in load_curriculum(LESSONS_DIR).exercises:
        if exercise.kind == "numeric":
            response = (
                ", ".join(map(str, exercise.answer))
                if isinstance(exercise.answer, tuple)
                else repr(exercise.answer)
            )
        elif exercise.kind in ("choice", "match"):
            response = exercise.answer
        else:
            continue
        assert grade_answer(exercise, response).passed, exercise.id


# ---------------------------------------------------------------------------- the teacher's guide


def test_the_guides_examples_are_valid(tmp_path):
    """lessons/README.md's complete example and its per-kind examples parse without a problem."""
    guide = (LESSONS_DIR / "README.md").read_text(encoding="utf-8")
    example = guide.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    path = tmp_path / "01-example.md"
    path.write_text(example + "\n", encoding="utf-8")
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson), getattr(lesson, "problems", None)
    assert [e.id for e in lesson.exercises] == ["neuron-output", "what-bias-does"]
    kinds_section = guide.split("## Exercise kinds in detail", 1)[1].split("## YAML in five rules", 1)[0]
    path.write_text(FRONT + kinds_section, encoding="utf-8")
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson), getattr(lesson, "problems", None)
    assert [e.kind for e in lesson.exercises] == ["code", "choice", "match", "numeric"]


# ---------------------------------------------------------------------------- nothing lost in silence

NUMERIC = """\
```exercise
id: half
kind: numeric
prompt: What is 1 / 2?
answer: 0.5
hints: [Halve it.]
solution: A half.
```
"""


@pytest.mark.parametrize(
    "body, expected",
    [
        # A special fence indented with a tab, in a quote, in a list item: text, not a block.
        (
            "Text.\n\n\t```plot\n\tdata: spiral\n\t```\n",
            "11: this plot fence is indented with a tab, so markdown reads it as indented code and the "
            "plot is not loaded: start the fence line at the left margin",
        ),
        (
            "> ```plot\n> data: spiral\n> ```\n",
            "9: this plot fence is inside a quote ('>'), so it is read as text and the plot is not loaded: "
            "start the fence line at the left margin",
        ),
        (
            "- ```train\n  epochs: 5\n  ```\n",
            "9: this train fence is inside a list item, so it is read as text and the train is not loaded: "
            "start the fence line at the left margin",
        ),
        # A block whose closing fence is missing before the next block.
        (
            "```plot\ndata: spiral\n\n```plot\nfunction: relu\n```\n",
            "9: this plot block is not closed before the plot block at line 12: add a ``` line before line 12",
        ),
        # A closing fence indented with the YAML.
        (
            "```plot\ndata: spiral\n  ```\n\n```plot\nfunction: relu\n```\n",
            "9: this plot block's closing fence at line 11 is indented, so it does not close the block: start "
            "it at the left margin, like the opening fence",
        ),
        # A fence typed twice: the second opens a code block that hides the next block.
        (
            "```plot\ndata: spiral\n```\n```\n\n```plot\nfunction: relu\n```\n",
            "12: this ``` closes no block (the block above ends at line 11), so it opens a code block that "
            "hides the rest of the lesson: remove it",
        ),
        # ~~~ closed by ```.
        (
            "~~~plot\ndata: spiral\n```\n",
            "9: this plot block opens with ~~~ but is closed at line 11 with ```: a block ends only at a "
            "fence at least as long as its opening one, so make both ~~~",
        ),
        # A 4-backtick code block closed with 3 backticks runs to the end of the file.
        (
            "````python\nx = 1\n```\n",
            "9: this code block opens with ```` but the fence at line 11 is shorter (```), so it does not "
            "close it: a block ends only at a fence at least as long as its opening one",
        ),
    ],
)
def test_special_fences_that_are_not_blocks_are_reported(tmp_path, body, expected):
    path = write_lesson(tmp_path, body)
    assert only_problems(path) == [expected]


def test_an_example_inside_a_longer_fence_is_not_reported(tmp_path):
    path = write_lesson(
        tmp_path, "````markdown\n```exercise\nid: shown\n```\n````\n\n~~~\n```plot\n```\n~~~\n"
    )
    assert isinstance(parse_lesson(path), Lesson)


def test_a_closing_fence_that_opens_a_code_block_is_not_reported_again(tmp_path):
    path = write_lesson(tmp_path, "    ```plot\n    data: spiral\n```\n\nText.\n")
    assert only_problems(path) == [
        "9: this plot fence is indented by 4 spaces, so markdown reads it as indented code and the plot "
        "is not loaded: start the fence line at the left margin"
    ]


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "answer: 0.5",
            "answer: 2,75\nfeedback:\n  - answer: 1,5\n    message: No.",
            "13: answer 2,75 has a decimal comma, so it would be read as the shape (2, 75): write the "
            "number with a point, 2.75; or write a shape in brackets, (2, 75)",
        ),
        (
            "answer: 0.5",
            "answer: 0.5\nfeedback:\n  - answer: 1,5\n    message: No.",
            "15: feedback answer 1,5 has a decimal comma, so it would be read as the shape (1, 5): write "
            "the number with a point, 1.5; or write a shape in brackets, (1, 5)",
        ),
        (
            "answer: 0.5",
            "answer: 0.5\ntolerance: 0,01",
            "14: tolerance must be a number of at least 0 (an absolute difference) (0,01 has a decimal "
            "comma: write 0.01)",
        ),
        (
            "answer: 0.5",
            "answer: 1,000",
            "13: answer 1,000 has a decimal comma, so it would be read as the shape (1, 0): write the number "
            "with a point, 1.000, or 1000 without the thousands separator; or write a shape in brackets, (1, 0)",
        ),
        (
            "answer: 0.5",
            "answer: 05",
            "13: answer 05 has a leading zero, which YAML reads as the octal number 5: write 5 (or quote it, "
            "'05', if it is text)",
        ),
    ],
)
def test_numbers_written_the_local_way(tmp_path, old, new, expected):
    path = write_lesson(tmp_path, NUMERIC.replace(old, new))
    assert only_problems(path) == [expected]


def test_order_with_a_leading_zero_is_reported_once(tmp_path):
    path = write_lesson(tmp_path, "Text.\n", front=FRONT.replace("order: 1", "order: 09"))
    assert only_problems(path) == [
        "4: order 09 has a leading zero, which YAML reads as text: write 9 (or quote it, '09', if it is text)"
    ]


def test_code_written_without_a_pipe(tmp_path):
    body = """
        ```exercise
        id: folded
        kind: code
        prompt: Define it.
        starter: |
          x = None
        hints: [Think.]
        solution:
          x = 1
          y = 2
        check: relu
        ```
        """
    assert only_problems(write_lesson(tmp_path, body)) == [
        "17: solution is code written over several lines without '|', so YAML joins them into one line: "
        "write 'solution: |' and indent the code below it"
    ]
    body = body.replace("  x = 1\n          y = 2", "  def f(x):\n              return x")
    assert only_problems(write_lesson(tmp_path, body)) == [
        "17: solution must be text, not a 'key: value' mapping (text over several lines goes in a '|' "
        "block: write 'solution: |' and indent it below)"
    ]


def test_a_misspelt_required_key_is_reported_once(tmp_path):
    path = write_lesson(tmp_path, NUMERIC.replace("hints:", "hint:"))
    assert only_problems(path) == ["14: unknown key 'hint' in the numeric exercise (did you mean 'hints'?)"]


def test_format_version(tmp_path):
    path = write_lesson(tmp_path, NUMERIC, front=FRONT.replace("---\nid:", "---\nformat_version: 1\nid:"))
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson) and lesson.format_version == 1
    assert parse_lesson(write_lesson(tmp_path, NUMERIC)).format_version == 1  # the default
    path = write_lesson(tmp_path, NUMERIC, front=FRONT.replace("---\nid:", "---\nformat_version: one\nid:"))
    assert only_problems(path) == [
        "2: format_version must be a whole number (this nntutor reads version 1), not 'one'"
    ]


def test_a_lesson_over_the_size_limit_is_reported_unread(tmp_path, monkeypatch):
    from tutor.curriculum import files

    path = write_lesson(tmp_path, NUMERIC + "Text.\n" * 100)
    monkeypatch.setattr(files, "MAX_LESSON_BYTES", 100)
    monkeypatch.setattr(files.Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    assert only_problems(path) == [
        "1: the file is 0.0 MB; a lesson may be at most 0 MB (bigger ones are too slow to show): split it "
        "into several lessons, or remove what does not belong in it"
    ]


def test_a_real_size_over_1_mb_is_reported(tmp_path):
    path = write_lesson(tmp_path, NUMERIC + "Filler text for a long lesson.\n" * 40_000)
    assert only_problems(path)[0].startswith("1: the file is 1.2 MB; a lesson may be at most 1 MB")


def test_an_unreadable_lesson_is_listed_as_broken(tmp_path, monkeypatch):
    from tutor.curriculum import files

    write_lesson(tmp_path, NUMERIC, name="01-locked.md")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.Path, "read_bytes", refuse)
    curriculum = load_curriculum(tmp_path)
    assert [str(problem.format()).split(": ", 1)[1] for problem in curriculum.problems] == [
        "cannot read the file: Permission denied (check that it exists and you may read it)"
    ]
    assert curriculum.broken[0].path.name == "01-locked.md"


def test_files_that_look_like_lessons_but_would_not_load(tmp_path):
    write_lesson(tmp_path, NUMERIC)
    (tmp_path / "02-draft.md.txt").write_text(FRONT)
    (tmp_path / "03-notes.txt").write_text("---\nid: x\n")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "04-more.md").write_text(FRONT)
    (tmp_path / "05-backup.md~").write_text(FRONT)  # an editor's backup: neither loaded nor reported
    (tmp_path / "notes.txt").write_text("just notes\n")  # not a lesson
    problems = [(p.path.name, p.line, p.message) for p in load_curriculum(tmp_path).problems]
    assert problems == [
        (
            "02-draft.md.txt",
            1,
            "the name ends in '.txt' after '.md', so the lesson is not loaded: rename it to 02-draft.md",
        ),
        (
            "03-notes.txt",
            1,
            "this file looks like a lesson but does not end in '.md', so it is not loaded: rename it to "
            "03-notes.md",
        ),
        (
            "extra",
            1,
            "lessons in a subfolder are not loaded (04-more.md): move them into the lessons folder itself",
        ),
    ]


def test_block_text_written_flush_left_is_reported_at_its_first_line(tmp_path):
    path = write_lesson(tmp_path, NUMERIC.replace("prompt: What is 1 / 2?", "prompt: |\nWhat is 1 / 2?"))
    assert only_problems(path) == [
        "13: bad YAML in the exercise block: the text of 'prompt:' (line 12) must be indented under it: "
        "put two spaces before each of its lines"
    ]


def test_front_matter_that_runs_into_the_text(tmp_path):
    front = FRONT.replace("  - Learn\n---\n", "  - Learn\n\n# Title\n\nSome text.\n\n---\n")
    path = write_lesson(tmp_path, "More text.\n", front=front)
    assert only_problems(path) == [
        "1: the front matter is never closed: add a '---' line before line 9 (the '---' at line 13 ends it "
        "instead, so the lesson's text is read as front matter)"
    ]
    # A YAML comment in a front matter that is closed is fine.
    path = write_lesson(
        tmp_path, "Text.\n", front=FRONT.replace("id: sample\n", "# written for the demo\nid: sample\n")
    )
    assert isinstance(parse_lesson(path), Lesson)
