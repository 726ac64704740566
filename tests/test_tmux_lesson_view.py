"""What a lesson shows at 80x24, driven in tmux as a learner would: quizzes graded on the option
selected when the check key comes, option labels and code lines never cut off."""

from __future__ import annotations

import time

import pytest
from tmux_support import HAVE_TMUX, Tmux

from tutor.curriculum import load_curriculum

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")


@pytest.fixture
def tmux(nntutor_home):
    session = Tmux(nntutor_home)  # 80x24
    yield session
    session.kill_server()


def open_lesson(tmux: Tmux, order: int) -> None:
    lesson = load_curriculum().lessons[order - 1]
    tmux.start()
    tmux.wait_for("1. A single neuron")
    for _ in range(order - 1):
        tmux.keys("Down")
    tmux.keys("Enter")
    tmux.wait_for(f"Lesson {order}: {lesson.title}")


def go_to_exercise(tmux: Tmux, order: int, exercise_id: str) -> None:
    lesson = load_curriculum().lessons[order - 1]
    number = [exercise.id for exercise in lesson.exercises].index(exercise_id) + 1
    for step in range(1, number + 1):  # one at a time: each exercise takes the keyboard in turn
        tmux.keys("C-n")
        tmux.wait_for(f"Exercise {step} of {len(lesson.exercises)}")
        time.sleep(0.5)


def test_a_choice_is_graded_on_the_option_selected_when_the_check_key_comes(tmux):
    open_lesson(tmux, 1)
    go_to_exercise(tmux, 1, "neuron-parts-count")
    tmux.wait_for("c) 4 weights and 1 bias")
    time.sleep(1)  # the exercise takes the keyboard once the lesson is mounted
    # All in one burst: the cursor to c), select it, check.
    tmux.keys("Down", "Down", "Space", "C-r")
    screen = tmux.wait_for("Correct")
    assert "Not quite" not in screen
    # Another answer drops the verdict about the old one.
    tmux.keys("Up", "Space")
    screen = tmux.wait_until(lambda screen: "Correct" not in screen)
    assert "Not quite" not in screen
    tmux.keys("C-r")
    screen = tmux.wait_for("Not quite")
    assert "4 weights and 4 biases" in screen
    tmux.keys("C-q")
    tmux.wait_for_exit()


def test_long_option_labels_wrap_instead_of_ending_in_an_ellipsis(tmux):
    open_lesson(tmux, 4)
    go_to_exercise(tmux, 4, "softmax-which-max")
    screen = tmux.wait_for("np.max(layer_outputs, axis=1, keepdims=True)")
    lines = [line.strip(" │▊▎▐●▌") for line in screen.splitlines()]
    joined = " ".join(lines)
    assert "each row's largest score" in joined
    assert "each column's largest" in joined
    assert "…" not in screen
    tmux.keys("C-q")
    tmux.wait_for_exit()


def test_code_lines_are_shown_to_their_end(tmux):
    open_lesson(tmux, 4)
    line = "print(exp_scores / exp_scores.sum())  # [0.09003057 0.24472847 0.66524096]"
    screen = tmux.screen()
    for _ in range(60):  # page down the lesson until the code line is on screen
        if "0.66524096]" in screen:
            break
        tmux.keys("PageDown")
        time.sleep(0.2)
        screen = tmux.screen()
    screen = tmux.wait_for("0.66524096]")
    assert line in screen
    tmux.keys("C-q")
    tmux.wait_for_exit()
