"""The one renderer of check results (tutor.grader.feedback): sections, order, caps; and the limits module."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tutor.grader import Grader, describe
from tutor.grader.feedback import (
    MAX_OTHER_CASES,
    MAX_OUTPUT_LINES,
    MAX_TRACEBACK_LINES,
    render_feedback,
)
from tutor.grader.results import CaseResult, CheckResult

SENTENCE = "Negative inputs should become 0: that is min(0, x). ReLU is max(0, x)."
EVIDENCE = "Called relu(inputs) with\n  inputs = [1.0, -1.0]\n  expected: [1.0, 0.0]\n  received: [0.0, -1.0]"


def failing_cases(count: int) -> list[CaseResult]:
    return [CaseResult(f"case {i}", False, f"{SENTENCE}\n{EVIDENCE}") for i in range(count)]


def kinds(feedback) -> list[str]:
    return [section.kind for section in feedback.sections()]


def test_sections_come_in_reading_order_and_empty_ones_are_left_out():
    result = CheckResult(
        "relu",
        False,
        "Not yet: 1 of 3 cases passed; first failure: case 0.",
        diagnosis=SENTENCE,
        cases=[CaseResult("fine", True), *failing_cases(2)],
        stdout="hello\n",
    )
    feedback = render_feedback(result)
    assert kinds(feedback) == ["verdict", "diagnosis", "case", "other-cases", "output"]
    assert feedback.case_name == "case 0"
    assert feedback.case == EVIDENCE  # the sentence is said once, as the diagnosis
    assert feedback.other_cases == ("  case 1: the same mistake",)
    text = feedback.text()
    assert text.index(SENTENCE) < text.index("Failing case: case 0") < text.index("Other failing cases:")
    assert text.count(SENTENCE) == 1
    assert "Your output:\n  hello" in text
    assert render_feedback(CheckResult("relu", True, "Passed: all 3 cases are right.")).text() == (
        "Passed: all 3 cases are right."
    )


def test_other_failing_cases_are_one_line_each_and_capped():
    cases = failing_cases(1) + [
        CaseResult(f"other {i}", False, f"A different problem {i}. With more words.\n{EVIDENCE}")
        for i in range(MAX_OTHER_CASES + 3)
    ]
    feedback = render_feedback(CheckResult("relu", False, "Not yet.", diagnosis=SENTENCE, cases=cases))
    assert feedback.other_cases[0] == "  other 0: A different problem 0."
    assert len(feedback.other_cases) == MAX_OTHER_CASES + 1
    assert feedback.other_cases[-1] == "  [... 3 more failing cases]"
    assert all("\n" not in line for line in feedback.other_cases)


def test_output_and_traceback_are_cut_and_say_so():
    stdout = "\n".join(f"line {i} " + "x" * 300 for i in range(MAX_OUTPUT_LINES + 5))
    traceback = "Traceback (most recent call last):\n" + "\n".join(
        f'  File "answer.py", line {i}' for i in range(MAX_TRACEBACK_LINES + 10)
    )
    result = CheckResult(
        "relu", False, "Your code raised RecursionError.", stdout=stdout, traceback=traceback
    )
    feedback = render_feedback(result)
    output_lines = feedback.output.split("\n")
    assert len(output_lines) == MAX_OUTPUT_LINES + 1
    assert output_lines[-1] == "[... 5 more lines]"
    assert output_lines[0].endswith("more characters]") and len(output_lines[0]) < 200
    assert feedback.traceback.split("\n")[-1] == "[... 11 more lines]"
    assert kinds(feedback) == ["verdict", "output", "traceback"]


def test_a_summary_that_begins_the_diagnosis_is_said_once():
    diagnosis = "`output` is None. Replace None with your calculation of the output."
    result = CheckResult(
        "neuron-output",
        False,
        "`output` is None.",
        diagnosis=diagnosis,
        cases=[CaseResult("defines the names the exercise asks for", False, diagnosis)],
    )
    feedback = render_feedback(result)
    assert feedback.verdict == diagnosis and feedback.diagnosis == ""
    assert feedback.text() == diagnosis


def test_a_traceback_is_shown_once():
    traceback = 'Traceback (most recent call last):\n  File "answer.py", line 2, in relu\nTypeError: nope'
    in_case = CheckResult(
        "relu",
        False,
        "Not yet: 0 of 1 cases passed; first failure: a.",
        diagnosis="Your code raised TypeError.",
        cases=[CaseResult("a", False, f"Your code raised TypeError.\nCalled relu(inputs) with\n{traceback}")],
        traceback=traceback,
    )
    assert in_case.feedback.count("Traceback (most recent") == 1
    at_import = CheckResult("relu", False, "Your code raised TypeError on line 2.", traceback=traceback)
    assert kinds(render_feedback(at_import)) == ["verdict", "traceback"]
    syntax = CheckResult("relu", False, "Syntax error.", traceback='  File "answer.py", line 1\nSyntaxError')
    assert "Traceback:\n  File" in syntax.feedback  # a heading where Python's text has none


def test_json_carries_the_rendered_feedback_and_the_parts_survive_the_wire():
    result = CheckResult(
        "relu", False, "Not yet.", diagnosis=SENTENCE, cases=failing_cases(2), stdout="hi", duration_ms=3.21
    )
    data = result.to_json()
    assert data["feedback"] == render_feedback(result).text()
    wire = result.to_json(rendered=False)
    assert "feedback" not in wire
    again = CheckResult.from_json(wire)
    assert again.feedback == result.feedback and again.diagnosis == SENTENCE


def test_limits_import_no_numpy():
    code = "import sys, tutor.grader.limits, tutor.grader.feedback; print('numpy' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


def test_the_graders_tolerances_and_timeouts_come_from_limits():
    from tutor.grader import api, client, limits

    assert client.DEFAULT_TIMEOUT is limits.DEFAULT_TIMEOUT and client.MAX_TIMEOUT is limits.MAX_TIMEOUT
    assert api.RTOL is limits.RTOL and api.ATOL is limits.ATOL


def test_the_app_panel_shows_the_same_sections():
    from tutor.widgets.feedback import FeedbackPanel

    result = CheckResult(
        "relu", False, "Not yet.", diagnosis=SENTENCE, cases=failing_cases(3), stdout="hi\n", traceback=None
    )
    shown = FeedbackPanel._check_details(result).plain
    for section in render_feedback(result).sections():
        assert section.body in shown
        assert section.title in shown


def test_cases_that_share_a_reason_share_one_line():
    counted = "values of the result differ from the expected ones."
    cases = [
        *failing_cases(3),
        CaseResult("whole numbers, a list", False, f"3 of 7 {counted}\n{EVIDENCE}"),
        CaseResult("10 random values", False, f"4 of 10 {counted}\n{EVIDENCE}"),
        CaseResult("large", False, f"Your code raised TypeError. More.\n{EVIDENCE}"),
    ]
    feedback = render_feedback(CheckResult("relu", False, "Not yet.", diagnosis=SENTENCE, cases=cases))
    assert feedback.other_cases == (
        "  case 1; case 2: the same mistake",
        "  whole numbers, a list; 10 random values: some values of the result differ from the expected ones.",
        "  large: Your code raised TypeError.",
    )
    many = render_feedback(CheckResult("relu", False, "Not yet.", diagnosis=SENTENCE, cases=failing_cases(6)))
    assert many.other_cases == ("  case 1; case 2; case 3 and 2 more: the same mistake",)


def test_an_array_wider_than_the_panel_is_cut_into_lines_of_one_row_with_marks_under_the_entries():
    expected = np.array([[123456.7, -0.0, 3.25, 1e-9, 42.0, 7.0, 8.5, -1234.5]] * 2)
    received = expected.copy()
    received[0, 1], received[1, 6], received[1, 7] = 2.0, -8.5, 0.0
    text = describe.side_by_side(expected, received)
    lines = text.split("\n")
    assert all(len(line) <= describe.PANEL_WIDTH for line in lines)
    assert "-0.0" not in text
    received_lines = lines[lines.index(next(line for line in lines if "received:" in line)) :]
    entries = [line for line in received_lines if "^" not in line]
    assert len(entries) > 2  # each row needed more than one line
    assert all(line.count("[") - line.count("[[") <= 1 for line in entries)  # never two rows on a line
    marked = set()
    for above, marks in itertools.pairwise(received_lines):
        if "^" not in marks:
            continue
        for run in re.finditer(r"\^+", marks):
            cell = above[run.start() : run.end()].strip()
            assert cell and cell not in "[],", (above, marks)
            marked.add(cell)
    assert marked == {"2.0", "-8.5", "0.0"}


def test_no_negative_zero_is_shown():
    assert describe.number_text(-0.0) == "0.0"
    assert "-0" not in describe.compact(np.array([[[-0.0, 1.0]]]))
    assert "-0.0" not in describe.side_by_side(np.array([-0.0, 1.0]), np.array([0.0, 2.0]))
    assert "-0.0" not in describe.without_answer(np.array([-0.0, 1.0]), np.array([-0.0, 2.0]))


@pytest.fixture(scope="module")
def grader():
    with Grader() as shared:
        yield shared


def _source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


WRONG_ANSWERS = [
    ("relu", "import numpy as np\ndef relu(inputs):\n    return np.clip(inputs, 0, 1)\n"),
    (
        "accuracy",
        _source("""
            import numpy as np
            def accuracy(y_pred, y_true):
                y_true = np.asarray(y_true)
                if y_true.ndim == 2:
                    y_true = np.argmax(y_true, axis=1)
                return np.mean((np.asarray(y_pred)[:, 1] > 0.5) == y_true)
        """),
    ),
    (
        "batch-softmax",
        "import numpy as np\ndef batch_softmax(layer_outputs):\n    return np.exp(layer_outputs)\n",
    ),
]


@pytest.mark.parametrize(("check", "source"), WRONG_ANSWERS, ids=[c for c, _ in WRONG_ANSWERS])
def test_real_feedback_says_each_thing_once_with_the_diagnosis_under_the_verdict(grader, check, source):
    result = grader.grade(check, source)
    feedback = render_feedback(result)
    assert kinds(feedback)[:3] == ["verdict", "diagnosis", "case"]
    text = feedback.text()
    blocks = text.split("\n\n")
    assert blocks[0] == feedback.verdict and blocks[1] == feedback.diagnosis
    lines = [line for line in text.split("\n") if line.strip() and not set(line) <= {" ", "^"}]
    assert len(lines) == len(set(lines)), [line for line in lines if lines.count(line) > 1]
    assert "-0.0" not in text
    assert all("\n" not in line for line in feedback.other_cases)


def test_a_starter_that_returns_none_gets_one_short_message(grader):
    feedback = render_feedback(grader.grade("step", "def step(inputs):\n    return None\n"))
    assert kinds(feedback) == ["verdict", "diagnosis"] or kinds(feedback) == ["verdict"]
    text = feedback.text()
    assert "still returns None" in text
    assert "Failing case" not in text and "Other failing cases" not in text
    assert len(text.split("\n")) <= 3


def test_the_failing_case_shown_first_is_the_one_closest_to_the_lessons_example(grader):
    # Right for the lesson's 8 values, wrong for every other length: of the failing cases, the 7 whole
    # numbers are nearest the lesson's example (not the single value that comes first in the check).
    source = _source("""
        import numpy as np
        def relu(inputs):
            x = np.asarray(inputs, dtype=float)
            return np.maximum(0, x) if len(x) == 8 else np.abs(x)
    """)
    result = grader.grade("relu", source)
    failing = [case.name for case in result.cases if not case.passed]
    assert failing[0] == "whole numbers (ints in a list)"
    assert "a single value" in failing
    assert render_feedback(result).case_name == "whole numbers (ints in a list)"
    assert "first failure: whole numbers (ints in a list)" in result.summary
