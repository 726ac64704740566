"""A class folder (``nntutor serve --class-dir DIR``): one progress folder per learner, found by name.

``DIR/learners/<name>/`` holds one learner's progress store, drafts and theme, exactly what
``paths.data_dir()`` holds for a learner on their own machine. A name is letters, digits, ``-`` and
``_`` (``MAX_NAME_LENGTH`` at most, starting with a letter or digit); it is case-insensitive (``Ada``
and ``ada`` are one learner, kept as ``ada``). A name is not a password: anyone who types it continues
that learner's progress (a classroom tool, not an exam system).

One browser tab at a time per learner: ``claim(folder)`` takes an advisory lock on a file in the
learner's folder for as long as the session runs (the lock goes with the process, however it ends),
so a second tab with the same name is told the name is in use instead of racing the first for drafts.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import IO

LEARNERS_FOLDER = "learners"
MAX_NAME_LENGTH = 32
LOCK_FILENAME = "session.lock"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class BadName(ValueError):
    """A learner name that cannot be used; the message says why, in one line."""


def learner_name(text: str) -> str:
    """The learner's name as kept on disk (lower case), or ``BadName`` saying what is wrong."""
    name = text.strip()
    if not name:
        raise BadName("Type your name first.")
    if len(name) > MAX_NAME_LENGTH:
        raise BadName(f"A name has at most {MAX_NAME_LENGTH} characters (this one has {len(name)}).")
    if not _NAME.fullmatch(name):
        bad = sorted({char for char in name if not (char.isascii() and (char.isalnum() or char in "-_"))})
        if bad:
            shown = " ".join(repr(char) for char in bad[:5])
            raise BadName(f"Use letters a-z, digits, '-' and '_' only (not {shown}).")
        raise BadName("A name starts with a letter or a digit.")
    return name.lower()


def learners_dir(class_dir: Path) -> Path:
    return class_dir / LEARNERS_FOLDER


def learner_dir(class_dir: Path, name: str) -> Path:
    """The folder of the learner called ``name`` (checked with :func:`learner_name`)."""
    return learners_dir(class_dir) / learner_name(name)


def learners(class_dir: Path) -> list[tuple[str, Path]]:
    """``(name, folder)`` of every learner of the class, by name; other entries are ignored."""
    folder = learners_dir(class_dir)
    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        with contextlib.suppress(BadName):
            if learner_name(entry.name) == entry.name and entry.is_dir():
                found.append((entry.name, entry))
    return sorted(found)


def claim(folder: Path) -> IO[bytes] | None:
    """Take the learner's session lock (creating the folder); None when another session holds it.
    Keep the returned file open for as long as the session runs. Raises OSError when the folder
    cannot be created or written."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_FILENAME, "ab")  # noqa: SIM115 - held open for the session
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    except OSError:
        handle.close()
        raise
    with contextlib.suppress(OSError):
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
    return handle
