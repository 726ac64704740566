"""Where a YAML error really is, and what to tell the teacher.

YAML notices a mistake where it can no longer parse, often a line or more after the cause: code under
``starter:`` written without ``|``, text under ``prompt: |`` written flush left, a non-breaking space
in an indentation. :func:`explain_yaml_error` moves the report to the line that needs the fix and adds
advice for the usual slips.
"""

from __future__ import annotations

import re

import yaml


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError, first_line: int) -> tuple[int, str]:
    """The row of ``text`` (0-based) to report ``error`` at, and the sentence to report
    (``first_line`` is the file line of row 0, for messages that name another line)."""
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and "end of stream" in (error.problem or ""):
        mark = error.context_mark  # an unclosed quote: point at where it opened, not at the end
    row = mark.line if mark is not None else 0
    odd_space = _odd_indent(text, row)
    if odd_space is not None:
        return odd_space, (
            "this line is indented with a non-breaking space (U+00A0), which YAML does not take for a "
            "space: indent with ordinary spaces"
        )
    flush_left = _unindented_block_text(text, row)
    if flush_left is not None:
        key_row, key, text_row = flush_left
        return text_row, (
            f"the text of '{key}:' (line {first_line + key_row}) must be indented under it: put two "
            "spaces before each of its lines"
        )
    unpiped = _key_without_pipe(text, row)
    if unpiped is not None:
        key_row, key = unpiped
        return key_row, (
            f"the lines under '{key}:' are read as YAML, not as text: write '{key}: |' to keep them as they are"
        )
    detail = error.problem or "cannot be read"
    if error.context:
        detail = f"{detail} {error.context}"
    if "expected a single document" in detail:
        return (
            row,
            "a '---' line inside a block starts a second YAML document: remove it (a block holds one thing)",
        )
    culprit = _character_at(text, error.problem_mark)
    lines = text.split("\n")
    value = lines[row].split(": ", 1)[1].lstrip() if row < len(lines) and ": " in lines[row] else ""
    if value[:1] in ("[", "{") and not value.rstrip().endswith(("]", "}")):
        return row, detail + f" (text starting with {value[0]} must be quoted)"
    return row, detail + _yaml_advice(detail, culprit)


_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ \t]*(?:#.*)?\Z")


def _odd_indent(text: str, row: int) -> int | None:
    """The row, at or before ``row``, nearest to it, whose indentation holds a non-breaking space."""
    lines = text.split("\n")
    for index in range(min(row, len(lines) - 1), -1, -1):
        line = lines[index]
        if "\u00a0" in line[: len(line) - len(line.lstrip(" \t\u00a0"))]:
            return index
    return None


_ANY_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:[ \t]|\Z)")
_BLOCK_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ \t]*[|>][-+0-9]*[ \t]*\Z")


def _unindented_block_text(text: str, row: int) -> tuple[int, str, int] | None:
    """A ``key: |`` whose text starts flush left (so YAML ends the block at once and trips over the
    text), at or before ``row``: the key's row, the key, and the row of its first line of text."""
    lines = text.split("\n")
    for index in range(min(row, len(lines) - 1), -1, -1):
        match = _BLOCK_KEY.match(lines[index].rstrip())
        if match is None:
            continue
        following = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
        if (
            following is not None
            and following <= row
            and not lines[following].startswith((" ", "\t"))
            and not _ANY_KEY.match(lines[following])
        ):
            return index, match.group(1), following
    return None


def _key_without_pipe(text: str, row: int) -> tuple[int, str] | None:
    """When a YAML error at ``row`` lies in the indented lines under a top-level ``key:`` that has
    nothing after it (text or code written without ``|``): that key's row and name."""
    lines = text.split("\n")
    for index in range(min(row, len(lines) - 1), -1, -1):
        line = lines[index]
        if not line.strip() or line.startswith((" ", "\t")):
            continue
        match = _KEY_LINE.match(line.rstrip())
        if match is None or index == row or match.group(1) not in _TEXT_KEYS:
            return None
        return index, match.group(1)
    return None


# Keys whose value is text (or code) that may run over several lines.
_TEXT_KEYS = ("prompt", "starter", "solution", "message")


def _character_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _yaml_advice(detail: str, culprit: str) -> str:
    if culprit == "\t":
        return " (a tab: indent with spaces only)"
    if "alias" in detail or "anchor" in detail:
        return " (text starting with * or & must be quoted)"
    if culprit in ("`", "@"):
        return f" (text starting with {culprit} must be quoted)"
    if "mapping values are not allowed" in detail:
        return " (text with ': ' in it must be quoted, or written as a '|' block)"
    if "expected key" in detail or "expected <block end>" in detail:
        return (
            " (this line is indented differently from the lines around it: keys start at the same"
            " column, and the text of a '|' block stays indented under its key)"
        )
    if "end of stream" in detail and "quoted" in detail:
        return " (a quote is opened here and never closed)"
    return ""
