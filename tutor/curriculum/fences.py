"""No exercise disappears in silence: a plain scan for ``exercise``, ``plot`` and ``train`` fences.

The markdown reading in :mod:`tutor.curriculum.loader` decides what is a block. This scan does not
trust it: it finds every line that looks like the opening fence of a special block and reports each
one that did not become a block, saying why (indented, inside a quote or a list, inside a code block
of the same length ...). An example shown inside a longer fence, as ``lessons/README.md`` does, is
text on purpose and is not reported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tutor.curriculum.model import ParsedFile

if TYPE_CHECKING:
    from tutor.curriculum.loader import Layout

_SPECIAL_FENCE = re.compile(
    r"(?P<prefix>[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(?P<fence>`{3,}|~{3,})[ \t]*"
    r"(?P<kind>exercise|plot|train)(?![\w-])(?P<rest>.*)\Z",
    re.IGNORECASE,
)


def report_lost_blocks(result: ParsedFile, lines: list[str], start: int, layout: Layout) -> None:
    """Report every special fence from line index ``start`` on that did not become a block (and has
    no problem reported at its line already)."""
    artefacts = _stray_fences(result, lines, layout)
    reported = result.lines_with_problems()
    for index in range(start, len(lines)):
        line = lines[index]
        if "```" not in line and "~~~" not in line:
            continue
        match = _SPECIAL_FENCE.match(line)
        if match is None or index in layout.openings or index + 1 in reported:
            continue
        if any(open_index <= index <= close_index for open_index, close_index in artefacts):
            continue
        kind, fence, prefix = match.group("kind").lower(), match.group("fence"), match.group("prefix")
        message = _why_lost(kind, fence, prefix, match.group("rest"), index, layout)
        if message is None:
            continue
        result.problem(index + 1, message)
        enclosing = _enclosing_code_block(index, layout)
        if enclosing is None:
            artefact = _orphan_close(lines, index, fence, layout)
        else:  # its closing fence ended the enclosing block, whose own closing fence opens another
            artefact = _orphan_close(lines, enclosing[1], enclosing[2], layout)
        if artefact is not None:
            # The lost block's closing fence opened a code block of its own: that follows from this
            # problem, so what it swallowed (or that it is never closed) is not reported again.
            artefacts.append(artefact)
            result.problems[:] = [
                p
                for p in result.problems
                if not (p.line == artefact[0] + 1 and p.message.startswith("this code"))
            ]


def _stray_fences(result: ParsedFile, lines: list[str], layout: Layout) -> list[tuple[int, int]]:
    """A bare fence right after a block's closing fence closes nothing: it opens a code block that hides
    what follows. Reported at the stray fence when that code block hides a special block or runs to
    the end of the file (a code block without a language, shown on purpose, is left alone)."""
    # The closing fence of every block, with the opening line: a special block's, or a code block's
    # unless an example inside it ended it (that case is reported as a lost block).
    ends = {close: lines[open_index].strip() for open_index, close, _ in layout.special_blocks}
    for open_index, close, _ in layout.code_blocks:
        if not any(_SPECIAL_FENCE.match(line) for line in lines[open_index + 1 : close]):
            ends[close] = lines[open_index].strip()
    strays = []
    for open_index, close_index, fence in layout.code_blocks:
        if lines[open_index].strip() != fence:
            continue
        previous = next((i for i in range(open_index - 1, -1, -1) if lines[i].strip()), None)
        if previous not in ends or not ends[previous].startswith(fence[0]):
            continue
        never_closed = any(
            p.line == open_index + 1 and p.message.startswith("this code block") for p in result.problems
        )
        hides = any(
            (match := _SPECIAL_FENCE.match(line)) is not None and len(match.group("fence")) >= len(fence)
            for line in lines[open_index + 1 : close_index + 1]
            if line.lstrip(" ").startswith(fence[0])
        )
        if not (never_closed or hides):
            continue
        result.problems[:] = [
            p for p in result.problems if not (p.line == open_index + 1 and p.message.startswith("this code"))
        ]
        result.problem(
            open_index + 1,
            f"this {fence} closes no block (the block above ends at line {previous + 1}), so it opens a code "
            "block that hides the rest of the lesson: remove it",
        )
        strays.append((open_index, close_index))
    return strays


def _enclosing_code_block(index: int, layout: Layout) -> tuple[int, int, str] | None:
    for block in layout.code_blocks:
        if block[0] < index <= block[1]:
            return block
    return None


def _orphan_close(lines: list[str], index: int, fence: str, layout: Layout) -> tuple[int, int] | None:
    """The code block opened by the fence meant to close the lost block at ``index``, if any."""
    for j in range(index + 1, len(lines)):
        stripped = lines[j].lstrip(" \t>").strip()
        if len(set(stripped)) == 1 and stripped[0] == fence[0] and len(stripped) >= len(fence):
            for open_index, close_index, _ in layout.code_blocks:
                if open_index == j:
                    return open_index, close_index
            return None
    return None


def _why_lost(kind: str, fence: str, prefix: str, rest: str, index: int, layout: Layout) -> str | None:
    for open_index, close_index, indent in layout.special_blocks:
        if open_index < index < close_index and len(prefix) > indent:
            return None  # text inside a block's YAML (a prompt showing a fence)
    for open_index, close_index, outer in layout.code_blocks:
        if open_index < index <= close_index:
            if outer[0] != fence[0] or len(fence) < len(outer):
                return None  # an example shown inside a longer fence: text on purpose
            longer = outer[0] * (len(fence) + 1)
            return (
                f"this {kind} block is inside the code block opened at line {open_index + 1}, whose "
                f"fence is as long as this one ({outer}), so it shows as code and the {kind} is not "
                f"loaded: close that code block before it, or open the outer block with {longer} "
                "to show an example"
            )
    if ">" in prefix:
        return (
            f"this {kind} fence is inside a quote ('>'), so it is read as text and the {kind} is not "
            "loaded: start the fence line at the left margin"
        )
    if prefix.strip():
        return (
            f"this {kind} fence is inside a list item, so it is read as text and the {kind} is not "
            "loaded: start the fence line at the left margin"
        )
    if "\t" in prefix:
        return (
            f"this {kind} fence is indented with a tab, so markdown reads it as indented code and the "
            f"{kind} is not loaded: start the fence line at the left margin"
        )
    if len(prefix) > 3:
        return (
            f"this {kind} fence is indented by {len(prefix)} spaces, so markdown reads it as indented "
            f"code and the {kind} is not loaded: start the fence line at the left margin"
        )
    if fence[0] == "`" and "`" in rest:
        return (
            f"this {kind} fence has a backtick after '{kind}', so it is read as text and the {kind} is "
            "not loaded: remove what follows the word"
        )
    return f"this {kind} fence is not read as a block, so the {kind} is not loaded"
