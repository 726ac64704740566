"""``nntutor serve`` end to end in a real browser (headless Chromium through Playwright).

Two learners in two browser contexts type their names; a second tab with a name already in use is
refused; one learner answers lesson 1's numeric quiz (a wrong answer first, then the right one), the
other only a wrong one; a third tab over ``--max-learners`` gets the "class is full" page. The class
folder and ``nntutor progress --class`` must then say that exactly that learner passed it, and where
the other is stuck. Every process the test started has ended when it ends.

``NNTUTOR_SCREENSHOT=PATH`` also saves the home screen, as a learner sees it at 80x24, to PATH (the
README's picture: docs/serve-home.png).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest
from browser_support import NNTUTOR, ServeProcess, Tab, VIEWPORT_80x24, browser_or_skip, processes_mentioning

EXERCISE = "neuron-by-hand"  # lesson 1's numeric quiz: answer 0.5
WEIGHTED_SUM_FEEDBACK = "That is the weighted sum. What does the neuron add after it?"


def answer_quiz(tab: Tab, *answers: str) -> None:
    """Open the quiz from the command palette and check each answer in turn."""
    tab.press("Control+p")
    tab.type(f"Exercise: {EXERCISE}")
    mark = tab.mark()
    tab.press("Enter")
    tab.wait_for("What is its output?", mark)
    for answer in answers:
        tab.press("Control+a", "Control+k")  # the answer box: to its start, delete to its end
        tab.type(answer)
        mark = tab.mark()
        tab.press("Enter")  # Enter checks a numeric answer
        tab.wait_for("Correct" if answer == "0.5" else "Not quite", mark)


def sign_in(tab: Tab, name: str) -> None:
    tab.wait_for("Type your name")
    tab.type(name)
    mark = tab.mark()
    tab.press("Enter")
    tab.wait_for("exercises passed", mark)


def test_two_learners_in_the_browser_and_the_class_report(tmp_path):
    chromium = browser_or_skip()
    from playwright.sync_api import sync_playwright

    class_dir = tmp_path / "class"
    with ServeProcess(class_dir, max_learners=2) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            ada = Tab(browser.new_context(viewport=VIEWPORT_80x24), server.url)
            sign_in(ada, "Ada")
            assert (class_dir / "learners" / "ada" / "progress.sqlite3").is_file()

            bob = Tab(browser.new_context(viewport=VIEWPORT_80x24), server.url)
            bob.wait_for("Type your name")
            bob.type("ada")  # Ada's name, while Ada's tab is open
            mark = bob.mark()
            bob.press("Enter")
            bob.wait_for("open in another browser tab", mark)
            bob.press("Control+a", "Control+k")
            bob.type("b o b")
            mark = bob.mark()
            bob.press("Enter")
            bob.wait_for("Use letters a-z, digits, '-' and '_' only", mark)
            bob.press("Control+a", "Control+k")
            sign_in(bob, "bob")

            if os.environ.get("NNTUTOR_SCREENSHOT"):
                bob.page.wait_for_timeout(1000)  # the last frame drawn
                bob.page.screenshot(path=os.environ["NNTUTOR_SCREENSHOT"])

            full = Tab(browser.new_context(viewport=VIEWPORT_80x24), server.url)
            assert full.response is not None and full.response.status == 503
            assert "The class is full" in full.page.content()

            answer_quiz(ada, "-1.0", "0.5")
            answer_quiz(bob, "-1.0")
        finally:
            browser.close()

    # The folder says it: Ada passed, Bob tried and was told what his answer was.
    from tutor.store import Status, Store

    with Store.open_read_only(class_dir / "learners" / "ada") as store:
        assert store.status(EXERCISE) is Status.PASSED
        assert len(store.attempts(EXERCISE)) == 2
    with Store.open_read_only(class_dir / "learners" / "bob") as store:
        assert store.status(EXERCISE) is Status.ATTEMPTED
    assert sorted(path.name for path in (class_dir / "learners").iterdir()) == ["ada", "bob"]

    report = subprocess.run(
        [str(NNTUTOR), "progress", "--class", str(class_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(report.stdout)
    passed = {
        learner["name"]: [row["exercise"] for row in learner["exercises"] if row["status"] == "passed"]
        for learner in data["learners"]
    }
    assert passed == {"ada": [EXERCISE], "bob": []}
    (summary,) = [entry for entry in data["exercises"] if entry["exercise"] == EXERCISE]
    assert (summary["passed"], summary["learners"], summary["median_attempts"]) == (1, 2, 1.5)
    assert summary["stuck"] == [{"diagnosis": WEIGHTED_SUM_FEEDBACK, "learners": 1}]

    deadline = time.monotonic() + 10
    while processes_mentioning(str(class_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(str(class_dir)) == []


def test_serve_without_textual_serve_says_how_to_install_it(tmp_path):
    # A Python that cannot import textual_serve: a stand-in module that raises as a missing one does.
    shadow = tmp_path / "shadow"
    (shadow / "textual_serve").mkdir(parents=True)
    (shadow / "textual_serve" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'textual_serve'\", name='textual_serve')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(shadow))
    result = subprocess.run(
        [str(NNTUTOR), "serve", "--port", "65000", "--class-dir", str(tmp_path / "class")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "pip install 'nntutor[serve]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "http"], "--port must be a whole number"),
        (["--port", "70000"], "--port must be between 1 and 65535"),
        (["--max-learners", "0"], "--max-learners must be between 1 and 500"),
        (["--host", ""], "--host must be an address or a host name"),
        (["--class-dir", ""], "--class-dir is empty"),
    ],
)
def test_bad_serve_values_are_one_line_and_exit_2(tmp_path, arguments, message):
    result = subprocess.run(
        [str(NNTUTOR), "serve", "--class-dir", str(tmp_path / "class"), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_a_class_dir_that_is_a_file_is_refused(tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    result = subprocess.run(
        [str(NNTUTOR), "serve", "--class-dir", str(not_a_folder)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "is not a folder" in result.stderr


def test_the_shipped_page_loads_nothing_from_another_host():
    from pathlib import Path

    page = (Path(__file__).parents[1] / "tutor" / "serve" / "templates" / "app_index.html").read_text()
    # Every URL the page loads is built per request from the server's own address.
    assert re.findall(r"""(?:href=|src=|url\()["']?https?://""", page) == []
    assert "{{ config.static.url }}css/xterm.css" in page
