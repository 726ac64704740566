"""The progress store's schema: its tables, the migrations between versions, and opening a file as a
sound store at the current version.

``MIGRATIONS[n]`` brings a store from schema version n to n + 1; the version lives in SQLite's
``user_version``. A file written by a newer nntutor raises :class:`NewerSchema` and is never changed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path


def _migrate_to_1(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE attempts ("
        " id INTEGER PRIMARY KEY,"
        " exercise TEXT NOT NULL,"
        " time REAL NOT NULL,"
        " passed INTEGER NOT NULL,"
        " duration_ms REAL NOT NULL)"
    )
    db.execute("CREATE INDEX attempts_by_exercise ON attempts (exercise)")
    db.execute("CREATE TABLE hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL, time REAL NOT NULL)")
    db.execute("CREATE TABLE reveals (exercise TEXT PRIMARY KEY, time REAL NOT NULL)")
    db.execute("CREATE TABLE drafts (exercise TEXT PRIMARY KEY, text TEXT NOT NULL, time REAL NOT NULL)")


def _migrate_to_2(db: sqlite3.Connection) -> None:
    # What the learner was told went wrong (one line), for the class report; NULL for a pass.
    db.execute("ALTER TABLE attempts ADD COLUMN diagnosis TEXT")


# MIGRATIONS[n] brings a store from schema version n to n + 1. Append new steps; never edit old ones.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_to_1, _migrate_to_2]
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(Exception):
    """The file was written by a newer nntutor: keep it untouched."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


BUSY_SECONDS = 10.0  # how long opening a store waits for another process that holds its lock


def busy(error: BaseException) -> bool:
    """A lock held by another process (not a damaged file): wait, never move the store aside."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def connect(path: Path) -> sqlite3.Connection:
    """Open the file, check it is a sound store, bring its schema up to date. Another process holding
    the file's lock (SQLite does not always wait for it, e.g. while a new file turns to WAL) is waited
    for up to ``BUSY_SECONDS``."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return _connect_once(path)
        except sqlite3.OperationalError as error:
            if not busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_once(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE in migrate);
    # single statements commit on their own.
    db = sqlite3.connect(path, timeout=5.0, check_same_thread=False, isolation_level=None)
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise NewerSchema(version)  # before switching to WAL, which rewrites the header
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        check_integrity(db)
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def check_integrity(db: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError unless SQLite's quick check finds the file sound."""
    (verdict,) = db.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"integrity check: {verdict}")


def empty_memory_db() -> sqlite3.Connection:
    """A fresh in-memory store at our schema."""
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    migrate(db)
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Apply the missing migrations in one transaction; refuse a schema newer than ours."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process (a second tab of the same learner) may
        # have migrated the file between the first read and BEGIN.
        (version,) = db.execute("PRAGMA user_version").fetchone()
        for step in MIGRATIONS[version:]:
            step(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
