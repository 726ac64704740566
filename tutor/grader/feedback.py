"""Feedback: what a learner is shown about a check result, decided in one place.

:func:`render_feedback` turns a :class:`~tutor.grader.results.CheckResult` into a :class:`Feedback`, a
small structure of sections in reading order: the verdict line, the diagnosis, the first failing case
(its call, values and note), the other failing cases one line each, the gradient check of the
learner's backward pass (when the check made one), the printed output and the traceback, each already
cut to the caps below. ``Feedback.text()`` is the plain text that ``nntutor
check`` prints (and puts in ``--json``); the app lays the same sections out in its feedback panel.
No NumPy: this runs in the app process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.grader.results import CheckResult, GradientCheck

# One set of caps, so one runaway print or a deep traceback cannot bury the verdict. What is cut is
# counted, so the learner sees that it was cut.
MAX_OUTPUT_LINES = 12
MAX_TRACEBACK_LINES = 30
MAX_LINE_WIDTH = 160
MAX_OTHER_CASES = 5

# Section kinds, in the order they are shown.
VERDICT = "verdict"
DIAGNOSIS = "diagnosis"
CASE = "case"
OTHER_CASES = "other-cases"
GRADIENT_CHECK = "gradient-check"
OUTPUT = "output"
TRACEBACK = "traceback"


@dataclass(frozen=True)
class Section:
    """One part of the feedback: ``title`` is its heading ("" for none), ``body`` its text."""

    kind: str
    title: str
    body: str


@dataclass(frozen=True)
class Feedback:
    """The sections of one check's feedback, already cut to the caps (empty parts are "")."""

    passed: bool
    verdict: str
    diagnosis: str = ""
    case_name: str = ""
    case: str = ""
    other_cases: tuple[str, ...] = ()
    gradient_check: str = ""
    output: str = ""
    traceback: str = ""

    def sections(self) -> list[Section]:
        """The non-empty parts in reading order, each with its heading."""
        parts = [
            Section(VERDICT, "", self.verdict),
            Section(DIAGNOSIS, "", self.diagnosis),
            Section(CASE, f"Failing case: {self.case_name}", self.case),
            Section(OTHER_CASES, "Other failing cases:", "\n".join(self.other_cases)),
            Section(GRADIENT_CHECK, "Gradient check:", self.gradient_check),
            Section(OUTPUT, "Your output:", self.output),
            Section(
                TRACEBACK, "" if self.traceback.startswith("Traceback") else "Traceback:", self.traceback
            ),
        ]
        return [section for section in parts if section.body]

    def text(self) -> str:
        """The sections as plain text, separated by blank lines."""
        blocks = []
        for section in self.sections():
            body = section.body
            if section.kind == OUTPUT:  # set off from the grader's words
                body = "\n".join("  " + line for line in body.split("\n"))
            blocks.append(f"{section.title}\n{body}" if section.title else body)
        return "\n\n".join(blocks)


def render_feedback(result: CheckResult) -> Feedback:
    """The feedback for ``result``: what is shown, in which order, and how it is cut."""
    verdict = result.summary.strip()
    diagnosis = result.diagnosis.strip()
    if diagnosis and diagnosis.startswith(verdict.rstrip(".")):
        verdict, diagnosis = diagnosis, ""  # the summary is the diagnosis's first sentence: say it once
    failing = [case for case in result.cases if not case.passed]
    if failing and _unfinished(diagnosis or verdict):
        # A starter that returns None: one short message, not every case with its values.
        short = diagnosis or verdict
        return Feedback(
            passed=False,
            verdict=verdict if diagnosis else short,
            diagnosis=diagnosis,
            gradient_check=gradient_check_text(result.gradient_check),
            output=_clip_lines(result.stdout, MAX_OUTPUT_LINES) if result.stdout.strip() else "",
        )
    case_name = case_text = ""
    if failing:
        first = failing[0]
        case_name = first.name
        headline, _, evidence = first.message.partition("\n")
        said = headline.strip() in (diagnosis, verdict)
        case_text = (evidence if said else first.message).strip("\n")
    first_headline = _headline(failing[0].message) if failing else ""
    other = _grouped_cases(failing[1:], first_headline)
    output = _clip_lines(result.stdout, MAX_OUTPUT_LINES) if result.stdout.strip() else ""
    # A case's traceback is part of that case's evidence; on its own only when no case failed.
    traceback = ""
    if result.traceback and not case_text:
        traceback = _clip_lines(result.traceback, MAX_TRACEBACK_LINES)
    return Feedback(
        passed=result.passed,
        verdict=verdict,
        diagnosis=diagnosis,
        case_name=case_name if case_text else "",
        case=case_text,
        other_cases=other,
        gradient_check=gradient_check_text(result.gradient_check),
        output=output,
        traceback=traceback,
    )


# How many values of a gradient the text shows, side by side.
GRADIENT_VALUES_SHOWN = 4


def gradient_check_text(check: GradientCheck | None) -> str:
    """A gradient check as text: its verdict, then one line per gradient (its relative error and
    whether it is under the threshold) and, for a wrong one, its first values next to the slopes."""
    if check is None:
        return ""
    lines = [check.verdict]
    for entry in check.entries:
        shape = (
            "(" + ", ".join(str(size) for size in entry.shape) + ("," if len(entry.shape) == 1 else "") + ")"
        )
        mark = "ok" if entry.ok else "WRONG"
        lines.append(f"  {entry.name} {shape}: relative error {entry.relative_error:.1e}  {mark}")
        if not entry.ok:
            lines.append("    yours:  " + _values(entry.analytic))
            lines.append("    slopes: " + _values(entry.numeric))
    return "\n".join(_clip_line(line) for line in lines)


def _values(values: list[float]) -> str:
    shown = ", ".join(f"{value:.6g}" for value in values[:GRADIENT_VALUES_SHOWN])
    return shown + (", ..." if len(values) > GRADIENT_VALUES_SHOWN else "") if values else "(none)"


def _unfinished(sentence: str) -> bool:
    """The sentence says the learner's function or value is still None (an unfinished starter)."""
    return (
        "still returns None" in sentence
        or "returned None" in sentence
        or "` is None. Replace None" in sentence
    )


def _headline(message: str) -> str:
    """A failing case's first line: the sentence that names its mistake."""
    return message.partition("\n")[0].strip()


def _grouped_cases(cases: list, first_headline: str) -> tuple[str, ...]:
    """The other failing cases, one line per reason: cases that fail for the same reason share a line
    (their names, then the reason), in the order their first case comes; capped at MAX_OTHER_CASES."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for case in cases:
        reason = _other_reason(_headline(case.message), first_headline)
        key, shown = _reason_key(reason)
        groups.setdefault(key, (shown, []))[1].append(case.name)
    lines = [_clip_line(f"  {_names(names)}: {reason}") for reason, names in groups.values()]
    if len(lines) > MAX_OTHER_CASES:
        hidden = sum(len(names) for _, names in list(groups.values())[MAX_OTHER_CASES:])
        lines = [*lines[:MAX_OTHER_CASES], f"  [... {hidden} more failing cases]"]
    return tuple(lines)


# "3 of 7 values of the result differ from the expected ones." and "4 of 10 values of ..." say the same
# thing about different cases: one line holds them all.
_COUNTED = re.compile(r"^\d+ of \d+ values of (.+?) differ from the expected ones")


def _reason_key(reason: str) -> tuple[str, str]:
    """What groups a reason with others, and how the group's line says it."""
    counted = _COUNTED.match(reason)
    if counted:
        shown = f"some values of {counted.group(1)} differ from the expected ones."
        return shown, shown
    return reason, reason


def _names(names: list[str], shown: int = 3) -> str:
    """Case names for one line; separated by semicolons, since a name may hold commas."""
    if len(names) <= shown:
        return "; ".join(names)
    return f"{'; '.join(names[:shown])} and {len(names) - shown} more"


def _other_reason(headline: str, first_headline: str) -> str:
    """Another failing case in a few words: its first sentence, or that it fails the same way."""
    if not headline:
        return "failed"
    if headline == first_headline:
        return "the same mistake"
    first_sentence, dot, rest = headline.partition(". ")
    return first_sentence + "." if dot and rest else headline


def _clip_line(line: str, width: int = MAX_LINE_WIDTH) -> str:
    if len(line) <= width:
        return line
    return line[:width] + f" [... {len(line) - width:,} more characters]"


def _clip_lines(text: str, max_lines: int) -> str:
    lines = text.rstrip("\n").split("\n")
    shown = [_clip_line(line) for line in lines[:max_lines]]
    if len(lines) > max_lines:
        shown.append(f"[... {len(lines) - max_lines} more lines]")
    return "\n".join(shown)
