"""Which checks exist, found without importing them.

Checks live in ``tutor/grader/checks/*.py`` as functions decorated with ``@check("exercise-id")`` (see
``tutor.grader.api``). Importing those modules means importing NumPy and the engine, which only the
worker process does; the app learns the ids by reading the decorators from the source instead.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CHECKS_DIR = Path(__file__).resolve().parent / "checks"


# A decorator line such as @check("relu") or @check('relu'): the id is a string literal by rule.
_DECORATOR = re.compile(r"""^@check\(\s*(["'])([^"'\\]+)\1\s*\)""", re.MULTILINE)


def _decorated_ids(path: Path) -> list[str]:
    return [match.group(2) for match in _DECORATOR.finditer(path.read_text(encoding="utf-8"))]


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
