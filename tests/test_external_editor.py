"""The ``e`` key: the current code exercise in the learner's own editor, then graded.

Pilot runs the app on a headless driver, which cannot suspend (``App.suspend`` raises
``SuspendNotSupported`` there); the app then runs the editor without suspending, so these tests really
run an ``$EDITOR`` script: it records the file it was given and writes a known answer into it.
"""

from __future__ import annotations

import os
import stat
import sys

import pytest
from app_support import APP_LESSONS, StandInGrader
from textual.widgets import TextArea

from tutor.app import NNTutorApp
from tutor.external_editor import EditorError, edit_text, editor_command
from tutor.store import Status

ANSWER = (
    "inputs = [1.0, 2.0, 3.0, 2.5]\n"
    "weights = [0.2, 0.8, -0.5, 1.0]\n"
    "bias = 2.0\n"
    "output = sum(i*w for i,w in zip(inputs,weights))+bias\n"
)

EDITOR_SCRIPT = """#!{python}
import pathlib, sys
path = pathlib.Path(sys.argv[-1])
pathlib.Path({seen!r}).write_text(path.name + "\\n" + path.read_text())
path.write_text({answer!r})
sys.exit({status})
"""


def write_editor(folder, *, answer: str = ANSWER, status: int = 0):
    """An editor script; returns (its path, the file where it notes what it was given)."""
    seen = folder / "seen.txt"
    script = folder / "fake-editor"
    script.write_text(
        EDITOR_SCRIPT.format(python=sys.executable, seen=str(seen), answer=answer, status=status)
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, seen


async def open_code_exercise(pilot):
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("ctrl+n")  # the first exercise: a code one
    await pilot.pause()
    assert isinstance(pilot.app.focused, TextArea)
    await pilot.press("escape")  # out of the editor, so that `e` is a key and not a letter
    await pilot.pause()


async def test_e_opens_the_draft_in_editor_then_updates_and_grades_it(tmp_path, nntutor_home, monkeypatch):
    script, seen = write_editor(tmp_path)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    grader = StandInGrader()
    app = NNTutorApp(lessons_dir=APP_LESSONS, store_dir=nntutor_home, grader=grader)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_code_exercise(pilot)
        starter = app.screen.query_one(TextArea).text
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The editor was given a file named after the exercise, holding the draft (the starter here).
        name, _, given = seen.read_text().partition("\n")
        assert name == "neuron-output.py" and given == starter
        assert app.screen.query_one(TextArea).text == ANSWER
        assert grader.calls and grader.calls[-1][1] == ANSWER
        assert app.store.status("neuron-output") is Status.PASSED
        assert app.store.draft("neuron-output") == ANSWER


async def test_a_failing_editor_changes_nothing_and_says_so(tmp_path, nntutor_home, monkeypatch):
    script, seen = write_editor(tmp_path, answer="broken", status=3)
    monkeypatch.setenv("VISUAL", str(script))
    grader = StandInGrader()
    app = NNTutorApp(lessons_dir=APP_LESSONS, store_dir=nntutor_home, grader=grader)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_code_exercise(pilot)
        starter = app.screen.query_one(TextArea).text
        await pilot.press("e")
        await pilot.pause()
        assert seen.exists()  # it ran
        assert app.screen.query_one(TextArea).text == starter
        assert not grader.calls
        assert any("exited with status 3" in str(n.message) for n in app._notifications)


async def test_no_editor_at_all_is_a_clear_message(tmp_path, nntutor_home, monkeypatch):
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere")
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no fallback editor either
    app = NNTutorApp(lessons_dir=APP_LESSONS, store_dir=nntutor_home, grader=StandInGrader())
    async with app.run_test(size=(100, 40)) as pilot:
        await open_code_exercise(pilot)
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("No editor found" in m and "export EDITOR=" in m for m in messages), messages


def test_editor_command_order_visual_editor_fallback(tmp_path):
    script, _ = write_editor(tmp_path)
    path = os.environ["PATH"]
    assert editor_command({"VISUAL": f"{script} --wait", "EDITOR": "vi", "PATH": path}) == [
        str(script),
        "--wait",
    ]
    assert editor_command({"VISUAL": "nope-xyz", "EDITOR": str(script), "PATH": path}) == [str(script)]
    (tmp_path / "nano").write_text("#!/bin/sh\n")
    (tmp_path / "nano").chmod(0o755)
    assert editor_command({"PATH": str(tmp_path)}) == ["nano"]
    with pytest.raises(EditorError, match="No editor found"):
        editor_command({"EDITOR": "'unclosed", "PATH": str(tmp_path / "none")})


def test_edit_text_returns_what_the_editor_saved(tmp_path):
    script, seen = write_editor(tmp_path, answer="x = 1\n")
    assert edit_text("start\n", "relu.py", command=[str(script)]) == "x = 1\n"
    assert seen.read_text() == "relu.py\nstart\n"
