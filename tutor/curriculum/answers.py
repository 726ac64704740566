"""Numeric answers (parsing, formatting, comparing) and the grading of non-code answers.

:func:`grade_answer` grades choice, match and numeric exercises in-process (code exercises go to the
grader); :func:`parse_numeric` reads a number or a shape as a learner or teacher writes it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tutor.curriculum.model import DEFAULT_TOLERANCE, Exercise, Numeric
from tutor.curriculum.yaml_fields import is_int

_SHAPE_BY_X = re.compile(r"\d+(?:\s*[x×]\s*\d+)+\Z")


def parse_numeric(text: str) -> Numeric:
    """A learner's or teacher's numeric answer: a number (``4.8``, ``-1e-3``) or a shape
    (``(3, 2, 4)``, ``3,2,4``, ``[3, 2, 4]``, ``3x2x4``, ``(3,)``). ValueError says what is wrong."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the answer is empty")
    inner = stripped
    bracketed = len(stripped) >= 2 and (stripped[0], stripped[-1]) in (("(", ")"), ("[", "]"))
    if bracketed:
        inner = stripped[1:-1]
    if bracketed or "," in inner:
        parts = [part.strip() for part in inner.split(",")]
        if parts and parts[-1] == "" and len(parts) > 1:
            parts = parts[:-1]  # "(3,)" is the shape of a 1-D array
        if not parts or any(not part.isdigit() for part in parts):
            raise ValueError(
                f"{stripped!r} is not a shape: a shape is whole numbers separated by commas, like (3, 2, 4)"
            )
        return tuple(int(part) for part in parts)
    if _SHAPE_BY_X.match(inner):
        return tuple(int(part) for part in re.split(r"\s*[x×]\s*", inner))
    try:
        number = float(inner.replace("−", "-"))
    except ValueError:
        raise ValueError(f"{stripped!r} is not a number: write it like 4.8, -0.5 or 1e-7") from None
    if not math.isfinite(number):
        raise ValueError(f"{stripped!r} is not a finite number")
    return number


def numeric_value(value: Any) -> Numeric:
    """A numeric answer as written in YAML: a number, a list of sizes, or text to parse."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not a number or a shape")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return float(value)
    if isinstance(value, list):
        if not value or not all(is_int(size) and size >= 0 for size in value):
            raise ValueError(f"{value!r} is not a shape: a shape is whole numbers, like (3, 2, 4)")
        return tuple(value)
    if isinstance(value, str):
        return parse_numeric(value)
    raise ValueError(f"{value!r} is not a number or a shape")


def numeric_equal(given: Numeric, expected: Numeric, tolerance: float) -> bool:
    if isinstance(given, tuple) or isinstance(expected, tuple):
        return given == expected
    # A hair of slack so that 4.79 is within 0.01 of 4.8 despite binary floating point.
    return abs(given - expected) <= tolerance * (1 + 1e-9) + 1e-12


def format_numeric(value: Numeric) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "") + ")"
    return f"{value:.10g}"


# --------------------------------------------------------------------------- grading answers


@dataclass(frozen=True)
class AnswerResult:
    """The verdict on a non-code answer. ``valid`` is False when the response is not an answer at
    all (nothing picked, not a number): tell the learner, but do not count it as an attempt."""

    passed: bool
    message: str
    valid: bool = True


def grade_answer(exercise: Exercise, response: Any) -> AnswerResult:
    """Grade a choice, match or numeric answer.

    ``response``: choice -> an option key (or a list/set of keys for several answers);
    match -> a mapping {item key: option key}; numeric -> the text the learner typed (or a number).
    """
    if exercise.kind == "choice":
        return _grade_choice(exercise, response)
    if exercise.kind == "match":
        return _grade_match(exercise, response)
    if exercise.kind == "numeric":
        return _grade_numeric(exercise, response)
    raise ValueError(f"{exercise.id} is a {exercise.kind} exercise: the grader checks it, not grade_answer")


def _grade_choice(exercise: Exercise, response: Any) -> AnswerResult:
    options = exercise.options or {}
    feedback = exercise.feedback or {}
    picked = [response] if isinstance(response, str) else list(response or [])
    picked = [str(key) for key in picked]
    if not picked:
        return AnswerResult(
            False,
            "Pick an option first."
            if not exercise.multiple
            else "Pick the options you think are right first.",
            valid=False,
        )
    unknown = [key for key in picked if key not in options]
    if unknown:
        return AnswerResult(
            False, f"{unknown[0]!r} is not one of the options ({', '.join(options)}).", valid=False
        )
    if not exercise.multiple:
        if len(picked) > 1:
            return AnswerResult(False, "Pick only one option.", valid=False)
        key = picked[0]
        if key == exercise.answer:
            return AnswerResult(True, feedback.get(key, "Correct."))
        return AnswerResult(False, feedback.get(key, "Not quite. Have another look at the options."))
    expected, chosen = set(exercise.answer), set(picked)
    if chosen == expected:
        messages = [feedback[key] for key in exercise.answer if key in feedback]
        return AnswerResult(
            True, " ".join(messages) if messages else "Correct: you picked exactly the right options."
        )
    wrong = [key for key in picked if key not in expected]
    if wrong:
        message = feedback.get(wrong[0], f"Option {wrong[0]} is not right.")
        if len(wrong) > 1:
            message += f" ({len(wrong)} of your picks are wrong.)"
        return AnswerResult(False, message)
    missing = len(expected - chosen)
    return AnswerResult(
        False,
        f"Everything you picked is right, but {missing} more option"
        f"{' is' if missing == 1 else 's are'} right too.",
    )


def _grade_match(exercise: Exercise, response: Any) -> AnswerResult:
    items = exercise.items or {}
    options = exercise.options or {}
    if not isinstance(response, Mapping):
        raise TypeError("a match answer is a mapping {item key: option key}")
    chosen = {
        str(item): str(option)
        for item, option in response.items()
        if option is not None and str(option) != ""
    }
    unknown_items = [item for item in chosen if item not in items]
    if unknown_items:
        return AnswerResult(False, f"{unknown_items[0]!r} is not one of the items.", valid=False)
    unknown_options = [option for option in chosen.values() if option not in options]
    if unknown_options:
        return AnswerResult(False, f"{unknown_options[0]!r} is not one of the options.", valid=False)
    unmatched = [item for item in items if item not in chosen]
    if unmatched:
        return AnswerResult(
            False,
            f"Match every item first ({len(items) - len(unmatched)} of {len(items)} matched).",
            valid=False,
        )
    wrong = [item for item in items if chosen[item] != exercise.answer[item]]
    if not wrong:
        return AnswerResult(True, f"Correct: all {len(items)} pairs match.")
    right = len(items) - len(wrong)
    first = wrong[0]
    detail = (exercise.feedback or {}).get(first) or f"Look again at {items[first]!r}."
    return AnswerResult(False, f"{right} of {len(items)} pairs are right. {detail}")


def _grade_numeric(exercise: Exercise, response: Any) -> AnswerResult:
    expected = exercise.answer
    wants_shape = isinstance(expected, tuple)
    try:
        given = (
            float(response)
            if isinstance(response, (int, float)) and not isinstance(response, bool)
            else parse_numeric(str(response))
        )
    except ValueError as error:
        return AnswerResult(False, f"{str(error)[0].upper()}{str(error)[1:]}.", valid=False)
    if wants_shape and not isinstance(given, tuple):
        if given.is_integer() and given >= 0:
            given = (int(given),)  # "3" for the shape (3,)
        else:
            return AnswerResult(
                False, "The answer is a shape: whole numbers separated by commas, like (3, 2).", valid=False
            )
    if not wants_shape and isinstance(given, tuple):
        return AnswerResult(False, "The answer is a single number, not a shape.", valid=False)
    tolerance = exercise.tolerance if exercise.tolerance is not None else DEFAULT_TOLERANCE
    if numeric_equal(given, expected, tolerance):
        return AnswerResult(True, f"Correct: {format_numeric(expected)}.")
    for wrong, message in exercise.feedback or []:
        # Expected mistakes are recognised a little more loosely, to allow for the learner's rounding.
        slack = tolerance if wants_shape else max(tolerance, 0.01 * abs(wrong))
        if numeric_equal(given, wrong, slack):
            return AnswerResult(False, message)
    if wants_shape:
        assert isinstance(given, tuple) and isinstance(expected, tuple)
        if len(given) != len(expected):
            return AnswerResult(
                False,
                f"Not quite: the answer has {len(expected)} dimension"
                f"{'s' if len(expected) != 1 else ''}; yours has {len(given)}.",
            )
        if sorted(given) == sorted(expected):
            return AnswerResult(False, "Right sizes, wrong order: which axis comes first?")
        return AnswerResult(False, f"Not quite: {format_numeric(given)} is not the shape.")
    return AnswerResult(False, f"Not quite: {format_numeric(given)} is not the answer.")
