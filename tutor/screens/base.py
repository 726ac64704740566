"""What the screens need of the app that shows them, and the base class that gives it to them typed.

Screens never import the app module (layers point down): ``TutorApp`` is the part of the app they
use, as a Protocol, and ``TutorScreen.tutor`` is the running app seen through it. ``tutor.app``
checks that ``NNTutorApp`` fits the Protocol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

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

    def on_screen_resume(self) -> None:
        # Textual calls this as well as a subclass's own handler, each time a screen above is gone.
        release_closed_watchers(self.app)

    def on_unmount(self) -> None:
        # The screen's widgets are closed by now: what they watch forgets them at once.
        release_closed_watchers(self.app)


def release_closed_watchers(app: App[object]) -> int:
    """Forget the watchers of widgets that are gone, on the app and on every widget still shown;
    returns how many were forgotten.

    ``widget.watch(other, ...)`` (Textual's ``TextArea`` watches the app's theme, ``Header`` its title,
    each ``FooterKey`` its footer's ``compact``) leaves ``(widget, callback)`` on the long-lived
    ``other`` until that attribute next changes, and a signal keeps its subscribers until it is next
    published, so every lesson visit kept its editors, header, footer keys and plots alive: about
    0.5 MB a visit (Textualize/textual#6666, open). A widget whose message pump is closing or closed
    never runs again, so its watchers and subscriptions can go.
    """
    from textual.signal import Signal

    owners: list[object] = [app]
    for screen in app.screen_stack:
        owners.append(screen)
        owners.extend(screen.walk_children(with_self=False))
    released = 0
    for owner in owners:
        watchers: dict[str, list[tuple[object, object]]] | None = getattr(owner, "__watchers", None)
        for entries in (watchers or {}).values():
            alive = [(node, callback) for node, callback in entries if not _gone(node)]
            released += len(entries) - len(alive)
            entries[:] = alive
    # Signals (the app's theme, a screen's bindings) keep a subscriber until they are next published:
    # their callbacks hold the subscriber, so its weak key never dies (plotext plots subscribe to the theme).
    for owner in (app, *app.screen_stack):
        for signal in vars(owner).values():
            if isinstance(signal, Signal):
                for node in [node for node in list(signal._subscriptions) if _gone(node)]:
                    signal.unsubscribe(node)
                    released += 1
    return released


def _gone(node: object) -> bool:
    return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False))
