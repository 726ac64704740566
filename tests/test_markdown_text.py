"""Lesson markdown drawn by ``LessonText``: nothing cut off, formulas kept whole, inline markdown."""

from __future__ import annotations

from rich.console import Console

from tutor.curriculum import load_curriculum
from tutor.widgets.markdown_text import Palette, inline_content, render_markdown

LONG_LINE = "output = inputs[0] * weights[0] + inputs[1] * weights[1] + inputs[2] * weights[2] + bias  # 2.3"


def draw(markdown: str, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(render_markdown(markdown, Palette()))
    return capture.get().splitlines()


def test_a_long_code_line_folds_after_a_marker_and_keeps_every_character():
    lines = draw(f"```python\n{LONG_LINE}\n```\n", 60)
    assert all(len(line) <= 60 for line in lines)
    code = [line.strip() for line in lines if line.strip()]
    assert len(code) > 1 and all(line.startswith("↪") for line in code[1:])
    joined = " ".join(line.removeprefix("↪").strip() for line in code)
    assert joined.split() == LONG_LINE.split()


def test_the_summary_table_keeps_each_formula_on_one_line_at_80_columns():
    lesson = next(lesson for lesson in load_curriculum().lessons if lesson.order == 3)
    text = "".join(block.text for block in lesson.blocks if hasattr(block, "text"))
    summary = text[text.index("## Summary") :]
    lines = draw(summary, 77)  # 80 columns less the lesson's padding and scroll bar
    for formula in ("1 if x > 0 else 0", "1 / (1 + e^-x)", "max(0, x)"):
        assert any(formula in line for line in lines), formula
    assert all(len(line) <= 77 for line in lines)
    assert "negatives" in " ".join(lines)  # the prose column wraps instead, losing nothing


def test_inline_markdown_is_styled_not_shown_as_markup():
    content = inline_content("Double the weight `w`, *not* the **bias**")
    assert content.plain == "Double the weight w, not the bias"
    styles = {content.plain[span.start : span.end]: str(span.style) for span in content.spans}
    assert "$text-accent" in styles["w"] and "italic" in styles["not"] and "bold" in styles["bias"]
