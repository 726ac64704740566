"""The parsed lessons kept between start-ups, so that the app opens without parsing every lesson again.

Parsing the 17 lessons (YAML, fences, numeric answers) takes about 50 ms with its imports; reading them
back from the cache takes about 3 ms. The cache is only ever a copy: the key is the state of every entry
of the lessons folder (name, size, times, inode, and a symbolic link's target) and of the code that
parses them, so an edited, added, renamed, removed or unreadable lesson, or a new nntutor, parses
afresh. A cache that is missing, stale, unreadable or not writable is simply not used; nothing a learner
did is in it. ``nntutor validate`` never uses it.

The file is a pickle read by an unpickler that refuses every class but the curriculum's own dataclasses
and paths, so a cache file can only ever hold lessons, never code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from tutor.curriculum.model import Curriculum

# Bump when the dataclasses change shape in a way the code key below would not see.
CACHE_VERSION = 1
_HEADER_BYTES = 64  # the key's SHA-256, in hex, then a newline

# The only classes a cache file may name: the curriculum's dataclasses, their training settings and paths.
_ALLOWED = {
    "tutor.curriculum.model": {
        "BrokenLesson",
        "Curriculum",
        "Exercise",
        "Lesson",
        "MarkdownBlock",
        "PlotBlock",
        "PlotSpec",
        "Problem",
        "TrainBlock",
    },
    "tutor.training_config": {"TrainConfig"},
    "pathlib": {"Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"},
}

# The code that decides what a lesson file parses to (the key holds each file's size and times).
_PARSER_DIR = Path(__file__).resolve().parent
_PARSER_FILES = [
    *sorted(_PARSER_DIR.glob("*.py")),
    _PARSER_DIR.parent / "training_config.py",
    _PARSER_DIR.parent / "grader" / "limits.py",
    _PARSER_DIR.parent.parent / "engine" / "names.py",
]


class _LessonsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a curriculum cache may not name {module}.{name}")


def cache_file(folder: Path) -> Path:
    """Where the cache for the lessons folder ``folder`` lives (one file per folder)."""
    from tutor.paths import cache_dir

    name = hashlib.sha256(os.fsencode(folder.resolve())).hexdigest()[:24]
    return cache_dir() / "curriculum" / f"{name}.pickle"


def load_curriculum_cached(folder: Path) -> Curriculum:
    """The lessons of ``folder``, from the cache when it matches the folder and the parser, else parsed
    (and the cache written for next time). Raises like :func:`load_curriculum` for a missing folder."""
    folder = Path(folder)
    try:
        key = _key(folder) if folder.is_dir() else None
        path = cache_file(folder)
    except OSError:
        key = None
    if key is not None:
        cached = _read(path, key)
        if cached is not None:
            return cached
    from tutor.curriculum.loader import load_curriculum  # YAML and the parser: only on a miss

    curriculum = load_curriculum(folder)
    if key is None:
        return curriculum
    if key == _key(folder):  # nothing changed while it was parsed
        _write(path, key, curriculum)
    return curriculum


def _stat(path: str | Path, follow: bool) -> tuple[int, ...] | str:
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError as error:
        return f"error {error.errno}"
    return (st.st_mode, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _key(folder: Path) -> str:
    """A digest of everything that decides what ``folder`` parses to."""
    parts: list[object] = [CACHE_VERSION, sys.version, str(folder.resolve()), _stat(folder, True)]
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            # A symbolic link: its own state and its target's (a dangling one is reported).
            target = _stat(entry.path, True) if entry.is_symlink() else None
            parts.append((entry.name, _stat(entry.path, False), target))
    parts.extend((path.name, _stat(path, True)) for path in _PARSER_FILES)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _read(path: Path, key: str) -> Curriculum | None:
    try:
        with path.open("rb") as file:
            if file.read(_HEADER_BYTES + 1) != key.encode() + b"\n":
                return None
            curriculum = _LessonsOnly(io.BytesIO(file.read())).load()
    except Exception:  # missing, stale, truncated or foreign: parse the lessons instead
        return None
    return curriculum if isinstance(curriculum, Curriculum) else None


def _write(path: Path, key: str, curriculum: Curriculum) -> None:
    with contextlib.suppress(Exception):  # only a cache: the next start-up parses the lessons again
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".curriculum-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(key.encode() + b"\n")
                pickle.dump(curriculum, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
