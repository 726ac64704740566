"""The public operations a check uses on a learner's objects (tutor.grader.api.Submission): calls that
may return None or an iterable, draining an iterable in the learner's process (``items``), making a
plain object there (``new_object``) and setting attributes (``set_attribute``). Values only cross: the
learner side here is the in-process stand-in of tests/mutation.py, which answers the same requests
as the confined learner process."""

from __future__ import annotations

import numpy as np
import pytest
from mutation import InProcessLearner

from tutor.grader import wire
from tutor.grader.api import CaseFailure, StopCheck, Submission

SOURCE = """
import numpy as np

def squares(n):
    for i in range(n):
        yield [i, i * i]

def forever():
    while True:
        yield 1

def broken():
    yield 1
    raise ValueError("no more")

def counted(n):
    return iter(range(n))

def as_list(n):
    return list(range(n))

class Batches:
    def __init__(self, items):
        self.items = items
    def __iter__(self):
        return iter(self.items)

class Plain:
    pass

class Layer:
    def forward(self, inputs):
        self.output = inputs * 2
    def scale(self, inputs):
        inputs *= 2
    def sum_weights(self, layer):
        return float(np.sum(layer.weights))
    def double_weights(self, layer):
        layer.weights = layer.weights * 2

class Frozen:
    @property
    def weights(self):
        return 1.0
    @weights.setter
    def weights(self, value):
        raise AttributeError("weights cannot be set")

def make(name, *args):
    return globals()[name](*args)
"""


@pytest.fixture
def submission():
    learner = InProcessLearner()
    reply = learner.request({"op": "exec", "source": SOURCE, "filename": "answer.py", "timeout": 5.0})
    assert reply.get("ok"), reply
    yield Submission("objects", learner, "answer.py", np.random.default_rng(0), dict.fromkeys(reply["names"]))
    learner.close()


def made(submission: Submission, *args):
    """An object the learner's code made (``make(name, *args)``), by handle."""
    value = submission.function("make", "name, args")(*args)
    assert isinstance(value, wire.LearnerObject)
    return value


def test_a_generator_result_fails_unless_iterable_ok(submission):
    squares = submission.function("squares", "n")
    with pytest.raises(CaseFailure, match="returned a generator object"):
        squares(3)
    generator = squares(3, iterable_ok=True)
    assert isinstance(generator, wire.LearnerObject)
    assert generator.kind == "generator"


def test_items_drains_a_generator_as_values(submission):
    generator = submission.function("squares", "n")(3, iterable_ok=True)
    assert submission.items(generator, 10) == [[0, 0], [1, 1], [2, 4]]


def test_items_stops_at_the_limit(submission):
    endless = submission.function("forever", "")(iterable_ok=True)
    assert submission.items(endless, 5) == [1] * 5


def test_items_iterates_an_iterator_and_an_object_with_iter(submission):
    iterator = submission.function("counted", "n")(4, iterable_ok=True)
    assert iterator.kind == "iterator"
    assert submission.items(iterator, 10) == [0, 1, 2, 3]
    batches = made(submission, "Batches", [[1.0, 2.0], [3.0]])
    assert batches.kind == "object"
    assert submission.items(batches, 10) == [[1.0, 2.0], [3.0]]


def test_items_is_none_for_what_cannot_be_iterated(submission):
    assert submission.items(made(submission, "Plain"), 10) is None
    assert submission.items([1, 2, 3], 10) is None
    assert submission.items(submission.function("as_list", "n")(2, iterable_ok=True), 10) is None


def test_an_exception_while_iterating_fails_the_case_with_its_explanation(submission):
    generator = submission.function("broken", "")(iterable_ok=True)
    with pytest.raises(CaseFailure) as failure:
        submission.items(generator, 10, while_doing="taking the next batch")
    assert "ValueError while taking the next batch" in failure.value.sentence
    assert "no more" in failure.value.detail


def test_none_ok_lets_a_method_store_its_result(submission):
    layer = made(submission, "Layer")
    forward = submission.method(layer, "forward", "inputs")
    with pytest.raises(CaseFailure, match="None"):
        forward(np.array([1.0, 2.0]))
    assert forward(np.array([1.0, 2.0]), none_ok=True) is None
    np.testing.assert_array_equal(submission.attribute(layer, "output"), [2.0, 4.0])


def test_none_ok_still_checks_unchanged_arguments(submission):
    layer = made(submission, "Layer")
    scale = submission.method(layer, "scale", "inputs")
    inputs = np.array([1.0, 2.0])
    with pytest.raises(CaseFailure, match="changed its argument `inputs` in place"):
        scale(inputs, unchanged=("inputs",), none_ok=True)
    np.testing.assert_array_equal(inputs, [1.0, 2.0])  # the judge's own copy is untouched
    assert scale(inputs, none_ok=True) is None


def test_new_object_reaches_the_learners_code_as_the_object(submission):
    weights = np.array([1.0, 2.0, 3.0])
    stand_in = submission.new_object(weights=weights, biases=np.zeros(3))
    assert isinstance(stand_in, wire.LearnerObject)
    layer = made(submission, "Layer")
    assert submission.method(layer, "sum_weights", "layer")(stand_in) == 6.0
    submission.method(layer, "double_weights", "layer")(stand_in, none_ok=True)
    np.testing.assert_array_equal(submission.attribute(stand_in, "weights"), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(weights, [1.0, 2.0, 3.0])  # a copy crossed, not the judge's array


def test_set_attribute_sets_a_copy_in_the_learners_process(submission):
    stand_in = submission.new_object()
    weights = np.array([[1.0, 2.0]])
    submission.set_attribute(stand_in, "weights", weights)
    layer = made(submission, "Layer")
    submission.method(layer, "double_weights", "layer")(stand_in, none_ok=True)
    np.testing.assert_array_equal(submission.attribute(stand_in, "weights"), [[2.0, 4.0]])
    np.testing.assert_array_equal(weights, [[1.0, 2.0]])


def test_set_attribute_that_the_learners_class_refuses_fails_the_case(submission):
    frozen = made(submission, "Frozen")
    with pytest.raises(CaseFailure) as failure:
        submission.set_attribute(frozen, "weights", 2.0)
    assert "AttributeError while setting Frozen.weights" in failure.value.sentence
    assert not isinstance(failure.value, StopCheck)
