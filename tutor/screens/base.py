"""What the screens need of the app that shows them, and the base class that gives it to them typed.

Screens never import the app module (layers point down): ``TutorApp`` is the part of the app they
use, as a Protocol, and ``TutorScreen.tutor`` is the running app seen through it. ``tutor.app``
checks that ``NNTutorApp`` fits the Protocol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from tutor.curriculum import Curriculum
    from tutor.grader import Grader
    from tutor.store import Store
    from tutor.training_config import TrainConfig

ScreenResultType = TypeVar("ScreenResultType")


class TutorApp(Protocol):
    """The app as the screens know it: the loaded lessons, the progress store, the grader and the
    navigation between screens."""

    @property
    def curriculum(self) -> Curriculum: ...

    @property
    def store(self) -> Store: ...

    last_lesson_id: str | None
    """The lesson opened last (None before the first)."""
    lessons_opened: int
    """How many times a lesson was opened."""

    def get_grader(self) -> Grader: ...

    def open_lesson(self, lesson_id: str, exercise_id: str | None = None) -> None: ...

    def open_playground(self, config: TrainConfig | None = None, *, autostart: bool = False) -> None: ...

    def action_help(self) -> None: ...


class TutorScreen(Screen[ScreenResultType]):
    """A screen of the tutor: ``self.tutor`` is the running app, typed as ``TutorApp``."""

    @property
    def tutor(self) -> TutorApp:
        return cast("TutorApp", self.app)
