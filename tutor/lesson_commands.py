"""The command palette's lesson and exercise commands (ctrl+p): open any lesson, go to any exercise,
reset an exercise, open the playground or the key list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tutor.app import NNTutorApp

# (name shown in the palette, what it does, help text)
Command = tuple[str, Callable[[], object], str]


class LessonCommands(Provider):
    """Lessons and exercises from the loaded curriculum, fuzzy-matched."""

    @property
    def tutor(self) -> NNTutorApp:
        return cast("NNTutorApp", self.app)

    def _commands(self) -> Iterator[Command]:
        app = self.tutor
        curriculum = app.curriculum
        yield ("Help: every key", app.action_help, "every key of nntutor, screen by screen")
        yield ("Playground", app.open_playground, "train a network on the spiral data and watch it learn")
        for lesson in curriculum.lessons:
            yield (
                f"Lesson {lesson.order}: {lesson.title}",
                partial(app.open_lesson, lesson.id),
                f"open lesson {lesson.order} ({lesson.minutes} min)",
            )
        for lesson in curriculum.lessons:
            for exercise in lesson.exercises:
                yield (
                    f"Exercise: {exercise.id}",
                    partial(app.open_lesson, lesson.id, exercise.id),
                    f"{exercise.kind} exercise in lesson {lesson.order}, {lesson.title}",
                )
        for lesson in curriculum.lessons:
            for exercise in lesson.exercises:
                what = "its starter code" if exercise.kind == "code" else "an empty answer"
                yield (
                    f"Reset exercise: {exercise.id}",
                    partial(app.reset_exercise, exercise.id),
                    f"replace your draft with {what} (asks first)",
                )

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            if not name.startswith(("Reset", "Help")):
                yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
