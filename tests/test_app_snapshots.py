"""Snapshots of the app's main screens at 80x24 and 120x40 (cursor blink off, fixture lessons).

Regenerate after an intended change with ``pytest tests/test_app_snapshots.py --snapshot-update``
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest
from app_support import APP_LESSONS, StandInGrader
from textual.widgets import Input, TextArea

from tutor.app import NNTutorApp

SIZES = [(80, 24), (120, 40)]


class SnapshotApp(NNTutorApp):
    """The app on the fixture lessons with the stand-in grader and a store in NNTUTOR_HOME."""

    def __init__(self) -> None:
        super().__init__(lessons_dir=APP_LESSONS, grader=StandInGrader())


def no_blink(app) -> None:
    for widget in app.screen.query("TextArea, Input"):
        assert isinstance(widget, (TextArea, Input))
        widget.cursor_blink = False


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    no_blink(pilot.app)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_home(snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(SnapshotApp(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_lesson_with_code_exercise(snap_compare, size):
    async def run_before(pilot):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(SnapshotApp(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_failed_check(snap_compare, size):
    async def run_before(pilot):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(SnapshotApp(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_help(snap_compare, size):
    async def run_before(pilot):
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(SnapshotApp(), terminal_size=size, run_before=run_before)
