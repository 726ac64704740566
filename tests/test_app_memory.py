"""A lesson left is freed: nothing of it stays alive once the learner is back on the lesson list.

Textual keeps a widget's watchers on the object it watches (the app's theme and title, a footer's
``compact``) and a signal's subscribers until the next change or publish, and tree-sitter keeps each
syntax-aware document alive through its parser. The app lets go of all of them
(``tutor.screens.base.release_closed_watchers``, ``tutor.widgets.highlight_queries``).
"""

from __future__ import annotations

import asyncio
import gc
import weakref

from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.widgets import TextArea

from tests.app_support import StandInGrader
from tutor.app import NNTutorApp
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen
from tutor.store import Store


async def visit(app: NNTutorApp, pilot, lesson_id: str) -> list[weakref.ref]:
    """Open the lesson, wait until every block is mounted, go back; weak references to what it showed."""
    app.open_lesson(lesson_id)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    while not screen.loaded:
        await asyncio.sleep(0.01)
    await pilot.pause()
    shown: list[object] = [screen, *screen.query("*")]
    shown += [editor.document for editor in screen.query(TextArea)]
    assert any(isinstance(thing, SyntaxAwareDocument) for thing in shown)
    references = [weakref.ref(thing) for thing in shown]
    del shown, screen
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return references


async def test_nothing_of_a_lesson_stays_alive_after_leaving_it():
    """Lesson 9 has code editors, a plot, a header and a footer, the things Textual would keep."""
    app = NNTutorApp(store=Store.in_memory(), grader=StandInGrader())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = await visit(app, pilot, "adam-and-the-spiral")
        second = await visit(app, pilot, "a-neuron")  # the list resumes again: anything late goes too
        gc.collect()
        alive = [reference() for reference in first + second if reference() is not None]
        assert not alive, sorted({type(thing).__name__ for thing in alive})
