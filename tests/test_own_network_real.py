"""Lesson 10 in the app with the real grader: the learner's own four classes (their drafts) and
training loop train for 10001 epochs, the curves grow while it runs, and the log equals the
notebook's 101 lines. One real check (10-20 s)."""

from __future__ import annotations

import time

import pytest
from app_support import wait_until_loaded
from own_network_support import LOOP, lesson_10, right_loop, seed_progress

from tutor.app import NNTutorApp
from tutor.store import Status
from tutor.widgets.own_network import OwnNetworkScreen
from tutor.widgets.plots import CurvePlot

pytestmark = pytest.mark.trains


async def test_your_own_classes_and_loop_train_live_to_the_notebooks_101_lines(nntutor_home):
    app = NNTutorApp(store_dir=nntutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        seed_progress(app.store, right_loop())
        lesson, _ = lesson_10()
        app.open_lesson(lesson.id, LOOP)
        await wait_until_loaded(pilot)
        await pilot.pause(0.3)
        await pilot.press("ctrl+r")
        deadline = time.monotonic() + 20
        while not isinstance(app.screen, OwnNetworkScreen):
            assert time.monotonic() < deadline, "the live view did not open"
            await pilot.pause(0.05)
        view = app.screen
        loss = view.query_one("#own-loss", CurvePlot)
        seen_partial = set()
        deadline = time.monotonic() + 120
        while view.live.running:
            assert time.monotonic() < deadline, "the check did not end"
            if 0 < len(loss.history) < 101:
                seen_partial.add(len(loss.history))
            await pilot.pause(0.05)
        while view.live.grid is None and not view.live.regions_error:
            assert time.monotonic() < deadline, "the regions were not drawn"
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        assert len(seen_partial) >= 2, "the curves did not grow while the network trained"
        assert view.live.result is not None and view.live.result.passed, view.live.result
        verdict = str(view.query_one("#own-verdict").render())
        assert verdict == "✓ your 101 lines equal the notebook's."
        assert len(loss.history) == 101 and len(loss.reference) == 101
        assert view.live.grid is not None  # the learner's own trained network's regions
        assert app.store.status(LOOP) is Status.PASSED
