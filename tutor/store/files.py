"""The progress store's file on disk: which file is at the path, moving a bad one aside, its ``-wal``
and ``-shm`` companions, and a read-only snapshot that creates, moves and changes nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from tutor.store import schema

STORE_FILENAME = "progress.sqlite3"


def identity(path: Path | None) -> tuple[int, int] | None:
    """Which file is at ``path`` (device, inode), or None when there is none."""
    try:
        found = os.stat(path)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return None
    return found.st_dev, found.st_ino


def remove_companions(path: Path) -> None:
    """Delete the store's ``-wal`` and ``-shm`` files, if any."""
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def snapshot(path: Path, *, migrate: bool = True) -> sqlite3.Connection:
    """An in-memory copy of the store at ``path`` with what its ``-wal`` holds (a crash leaves the
    last writes there), read from a temporary copy so that nothing beside the store is created or
    changed. Raises sqlite3.DatabaseError or OSError for an unreadable store, schema.NewerSchema."""
    if path.stat().st_size == 0:
        raise sqlite3.DatabaseError("the file is empty")
    with tempfile.TemporaryDirectory(prefix="nntutor-store-") as folder:
        copy = Path(folder) / STORE_FILENAME
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        source = sqlite3.connect(copy, isolation_level=None)
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            schema.check_integrity(source)
            source.backup(db)
            if migrate:
                schema.migrate(db)
        except BaseException:
            db.close()
            raise
        finally:
            source.close()
    return db


def move_aside(path: Path, why: str = "corrupt", *, companions: bool = True) -> Path:
    """Rename a bad store (and its WAL files) to a name that says what happened; return it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{counter}")
    if path.exists():
        path.rename(target)
    for suffix in ("-wal", "-shm") if companions else ():
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def reason(error: BaseException) -> str:
    """An error in a few words, for a notice: its message, else its type's name."""
    return str(error) or type(error).__name__


EMPTY_WAIT_SECONDS = 2.0  # a 0-byte store may be one another process has just created


def stays_empty(path: Path) -> bool:
    """Whether the file at ``path`` is empty and stays so: another nntutor opening a new store
    creates the file first and writes its header a moment later (longer on a busy machine)."""
    deadline = time.monotonic() + EMPTY_WAIT_SECONDS
    while path.stat().st_size == 0:
        if time.monotonic() > deadline:
            return True
        time.sleep(0.05)
    return False
