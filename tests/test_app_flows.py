"""The app's flows, driven with Textual's Pilot on a small fixture lesson set."""

from __future__ import annotations

import shutil
import threading

import pytest
from app_support import APP_LESSONS, StandInGrader, type_text, wait_until_loaded
from textual.widgets import DataTable, Input, Markdown, RadioSet, Select, SelectionList, Static, TextArea

from tutor.app import NNTutorApp
from tutor.screens.help import HelpScreen, help_sections
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.lesson_build import split_sections
from tutor.store import STORE_FILENAME, Status, Store
from tutor.widgets.confirm import ConfirmDialog
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.feedback import FeedbackPanel

SOLVED_STARTER = (
    "inputs = [1.0, 2.0, 3.0, 2.5]\n"
    "weights = [0.2, 0.8, -0.5, 1.0]\n"
    "bias = 2.0\n"
    "output = sum(i*w for i,w in zip(inputs,weights))+bias\n"
)


def make_app(home, grader=None, lessons=APP_LESSONS, store=None) -> NNTutorApp:
    return NNTutorApp(lessons_dir=lessons, store_dir=home, store=store, grader=grader or StandInGrader())


def panel(app, exercise_id) -> ExercisePanel:
    return app.screen.query_one(f"#exercise-{exercise_id}", ExercisePanel)


def feedback_text(app, exercise_id) -> str:
    feedback = panel(app, exercise_id).query_one(FeedbackPanel)
    return (
        str(feedback.query_one("#verdict", Static).render())
        + "\n"
        + str(feedback.query_one("#details", Static).render())
    )


def home_row(app, lesson_id) -> list[str]:
    table = app.screen.query_one("#lessons", DataTable)
    return [str(cell) for cell in table.get_row(lesson_id)]


async def open_first_lesson_at_editor(pilot):
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, LessonScreen)
    await pilot.press("ctrl+n")  # first exercise: the code one
    await pilot.pause()
    assert isinstance(pilot.app.focused, TextArea)


async def check_and_wait(pilot):
    await pilot.press("ctrl+r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_correct_code_answer_passes_and_progress_updates(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        assert home_row(app, "a-neuron")[3].strip().startswith("0/3")
        await open_first_lesson_at_editor(pilot)
        # the starter's last line is "output = None": replace None with the sum
        await pilot.press("down", "down", "down", "end", *["backspace"] * 4)
        await type_text(pilot, "sum(i*w for i,w in zip(inputs,weights))+bias")
        assert app.focused.text == SOLVED_STARTER
        await check_and_wait(pilot)
        assert "✓ Passed" in feedback_text(app, "neuron-output")
        assert panel(app, "neuron-output").border_subtitle == "✓ passed"
        assert app.screen.sub_title == "1/3 passed"
        assert app.store.status("neuron-output") is Status.PASSED
        assert app.get_grader().calls[-1] == ("neuron-output", SOLVED_STARTER, 5.0)
        await pilot.press("escape", "escape")  # leave the editor, then the lesson
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_row(app, "a-neuron")[3].strip().startswith("1/3")
        overall = str(app.screen.query_one("#overall-text", Static).render())
        assert "1 of 5 exercises passed" in overall


async def test_wrong_answer_shows_the_graders_message(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await check_and_wait(pilot)  # the starter sets output = None
        text = feedback_text(app, "neuron-output")
        assert "✗ Not yet" in text
        assert "Failing case: the four-input neuron" in text
        assert "expected output == 4.8, got None" in text
        assert "Your output:\nchecking..." in text
        assert app.store.status("neuron-output") is Status.ATTEMPTED
        assert len(app.store.attempts("neuron-output")) == 1


async def test_traceback_is_shown_for_code_that_raises(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await pilot.press("f7")
        await type_text(pilot, "output = 1 / 0\n")
        await check_and_wait(pilot)
        text = feedback_text(app, "neuron-output")
        assert "Traceback:" in text and "ZeroDivisionError" in text


async def test_spinner_shows_while_grading_and_ui_stays_responsive(nntutor_home):
    gate = threading.Event()
    app = make_app(nntutor_home, grader=StandInGrader(gate=gate))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        feedback = panel(app, "neuron-output").query_one(FeedbackPanel)
        assert feedback.has_class("-running")
        assert panel(app, "neuron-output").query_one("#check").disabled
        await type_text(pilot, "# still typing")  # the editor answers while the grader works
        assert app.focused.text.startswith("# still typing")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not feedback.has_class("-running")
        assert not panel(app, "neuron-output").query_one("#check").disabled


async def test_grader_failure_is_reported_not_raised(nntutor_home):
    app = make_app(nntutor_home, grader=StandInGrader(error=RuntimeError("worker died")))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await check_and_wait(pilot)
        assert "The grader failed: RuntimeError: worker died" in feedback_text(app, "neuron-output")
        assert app.store.status("neuron-output") is Status.NOT_STARTED


async def test_hints_come_one_at_a_time(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        hints = panel(app, "neuron-output").query_one(".hints")
        assert len(hints.children) == 0
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(hints.children) == 1
        assert "Pair each input" in hints.children[0].source
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(hints.children) == 2
        assert "Add the bias once" in hints.children[1].source
        assert panel(app, "neuron-output").query_one("#hint").disabled  # none left
        await pilot.press("ctrl+t")  # there are only two
        await pilot.pause()
        assert len(hints.children) == 2
        assert app.store.hints_shown("neuron-output") == 2


async def test_hints_already_seen_are_shown_on_return(nntutor_home):
    store = Store.open(nntutor_home)
    store.record_hint("neuron-output", 1)
    app = make_app(nntutor_home, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        assert len(panel(app, "neuron-output").query_one(".hints").children) == 1


async def test_reveal_asks_first_and_is_recorded(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        solution = panel(app, "neuron-output").query_one(".solution")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert not app.store.revealed("neuron-output")
        assert not solution.has_class("-shown")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.store.revealed("neuron-output")
        assert app.store.status("neuron-output") is Status.REVEALED
        assert solution.has_class("-shown")
        assert "zip(inputs, weights)" in solution.query_one(Markdown).source
        assert panel(app, "neuron-output").border_subtitle == "solution revealed"
        await pilot.press("ctrl+o")  # shown already: no second question, no second record
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_draft_survives_closing_and_reopening(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await pilot.press("f7")
        await type_text(pilot, "output = 42  # my draft")
        await pilot.press("ctrl+q")  # quitting saves at once, without waiting for the timer
        await pilot.pause()
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        assert app.focused.text == "output = 42  # my draft"


async def test_draft_is_saved_within_a_second_while_typing(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await type_text(pilot, "# a")
        assert app.store.draft("neuron-output") is None  # not on every key
        await pilot.pause(1.3)
        # A second store on the same file sees it: it is on disk, so a kill -9 would not lose it.
        assert Store.open(nntutor_home).draft("neuron-output").startswith("# a")


async def test_progress_survives_restart(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n", "ctrl+n")  # the choice exercise
        await pilot.pause()
        assert isinstance(app.focused, RadioSet)
        await pilot.press("down", "enter")  # b) The bias
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Right, the bias is added" in feedback_text(app, "what-bias-does")
        await pilot.press("escape", "escape")  # leave the choice list, then the lesson
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        assert home_row(app, "a-neuron")[3].strip().startswith("1/3")
        assert app.store.status("what-bias-does") is Status.PASSED
        await pilot.press("enter")
        await pilot.pause()
        assert panel(app, "what-bias-does").border_subtitle == "✓ passed"
        radio = panel(app, "what-bias-does").query_one(RadioSet)
        assert radio.pressed_index == 1  # the choice itself was kept too


async def test_continue_opens_the_first_unfinished_exercise(nntutor_home):
    store = Store.open(nntutor_home)
    store.record_attempt("neuron-output", True, 5.0)
    app = make_app(nntutor_home, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        next_step = str(app.screen.query_one("#next-step", Static).render())
        assert "what-bias-does" in next_step
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.current.exercise.id == "what-bias-does"
        assert isinstance(app.focused, RadioSet)


async def test_corrupt_store_is_set_aside_with_a_notice(nntutor_home):
    (nntutor_home / STORE_FILENAME).write_bytes(b"this is not a database" * 100)
    app = NNTutorApp(lessons_dir=APP_LESSONS, grader=StandInGrader())  # the store from NNTUTOR_HOME
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        notices = [notification.message for notification in app._notifications]
        assert any("moved to" in message for message in notices), notices
        assert app.store.saving
        assert isinstance(app.screen, HomeScreen)
    moved = [
        path for path in nntutor_home.iterdir() if path.name != STORE_FILENAME and "progress" in path.name
    ]
    assert moved, list(nntutor_home.iterdir())


async def test_broken_lessons_are_listed_with_their_error(nntutor_home, tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(APP_LESSONS, lessons)
    (lessons / "03-broken.md").write_text("---\nid: broken\ntitle: Broken\norder: 3\n---\n\nno minutes\n")
    app = make_app(nntutor_home, lessons=lessons)
    async with app.run_test(size=(100, 40)):
        broken = str(app.screen.query_one("#broken", Static).render())
        assert "1 lesson file could not be loaded" in broken
        assert "03-broken.md" in broken and "minutes" in broken
        assert app.screen.query_one("#lessons", DataTable).row_count == 2


async def test_missing_lessons_folder_is_reported(nntutor_home, tmp_path):
    app = make_app(nntutor_home, lessons=tmp_path / "nowhere")
    async with app.run_test(size=(100, 40)):
        assert "nowhere" in str(app.screen.query_one("#broken", Static).render())
        assert "No lessons found" in str(app.screen.query_one("#next-step", Static).render())


async def test_numeric_answer_with_expected_mistake_feedback(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await type_text(pilot, "3.5")
        await pilot.press("enter")  # Enter checks a numeric answer
        await pilot.pause()
        assert "Did you forget the bias?" in feedback_text(app, "neuron-by-hand")
        assert app.store.status("neuron-by-hand") is Status.ATTEMPTED
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "abc")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(app.store.attempts("neuron-by-hand")) == 1  # not a number: advice, not an attempt
        app.focused.value = ""
        await type_text(pilot, "4.5")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.store.status("neuron-by-hand") is Status.PASSED


async def test_match_and_multiple_choice(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_lesson("shapes", "match-shapes")
        await pilot.pause()
        match = panel(app, "match-shapes")
        assert app.screen.current is match
        selects = list(match.query(Select))
        assert len(selects) == 3
        await pilot.press("ctrl+r")  # nothing matched yet
        await pilot.pause()
        assert "Match every item first" in feedback_text(app, "match-shapes")
        for select, value in zip(selects, ["a", "c", "b"]):
            select.value = value
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "One row per input" in feedback_text(app, "match-shapes")
        selects[1].value, selects[2].value = "b", "c"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.store.status("match-shapes") is Status.PASSED

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space")  # a) ticked
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "1 more option is right too" in feedback_text(app, "which-are-arrays")
        await pilot.press("down", "space")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.store.status("which-are-arrays") is Status.PASSED


async def test_reset_asks_and_restores_the_starter(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await pilot.press("f7")
        await type_text(pilot, "oops")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        editor = panel(app, "neuron-output").query_one(TextArea)
        assert editor.text == app.curriculum.exercise("neuron-output")[1].starter
        assert app.store.draft("neuron-output") is None


async def test_palette_reset_of_an_exercise_not_on_screen(nntutor_home):
    store = Store.open(nntutor_home)
    store.save_draft("neuron-output", "output = 1")
    app = make_app(nntutor_home, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        app.reset_exercise("neuron-output")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.draft("neuron-output") is None


async def test_palette_lists_lessons_and_exercises(nntutor_home):
    from tutor.lesson_commands import LessonCommands

    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)):
        provider = LessonCommands(app.screen)
        hits = [hit.text async for hit in provider.search("match-shapes")]
        assert "Exercise: match-shapes" in hits
        assert "Reset exercise: match-shapes" in hits
        discovered = [hit.text async for hit in provider.discover()]
        assert discovered[:3] == ["Playground", "Lesson 1: A single neuron", "Lesson 2: Layers and shapes"]


async def test_jump_list_goes_to_a_section(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        targets = [label for _, label, _ in app.screen.jump_targets()]
        assert targets[0] == "Inputs and weights"
        assert targets[2] == "The bias"
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # Exercise 2
        await pilot.pause()
        assert app.screen.current.exercise.id == "what-bias-does"


async def test_help_lists_every_lesson_key(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(f"{key} {what}" for _, rows in help_sections(app.BINDINGS) for key, what in rows)
        for key in (
            "ctrl+r",
            "ctrl+t",
            "ctrl+o",
            "ctrl+l",
            "ctrl+n",
            "ctrl+up",
            "ctrl+g",
            "esc",
            "ctrl+p",
            "?",
        ):
            assert key in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_help_shows_the_running_apps_own_keys(nntutor_home):
    import io

    from rich.console import Console
    from textual.binding import Binding

    class AppWithMoreKeys(NNTutorApp):
        BINDINGS = [*NNTutorApp.BINDINGS, Binding("f9", "bell", "Ring the bell")]

    app = AppWithMoreKeys(lessons_dir=APP_LESSONS, store_dir=nntutor_home, grader=StandInGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help Static", Static).content)
        shown = console.export_text()
        assert "Ring the bell" in shown
        assert "this list of keys" in shown


async def test_opening_another_exercise_of_the_open_lesson_goes_there(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_lesson("shapes")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        app.open_lesson("shapes", "which-are-arrays")  # the palette's "Exercise:" on the open lesson
        await wait_until_loaded(pilot)
        await pilot.pause()
        assert app.screen is screen  # the same screen, not a new one
        assert screen.current is panel(app, "which-are-arrays")
        assert screen.current.has_focus_within


async def test_q_quits_from_home_without_asking(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


@pytest.mark.parametrize(
    "text, headings",
    [
        ("# T\n\nintro\n\n## A\n\ntext\n\n## B\n", [None, "A", "B"]),
        ("## A\n```python\n## not a heading\n```\n## B\n", ["A", "B"]),
        ("no headings", [None]),
    ],
)
def test_split_sections(text, headings):
    assert [heading for heading, _ in split_sections(text)] == headings


async def test_leaving_a_lesson_saves_the_draft_at_once(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_first_lesson_at_editor(pilot)
        await type_text(pilot, "# note")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.draft("neuron-output").startswith("# note")


async def test_read_only_store_says_progress_is_not_saved(nntutor_home):
    store = Store.in_memory()
    store.saving, store.notice = (
        False,
        "The progress folder is read-only: your progress is shown but not saved.",
    )
    app = make_app(nntutor_home, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "NOT being saved" in app.screen.sub_title
        assert any("read-only" in notification.message for notification in app._notifications)


async def test_the_subtitle_follows_whether_progress_is_saved(nntutor_home):
    from tutor.messages import StoreNotice

    store = Store.in_memory()
    app = make_app(nntutor_home, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "NOT" not in app.screen.sub_title
        store.saving = False  # a write failed: the store tells the app
        app.post_message(StoreNotice("Your progress could not be saved.", False))
        await pilot.pause()
        assert "NOT being saved" in app.screen.sub_title
        store.saving = True  # a later write worked
        app.post_message(StoreNotice("Your progress is being saved again.", True))
        await pilot.pause()
        assert "NOT" not in app.screen.sub_title
        app.open_lesson(app.curriculum.lessons[0].id)  # and when coming back to the list
        await pilot.pause()
        store.saving = False
        await pilot.press("escape")
        await pilot.pause()
        assert "NOT being saved" in app.screen.sub_title


class RecordingPlayground:
    """Stands in for the playground screen: records how it was opened."""

    opened: list = []

    def __new__(cls, config=None, autostart=False):
        from textual.screen import Screen

        cls.opened.append((config, autostart))
        return Screen()


async def test_playground_opens_from_home_and_from_a_train_block(nntutor_home, tmp_path, monkeypatch):
    import tutor.screens.playground as playground

    RecordingPlayground.opened = []
    monkeypatch.setattr(playground, "PlaygroundScreen", RecordingPlayground)
    lessons = tmp_path / "lessons"
    shutil.copytree(APP_LESSONS, lessons)
    lesson = lessons / "02-shapes.md"
    lesson.write_text(
        lesson.read_text() + "\n```train\noptimizer: sgd\nepochs: 50\ntitle: SGD for a moment\n```\n"
    )
    app = make_app(nntutor_home, lessons=lessons)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert RecordingPlayground.opened == [(None, False)]
        app.pop_screen()
        await pilot.pause()
        app.open_lesson("shapes")
        await pilot.pause()
        await wait_until_loaded(pilot)
        button = app.screen.query_one(".train-button")
        assert "SGD for a moment" in str(button.label)
        button.press()
        await pilot.pause()
        config, autostart = RecordingPlayground.opened[-1]
        assert (config.optimizer, config.epochs, autostart) == ("sgd", 50, True)


def test_start_up_imports_only_what_the_lesson_list_needs(nntutor_home):
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from tutor.app import NNTutorApp\n"
        "async def main():\n"
        "    app = NNTutorApp()\n"
        "    async with app.run_test() as pilot:\n"
        "        await pilot.pause()\n"
        "        assert type(app.screen).__name__ == 'HomeScreen'\n"
        "        heavy = ['numpy', 'tutor.plotting', 'plotext', 'tutor.screens.lesson',\n"
        "                 'tutor.widgets.exercise', 'tutor.screens.playground']\n"
        "        # engine.names and tutor.grader.limits are NumPy-free tables; any other engine or\n"
        "        # grader module is heavy\n"
        "        print(sorted(name for name in sys.modules\n"
        "                     if name in heavy or name.startswith('engine.') and name != 'engine.names'\n"
        "                     or name.startswith('tutor.grader.') and name != 'tutor.grader.limits'))\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


async def test_chosen_theme_is_kept_for_next_time(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "textual-light"
        await pilot.pause()
    app = make_app(nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert not app.current_theme.dark


async def test_a_quiz_choice_left_unchecked_is_kept(nntutor_home):
    app = make_app(nntutor_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        await pilot.press("down", "enter")  # b), not checked
        await pilot.press("escape", "escape")  # leave at once, before the one-second save
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        await wait_until_loaded(pilot)
        assert panel(app, "what-bias-does").query_one(RadioSet).pressed_index == 1
        assert app.store.status("what-bias-does") is Status.NOT_STARTED
