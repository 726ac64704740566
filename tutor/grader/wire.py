"""The values-only channel between the judge and the learner's process.

Messages are length-prefixed JSON. Values travel as data that cannot carry code: JSON numbers, strings,
booleans and None; lists; and tagged objects for what JSON lacks — ``{"$tuple": [...]}``,
``{"$dict": [[key, value], ...]}``, ``{"$array": {"dtype", "shape", "data"}}`` (raw bytes of a real
ndarray of a numeric dtype, base64), ``{"$scalar": {"dtype", "data"}}`` (a NumPy number), and
``{"$object": {"type", "kind", "handle"}}`` for anything else (a generator, a learner's class instance):
only its type's name and a handle number the learner's process can resolve, never the object.

Nothing is unpickled or evaluated: decoding builds arrays with ``np.frombuffer`` from a checked dtype.
Imported by both sides; imports nothing of the project but NumPy.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
from collections.abc import Callable
from typing import Any

import numpy as np

# Numeric kinds an array may have on the wire: bool, signed and unsigned int, float, complex.
NUMERIC_KINDS = "biufc"
MAX_DEPTH = 32
MAX_MESSAGE_BYTES = 64 << 20
_HEADER = struct.Struct(">I")


class WireError(ValueError):
    """A message that is not valid channel data (forged, truncated or too big)."""


class ValueTooBig(ValueError):
    """A value too big to send back (more than ``MAX_MESSAGE_BYTES`` once encoded)."""


class LearnerObject:
    """Something the learner's code produced that is not plain data: known by its type's name only.

    ``kind`` is "generator", "iterator", "callable", "class" or "object"; ``handle`` (or None) lets the
    judge ask the learner's process about that object later (call a method, read an attribute).
    """

    def __init__(self, type_name: str, kind: str = "object", handle: int | None = None):
        self.type_name = type_name
        self.kind = kind
        self.handle = handle

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


_OPAQUE_TYPES: dict[str, type[LearnerObject]] = {}


def opaque(type_name: str, kind: str = "object", handle: int | None = None) -> LearnerObject:
    """A :class:`LearnerObject` whose class is named like the learner's type, so that
    ``type(value).__name__`` in a message reads 'a generator object', 'a Layer_Dense object'."""
    safe = "".join(ch for ch in type_name if ch.isalnum() or ch == "_")[:60] or "object"
    cls = _OPAQUE_TYPES.get(safe)
    if cls is None:
        cls = type(safe, (LearnerObject,), {"__module__": "learner"})
        _OPAQUE_TYPES[safe] = cls
    return cls(type_name, kind, handle)


# -- encoding (both sides) ---------------------------------------------------------------------------


def encode(value: Any, register: Callable[[object], int | None] | None = None, _depth: int = 0) -> Any:
    """``value`` as channel data. ``register`` gives an unknown object a handle (learner side only)."""
    if _depth > MAX_DEPTH:
        return {"$object": {"type": type(value).__name__, "kind": "too-deep", "handle": None}}
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value
    if kind is float:
        return value
    if kind is list:
        return [encode(item, register, _depth + 1) for item in value]
    if kind is tuple:
        return {"$tuple": [encode(item, register, _depth + 1) for item in value]}
    if kind is dict:
        return {
            "$dict": [
                [encode(key, register, _depth + 1), encode(item, register, _depth + 1)]
                for key, item in value.items()
            ]
        }
    if kind is np.ndarray and value.dtype.kind in NUMERIC_KINDS and value.dtype.fields is None:
        if value.nbytes > MAX_MESSAGE_BYTES * 3 // 4:  # base64 makes 4 bytes of 3
            raise ValueTooBig(f"{value.nbytes} bytes")
        array = np.ascontiguousarray(value)
        return {
            "$array": {
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "data": base64.b64encode(array.tobytes()).decode("ascii"),
            }
        }
    if (
        isinstance(value, np.generic)
        and type(value).__module__ == "numpy"
        and value.dtype.kind in NUMERIC_KINDS
    ):
        return {
            "$scalar": {"dtype": value.dtype.str, "data": base64.b64encode(value.tobytes()).decode("ascii")}
        }
    if isinstance(value, LearnerObject):  # the judge passing back a handle the learner gave it
        return {"$object": {"type": value.type_name, "kind": value.kind, "handle": value.handle}}
    return {
        "$object": {
            "type": kind.__name__,
            "kind": _kind_of(value),
            "handle": register(value) if register else None,
        }
    }


def _kind_of(value: Any) -> str:
    import types

    if isinstance(value, types.GeneratorType):
        return "generator"
    if isinstance(value, (map, filter, zip, range, enumerate, reversed)) or type(value).__name__.endswith(
        "iterator"
    ):
        return "iterator"
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "callable"
    return "object"


def decode(data: Any, _depth: int = 0) -> Any:
    """The value that :func:`encode` described; raises :class:`WireError` for anything malformed."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if data is None or isinstance(data, (bool, str, int)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, _depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("not a value")
    ((tag, body),) = data.items()
    if tag == "$tuple" and isinstance(body, list):
        return tuple(decode(item, _depth + 1) for item in body)
    if tag == "$dict" and isinstance(body, list):
        result = {}
        for pair in body:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("bad dict item")
            key = decode(pair[0], _depth + 1)
            try:
                result[key] = decode(pair[1], _depth + 1)
            except TypeError:
                raise WireError("unhashable dict key") from None
        return result
    if tag == "$array" and isinstance(body, dict):
        dtype = _numeric_dtype(body.get("dtype"))
        shape = body.get("shape")
        if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise WireError("bad shape")
        raw = _bytes(body.get("data"))
        if len(raw) != math.prod(shape) * dtype.itemsize:
            raise WireError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "$scalar" and isinstance(body, dict):
        dtype = _numeric_dtype(body.get("dtype"))
        raw = _bytes(body.get("data"))
        if len(raw) != dtype.itemsize:
            raise WireError("bad scalar")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag == "$object" and isinstance(body, dict):
        handle = body.get("handle")
        if handle is not None and not isinstance(handle, int):
            raise WireError("bad handle")
        return opaque(str(body.get("type", "object")), str(body.get("kind", "object")), handle)
    raise WireError(f"unknown tag {tag!r}")


def _numeric_dtype(text: Any) -> np.dtype:
    if not isinstance(text, str) or len(text) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError("bad dtype") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError("not a numeric dtype")
    return dtype


def _bytes(text: Any) -> bytes:
    if not isinstance(text, str):
        raise WireError("bad data")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise WireError("bad data") from None


# -- framing -----------------------------------------------------------------------------------------


def pack(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode()
    return _HEADER.pack(len(body)) + body


def send(fd: int, message: dict) -> None:
    write_all(fd, pack(message))


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Reader:
    """Reads whole messages from ``fd``; ``feed`` takes what ``select`` found ready."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.closed = False

    def feed(self) -> None:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.closed = True
        self.buffer += chunk
        if len(self.buffer) > MAX_MESSAGE_BYTES + _HEADER.size:
            raise WireError("message too big")

    def message(self) -> dict | None:
        """The next complete message, or None if it has not all arrived."""
        if len(self.buffer) < _HEADER.size:
            return None
        (size,) = _HEADER.unpack_from(self.buffer)
        if size > MAX_MESSAGE_BYTES:
            raise WireError("message too big")
        if len(self.buffer) < _HEADER.size + size:
            return None
        body = bytes(self.buffer[_HEADER.size : _HEADER.size + size])
        del self.buffer[: _HEADER.size + size]
        try:
            message = json.loads(body)
        except ValueError:
            raise WireError("not JSON") from None
        if not isinstance(message, dict):
            raise WireError("not a message")
        return message

    def receive(self, deadline: float | None = None) -> dict | None:
        """Block until a message arrives; None on end of file or at the deadline."""
        while True:
            message = self.message()
            if message is not None:
                return message
            if self.closed:
                return None
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            self.feed()
