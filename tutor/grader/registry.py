"""Which checks exist, found without importing them.

Checks live in ``tutor/grader/checks/*.py`` as functions decorated with ``@check("exercise-id")`` (see
``tutor.grader.api``). Importing those modules means importing NumPy and the engine, which only the
worker process does; the app learns the ids by reading the decorators from the source instead.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

CHECKS_DIR = Path(__file__).resolve().parent / "checks"


def _decorated_ids(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    ids = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Name)
                and decorator.func.id == "check"
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
                and isinstance(decorator.args[0].value, str)
            ):
                ids.append(decorator.args[0].value)
    return ids


def check_modules() -> list[str]:
    """Dotted names of the modules that define checks, in a stable order."""
    return [f"tutor.grader.checks.{path.stem}" for path in sorted(CHECKS_DIR.glob("[!_]*.py"))]


@lru_cache(maxsize=1)
def _all_ids() -> tuple[str, ...]:
    ids: list[str] = []
    for path in sorted(CHECKS_DIR.glob("[!_]*.py")):
        ids.extend(_decorated_ids(path))
    return tuple(sorted(ids))


def check_ids() -> list[str]:
    """Every registered check id, sorted. Starts no process and imports no NumPy."""
    return list(_all_ids())


def has_check(check_id: str) -> bool:
    return check_id in _all_ids()
