"""YAML with file lines: parse a block's YAML and read typed values, recording every problem at the
file line of the key (or entry) at fault.

``load_yaml`` parses (pointing a YAML error at its file line and flagging duplicate keys);
:class:`YamlMapping` wraps the parsed mapping with typed accessors. The value helpers (``is_int``,
``as_number``, ``describe`` ...) say what YAML made of a value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, Protocol

import yaml

from tutor.curriculum.model import EVERY_EXERCISE_KEY, ID_PATTERN
from tutor.curriculum.yaml_errors import explain_yaml_error

_YamlLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # libyaml is many times faster; PyYAML's pure-Python loader gives the same results
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader


class Reporter(Protocol):
    """Where problems go (a :class:`~tutor.curriculum.model.ParsedFile`)."""

    def problem(self, line: int, message: str) -> None: ...

    def explain(self, line: int, message: str) -> None: ...


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
DECIMAL_COMMA = re.compile(r"\s*[-+]?[0-9]+,[0-9]+\s*\Z")
"""``0,5``: a number written the local way; YAML keeps it as text and a shape would read (0, 5)."""


def load_yaml(result: Reporter, text: str, *, first_line: int, what: str):
    """Parse ``text`` (whose first line is file line ``first_line``): (data, root node) or None
    after recording the problem at the file line where YAML found it."""
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        row, message = explain_yaml_error(text, error, first_line)
        result.problem(first_line + row, f"bad YAML in the {what}: {message}")
        return None
    except yaml.YAMLError as error:
        result.problem(first_line, f"bad YAML in the {what}: {error}")
        return None
    finally:
        loader.dispose()
    _check_nodes(result, node, first_line, what)
    return data, node


def _yaml_bool(text: str) -> bool | None:
    """What YAML 1.1 makes of a plain word: ``yes``/``on``/``true`` are True, ``no``/``off``/``false`` False."""
    word = text.lower()
    return True if word in ("yes", "true", "on") else False if word in ("no", "false", "off") else None


def _check_nodes(result: Reporter, node, first_line: int, what: str, key: str | None = None) -> None:
    """What YAML reads without a word but a teacher would rather hear about: a key given twice (YAML
    keeps the last), and numbers with leading zeros (``010`` is the octal number 8, ``09`` is text)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            name = key_node.value
            line = first_line + key_node.start_mark.line
            if name in seen:
                result.problem(line, f"key {name!r} appears twice in the {what} (first at line {seen[name]})")
            else:
                seen[name] = line
            _check_nodes(result, value_node, first_line, what, str(name))
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _check_nodes(result, child, first_line, what, key)
    elif (
        isinstance(node, yaml.ScalarNode)
        and not node.style
        and node.value[:1] in "0+-"
        and _LEADING_ZERO.match(node.value)
    ):
        _leading_zero(result, node, first_line, key)


def _leading_zero(result: Reporter, node, first_line: int, key: str | None) -> None:
    written = node.value
    plain = written.lstrip("+-").lstrip("0_") or "0"
    sign = "-" if written.startswith("-") else ""
    reading = (
        "the octal number " + str(int(written.replace("_", ""), 8))
        if set(written) <= set("+-01234567_")
        else "text"
    )
    name = f"{key} " if key else ""
    result.explain(
        first_line + node.start_mark.line,
        f"{name}{written} has a leading zero, which YAML reads as {reading}: write {sign}{plain}"
        f" (or quote it, '{written}', if it is text)",
    )


class YamlMapping:
    """A parsed YAML mapping with the file line of every key, and typed accessors that record
    a problem (at the right line) and return None when a value is wrong."""

    def __init__(
        self, result: Reporter, data: dict, node, *, first_line: int, missing_line: int, what: str
    ) -> None:
        self.result = result
        self.data = data
        self.node = node
        self.first_line = first_line
        self.missing_line = missing_line
        self.what = what
        self.misspelt: set[str] = set()  # required keys written misspelt (reported there)

    # lines

    def _value_node(self, key):
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                if key_node.value == str(key) or key_node.value == key:
                    return key_node, value_node
        return None, None

    def line(self, key, child=None) -> int:
        """The file line of ``key`` (or of its entry ``child``: a list index or a mapping key)."""
        key_node, value_node = self._value_node(key)
        if key_node is None:
            return self.missing_line
        if child is not None:
            if (
                isinstance(value_node, yaml.SequenceNode)
                and isinstance(child, int)
                and child < len(value_node.value)
            ):
                return self.first_line + value_node.value[child].start_mark.line
            if isinstance(value_node, yaml.MappingNode):
                for child_key, _ in value_node.value:
                    if child_key.value == str(child) or _yaml_bool(child_key.value) is child:
                        return self.first_line + child_key.start_mark.line
        return self.first_line + key_node.start_mark.line

    def spans_lines(self, key: str) -> bool:
        """Whether ``key``'s value is written over several lines without ``|`` (or ``>``): YAML then reads
        the lines as YAML (a mapping, a list) or joins them into one line of text."""
        key_node, value_node = self._value_node(key)
        if value_node is None:
            return False
        if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
            return False
        end = value_node.end_mark.line - (1 if value_node.end_mark.column == 0 else 0)
        return end > key_node.start_mark.line

    def value_lines(self) -> dict[str, int]:
        lines = {}
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                line = value_node.start_mark.line
                if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                    line += 1  # the text starts on the line after the '|'
                lines[str(key_node.value)] = self.first_line + line
        return lines

    # problems

    def problem(self, line: int, message: str) -> None:
        self.result.problem(line, message)

    def bad(self, key: str, message: str) -> None:
        value = self.data.get(key)
        if isinstance(value, str) and DECIMAL_COMMA.match(value):
            message += f" ({value.strip()} has a decimal comma: write {value.strip().replace(',', '.')})"
        self.problem(self.line(key), f"{key} {message}")

    def require(self, key: str) -> None:
        if key in self.misspelt:
            return  # reported at the misspelt key, with the right spelling
        self.problem(self.missing_line, f"the {self.what} has no {key!r}")

    def has(self, key: str) -> bool:
        """Whether ``key`` is there; a missing one is recorded as a problem."""
        if key in self.data:
            return True
        self.require(key)
        return False

    def reject_unknown(self, allowed: tuple[str, ...], where: str, other_kinds: bool = False) -> None:
        for key in self.data:
            if key in allowed:
                continue
            if other_kinds and key in EVERY_EXERCISE_KEY:
                message = f"key {key!r} does not belong in a {where}"
            else:
                near = close_match(str(key), allowed)
                if near is not None and near not in self.data:
                    self.misspelt.add(near)
                message = f"unknown key {key!r} in the {where}" + (
                    f" (did you mean {near!r}?)" if near else ""
                )
            self.problem(self.line(key), message)

    # typed values

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def text(self, key: str, allow_empty: bool = False) -> str | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if allow_empty and value is None:
            return ""
        if not isinstance(value, str):
            if isinstance(value, (dict, list)) and self.spans_lines(key):
                hint = f" (text over several lines goes in a '|' block: write '{key}: |' and indent it below)"
            elif is_number(value) or isinstance(value, bool):
                hint = " (quote it)"
            else:
                hint = ""
            self.bad(key, f"must be text, not {describe(value)}{hint}")
            return None
        if not value.strip() and not allow_empty:
            self.bad(key, "is empty")
            return None
        return value.strip("\n") + ("\n" if value.endswith("\n") else "")

    def text_list(self, key: str, what: str = "entry") -> list[str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if isinstance(value, str):
            self.bad(key, f"must be a list, one '- ' line per {what}, not a single piece of text")
            return None
        if not isinstance(value, list) or not value:
            self.bad(key, f"must be a list with at least one {what}")
            return None
        for position, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.problem(
                    self.line(key, position),
                    f"{key} entry {position + 1} must be text, not {describe(entry)}"
                    + (" (quote it)" if isinstance(entry, dict) else ""),
                )
                return None
        return [entry.strip() for entry in value]

    def identifier(self, key: str, what: str) -> str | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.bad(
                key,
                f"{value!r} is not a valid {what}: use lowercase words joined by '-', like 'batch-softmax'",
            )
            return None
        return value

    def positive_int(self, key: str) -> int | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not (is_int(value) and value > 0):
            self.bad(key, f"must be a whole number above 0, not {value!r}")
            return None
        return value

    def options(self, key: str, noun: str = "option") -> dict[str, str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, dict) or len(value) < 2:
            self.bad(key, f"must map at least two {noun} keys to their text, one 'key: text' line each")
            return None
        options = {}
        for option_key, text in value.items():
            name = key_name(option_key)
            line = self.line(key, option_key)
            if name is None:
                self.problem(
                    line,
                    f"{noun} key {option_key!r} is read by YAML as {describe(option_key)}: "
                    "put it in quotes or use a letter",
                )
                return None
            if not is_scalar_text(text):
                self.problem(line, f"{noun} {name!r} must be text, not {describe(text)} (quote it)")
                return None
            options[name] = str(text).strip()
        return options

    def messages(self, key: str, keys: dict[str, str] | None, noun: str) -> dict[str, str] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, dict) or not value:
            self.bad(key, f"must map {noun} keys to messages, one 'key: message' line each")
            return None
        messages = {}
        for message_key, text in value.items():
            name = key_name(message_key)
            line = self.line(key, message_key)
            if name is None or (keys is not None and name not in keys):
                self.problem(
                    line,
                    f"feedback names {noun} {message_key!r}, which does not exist"
                    + (f" ({noun}s: {', '.join(keys)})" if keys else ""),
                )
                return None
            if not isinstance(text, str) or not text.strip():
                self.problem(line, f"feedback for {noun} {name!r} must be text, not {describe(text)}")
                return None
            messages[name] = " ".join(text.split())
        return messages


def key_name(key: Any) -> str | None:
    """Option and item keys are text; YAML reads ``1`` as a number (fine) and ``yes`` as a boolean (not)."""
    if isinstance(key, bool) or key is None:
        return None
    if isinstance(key, (str, int)):
        return str(key)
    return None


def is_scalar_text(value: Any) -> bool:
    return (isinstance(value, str) and value.strip() != "") or (is_number(value))


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_number(value: Any) -> float | int | None:
    """A number, also from text: YAML reads ``1e-6`` (no dot) as a string, not a float."""
    if is_number(value):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a 'key: value' mapping"
    return type(value).__name__


def close_match(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.7)
    return matches[0] if matches else None
