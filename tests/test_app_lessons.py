"""Every shipped lesson opens in the app: each block becomes its widget, each exercise its panel."""

from __future__ import annotations

from app_support import StandInGrader, wait_until_loaded

from tutor.app import NNTutorApp
from tutor.curriculum import Exercise, PlotBlock, TrainBlock, load_curriculum
from tutor.screens.lesson import LessonScreen
from tutor.store import Store
from tutor.widgets.exercise import ExercisePanel


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
