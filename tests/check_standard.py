"""The standard tests every table of graded exercises is held to, and the leak detector they use.

A test module gives ``standard_tests`` its ``EXERCISES`` table (check id -> reference, starter, styles,
wrong answers with the words their message must name) and puts the tests it returns in its namespace:
the reference passes, the starter fails, correct answers in other styles pass, each wrong answer fails
with a message naming the mistake, and no message shows the reference solution."""

from __future__ import annotations

import ast
import copy
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tutor.curriculum import load_curriculum
from tutor.grader import Grader

ROOT = Path(__file__).resolve().parents[1]
CHECK_SOURCES = sorted((ROOT / "tutor" / "grader").rglob("*.py"))


class _WholeNumbersAsInts(ast.NodeTransformer):
    """1.0 and 1 are the same answer: compare expressions with whole-number floats written as ints."""

    def visit_Constant(self, node):
        if isinstance(node.value, float) and node.value.is_integer():
            return ast.copy_location(ast.Constant(int(node.value)), node)
        return node


class _DotAsMatmul(ast.NodeTransformer):
    """np.dot(a, b) and a @ b are the same answer: compare them written with @."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if ast.unparse(node.func) == "np.dot" and len(node.args) == 2 and not node.keywords:
            return ast.copy_location(ast.BinOp(node.args[0], ast.MatMult(), node.args[1]), node)
        return node


def _squeeze(text: str) -> str:
    """Text without spaces, with 1.0 written 1 and np.array(name) written name."""
    text = re.sub(r"\b(\d+)\.0\b", r"\1", re.sub(r"\s+", "", text))
    return re.sub(r"np\.(?:as)?array\((\w+)\)", r"\1", text)


def _expression_text(node: ast.AST) -> str:
    return _squeeze(ast.unparse(_WholeNumbersAsInts().visit(copy.deepcopy(node))))


def _spellings(node: ast.AST) -> set[str]:
    """An expression as text, with its products written both as np.dot(a, b) and as a @ b."""
    with_matmul = _DotAsMatmul().visit(copy.deepcopy(node))
    with_dot = _expression_text(with_matmul)
    for _ in range(with_dot.count("@")):  # a @ b -> np.dot(a,b), one product at a time
        tree = ast.parse(with_dot, mode="eval")
        product = next(
            n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult)
        )
        call = ast.Call(ast.Attribute(ast.Name("np"), "dot"), [product.left, product.right], [])
        with_dot = _squeeze(ast.unparse(_Replace(product, call).visit(tree)))
    return {_expression_text(with_matmul), with_dot}


class _Replace(ast.NodeTransformer):
    def __init__(self, old: ast.AST, new: ast.AST):
        self.old, self.new = old, new

    def visit(self, node):
        return self.new if node is self.old else super().visit(node)


def _computed_expressions(source: str) -> set[str]:
    """What a piece of code computes, normalised (no spaces, 1.0 written 1): every right-hand side and
    returned value, and the parts of one that make up most of it (np.dot(inputs, weights.T) in
    np.dot(inputs, weights.T) + biases, but not np.sqrt(v_hat) in a long Adam step)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return)) and node.value is not None:
            whole = _expression_text(node.value)
            for part in ast.walk(node.value):
                if part is node.value or (
                    isinstance(part, (ast.BinOp, ast.Call, ast.Subscript))
                    and len(_expression_text(part)) >= 0.6 * len(whole)
                ):
                    found |= _spellings(part)
    return found


@functools.cache
def _lesson_solutions() -> dict[str, list[tuple[str, str]]]:
    """check id -> [(solution, starter)] of the code exercises in lessons/."""
    solutions: dict[str, list[tuple[str, str]]] = {}
    for exercise in load_curriculum(ROOT / "lessons").exercises:
        if exercise.kind == "code" and exercise.check:
            solutions.setdefault(exercise.check, []).append((exercise.solution, exercise.starter or ""))
    return solutions


@functools.cache
def _message_literals() -> tuple[str, ...]:
    """Every string the grader's code can show (string literals, f-strings' fixed parts), docstrings aside."""
    texts = []
    for path in CHECK_SOURCES:
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                texts.append("".join(part.value for part in node.values if isinstance(part, ast.Constant)))
            elif (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            ):
                texts.append(node.value)
    return tuple(texts)


Leaks = Callable[..., list[str]]


@pytest.fixture(scope="module")
def grader():
    """One grader for a test module's checks."""
    with Grader() as shared:
        yield shared


def leak_detector(exercises: dict[str, Any], lessons: bool = True) -> Leaks:
    """``leaks(text, exercise, learner_source="")``: the answer's expressions that ``text`` shows, lines
    of the learner's own code aside. The answer is what the reference solutions (``exercises``' and, with
    ``lessons``, the lessons') compute that their starters do not, short fragments (np.exp(-x), axis=1...)
    aside."""

    @functools.cache  # asked once per grader message
    def answer_expressions(exercise: str) -> frozenset[str]:
        pairs = [(exercises[exercise]["reference"], exercises[exercise]["starter"])]
        if lessons:
            pairs += _lesson_solutions().get(exercise, [])
        answer: set[str] = set()
        for solution, starter in pairs:
            answer |= _computed_expressions(solution) - _computed_expressions(starter)
        return frozenset(text for text in answer if len(text) >= 14)

    def leaks(text: str, exercise: str, learner_source: str = "") -> list[str]:
        own_lines = {line.strip() for line in learner_source.splitlines() if line.strip()}
        shown = _squeeze("\n".join(line for line in text.splitlines() if line.strip() not in own_lines))
        return sorted(expression for expression in answer_expressions(exercise) if expression in shown)

    return leaks


def _never_leaks(text: str, exercise: str, learner_source: str = "") -> list[str]:
    return []


def standard_tests(
    exercises: dict[str, Any],
    leaks: Leaks | None = None,
    *,
    reference: bool = True,
    starter: bool = True,
    lesson_solutions: bool = False,
    starter_leaks: bool = True,
) -> dict[str, Callable[..., Any]]:
    """The standard tests of ``exercises`` and the module's ``grader`` fixture, by name, for a test
    module's namespace. With ``leaks`` the starter's and the wrong answers' messages must not show the
    answer (the starter's only with ``starter_leaks``) and neither may any message of the grader;
    ``reference=False`` leaves the reference test to the module, ``starter=False`` the starter test (for
    a table without starters), ``lesson_solutions`` adds the lessons' solutions and starters."""
    names = sorted(exercises)
    shows = leaks or _never_leaks

    @pytest.mark.parametrize("exercise", names)
    def test_reference_solution_passes(grader, exercise):
        result = grader.grade(exercise, exercises[exercise]["reference"])
        assert result.passed, result.feedback
        assert result.cases and all(case.passed for case in result.cases)

    @pytest.mark.parametrize("exercise", names)
    def test_lesson_solution_passes_and_starter_fails(grader, exercise):
        for solution, starter in _lesson_solutions()[exercise]:
            assert grader.grade(exercise, solution).passed
            result = grader.grade(exercise, starter)
            assert not result.passed and result.feedback
            assert not shows(result.feedback, exercise, starter), result.feedback

    @pytest.mark.parametrize("exercise", names)
    def test_starter_fails(grader, exercise):
        result = grader.grade(exercise, exercises[exercise]["starter"])
        assert not result.passed
        assert result.summary and result.feedback
        if starter_leaks:
            assert not shows(result.feedback, exercise, exercises[exercise]["starter"]), result.feedback

    styles = [(exercise, index) for exercise in names for index in range(len(exercises[exercise]["styles"]))]

    @pytest.mark.parametrize(("exercise", "index"), styles)
    def test_other_correct_styles_pass(grader, exercise, index):
        result = grader.grade(exercise, exercises[exercise]["styles"][index])
        assert result.passed, result.feedback

    wrong = [(exercise, index) for exercise in names for index in range(len(exercises[exercise]["wrong"]))]

    @pytest.mark.parametrize(("exercise", "index"), wrong)
    def test_wrong_answer_fails_naming_the_mistake(grader, exercise, index):
        source, words = exercises[exercise]["wrong"][index]
        result = grader.grade(exercise, source)
        assert not result.passed
        assert words.lower() in result.feedback.lower(), result.feedback
        assert not shows(result.feedback, exercise, source), result.feedback

    @pytest.mark.parametrize("exercise", names)
    def test_every_exercise_has_enough_examples(exercise):
        entry = exercises[exercise]
        assert len(entry["wrong"]) >= 3
        assert len(entry["styles"]) >= 2

    @pytest.mark.parametrize("exercise", names)
    def test_no_message_in_the_grader_shows_the_reference_solution(exercise):
        found = {text: shows(text, exercise) for text in _message_literals()}
        assert not {text: expressions for text, expressions in found.items() if expressions}

    tests = {
        "grader": grader,
        "test_reference_solution_passes": test_reference_solution_passes,
        "test_starter_fails": test_starter_fails,
        "test_other_correct_styles_pass": test_other_correct_styles_pass,
        "test_wrong_answer_fails_naming_the_mistake": test_wrong_answer_fails_naming_the_mistake,
        "test_every_exercise_has_enough_examples": test_every_exercise_has_enough_examples,
    }
    if not reference:
        del tests["test_reference_solution_passes"]
    if not starter:
        del tests["test_starter_fails"]
    if lesson_solutions:
        tests["test_lesson_solution_passes_and_starter_fails"] = test_lesson_solution_passes_and_starter_fails
    if leaks is not None:
        tests["test_no_message_in_the_grader_shows_the_reference_solution"] = (
            test_no_message_in_the_grader_shows_the_reference_solution
        )
    return tests
