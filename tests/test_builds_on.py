"""``builds_on`` in a code exercise: parsed into the model, checked across lessons (the ids exist, are
code exercises and come earlier), and used by ``validate`` to grade the solution after those it names."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tutor.curriculum import load_curriculum, parse_lesson_files
from tutor.validation import validate


def lesson(order: int, lesson_id: str, *exercises: str) -> str:
    front = textwrap.dedent(f"""\
        ---
        id: {lesson_id}
        title: Lesson {order}
        order: {order}
        minutes: 5
        objectives:
          - Something
        ---

        # Lesson {order}

        """)
    return front + "\n".join(f"```exercise\n{textwrap.dedent(block).strip()}\n```\n" for block in exercises)


def code(
    exercise_id: str, solution: str, starter: str = "relu = None\n", check: str = "relu", extra: str = ""
) -> str:
    def block(text: str) -> str:
        return textwrap.indent(text, "  ")

    return (
        f"id: {exercise_id}\nkind: code\nprompt: Write it.\nhints:\n  - Do it.\n"
        f"starter: |\n{block(starter)}solution: |\n{block(solution)}check: {check}\n{extra}"
    )


RELU_DEF = (
    "import numpy as np\n\n\ndef relu(inputs):\n    return np.maximum(0, np.asarray(inputs, dtype=float))\n"
)
USES_RELU = "import numpy as np\n\nrelu = relu\n"  # only works after the exercise it builds on
CHOICE = "id: a-choice\nkind: choice\nprompt: Pick.\noptions:\n  a: A\n  b: B\nanswer: a\nfeedback:\n  a: Yes.\n  b: No.\nhints:\n  - Think.\nsolution: A.\n"


def write(folder: Path, *files: tuple[str, str]) -> Path:
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    return [problem.message for result in parse_lesson_files(folder) for problem in result.problems]


def test_builds_on_is_read_in_order_and_joins_the_sources(tmp_path):
    write(
        tmp_path,
        ("01.md", lesson(1, "one", code("first", RELU_DEF))),
        ("02.md", lesson(2, "two", code("second", USES_RELU, extra="builds_on: [first]\n"))),
    )
    curriculum = load_curriculum(tmp_path)
    _, second = curriculum.exercise("second")
    assert second.builds_on == ("first",)
    assert curriculum.exercise("first")[1].builds_on == ()
    joined = second.source_with("print(1)\n", {"first": "a = 1\n"}.get)
    assert joined == "a = 1\n\nprint(1)\n"


def test_builds_on_must_name_earlier_code_exercises(tmp_path):
    write(
        tmp_path,
        ("01.md", lesson(1, "one", code("early", RELU_DEF, extra="builds_on: [late]\n"), CHOICE)),
        (
            "02.md",
            lesson(
                2,
                "two",
                code("late", RELU_DEF, extra="builds_on:\n  - a-choice\n  - missing-one\n"),
                code("self", RELU_DEF, extra="builds_on: [self]\n"),
            ),
        ),
    )
    found = problems(tmp_path)
    assert any("'late'" in message and "comes after this exercise" in message for message in found), found
    assert any("'a-choice', a choice exercise, not a code exercise" in message for message in found), found
    assert any("'missing-one', which is no exercise" in message for message in found), found
    assert any("names the exercise itself" in message for message in found), found


def test_validate_grades_a_solution_after_those_it_builds_on(tmp_path):
    write(
        tmp_path,
        ("01.md", lesson(1, "one", code("first", RELU_DEF))),
        ("02.md", lesson(2, "two", code("second", USES_RELU, extra="builds_on: [first]\n"))),
    )
    report = validate(tmp_path)
    assert report.ok, [problem.format() for problem in report.problems]
    assert report.checks_run == 4
