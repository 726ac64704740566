"""Judge-side helpers for checks that grade the learner's classes: make a plain object in the learner's
process (a stand-in layer to hand to the learner's optimizer) and set an attribute of a learner's
object (a layer's weights, for a gradient check). Values only cross (:mod:`tutor.grader.wire`); the
objects stay in the learner's process and are known here by handle.
"""

from __future__ import annotations

from typing import Any

from tutor.grader import wire
from tutor.grader.api import CaseFailure, Submission


def new_object(submission: Submission, **attributes: Any) -> wire.LearnerObject:
    """A new plain object in the learner's process whose attributes hold ``attributes`` (copies)."""
    reply = submission._ask({"op": "new", "attributes": wire.encode(dict(attributes))})
    value = submission._decode(reply.get("value"))
    if not isinstance(value, wire.LearnerObject) or value.handle is None:
        raise CaseFailure("The grader could not make its test object in your code's process.")
    return value


def set_attribute(submission: Submission, obj: wire.LearnerObject, name: str, value: Any) -> None:
    """Set ``obj.name = value`` in the learner's process (the learner's code sees its own copy)."""
    reply = submission._ask(
        {"op": "setattr", "handle": obj.handle, "attribute": name, "value": wire.encode(value)}
    )
    if "error" in reply:
        from tutor.grader.judge import remote_exception

        error = remote_exception(reply["error"])
        raise submission.exception_failure(error, while_doing=f"setting {obj.type_name}.{name}")
