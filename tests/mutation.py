"""A small AST mutator for the reference solutions of the core exercises, and a way to grade mutants.

Each operator makes one realistic change that learners make in this field: swap axis 0/1, drop
``keepdims``, add or drop a transpose, flip a sign, an off-by-one in an exponent or a count, sum/mean/max
swapped, exp/log/log10 swapped, ``>``/``>=`` swapped, in-place instead of a copy, index labels taken for
one-hot ones. :func:`mutants` yields every single-change variant of a solution with the operator's kind
(which :data:`COMPATIBLE` relates to the ``cause`` of the grader's mistakes). :func:`grade_in_process`
grades a source in this process (mutants of the references are harmless), which is fast and lets the
caller see which mistakes were named.

Used by ``tests/test_grader_mutations.py`` and ``benchmarks/bench_diagnosis.py``.
"""

from __future__ import annotations

import ast
import copy
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The causes a diagnosis may name for a mutant of each kind; anything else is a contradiction.
COMPATIBLE: dict[str, set[str]] = {
    "axis": {"axis", "reduction", "transpose", "keepdims", "labels"},
    "keepdims": {"keepdims", "axis"},
    "transpose": {"transpose", "order"},
    "sign": {"sign", "bias", "formula", "extra-term", "missing-term"},
    # ("labels": `len(y_true.shape) - 1 == 2` takes one-hot labels for class indices.)
    "off-by-one": {"off-by-one", "scale", "formula", "missing-term", "return", "labels"},
    "reduction": {"reduction", "scale", "axis", "formula"},
    "exp-log": {"exp-log", "formula"},
    "comparison": {"comparison"},
    "in-place": {"in-place"},
    "labels": {"labels"},
    "term": {"missing-term", "bias", "formula", "scale", "return", "sign"},
}


@dataclass(frozen=True)
class Mutant:
    """One changed copy of a solution: ``kind`` is the operator, ``change`` says what it did."""

    kind: str
    change: str
    source: str


_REDUCTIONS = ("sum", "mean", "max")
_PAIRS = {"maximum": "minimum", "minimum": "maximum", "argmax": "argmin"}
_LOGS = {"exp": ("log",), "log": ("log10", "exp"), "log10": ("log",)}


def _sites(tree: ast.AST) -> Iterator[tuple[str, str, ast.AST, object]]:
    """Every place an operator applies: (kind, description, node, variant)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.keyword)
            and node.arg == "axis"
            and isinstance(node.value, ast.Constant)
            and node.value.value in (0, 1)
        ):
            yield "axis", f"axis={node.value.value} -> axis={1 - node.value.value}", node, None
        if isinstance(node, ast.Call):
            if any(k.arg == "keepdims" for k in node.keywords):
                yield "keepdims", f"drop keepdims in {ast.unparse(node)[:40]}", node, "keepdims"
            name = _called(node)
            if name in _REDUCTIONS and (isinstance(node.func, ast.Attribute) or name == "sum"):
                for other in _REDUCTIONS:
                    if other != name and (isinstance(node.func, ast.Attribute) or other != "mean"):
                        yield "reduction", f"{name} -> {other}", node, other
            if name in _LOGS and isinstance(node.func, ast.Attribute):
                for other in _LOGS[name]:
                    yield "exp-log", f"{name} -> {other}", node, other
            if name == "copy" and isinstance(node.func, ast.Attribute) and not node.args:
                yield "in-place", "drop .copy()", node, "copy"
            elif name == "copy" and _is_numpy_call(node) and len(node.args) == 1:
                yield "in-place", "drop np.copy()", node, "np.copy"
            if name == "len":
                yield "off-by-one", f"{ast.unparse(node)} - 1", node, "len"
            if name in ("dot", "matmul") and len(node.args) == 2:
                for position in (0, 1):
                    yield "transpose", f"transpose argument {position + 1} of {name}", node, position
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield "transpose", f"drop .T on {ast.unparse(node.value)}", node, "drop"
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.MatMult):
                for position in (0, 1):
                    yield "transpose", f"transpose operand {position + 1} of @", node, position
            if isinstance(node.op, (ast.Add, ast.Sub)):
                yield "sign", f"{'+' if isinstance(node.op, ast.Add) else '-'} flipped", node, "flip"
                if isinstance(node.right, ast.Constant) and node.right.value == 1:
                    yield "off-by-one", f"drop the {ast.unparse(node.op)} 1", node, "drop-one"
            if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant):
                yield "off-by-one", f"exponent {node.right.value} -> {node.right.value + 1}", node, "pow"
            if isinstance(node.op, ast.Pow) and not isinstance(node.right, ast.Constant):
                yield "off-by-one", f"exponent {ast.unparse(node.right)} + 1", node, "pow"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield "sign", f"drop the minus in {ast.unparse(node)[:30]}", node, "unary"
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op = node.ops[0]
            swap = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt}.get(type(op))
            if swap:
                yield "comparison", f"{type(op).__name__} -> {swap.__name__}", node, swap
            if _is_label_form_test(node):
                yield "labels", "index and one-hot forms swapped", node, "labels"
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            yield "sign", "+= and -= swapped", node, "augflip"
        if isinstance(node, ast.Call) and _called(node) in _PAIRS and isinstance(node.func, ast.Attribute):
            yield "reduction", f"{_called(node)} -> {_PAIRS[_called(node)]}", node, _PAIRS[_called(node)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            yield "term", f"drop {ast.unparse(node.right)[:30]}", node, "drop-term"


def _is_label_form_test(node: ast.Compare) -> bool:
    text = ast.unparse(node.left)
    return (text.endswith(".ndim") or (text.startswith("len(") and ".shape" in text)) and isinstance(
        node.comparators[0], ast.Constant
    )


def _is_numpy_call(node: ast.Call) -> bool:
    """``np.f(...)`` or ``numpy.f(...)``."""
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("np", "numpy")
    )


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _transposed(node: ast.expr) -> ast.expr:
    return ast.Attribute(value=node, attr="T", ctx=ast.Load())


class _Apply(ast.NodeTransformer):
    """Apply one mutation at the node with the given index in ``ast.walk`` order."""

    def __init__(self, target: ast.AST, kind: str, variant: object):
        self.target, self.kind, self.variant = target, kind, variant

    def visit(self, node):
        if node is not self.target:
            return super().visit(node)
        kind, variant = self.kind, self.variant
        if kind == "axis":
            node.value = ast.Constant(1 - node.value.value)
        elif kind == "keepdims":
            node.keywords = [k for k in node.keywords if k.arg != "keepdims"]
        elif kind == "sign" and variant == "augflip":
            node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        elif kind == "term":
            return node.left
        elif kind in ("reduction", "exp-log"):
            if isinstance(node.func, ast.Attribute):
                node.func.attr = variant
            else:
                node.func.id = variant
        elif kind == "in-place":
            return node.args[0] if variant == "np.copy" else node.func.value
        elif kind == "off-by-one" and variant == "len":
            return ast.BinOp(left=node, op=ast.Sub(), right=ast.Constant(1))
        elif kind == "off-by-one" and variant == "drop-one":
            return node.left
        elif kind == "off-by-one" and variant == "pow":
            if isinstance(node.right, ast.Constant):
                node.right = ast.Constant(node.right.value + 1)
            else:
                node.right = ast.BinOp(left=node.right, op=ast.Add(), right=ast.Constant(1))
        elif kind == "transpose" and variant == "drop":
            return node.value
        elif kind == "transpose" and isinstance(node, ast.Call):
            node.args[variant] = _transposed(node.args[variant])
        elif kind == "transpose":
            if variant == 0:
                node.left = _transposed(node.left)
            else:
                node.right = _transposed(node.right)
        elif kind == "sign" and variant == "flip":
            node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        elif kind == "sign" and variant == "unary":
            return node.operand
        elif kind == "comparison":
            node.ops = [variant()]
        elif kind == "labels":
            value = node.comparators[0].value
            node.comparators = [ast.Constant(2 if value == 1 else 1)]
        return node


def mutants(source: str) -> list[Mutant]:
    """Every single-change mutant of ``source`` (docstrings and comments are never touched); mutants
    whose code is unchanged, or repeats another mutant's, are left out."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    found: list[Mutant] = []
    seen = {original}
    sites = list(_sites(tree))
    for index in range(len(sites)):
        copy_tree = copy.deepcopy(tree)
        kind, change, node, variant = list(_sites(copy_tree))[index]
        mutated = _Apply(node, kind, variant).visit(copy_tree)
        try:
            text = ast.unparse(ast.fix_missing_locations(mutated))
        except Exception:
            continue
        if text in seen:
            continue
        seen.add(text)
        found.append(Mutant(kind, change, text))
    return found


# Graded by what the learner's file prints as it runs (extras.OutputWatch, fed from the learner process's
# output pipe), which the in-process learner does not have; tests/test_grader_checks_network.py covers it.
NOT_IN_PROCESS = frozenset({"train-spiral"})


def reference_solutions() -> dict[str, str]:
    """check id -> the lesson's reference solution, for the core exercises."""
    from tutor.curriculum import load_curriculum

    solutions = {}
    for exercise in load_curriculum(ROOT / "lessons").exercises:
        if exercise.check in NOT_IN_PROCESS:
            continue
        if exercise.kind == "code" and exercise.check and exercise.check not in solutions:
            solutions[exercise.check] = exercise.solution
    return solutions


@dataclass
class Graded:
    """A mutant's grade: passed, the feedback, and the causes of the mistakes named (in order)."""

    passed: bool
    feedback: str
    diagnosis: str
    named: list[str]
    named_messages: list[str]

    @property
    def described(self) -> bool:
        """The feedback names no cause: it only says what differs."""
        return not self.passed and not self.named and bool(_DESCRIPTION.search(self.diagnosis))

    @property
    def explained(self) -> bool:
        """Failed with a cause named (a mistake, or an explained exception, shape or in-place change)."""
        return not self.passed and not self.described


class InProcessLearner:
    """The learner's side of a check, run in this process: the same requests and JSON replies as the
    confined learner process (``tutor.grader.runner.Learner``), without its process or its limits.
    Only for the project's own reference solutions and their mutants, which the harness grades by the
    thousand; learners' code always runs confined."""

    def __init__(self) -> None:
        import os

        from tutor.grader import runner

        learner = runner.Learner.__new__(runner.Learner)
        learner.namespace = {}
        learner.filename = "answer.py"
        learner.objects = []
        learner.trace = os.open(os.devnull, os.O_WRONLY)  # where a timeout would dump the stack
        self._learner = learner

    def request(self, message: dict) -> dict:
        import faulthandler
        import json
        from unittest import mock

        from tutor.grader import runner

        message = json.loads(json.dumps(message))  # what crosses is JSON, as on the wire
        handler = getattr(self._learner, f"op_{message['op']}")
        with mock.patch.object(runner.resource, "setrlimit"):  # the CPU limit is the process's own
            reply = handler(message)
        faulthandler.cancel_dump_traceback_later()
        return json.loads(json.dumps(reply))

    def close(self) -> None:
        import os

        os.close(self._learner.trace)


def grade_in_process(check: str, source: str) -> Graded:
    """Grade ``source`` with the check ``check`` in this process: the worker's judge, talking to an
    :class:`InProcessLearner` instead of a confined learner process."""
    import contextlib
    import io

    from tutor.grader import api, judge
    from tutor.grader.registry import check_modules

    if check not in api.CHECKS:
        import importlib

        for module in check_modules():
            importlib.import_module(module)
    api.LAST_NAMED = []
    filename = f"mutant-{zlib.crc32(source.encode()):08x}.py"
    learner = InProcessLearner()
    request = {"check": check, "source": source, "filename": filename, "timeout": 5.0}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = judge.Judgement(request, learner).run()  # type: ignore[arg-type]
    finally:
        learner.close()
    named = list(api.LAST_NAMED) if not result.passed else []
    return Graded(
        result.passed,
        result.feedback,
        result.diagnosis or result.summary,
        [m.cause for m in named],
        [m.message for m in named],
    )


# The sentences that describe a difference without naming a cause (tutor.grader.api).
_DESCRIPTION = re.compile(
    r"^\d+ of \d+ values of|^\S.* is -?[\d.e+-]+(, not |: )|where the answer is a finite number|"
    r": expected .*; got \(|^Expected .* but got|^Expected a single number"
)
