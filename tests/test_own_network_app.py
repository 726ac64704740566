"""Lesson 10's app side with a stand-in grader (fast): the learner's earlier classes carried into the
training loop's check, the live view of their network (streamed log, curves over the notebook's run,
the line-by-line verdict, the trained network's regions), stopping a check, the missing-classes case
and the gradient check view. tests/test_own_network_real.py runs the real check."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from app_support import wait_until_loaded
from textual.widgets import Log, Static, TextArea

from tutor.app import NNTutorApp
from tutor.grader.results import CaseResult, CheckResult, GradientCheck, GradientEntry
from tutor.own_run import reference_run
from tutor.store import Status
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.feedback import FeedbackPanel
from tutor.widgets.gradient_check import GradientCheckScreen
from tutor.widgets.own_classes import BuildsOnExercise
from tutor.widgets.own_network import OwnNetworkScreen
from tutor.widgets.plots import CurvePlot

pytestmark = pytest.mark.trains  # the view trains the engine's reference run

LESSONS = Path(__file__).parent / "fixtures" / "own_network_lessons"
DENSE = (
    "class Layer_Dense:\n    def __init__(self, n_inputs, n_neurons):\n        self.n_neurons = n_neurons\n"
)
RELU = "class Activation_ReLU:\n    pass\n"
WRONG_LOOP = (
    "dense1 = Layer_Dense(2, 64)\n"
    "for line in LINES:\n"
    "    print(line.replace('epoch: 3500, acc: 0.950', 'epoch: 3500, acc: 0.951'))\n"
)
SLOW_LOOP = "import time\nfor epoch in range(10**6):\n    print(f'epoch: {epoch}, acc: 0.5, loss: 1.0, lr: 0.05')\n    time.sleep(0.02)\n"


def gradient_check(passed: bool) -> GradientCheck:
    analytic = [0.001 * i for i in range(12)]
    numeric = [value + (0.0 if passed else 0.002) for value in analytic]
    return GradientCheck(
        verdict="your dweights match the numerical gradient"
        if passed
        else "dweights is off: check the transpose",
        passed=passed,
        entries=[
            GradientEntry("dweights", [2, 64], analytic, numeric, 1e-9 if passed else 0.4, passed),
            GradientEntry("dbiases", [1, 64], analytic, analytic, 1e-10, True),
        ],
        threshold=1e-5,
    )


class StreamingGrader:
    """Runs the combined file in-process, its ``print`` sent line by line to ``on_output`` (as the
    grader streams a check's output); the loop gets the notebook's 101 lines as ``LINES``. The
    layer checks pass with a gradient check."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def grade(self, check_id, source, *, filename="answer.py", timeout=None, on_output=None):
        self.calls.append((check_id, source, filename))
        if check_id != "train-spiral":
            return CheckResult(check_id, True, "All cases pass.", gradient_check=gradient_check(True))
        printed: list[str] = []

        def say(*values, **_):
            line = " ".join(str(value) for value in values)
            printed.append(line)
            if on_output is not None:
                on_output(line)

        namespace = {"print": say, "LINES": reference_run().lines}
        exec(compile(source, filename, "exec"), namespace)
        equal = list(printed) == list(reference_run().lines)
        rng = np.random.default_rng(0)
        trained = {
            "dense1.weights": rng.normal(size=(2, 8)).tolist(),
            "dense1.biases": [[0.0] * 8],
            "dense2.weights": rng.normal(size=(8, 3)).tolist(),
            "dense2.biases": [[0.0] * 3],
        }
        return CheckResult(
            check_id,
            equal,
            "Your log equals the notebook's." if equal else "Your log differs from the notebook's.",
            cases=[CaseResult("the log", equal, "" if equal else "line 36 differs")],
            stdout="\n".join(printed),
            trained=trained,
        )


def make_app(home, grader) -> NNTutorApp:
    return NNTutorApp(lessons_dir=LESSONS, store_dir=home, grader=grader)


def pass_classes(app, *, relu_passed: bool = True) -> None:
    store = app.store
    store.save_draft("dense-layer", DENSE)
    store.record_attempt("dense-layer", True, 1.0)
    store.save_draft("relu-layer", RELU)
    store.record_attempt("relu-layer", relu_passed, 1.0)


async def open_loop(pilot, *, loop: str | None = None) -> BuildsOnExercise:
    app = pilot.app
    if loop is not None:
        app.store.save_draft("train-spiral", loop)
    app.open_lesson("your-network", "train-spiral")
    await wait_until_loaded(pilot)
    await pilot.pause(0.2)
    panel = app.screen.query_one("#exercise-train-spiral", ExercisePanel)
    assert isinstance(panel, BuildsOnExercise)
    return panel


async def wait_for(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await pilot.pause()


def text_of(widget) -> str:
    return str(widget.render())


def rich_text(renderable, width: int = 76) -> str:
    """A Rich renderable (a Static's content) as the plain text it shows ``width`` columns wide."""
    from rich.console import Console

    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_the_loop_shows_the_classes_read_only_and_grades_them_with_it(nntutor_home):
    grader = StreamingGrader()
    app = make_app(nntutor_home, grader)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_classes(app)
        panel = await open_loop(pilot)
        titles = [str(c.title) for c in panel.query("OwnClasses Collapsible")]
        assert titles == ["✓ dense-layer: Layer_Dense", "✓ relu-layer: Activation_ReLU"]
        assert panel.editor.text.startswith("dense1 = Layer_Dense(2, 64)")  # the editor holds the loop only
        assert "class Layer_Dense" not in panel.editor.text
        assert app.focused is panel.editor
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not panel.grading)
        check_id, source, filename = grader.calls[-1]
        assert (check_id, filename) == ("train-spiral", "train-spiral.py")
        assert (
            source.index("class Layer_Dense")
            < source.index("class Activation_ReLU")
            < source.index("dense1 =")
        )
        assert app.store.status("train-spiral") is Status.PASSED


async def test_a_class_not_passed_is_named_with_a_way_there_and_nothing_is_graded(nntutor_home):
    grader = StreamingGrader()
    app = make_app(nntutor_home, grader)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_classes(app, relu_passed=False)
        panel = await open_loop(pilot)
        assert "✗ relu-layer: not passed yet" in text_of(panel.query_one(".own-missing Static"))
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert grader.calls == [] and not panel.grading
        feedback = panel.query_one(FeedbackPanel)
        assert text_of(feedback.query_one("#verdict")) == "Not checked: your classes first"
        assert "relu-layer: not passed yet" in text_of(feedback.query_one("#details"))
        assert app.store.status("train-spiral") is Status.NOT_STARTED  # not an attempt
        button = next(b for b in feedback.query("Button") if b.name == "goto:relu-layer")
        await pilot.click(button)
        await pilot.pause(0.5)
        relu = app.screen.query_one("#exercise-relu-layer", ExercisePanel)
        assert isinstance(app.focused, TextArea) and relu in app.focused.ancestors


async def test_the_live_view_streams_the_log_and_shows_the_first_line_that_differs(nntutor_home):
    grader = StreamingGrader()
    app = make_app(nntutor_home, grader)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_classes(app)
        panel = await open_loop(pilot, loop=WRONG_LOOP)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, OwnNetworkScreen))
        view = app.screen
        await wait_for(pilot, lambda: not view.live.running and view.live.reference is not None)
        await wait_for(pilot, lambda: view.live.grid is not None)
        await pilot.pause(0.3)
        assert view.query_one("#own-log", Log).line_count >= 101
        loss = view.query_one("#own-loss", CurvePlot)
        assert len(loss.history) == 101 and len(loss.reference) == 101  # yours over the notebook's
        verdict = text_of(view.query_one("#own-verdict", Static))
        assert "line 36 of 101 differs from the notebook's" in verdict
        assert "yours:    epoch: 3500, acc: 0.951" in verdict
        assert "notebook: epoch: 3500, acc: 0.950" in verdict
        regions = view.query_one("#own-regions")
        assert regions.display and regions.grid is not None and regions.X.shape == (300, 2)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OwnNetworkScreen)
        assert app.store.status("train-spiral") is Status.ATTEMPTED
        await pilot.press("ctrl+f")  # the view again, as it ended
        await pilot.pause()
        assert isinstance(app.screen, OwnNetworkScreen) and app.screen.live is panel.live


async def test_a_correct_log_equals_the_notebooks_101_lines(nntutor_home):
    app = make_app(nntutor_home, StreamingGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        pass_classes(app)
        await open_loop(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, OwnNetworkScreen))
        view = app.screen
        await wait_for(pilot, lambda: not view.live.running and view.live.reference is not None)
        assert text_of(view.query_one("#own-verdict", Static)) == "✓ your 101 lines equal the notebook's."
        assert text_of(view.query_one("#own-title", Static)).startswith("✓ Passed: epoch 10000 of 10000")


async def test_s_stops_a_running_check(nntutor_home):
    grader = StreamingGrader()
    app = make_app(nntutor_home, grader)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_classes(app)
        panel = await open_loop(pilot, loop=SLOW_LOOP)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, OwnNetworkScreen))
        view = app.screen
        await wait_for(pilot, lambda: len(view.live.history) >= 5)
        assert "Your network trains: epoch" in text_of(view.query_one("#own-title", Static))
        await pilot.press("s")
        await wait_for(pilot, lambda: not panel.grading)
        assert view.live.stopped and not view.live.running
        assert "Stopped" in text_of(view.query_one("#own-title", Static))
        assert "You stopped the check" in text_of(view.query_one("#own-verdict", Static))


async def test_a_gradient_check_opens_from_the_feedback_at_80x24(nntutor_home):
    app = make_app(nntutor_home, StreamingGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("your-network", "dense-layer")
        await wait_until_loaded(pilot)
        await pilot.pause(0.2)
        await pilot.press("ctrl+r")
        panel = app.screen.query_one("#exercise-dense-layer", ExercisePanel)
        await wait_for(pilot, lambda: not panel.grading)
        feedback = panel.query_one(FeedbackPanel)
        assert [b.label.plain for b in feedback.query("Button")] == ["Gradient check ^f"]
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GradientCheckScreen)
        assert (
            text_of(screen.query_one("#gradient-verdict")) == "✓ your dweights match the numerical gradient"
        )
        headings = [text_of(w) for w in screen.query(".gradient-entry-heading")]
        assert headings[0] == "✓ dweights (2, 64)  relative error 1.0e-09"
        table = rich_text(screen.query(".gradient-entry").first().content)
        assert "yours (backward)" in table and "numerical" in table
        assert " 11       +1.1000e-02  +1.1000e-02  +0.0000e+00" in table  # value by value
        assert "the first 12 of 128 values" in table
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GradientCheckScreen)


def test_a_failing_gradient_check_marks_the_values_that_differ():
    from tutor.widgets.gradient_check import entry_heading, entry_table

    check = gradient_check(False)
    text = rich_text(entry_heading(check.entries[0]), 80) + rich_text(entry_table(check.entries[0]), 80)
    assert "✗ dweights (2, 64)  relative error 4.0e-01" in text
    assert "-2.0000e-03" in text  # the difference, value by value
    assert "the first 12 of 128 values" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_output_is_posted_one_message_at_a_time_and_the_last_line_always_arrives():
    from tutor.widgets.own_network import CheckStopped, OutputCollector

    posted: list = []
    collector = OutputCollector(posted.append, "train-spiral", 3)
    collector("epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05\n")
    collector("a note")
    collector("epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04")
    assert len(posted) == 1 and posted[0].lines == ("epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05",)
    collector.delivered(posted[0])  # shown: what came meanwhile goes at once
    assert len(posted) == 2 and len(posted[1].lines) == 3
    assert [row[0] for row in posted[1].history] == [0, 100] and posted[1].check == 3
    collector.delivered(posted[1])  # nothing new: the next line is posted as it comes
    assert len(posted) == 2
    collector("epoch: 200, acc: 0.797, loss: 0.522, lr: 0.04")
    assert len(posted) == 3 and posted[2].lines[-1].startswith("epoch: 200")
    assert posted[1].can_replace(posted[2])  # coalesced if they ever wait together
    collector.stop()
    with pytest.raises(CheckStopped):
        collector("epoch: 300, acc: 0.8, loss: 0.5, lr: 0.04")
