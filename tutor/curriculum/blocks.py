"""The fenced special blocks of a lesson: ``exercise``, ``plot`` and ``train``, from YAML to dataclasses.

Each ``parse_*_block`` reads one block's YAML (whose opening fence is file line ``block_line``),
records every problem at its file line in the :class:`~tutor.curriculum.model.ParsedFile`, and returns
the block, or None when it has a problem.
"""

from __future__ import annotations

from typing import Any

from tutor.curriculum.answers import numeric_equal, numeric_value
from tutor.curriculum.model import (
    COMMON_KEYS,
    DEFAULT_TOLERANCE,
    ID_PATTERN,
    KIND_KEYS,
    KINDS,
    MAX_PLOT_CLASSES,
    MAX_PLOT_SAMPLES,
    MAX_TIMEOUT,
    PLOT_DATASETS,
    PLOT_FUNCTIONS,
    PLOT_KEYS,
    Exercise,
    ParsedFile,
    PlotBlock,
    PlotSpec,
    TrainBlock,
)
from tutor.curriculum.yaml_fields import (
    DECIMAL_COMMA,
    YamlMapping,
    as_number,
    close_match,
    is_int,
    key_name,
    load_yaml,
)
from tutor.grader.limits import check_timeout

_TRAIN_FLOATS = ("learning_rate", "decay", "momentum", "beta_1", "beta_2")


def parse_exercise_block(
    result: ParsedFile, body: str, block_line: int, seen: dict[str, int]
) -> Exercise | None:
    loaded = load_yaml(result, body, first_line=block_line + 1, what="exercise block")
    if loaded is None:
        return None
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            block_line,
            "an exercise block must hold 'key: value' lines (id, kind, prompt, hints, solution, ...)",
        )
        return None
    values = YamlMapping(
        result, data, node, first_line=block_line + 1, missing_line=block_line, what="exercise"
    )
    before = len(result.problems)
    exercise_id = values.identifier("id", "exercise id")
    if exercise_id is not None:
        if exercise_id in seen:
            result.problem(
                values.line("id"), f"exercise id {exercise_id!r} is already used at line {seen[exercise_id]}"
            )
        else:
            seen[exercise_id] = values.line("id")
            result.exercise_ids.append((exercise_id, values.line("id")))
    kind = values.get("kind")
    if kind is None:
        values.require("kind")
    elif kind not in KINDS:
        near = close_match(str(kind), KINDS)
        hint = f" (did you mean {near!r}?)" if near else ""
        result.problem(
            values.line("kind"), f"unknown exercise kind {kind!r}{hint}: use one of " + ", ".join(KINDS)
        )
        kind = None
    if kind is not None:
        values.reject_unknown(COMMON_KEYS + KIND_KEYS[kind], f"{kind} exercise", other_kinds=True)
    prompt = values.text("prompt")
    hints = values.text_list("hints", what="hint")
    solution = values.text("solution")
    fields: dict[str, Any] = {}
    if kind == "code":
        fields["starter"] = values.text("starter", allow_empty=True)
        for key, code in (("starter", fields["starter"]), ("solution", solution)):
            if isinstance(code, str) and values.spans_lines(key):
                values.bad(
                    key,
                    f"is code written over several lines without '|', so YAML joins them into one "
                    f"line: write '{key}: |' and indent the code below it",
                )
        fields["check"] = values.identifier("check", "check id")
        timeout = as_number(values.get("timeout", check_timeout(fields["check"])))
        if timeout is None or not 0 < timeout <= MAX_TIMEOUT:
            values.bad("timeout", f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}")
        else:
            fields["timeout"] = float(timeout)
        builds_on = _builds_on(values, exercise_id)
        if builds_on is not None:
            fields["builds_on"] = builds_on
    elif kind == "choice":
        options = values.options("options")
        fields["options"] = options
        fields["answer"] = _choice_answer(values, options)
        fields["feedback"] = values.messages("feedback", options, "option")
    elif kind == "match":
        items = values.options("items", noun="item")
        options = values.options("options")
        fields["items"], fields["options"] = items, options
        fields["answer"] = _match_answer(values, items, options)
        fields["feedback"] = values.messages("feedback", items, "item") if "feedback" in data else {}
    elif kind == "numeric":
        fields.update(_numeric_fields(values))
    if len(result.problems) > before or kind is None:
        return None
    assert exercise_id is not None and prompt is not None and hints is not None and solution is not None
    return Exercise(
        id=exercise_id,
        kind=kind,
        prompt=prompt,
        hints=hints,
        solution=solution,
        line=block_line,
        lines={
            **values.value_lines(),
            # where each builds_on entry is, for the checks across lessons
            **{
                f"builds_on.{i}": values.line("builds_on", i) for i in range(len(fields.get("builds_on", ())))
            },
        },
        **fields,
    )


def _builds_on(values: YamlMapping, exercise_id: str | None) -> tuple[str, ...] | None:
    """The ``builds_on`` list: exercise ids, each once, not the exercise's own (whether they exist
    and come earlier is checked across the lessons, by the loader)."""
    if "builds_on" not in values.data:
        return ()
    value = values.get("builds_on")
    if isinstance(value, str):
        value = [value] if ID_PATTERN.match(value) else value
    if not isinstance(value, list) or not value:
        values.bad(
            "builds_on", "must be a list of ids of earlier code exercises, like [dense-layer, relu-layer]"
        )
        return None
    ids: list[str] = []
    for position, entry in enumerate(value):
        line = values.line("builds_on", position)
        if not isinstance(entry, str) or not ID_PATTERN.match(entry):
            values.problem(line, f"builds_on entry {entry!r} is not an exercise id")
            return None
        if entry == exercise_id:
            values.problem(line, f"builds_on names the exercise itself ({entry!r})")
            return None
        if entry in ids:
            values.problem(line, f"builds_on names {entry!r} twice")
            return None
        ids.append(entry)
    return tuple(ids)


def _choice_answer(values: YamlMapping, options: dict[str, str] | None) -> str | list[str] | None:
    if not values.has("answer"):
        return None
    raw = values.data["answer"]
    many = isinstance(raw, list)
    keys = raw if many else [raw]
    if many and not keys:
        values.bad("answer", "must name at least one option")
        return None
    answer = []
    for key in keys:
        name = key_name(key)
        if name is None:
            hint = (
                "YAML reads yes/no/on/off as true/false: quote it or use a letter"
                if isinstance(key, bool)
                else "keys are short words like a, b, c"
            )
            values.bad("answer", f"{key!r} is not an option key ({hint})")
            return None
        if options is not None and name not in options:
            values.bad(
                "answer", f"names option {name!r}, which does not exist (options: {', '.join(options)})"
            )
            return None
        if name in answer:
            values.bad("answer", f"names option {name!r} twice")
            return None
        answer.append(name)
    return answer if many else answer[0]


def _match_answer(values: YamlMapping, items: dict | None, options: dict | None) -> dict[str, str] | None:
    if not values.has("answer"):
        return None
    raw = values.data["answer"]
    if not isinstance(raw, dict):
        values.bad("answer", "must map each item key to its option key, one 'item: option' line each")
        return None
    answer = {}
    for item, option in raw.items():
        item_name, option_name = key_name(item), key_name(option)
        line = values.line("answer", item)
        if item_name is None or (items is not None and item_name not in items):
            values.problem(
                line,
                f"answer names item {item!r}, which does not exist"
                + (f" (items: {', '.join(items)})" if items else ""),
            )
            return None
        if option_name is None or (options is not None and option_name not in options):
            values.problem(
                line,
                f"answer for item {item_name!r} names option {option!r}, which does "
                "not exist" + (f" (options: {', '.join(options)})" if options else ""),
            )
            return None
        answer[item_name] = option_name
    if items is not None:
        missing = [item for item in items if item not in answer]
        if missing:
            values.bad("answer", "gives no option for item " + ", ".join(repr(m) for m in missing))
            return None
    return answer


def _numeric_fields(values: YamlMapping) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if not values.has("answer"):
        return fields
    raw = values.data["answer"]
    if raw is None:
        values.bad("answer", "is empty: write a number like 4.8, or a shape like (3, 2)")
        return fields
    if _decimal_comma(values, values.line("answer"), raw, "answer"):
        return fields
    try:
        answer = numeric_value(raw)
    except ValueError as error:
        values.bad("answer", str(error))
        return fields
    fields["answer"] = answer
    tolerance = as_number(values.get("tolerance", DEFAULT_TOLERANCE))
    if tolerance is None or tolerance < 0:
        values.bad("tolerance", "must be a number of at least 0 (an absolute difference)")
        return fields
    fields["tolerance"] = float(tolerance)
    entries = values.get("feedback", [])
    if not isinstance(entries, list):
        values.bad("feedback", "must be a list of '- answer: ...' / '  message: ...' entries")
        return fields
    feedback = []
    for position, entry in enumerate(entries):
        line = values.line("feedback", position)
        if not isinstance(entry, dict) or set(entry) != {"answer", "message"}:
            values.problem(line, "each feedback entry needs exactly two keys: answer and message")
            continue
        if _decimal_comma(values, line, entry["answer"], "feedback answer"):
            continue
        try:
            expected = numeric_value(entry["answer"])
        except ValueError as error:
            values.problem(line, f"feedback answer: {error}")
            continue
        if isinstance(expected, tuple) != isinstance(answer, tuple):
            values.problem(
                line,
                "feedback answer must be a "
                + ("shape" if isinstance(answer, tuple) else "number")
                + " like the answer",
            )
            continue
        if numeric_equal(expected, answer, tolerance):
            values.problem(line, "feedback answer is the correct answer: feedback is for wrong answers")
            continue
        message = entry["message"]
        if not isinstance(message, str) or not message.strip():
            values.problem(line, "feedback message must be text")
            continue
        feedback.append((expected, message.strip()))
    fields["feedback"] = feedback
    return fields


def _decimal_comma(values: YamlMapping, line: int, raw: Any, what: str) -> bool:
    """``answer: 0,5`` reads as the shape (0, 5); a teacher almost surely meant 0.5. True when reported."""
    if not (isinstance(raw, str) and DECIMAL_COMMA.match(raw)):
        return False
    written = raw.strip()
    first, second = written.split(",")
    shape = f"({int(first)}, {int(second)})"
    number = f"{first}.{second}"
    if len(second) == 3 and first.lstrip("+-") != "0":
        number += f", or {first}{second} without the thousands separator"
    values.result.explain(
        line,
        f"{what} {written} has a decimal comma, so it would be read as the shape {shape}: "
        f"write the number with a point, {number}; or write a shape in brackets, {shape}",
    )
    return True


def parse_plot_block(result: ParsedFile, body: str, block_line: int) -> PlotBlock | None:
    loaded = load_yaml(result, body, first_line=block_line + 1, what="plot block")
    if loaded is None:
        return None
    data, node = loaded
    if not isinstance(data, dict):
        result.problem(
            block_line, "a plot block must hold 'key: value' lines (data: spiral, or function: relu)"
        )
        return None
    values = YamlMapping(result, data, node, first_line=block_line + 1, missing_line=block_line, what="plot")
    before = len(result.problems)
    values.reject_unknown(PLOT_KEYS, "plot block")
    title = values.text("title") if "title" in data else None
    if ("data" in data) == ("function" in data):
        result.problem(
            block_line,
            "a plot block needs exactly one of 'data' (spiral or vertical) "
            "or 'function' (step, sigmoid, relu or linear)",
        )
        return None
    if "data" in data:
        if data["data"] not in PLOT_DATASETS:
            values.bad("data", "must be one of " + ", ".join(PLOT_DATASETS))
        for key in ("function", "range"):
            if key in data:
                values.bad(key, "applies to function plots only")
        samples, classes = values.get("samples", 100), values.get("classes", 3)
        if not (is_int(samples) and 0 < samples <= MAX_PLOT_SAMPLES):
            values.bad("samples", f"must be a whole number from 1 to {MAX_PLOT_SAMPLES}")
        if not (is_int(classes) and 2 <= classes <= MAX_PLOT_CLASSES):
            values.bad("classes", f"must be a whole number from 2 to {MAX_PLOT_CLASSES}")
        if len(result.problems) > before:
            return None
        return PlotBlock(
            PlotSpec(data=data["data"], samples=samples, classes=classes, title=title), block_line
        )
    if data["function"] not in PLOT_FUNCTIONS:
        values.bad("function", "must be one of " + ", ".join(PLOT_FUNCTIONS))
    for key in ("samples", "classes"):
        if key in data:
            values.bad(key, "applies to data plots only")
    raw = values.get("range", [-5, 5])
    bounds = [as_number(bound) for bound in raw] if isinstance(raw, list) else []
    low = high = None
    if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None and bounds[0] < bounds[1]:
        low, high = float(bounds[0]), float(bounds[1])
    else:
        values.bad("range", "must be two numbers, smallest first, like [-5, 5]")
    if len(result.problems) > before or low is None or high is None:
        return None
    return PlotBlock(PlotSpec(function=data["function"], range=(low, high), title=title), block_line)


def parse_train_block(result: ParsedFile, body: str, block_line: int) -> TrainBlock | None:
    from tutor.training_config import ConfigError, TrainConfig

    loaded = load_yaml(result, body, first_line=block_line + 1, what="train block")
    if loaded is None:
        return None
    data, node = loaded
    if data is None:
        data = {}  # an empty train block means "the defaults"
    if not isinstance(data, dict):
        result.problem(block_line, "a train block must hold 'key: value' lines (optimizer: adam, ...)")
        return None
    values = YamlMapping(result, data, node, first_line=block_line + 1, missing_line=block_line, what="train")
    settings = {}
    for key, value in data.items():
        number = as_number(value)
        if key in _TRAIN_FLOATS and number is not None:
            value = float(number)  # YAML reads 5e-7 as text and 1 as an int
        settings[str(key)] = value
    # TrainConfig owns the rules for training settings; we only point at the line.
    try:
        config = TrainConfig.from_mapping(settings)
    except ConfigError as error:
        if error.setting in settings:
            values.bad(error.setting, error.problem)
        else:
            result.problem(block_line, str(error))
        return None
    except (TypeError, ValueError) as error:
        result.problem(block_line, f"bad training settings: {error}")
        return None
    return TrainBlock(config, block_line)
