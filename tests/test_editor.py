"""The code editor's Python indentation, cursor keys and wrapping, driven with Pilot."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tutor.widgets.code_exercise import PythonEditor


class EditorApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield PythonEditor.code_editor(self.text, language="python", soft_wrap=True)


async def test_enter_keeps_the_indentation_and_adds_a_level_after_a_colon():
    app = EditorApp("def relu(inputs):")
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(PythonEditor)
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press("enter")
        await pilot.press(*"out = []")
        await pilot.press("enter")
        await pilot.press(*"for x in inputs:")
        await pilot.press("enter")
        await pilot.press(*"pass")
        assert editor.text == "def relu(inputs):\n    out = []\n    for x in inputs:\n        pass"


async def test_backspace_in_the_indentation_removes_one_level():
    app = EditorApp("if True:\n        x")
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(PythonEditor)
        editor.focus()
        editor.move_cursor((1, 8))
        await pilot.press("backspace")
        assert editor.text == "if True:\n    x"
        assert editor.cursor_location == (1, 4)
        editor.move_cursor((1, 5))  # after the x: an ordinary backspace
        await pilot.press("backspace")
        assert editor.text == "if True:\n    "


async def test_ctrl_home_and_ctrl_end_move_the_cursor():
    text = "\n".join(f"line_{n} = {n}" for n in range(60))
    app = EditorApp(text)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(PythonEditor)
        editor.focus()
        await pilot.press("ctrl+end")
        assert editor.cursor_location == editor.document.end
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)


async def test_long_lines_wrap_and_the_wrap_toggles():
    app = EditorApp("    total = " + " + ".join(f"value_{n}" for n in range(20)))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(PythonEditor)
        editor.focus()
        await pilot.press("end")
        assert editor.soft_wrap and editor.scroll_x == 0  # the indentation stays in view
        assert "wrap on" in editor.border_subtitle
        await pilot.press("alt+z")
        assert not editor.soft_wrap and "wrap off" in editor.border_subtitle
