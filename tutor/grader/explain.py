"""Diagnosis: what went wrong in a learner's code, in words.

Tracebacks cut down to the learner's own lines, one or two sentences on what usually causes an exception
in exercises like these (:func:`explain_exception`), and why a function returned None, read from its
source (:func:`returned_none_sentence`). Runs in the grading child, after the learner's code.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import linecache
import sys
import traceback as tb_module
from collections import Counter
from collections.abc import Callable, Iterator

from tutor.grader import recursion
from tutor.grader.limits import memory_limit_text


def remember_source(filename: str, source: str) -> None:
    """Let tracebacks quote the learner's lines: the code was compiled from a string, not a file."""
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def _frames(error: BaseException) -> list[tb_module.FrameSummary]:
    """The frames of ``error``'s traceback (an error rebuilt from the learner's process carries them)."""
    frames = getattr(error, "grader_frames", None)
    return list(frames) if frames is not None else list(tb_module.extract_tb(error.__traceback__))


def learner_traceback(error: BaseException, filename: str) -> str | None:
    """The traceback of ``error`` cut down to the frames in the learner's file.

    Frames inside the grader and inside NumPy are left out; the exception line is kept. Long runs of
    the same frame (infinite recursion) are collapsed. Returns None when no frame is the learner's.
    """
    frames = [frame for frame in _frames(error) if frame.filename == filename]
    if not frames:
        return None
    summary = tb_module.StackSummary.from_list(frames)
    lines = ["Traceback (most recent call last):\n"]
    lines.extend(summary.format())
    lines.extend(tb_module.format_exception_only(type(error), error))
    return "".join(lines).rstrip("\n")


def syntax_error_text(error: SyntaxError) -> str:
    """Python's own rendering of a syntax error: file, line number, the line and a caret."""
    return "".join(tb_module.format_exception_only(type(error), error)).rstrip("\n")


def last_learner_line(error: BaseException, filename: str) -> int | None:
    frames = [frame for frame in _frames(error) if frame.filename == filename]
    return frames[-1].lineno if frames else None


def explain_exception(error: BaseException, namespace: dict, args=(), filename: str | None = None) -> str:
    """One or two sentences on what usually causes ``error`` in an exercise like these.

    ``filename`` is the learner's file: with it, an error raised inside a NumPy function the learner
    called can be traced to that call (np.max(0, x), say).
    """
    message = str(error)
    has_list_argument = any(isinstance(a, (list, tuple)) for a in args)
    if isinstance(error, RecursionError):
        return recursion_sentence(error, filename)
    if isinstance(error, MemoryError):
        return (
            f"It tried to use more memory than the grader allows ({memory_limit_text()}). Look for an array "
            "or list that grows without end, or a shape far bigger than the inputs."
        )
    if isinstance(error, EOFError) and "reading a line" in message:
        return (
            "It called input(), but graded code cannot read from the keyboard. Put the values in "
            "the code instead."
        )
    if isinstance(error, NameError):
        name = getattr(error, "name", None)
        if not name and "'" in message:
            name = message.split("'")[1]
        if name == "np":
            return "Add `import numpy as np` at the top of your code."
        if name in _MODULES_BY_NAME:
            return f"`{name}` is a module that your code never imports: add `import {name}` at the top."
        home = _module_of(name or "")
        if home and name not in namespace:
            return (
                f"`{name}` comes from the `{home}` module, which your code never imported under that "
                f"name: add `from {home} import {name}` at the top, or write `{home}.{name}` after "
                f"`import {home}`."
            )
        defined = [key for key in namespace if not key.startswith("__")]
        close = difflib.get_close_matches(name or "", defined, n=1)
        if close:
            return f"`{name}` is not defined; did you mean `{close[0]}`?"
        return f"`{name}` is used before anything gave it a value. Check its spelling."
    if isinstance(error, ImportError) and getattr(error, "refused_by_grader", False):
        return ""
    if isinstance(error, OverflowError):
        return (
            "A number grew too big for a float: math.exp overflows above about 709. np.exp gives inf "
            "instead of failing (and 1 / (1 + inf) is 0), or rearrange the formula so the exponent "
            "is never large and positive."
        )
    if isinstance(error, ZeroDivisionError):
        return "Something was divided by zero. Check what the divisor is for these inputs."
    if (
        "only length-1 arrays" in message
        or "only 0-dimensional arrays" in message
        or ("must be real number, not" in message)
    ):
        return (
            "A `math` function (math.exp, math.log...) got a whole array; it works on one number at "
            "a time. Use the NumPy version (np.exp, np.log) or loop over the values."
        )
    if (
        "not aligned" in message
        or "matmul: Input operand" in message
        or "mismatch in its core dimension" in message
    ):
        return (
            "The shapes don't fit a dot product: in (a, b) · (c, d) the inner sizes b and c must be "
            "equal. Check which array needs transposing (.T)."
        )
    if "indexing arrays could not be broadcast" in message or "index arrays" in message:
        return (
            "Arrays used as indices did not fit together. Check the shape of what you index with: "
            "one-hot labels are 2-D, class indices 1-D."
        )
    if "could not be broadcast" in message:
        return (
            "Two arrays of incompatible shapes met in an element-wise operation. If you summed or "
            "took a maximum along an axis, keep that axis with keepdims=True so the result lines up "
            "with the rows."
        )
    reduction = _numpy_reduction_called(error, filename) if filename else None
    if reduction and isinstance(error, TypeError):
        largest, elementwise = ("largest", "np.maximum") if "max" in reduction else ("smallest", "np.minimum")
        return (
            f"np.{reduction} reduces an array to its {largest} value, and its second argument is the axis "
            f"to reduce along, so NumPy tried to read your second argument as an axis number. "
            f"{elementwise} is the one that compares element by element (each value with 0, say)."
        )
    if isinstance(error, ValueError) and "truth value of an array" in message:
        return (
            "Python needed a single True or False but got a whole array of them: `if`, `and`, `or` and "
            "the built-in max and min look at one value at a time. Loop over the values, or use NumPy's "
            "element-wise functions (np.where, np.maximum, np.minimum)."
        )
    if (
        isinstance(error, TypeError)
        and "not supported between instances of" in message
        and ("'list'" in message or "'tuple'" in message)
    ):
        passed = "This case passes a plain Python list, and a" if has_list_argument else "A"
        return (
            f"{passed} whole list cannot be compared with a number: <, > and the built-in max and min "
            "compare one value at a time. Convert the list with np.array(...) first, or loop over the "
            "values."
        )
    if (
        has_list_argument
        and isinstance(error, (TypeError, AttributeError))
        and ("list" in message or "tuple" in message)
    ):
        return (
            "This case passes a plain Python list, and lists don't do element-wise arithmetic. "
            "Convert it first with np.array(...) or loop over the values."
        )
    if isinstance(error, IndexError) and "too many indices" in message:
        return "An array was indexed with more indices than it has dimensions. Check its shape first."
    if isinstance(error, (ModuleNotFoundError,)):
        return "Graded code can use NumPy and Python's standard library (math, for example)."
    return ""


# Modules a learner uses by name: a NameError for one of these is a missing import, not a misspelling.
_MODULES_BY_NAME = {"math", "numpy", "random", "itertools", "functools", "statistics", "operator", "copy"}
# Modules whose functions a learner imports one by one (from math import exp): a NameError for one of
# their names is a missing import too.
_FROM_IMPORTED = ("math", "numpy", "random", "statistics")


def _module_of(name: str) -> str | None:
    """The first module of :data:`_FROM_IMPORTED` that defines ``name`` (only modules already loaded
    are asked: nothing is imported to explain an error)."""
    if not name or name.startswith("_"):
        return None
    for module in _FROM_IMPORTED:
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, name):
            return module
    return None


def recursion_sentence(error: BaseException, filename: str | None) -> str:
    """What a RecursionError means: "infinite" only when a call repeats an earlier call's arguments
    exactly (it can never end); "too deep" when each call works on a shorter sequence that is still not
    empty (it would end, past Python's limit); else neither. The learner's process judges its own frames
    (:func:`tutor.grader.recursion.classify`) and sends the verdict as ``grader_recursion``."""
    kind = getattr(error, "grader_recursion", None) or recursion.classify(error, filename)
    if kind == recursion.ENDLESS:
        return (
            "A function kept calling itself with the same arguments, so it never ends (infinite "
            "recursion). Make sure each call gets closer to a case that returns without calling "
            "again, or use a loop."
        )
    if kind == recursion.TOO_DEEP:
        return (
            f"The recursion was heading for its end, but it needs more nested calls than Python allows "
            f"(about {sys.getrecursionlimit()}): each call handles one value, and these inputs have "
            "many. Use a loop instead of recursion."
        )
    return (
        f"A function called itself more than Python's limit of about {sys.getrecursionlimit()} nested "
        "calls. A loop handles inputs of any length."
    )


# NumPy functions whose second argument is an axis, but that learners call as if it were a second array.
_REDUCTIONS_MISTAKEN_FOR_ELEMENTWISE = {"max", "amax", "min", "amin"}


def _numpy_reduction_called(error: BaseException, filename: str) -> str | None:
    """'max' when the learner's own line called np.max (or amax, min, amin) and the error came from
    inside it; None otherwise."""
    frames = _frames(error)
    for frame, called in itertools.pairwise(frames):
        if (
            frame.filename == filename
            and called.name in _REDUCTIONS_MISTAKEN_FOR_ELEMENTWISE
            and called.filename.replace("\\", "/").endswith("numpy/_core/fromnumeric.py")
        ):
            return called.name
    return None


def returned_none_sentence(name: str, function: Callable, filename: str) -> str:
    """Why ``function`` returned None, read from its source: a `return None` still in place (the
    starter's placeholder), a bare `return`, no `return` at all, or a path that ends without one."""
    returns, none_only = _function_returns(function, filename)
    for node in returns:
        if _is_none(node.value):
            return (
                f"`{name}` still returns None: your code has `return None`, so the function is not "
                "finished yet. Compute the result and return it instead of None."
            )
        if isinstance(node.value, ast.Name) and node.value.id in none_only:
            variable = node.value.id
            return (
                f"`{name}` still returns None: it returns `{variable}`, which your code only ever sets "
                f"to None, so the function is not finished yet. Compute {variable} before returning it."
            )
    if any(node.value is None for node in returns):
        return (
            f"`{name}` returned None: a `return` with nothing after it gives back None. Put the result "
            "after `return`."
        )
    if returns:
        return (
            f"`{name}` returned None. It has a `return`, but either this call ended without reaching "
            "it (a path through an `if` or a loop that returns nothing) or what it returned is None "
            "(list.append, list.sort and print give back None)."
        )
    return (
        f"`{name}` returned None. Did you forget the `return` statement? A function that ends without "
        "`return` gives back None."
    )


def _function_returns(function: Callable, filename: str) -> tuple[list[ast.Return], set[str]]:
    """The `return` statements of a learner's function (not of functions nested in it), and the local
    names it only ever assigns None to; nothing when its source cannot be found."""
    code = getattr(function, "__code__", None)
    if code is None or code.co_filename != filename or code.co_name == "<lambda>":
        return [], set()
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], set()
    definition = next(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == code.co_name
            and min([node.lineno] + [d.lineno for d in node.decorator_list]) == code.co_firstlineno
        ),
        None,
    )
    if definition is None:
        return [], set()
    own = list(_own_nodes(definition))
    returns = [node for node in own if isinstance(node, ast.Return)]
    stores = Counter(
        node.id for node in own if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )
    stores_of_none = Counter(
        target.id
        for node in own
        if isinstance(node, ast.Assign) and _is_none(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    )
    none_only = {name for name, count in stores_of_none.items() if stores[name] == count}
    return returns, none_only


def _own_nodes(definition: ast.AST) -> Iterator[ast.AST]:
    """Every node in a function's body, without descending into nested functions, lambdas or classes."""
    stack = list(ast.iter_child_nodes(definition))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class LearnerCode:
    """The learner's source read with ``ast`` (never run): what it calls, with which keywords, and what
    a name is built from. A check uses it to refuse a diagnosis the code contradicts (no "clip the
    predictions" when the code calls np.clip). Unreadable source reads as empty: nothing contradicts."""

    def __init__(self, source: str):
        self.source = source
        try:
            self.tree: ast.AST | None = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.tree = None
        self.nodes = list(ast.walk(self.tree)) if self.tree is not None else []

    @classmethod
    def of_file(cls, filename: str) -> LearnerCode:
        return cls("".join(linecache.getlines(filename)))

    @property
    def readable(self) -> bool:
        return self.tree is not None

    def calls(self, name: str) -> list[ast.Call]:
        """Calls of a function or method called ``name`` (np.clip, y.clip and clip alike)."""
        found = []
        for node in self.nodes:
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called == name:
                    found.append(node)
        return found

    def calls_any(self, *names: str) -> bool:
        return any(self.calls(name) for name in names)

    def every_call_has(self, name: str, keyword: str, position: int) -> bool:
        """True when ``name`` is called and every call passes ``keyword`` (or a positional argument at
        ``position``, counting from 0)."""
        calls = self.calls(name)
        return bool(calls) and all(
            any(k.arg == keyword for k in call.keywords) or len(call.args) > position for call in calls
        )

    def uses_operator(self, operator: type) -> bool:
        return any(isinstance(node, ast.BinOp) and isinstance(node.op, operator) for node in self.nodes)

    def multiplies_a_quotient(self) -> bool:
        """Some ``a / b * c`` in the code: a quotient that is then multiplied (a bracket that closes
        too early, as in ``x / (1 + d) * i``)."""
        return any(
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mult)
            and isinstance(node.left, ast.BinOp)
            and isinstance(node.left.op, ast.Div)
            for node in self.nodes
        )

    def mentions(self, name: str) -> bool:
        """``name`` appears as a variable, attribute or function name."""
        return any(
            (isinstance(node, ast.Name) and node.id == name)
            or (isinstance(node, ast.Attribute) and node.attr == name)
            for node in self.nodes
        )

    def assigns(self, name: str) -> bool:
        """``name`` is assigned at the top level of the module."""
        if self.tree is None:
            return False
        return any(
            isinstance(node, ast.Assign) and name in _stored(node.targets)
            for node in getattr(self.tree, "body", [])
        )

    def has_global_state(self) -> bool:
        return any(isinstance(node, (ast.Global, ast.Nonlocal)) for node in self.nodes)

    def built_from(self, target: str, inputs: tuple[str, ...]) -> bool:
        """Whether the module-level value ``target`` is computed from at least one of ``inputs`` (rather
        than typed in as numbers). Follows assignments, augmented assignments, loops and method calls
        such as ``target.append(...)``; True when the code cannot be read."""
        if self.tree is None:
            return True
        depends: dict[str, set[str]] = {}

        def add(names: set[str], sources: set[str]) -> None:
            for name in names:
                depends.setdefault(name, set()).update(sources)

        for node in self.nodes:
            if isinstance(node, ast.Assign):
                add(_stored(node.targets), _loaded(node.value))
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                add(_stored([node.target]), _loaded(node.value) | _stored([node.target]))
            elif isinstance(node, (ast.For, ast.comprehension)):
                add(_stored([node.target]), _loaded(node.iter))
            elif isinstance(node, ast.NamedExpr):
                add(_stored([node.target]), _loaded(node.value))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                base = node.func.value
                if isinstance(base, ast.Name):
                    add({base.id}, set().union(*(_loaded(arg) for arg in node.args), set()))
            elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
                pass
        if target not in depends:
            return True  # never assigned: the check reports the missing name itself
        seen: set[str] = set()
        stack = [target]
        while stack:
            name = stack.pop()
            if name in inputs:
                return True
            if name in seen:
                continue
            seen.add(name)
            stack.extend(depends.get(name, ()))
        return False


def _stored(targets) -> set[str]:
    names = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _loaded(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
