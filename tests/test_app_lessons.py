"""Every shipped lesson opens in the app: each block becomes its widget, each exercise its panel."""

from __future__ import annotations

from app_support import StandInGrader, wait_until_loaded

from tutor.app import NNTutorApp
from tutor.curriculum import Exercise, PlotBlock, TrainBlock, load_curriculum
from tutor.screens.lesson import LessonScreen
from tutor.store import Store
from tutor.widgets.exercise import ExercisePanel
from tutor.widgets.lesson_blocks import TrainButton


async def test_every_shipped_lesson_opens_with_all_its_parts():
    curriculum = load_curriculum()
    assert curriculum.lessons and not curriculum.broken
    app = NNTutorApp(store=Store.in_memory(), grader=StandInGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson in curriculum.lessons:
            app.open_lesson(lesson.id)
            await pilot.pause()
            await wait_until_loaded(pilot)
            screen = app.screen
            assert isinstance(screen, LessonScreen) and screen.loaded, lesson.id
            panels = [panel.exercise.id for panel in screen.query(ExercisePanel)]
            assert panels == [exercise.id for exercise in lesson.exercises], lesson.id
            plots = [block for block in lesson.blocks if isinstance(block, PlotBlock)]
            assert len(screen.query("LessonPlot")) == len(plots), lesson.id
            trains = [block for block in lesson.blocks if isinstance(block, TrainBlock)]
            assert len(screen.query(".train-button")) == len(trains), lesson.id
            assert not screen.query(".plot-placeholder"), lesson.id
            assert all(isinstance(block, Exercise) or block.line > 0 for block in lesson.blocks)
            await pilot.press("escape")
            await pilot.pause()


async def test_tab_from_the_text_reaches_the_train_buttons_in_turn():
    app = NNTutorApp(store=Store.in_memory(), grader=StandInGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("adam-and-the-spiral")
        await pilot.pause()
        await wait_until_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        trains = list(screen.query(TrainButton))
        assert len(trains) == 2
        children = list(screen.body.children)
        above = children[children.index(trains[0]) - 1]  # the text just above the first Train button
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("escape")  # what the jump list does for a section: the page has the keyboard
        screen.set_current(None)
        screen.body.focus(scroll_visible=False)
        screen.body.scroll_to_widget(above, top=True, animate=False, immediate=True)
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused is trains[0]
        await pilot.press("tab")
        assert app.focused is trains[1]
        await pilot.press("shift+tab")
        assert app.focused is trains[0]
        await pilot.press("tab", "tab")  # after the last one, the recap's key to lesson 10
        await pilot.pause()
        assert app.focused is screen.query_one("#next-lesson")
