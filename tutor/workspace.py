"""The exercise workspace: every code exercise as a Python file the learner edits in their own editor.

Layout: one folder per lesson (``03-activation-functions/``), one file per code exercise named by its
place in the lesson (``04-relu.py``). A file starts with the exercise's prompt as comments, ended by
``HEADER_END``; below it is the learner's code (their draft from the store, or the starter). The code
below the line is what the store keeps as the draft, so the app and the files show the same code; the
whole file is what is graded, so tracebacks give the file's own line numbers.

An existing workspace is never overwritten: ``sync`` writes only missing files, and reports the
exercises whose draft in the store is newer than the file and differs from it; ``take_draft`` writes such
a draft on request, keeping the learner's file beside it as ``NAME.py.bak``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.curriculum import Curriculum, Exercise, Lesson
    from tutor.store import Store

DEFAULT_FOLDER = "nntutor-exercises"
HEADER_END = "# ---- your code below this line " + "-" * 45


@dataclass(frozen=True)
class ExerciseFile:
    """One code exercise and where its file lives."""

    lesson: Lesson
    exercise: Exercise
    number: int  # its place among the lesson's exercises, from 1
    path: Path

    @property
    def id(self) -> str:
        return self.exercise.id


@dataclass
class SyncReport:
    """What ``sync`` did: files written, files kept as they were, and kept files whose store draft is
    newer (offered, never forced)."""

    written: list[ExerciseFile] = field(default_factory=list)
    kept: list[ExerciseFile] = field(default_factory=list)
    newer_drafts: list[ExerciseFile] = field(default_factory=list)


def layout(curriculum: Curriculum, root: Path) -> list[ExerciseFile]:
    """Every code exercise of the course, in course order, with its file under ``root``."""
    files = []
    for lesson in curriculum.lessons:
        folder = root / f"{lesson.order:02d}-{lesson.id}"
        for number, exercise in enumerate(lesson.exercises, start=1):
            if exercise.kind == "code" and exercise.check:
                files.append(
                    ExerciseFile(lesson, exercise, number, folder / f"{number:02d}-{exercise.id}.py")
                )
    return files


def header(item: ExerciseFile) -> str:
    """The prompt as Python comments, ending with ``HEADER_END``."""
    lesson = item.lesson
    lines = [
        f"Lesson {lesson.order}: {lesson.title}",
        f"Exercise {item.number} of {len(lesson.exercises)}: {item.id}",
        "",
        *(item.exercise.prompt or "").strip().splitlines(),
        "",
        "Save this file to check it (nntutor watch grades every save).",
    ]
    return "\n".join(f"# {line}".rstrip() for line in lines) + "\n" + HEADER_END + "\n"


def file_text(item: ExerciseFile, code: str) -> str:
    return header(item) + code


def code_of(text: str) -> str:
    """The learner's code in a workspace file: what follows ``HEADER_END``, or all of it when the
    line was deleted."""
    marker = HEADER_END + "\n"
    index = text.find(marker)
    return text if index < 0 else text[index + len(marker) :]


def initial_code(item: ExerciseFile, store: Store) -> str:
    draft = store.draft(item.id)
    return draft if draft is not None else (item.exercise.starter or "")


def _write(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all (a temporary file renamed over ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def newer_draft(item: ExerciseFile, store: Store) -> str | None:
    """The store's draft when it is newer than the file and differs from its code, else None."""
    draft = store.draft(item.id)
    saved = store.draft_time(item.id)
    if draft is None or saved is None:
        return None
    try:
        modified = item.path.stat().st_mtime
        code = code_of(item.path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    return draft if saved > modified and draft != code else None


def sync(files: list[ExerciseFile], store: Store) -> SyncReport:
    """Write the missing files (draft or starter); keep the others. Raises OSError when a file cannot
    be written."""
    report = SyncReport()
    for item in files:
        if item.path.exists():
            report.kept.append(item)
            if newer_draft(item, store) is not None:
                report.newer_drafts.append(item)
        else:
            _write(item.path, file_text(item, initial_code(item, store)))
            report.written.append(item)
    return report


def take_draft(item: ExerciseFile, store: Store) -> Path | None:
    """Write the store's newer draft into the file, the learner's file kept as ``NAME.py.bak``; returns
    the backup's path, or None when there is no newer draft. Raises OSError when writing fails."""
    draft = newer_draft(item, store)
    if draft is None:
        return None
    backup = item.path.with_name(item.path.name + ".bak")
    backup.write_bytes(item.path.read_bytes())
    _write(item.path, file_text(item, draft))
    return backup
