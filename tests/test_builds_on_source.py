"""The source graded for an exercise that builds on earlier ones (tutor.builds_on: the app's side), without the app."""

from __future__ import annotations

from tutor.builds_on import NO_CODE, NOT_PASSED, combine, defined_classes, from_store
from tutor.curriculum import Exercise
from tutor.store import Store

DENSE = "class Layer_Dense:\n    def __init__(self, n_inputs, n_neurons):\n        self.n = n_neurons\n"
RELU = "class Activation_ReLU:\n    pass\n"
LOOP = "dense = Layer_Dense(2, 3)\nrelu = Activation_ReLU()\nprint(dense.n)\n"


LOOP_EXERCISE = Exercise(
    id="train-spiral",
    kind="code",
    prompt="",
    hints=[],
    solution="",
    line=1,
    check="train-spiral",
    builds_on=("dense-layer", "relu-layer"),
)


def combined(drafts, passed=("dense-layer", "relu-layer")):
    return combine(
        LOOP_EXERCISE,
        LOOP,
        draft=drafts.get,
        passed=lambda exercise_id: exercise_id in passed,
    )


def test_the_file_is_the_earlier_drafts_in_order_then_the_loop_and_it_runs():
    drafts = {"dense-layer": DENSE, "relu-layer": RELU}
    result = combined(drafts)
    assert not result.missing
    text = result.text
    assert text == LOOP_EXERCISE.source_with(LOOP, drafts.get)  # the lesson model's rule, as validate grades
    assert text.index("class Layer_Dense") < text.index("class Activation_ReLU") < text.index("dense = ")
    namespace: dict = {}
    exec(compile(text, result.filename, "exec"), namespace)
    assert namespace["dense"].n == 3
    assert result.filename == "train-spiral.py"
    assert [piece.exercise_id for piece in result.pieces] == ["dense-layer", "relu-layer"]
    assert result.pieces[0].label == "dense-layer: Layer_Dense"


def test_every_line_of_the_file_maps_back_to_its_exercise_and_line():
    result = combined({"dense-layer": DENSE, "relu-layer": RELU})
    lines = result.text.splitlines()
    sources = {"dense-layer": DENSE, "relu-layer": RELU, "train-spiral": LOOP}
    mapped = 0
    for number, line in enumerate(lines, start=1):
        origin = result.origin(number)
        if origin is None:
            assert not line  # the blank line between two pieces
            continue
        exercise_id, line_in_piece = origin
        assert sources[exercise_id].splitlines()[line_in_piece - 1] == line
        mapped += 1
    assert mapped == sum(len(source.splitlines()) for source in sources.values())


def test_a_traceback_names_the_exercise_and_its_own_line():
    result = combined({"dense-layer": DENSE, "relu-layer": RELU})
    dense_line = result.text.splitlines().index("        self.n = n_neurons") + 1
    loop_line = result.text.splitlines().index("print(dense.n)") + 1
    traceback = (
        f'  File "train-spiral.py", line {loop_line}, in <module>\n'
        f'  File "train-spiral.py", line {dense_line}, in __init__\n'
        f'  File "other.py", line {dense_line}\n'
    )
    assert result.relabel(traceback) == (
        '  File "your train-spiral", line 3, in <module>\n'
        '  File "your dense-layer", line 3, in __init__\n'
        f'  File "other.py", line {dense_line}\n'
    )
    assert result.relabel(None) is None


def test_an_exercise_not_passed_or_without_code_is_missing_in_order():
    result = combined({"dense-layer": DENSE, "relu-layer": RELU}, passed=("relu-layer",))
    assert [(m.exercise_id, m.reason) for m in result.missing] == [("dense-layer", NOT_PASSED)]
    result = combined({"dense-layer": "  \n"}, passed=("dense-layer", "relu-layer"))
    assert [(m.exercise_id, m.reason) for m in result.missing] == [
        ("dense-layer", NO_CODE),
        ("relu-layer", NO_CODE),
    ]


def test_from_store_reads_drafts_and_counts_only_passed_exercises():
    store = Store.in_memory()
    exercise = LOOP_EXERCISE
    store.save_draft("dense-layer", DENSE)
    store.record_attempt("dense-layer", True, 1.0)
    store.save_draft("relu-layer", RELU)
    store.record_attempt("relu-layer", False, 1.0)
    result = from_store(exercise, LOOP, store)
    assert [m.exercise_id for m in result.missing] == ["relu-layer"]
    store.record_attempt("relu-layer", True, 1.0)
    result = from_store(exercise, LOOP, store)
    assert not result.missing and result.pieces[1].source == RELU.rstrip("\n")


def test_defined_classes_reads_top_level_classes_and_survives_broken_code():
    assert defined_classes(DENSE + RELU) == ("Layer_Dense", "Activation_ReLU")
    assert defined_classes("class (:") == ()
