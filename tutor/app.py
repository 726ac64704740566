"""The nntutor Textual app: loads the lessons, opens the progress store, shows the lesson list.

Start-up imports only what the lesson list needs; the lesson screen, the grader, NumPy and the
plotting code are imported when first used.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from tutor.lesson_commands import LessonCommands
from tutor.messages import StoreNotice

if TYPE_CHECKING:
    from textual.theme import Theme

    from tutor.curriculum import Curriculum
    from tutor.grader import Grader
    from tutor.screens.base import TutorApp
    from tutor.store import Store
    from tutor.training_config import TrainConfig

SETTINGS_FILENAME = "settings.json"  # beside the progress store: the learner's theme


class NNTutorApp(App[None]):
    """The tutor. Arguments exist for tests; the defaults are what a learner gets.

    lessons_dir: folder of lesson files (default: the bundled lessons).
    store: an open ``tutor.store.Store``; else ``Store.open(store_dir)`` (None: the user data dir).
    grader: anything with ``grade(check_id, source, timeout=...)``; else ``default_grader()``.
    class_dir: a class folder (``nntutor serve``): the first screen asks the learner's name, and
    progress, drafts and theme live in ``class_dir/learners/<name>/`` (``tutor.classroom``).
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "nntutor"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
    ]

    def __init__(
        self,
        *,
        lessons_dir: Path | str | None = None,
        store: Store | None = None,
        store_dir: Path | str | None = None,
        grader: Grader | None = None,
        class_dir: Path | str | None = None,
    ) -> None:
        super().__init__()
        self.lessons_dir = Path(lessons_dir) if lessons_dir is not None else None
        self.store_dir = Path(store_dir) if store_dir is not None else None
        self.class_dir = Path(class_dir) if class_dir is not None else None
        self.learner: str | None = None  # the signed-in learner's name (class sessions only)
        self._learner_lock: IO[bytes] | None = None
        self._store = store
        self._grader = grader
        self._curriculum: Curriculum | None = None
        # The lesson opened last, however it was opened (the list, c, ctrl+n or the button at a lesson's
        # end, the palette), and how many were opened: the lesson list follows the learner with them.
        self.last_lesson_id: str | None = None
        self.lessons_opened = 0

    @property
    def curriculum(self) -> Curriculum:
        """The loaded lessons (loaded first thing on mount)."""
        if self._curriculum is None:
            raise RuntimeError("the lessons are loaded when the app mounts")
        return self._curriculum

    @property
    def store(self) -> Store:
        """The progress store (the one given, else opened on mount)."""
        if self._store is None:
            raise RuntimeError("the progress store is opened when the app mounts")
        return self._store

    # --- start-up -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._curriculum = self._load_curriculum()
        # The first screen is pushed once the app's own mount is over. Textual draws nothing until
        # then, so a screen pushed from here would be laid out and drawn once in vain, then again:
        # pushed after, the lesson list is on screen about 40 ms sooner.
        self.call_later(self._show_first_screen)

    async def _show_first_screen(self) -> None:
        if self.class_dir is not None and self._store is None:
            from tutor.screens.learner_name import LearnerNameScreen

            await self.push_screen(LearnerNameScreen(self.sign_in), self._signed_in)
        else:
            await self._open_home()
        self.call_after_refresh(self._started)

    def sign_in(self, text: str) -> str | None:
        """A class session: take the learner called ``text`` (their folder and its session lock);
        None when done, else the one-line reason it cannot be."""
        from tutor.classroom import BadName, claim, learner_dir

        assert self.class_dir is not None
        try:
            folder = learner_dir(self.class_dir, text)
        except BadName as error:
            return str(error)
        try:
            lock = claim(folder)
        except OSError as error:
            return f"Cannot use the folder for this name ({error.strerror or error}); tell your teacher."
        if lock is None:
            return (
                f"{folder.name!r} is open in another browser tab right now. Close that tab first "
                "(or wait a minute), or use your own name."
            )
        if self._learner_lock is not None:
            self._learner_lock.close()
        self._learner_lock = lock
        self.learner = folder.name
        self.store_dir = folder
        return None

    def _signed_in(self, name: str | None) -> None:
        self.sub_title = self.learner or ""
        self.call_next(self._open_home)

    async def _open_home(self) -> None:
        if self._store is None:
            from tutor.store import Store

            self._store = Store.open(self.store_dir)
        # Told at once when a later write fails, or saving works again.
        self.store.on_notice = self._post_store_notice
        from tutor.screens.home import HomeScreen

        self._restore_theme()
        self.theme_changed_signal.subscribe(self, self._save_theme)
        await self.push_screen(HomeScreen())
        if self.store.notice:
            self.notify(self.store.notice, title="Progress store", severity="warning", timeout=20)

    def _started(self) -> None:
        """The first screen is drawn: the garbage collector, off during start-up (``tutor.cli``),
        runs again from now on. What start-up made (modules, classes, the lessons, the first screen:
        some 56,000 objects) is set aside for good, so that no later collection scans it again; a
        collection now would cost 20 ms just when the learner may press the first key, for the 4,000
        objects of start-up garbage that it would free."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _post_store_notice(self, text: str, saving: bool) -> None:
        """The store's ``on_notice``: called from whichever thread wrote, so it only posts."""
        self.post_message(StoreNotice(text, saving))

    def on_store_notice(self, message: StoreNotice) -> None:
        from tutor.screens.home import HomeScreen

        for screen in self.screen_stack:  # the lesson list's subtitle says whether progress is saved
            if isinstance(screen, HomeScreen):
                screen.show_saving()
        self.notify(
            message.text,
            title="Progress store",
            severity="warning" if message.saving else "error",
            timeout=20,
        )

    def _load_curriculum(self) -> Curriculum:
        from tutor.curriculum import BrokenLesson, Curriculum, load_curriculum_cached

        try:
            if self.lessons_dir is None:
                from tutor.paths import LESSONS_DIR

                return load_curriculum_cached(LESSONS_DIR)
            return load_curriculum_cached(self.lessons_dir)
        except Exception as error:  # a missing or unreadable folder: say so on the lesson list
            path = self.lessons_dir or Path("lessons")
            broken = BrokenLesson(path, 0, f"{error.__class__.__name__}: {error}")  # line 0: no line
            return Curriculum(path, [], [broken])

    # --- the learner's theme, kept between sessions ----------------------------------------------

    def _settings_path(self) -> Path:
        if self.store_dir is not None:
            return self.store_dir / SETTINGS_FILENAME
        from tutor.paths import data_dir

        return data_dir() / SETTINGS_FILENAME

    def _restore_theme(self) -> None:
        try:
            theme = json.loads(self._settings_path().read_text(encoding="utf-8")).get("theme")
        except (OSError, ValueError, AttributeError):
            return  # no settings yet, or unreadable: Textual's default theme
        if theme in self.available_themes:
            self.theme = theme

    def _save_theme(self, theme: Theme) -> None:
        if not self.store.saving:
            return  # the data folder is read-only or unusable; the store's notice said so
        with contextlib.suppress(OSError):  # a theme is not worth an error message
            self._settings_path().write_text(json.dumps({"theme": theme.name}), encoding="utf-8")

    def get_grader(self) -> Grader:
        """The grader, created on first use (it starts a worker process)."""
        if self._grader is None:
            from tutor.grader import default_grader

            self._grader = default_grader()
        return self._grader

    # --- navigation (also used by the command palette) ----------------------------------------

    def _not_signed_in(self) -> bool:
        """True (and says so) while a class session still asks for the learner's name."""
        if self._store is not None:
            return False
        self.notify("Type your name first.", severity="warning")
        return True

    def open_lesson(self, lesson_id: str, exercise_id: str | None = None) -> None:
        from tutor.screens.lesson import LessonScreen

        if self._not_signed_in():
            return
        try:
            lesson = self.curriculum.lesson(lesson_id)
        except KeyError:
            self.notify(f"No lesson {lesson_id!r}.", severity="error")
            return
        top = self.screen
        self.last_lesson_id = lesson_id
        self.lessons_opened += 1
        if isinstance(top, LessonScreen) and top.lesson.id == lesson_id:
            if exercise_id:
                top.go_to(exercise_id)
            return
        screen = LessonScreen(lesson, focus_exercise=exercise_id)
        if isinstance(top, LessonScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def reset_exercise(self, exercise_id: str) -> None:
        """Replace the learner's draft with the starting state, after asking."""
        from tutor.widgets.confirm import ConfirmDialog
        from tutor.widgets.exercise import ExercisePanel

        if self._not_signed_in():
            return
        try:
            self.curriculum.exercise(exercise_id)
        except KeyError:
            self.notify(f"No exercise {exercise_id!r}.", severity="error")
            return

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            panels = [panel for panel in self.screen.query(ExercisePanel) if panel.exercise.id == exercise_id]
            if panels:
                self.run_worker(panels[0].reset(), group="reset")
            else:
                self.store.clear_draft(exercise_id)
            self.notify(f"{exercise_id}: reset to the start.")

        self.push_screen(
            ConfirmDialog(
                f"Reset exercise {exercise_id!r}?\n\nYour draft will be replaced.", confirm_label="Reset"
            ),
            answered,
        )

    def open_playground(self, config: TrainConfig | None = None, *, autostart: bool = False) -> None:
        """The playground with ``config`` (None: its defaults), training at once when ``autostart``."""
        from tutor.screens.playground import PlaygroundScreen

        if self._not_signed_in():
            return
        self.push_screen(PlaygroundScreen(config, autostart=autostart))

    def action_help(self) -> None:
        from tutor.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- shutdown -------------------------------------------------------------------------------

    def flush_drafts(self) -> None:
        """Save every pending draft now (quitting must not wait for the one-second timer)."""
        if "tutor.widgets.exercise" not in sys.modules:
            return  # no lesson was opened, so there is nothing to save
        from tutor.widgets.exercise import ExercisePanel

        for screen in self.screen_stack:
            for panel in screen.query(ExercisePanel):
                panel.flush_draft()

    async def action_quit(self) -> None:
        self.flush_drafts()
        self.exit()

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()
        if self._learner_lock is not None:
            self._learner_lock.close()


if TYPE_CHECKING:  # the screens' view of the app must stay true of the app

    def _fits_the_screens(app: NNTutorApp) -> TutorApp:
        return app


def run_app() -> int:
    """``nntutor`` with no arguments."""
    app = NNTutorApp()
    app.run()
    return app.return_code or 0
