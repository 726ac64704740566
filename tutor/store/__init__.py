"""The learner's progress store: attempts, hints, revealed solutions and drafts, in SQLite.

One file, ``progress.sqlite3``, in :func:`tutor.paths.data_dir` (``NNTUTOR_HOME`` overrides it).
The store never raises at the learner for a bad file or folder:

- a corrupt, unreadable or empty (0-byte) store is moved aside (``progress.sqlite3.corrupt-<time>``)
  and a fresh one started; ``store.notice`` names where the old file went (an empty file first gets
  ``EMPTY_WAIT_SECONDS`` to receive its header from another process that has just created it, and a
  store locked by another process is waited for ``BUSY_SECONDS``, then shown read-only, never moved);
- a read-only folder or file: the saved progress is still shown, nothing new is saved,
  ``store.saving`` is False and ``store.notice`` says so;
- the file or its folder deleted while the store is open: the next write notices (the file at ``path``
  is no longer the one opened), recreates folder and file and writes everything the store holds;
- a write that fails (disk full, the path taken by a folder): the session goes on in memory,
  ``store.saving`` is False, and every later write (and :meth:`Store.close`) tries to write everything
  back; when that works, saving is on again.

Each change of that state sets ``store.notice`` and calls ``store.on_notice(notice, saving)`` at once, so
that the app can tell the learner (it may be called from any thread that writes).
:meth:`Store.open_read_only` (``nntutor list``) reads a snapshot of the file and its ``-wal`` and
never creates, moves or changes anything.

Write-ahead logging with ``synchronous=NORMAL``: every call commits its own transaction, so a
``kill -9`` loses nothing already passed to the store, and a draft save costs well under a millisecond.
The app calls the store from its UI thread; a lock makes it safe to share with one other thread too.

This module is the store's one door: :class:`Store` (opening, the write path that survives a deleted or
replaced file, reading). The schema and its migrations live in :mod:`tutor.store.schema`; the file on
disk (moving a bad one aside, the read-only snapshot) in :mod:`tutor.store.files`.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tutor.store import files, schema
from tutor.store.files import STORE_FILENAME
from tutor.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "STORE_FILENAME", "Attempt", "ExerciseRecord", "Status", "Store"]


class Status(enum.Enum):
    """Where the learner stands on one exercise."""

    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    PASSED = "passed"
    REVEALED = "solution revealed"


@dataclass(frozen=True)
class Attempt:
    """One check of an exercise: when (Unix time), whether it passed, how long grading took."""

    time: float
    passed: bool
    duration_ms: float


@dataclass(frozen=True)
class ExerciseRecord:
    """What the store holds about one exercise (times are Unix times, None when it never happened)."""

    status: Status
    attempts: int
    hints_shown: int
    revealed_at: float | None
    first_attempt: float | None
    last_attempt: float | None
    has_draft: bool
    # The distinct diagnoses shown after failed checks, oldest first (what a class report counts).
    diagnoses: tuple[str, ...] = ()


class Store:
    """Progress for every exercise. Create it with :meth:`Store.open`."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path | None, *, saving: bool, notice: str | None = None
    ) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._drafts: dict[str, str] = {}  # last text saved per exercise: unchanged saves cost nothing
        self.path = path
        self.saving = saving
        self.notice = notice
        # Told (notice, saving) whenever saving stops or starts again after the store was opened.
        self.on_notice: Callable[[str, bool], None] | None = None
        # _db is the file at path, opened as the file with this (st_dev, st_ino); None: _db is in memory.
        self._identity = files.identity(path) if saving and path is not None else None
        self._last_identity = self._identity  # the file this store last wrote
        self._retry = False  # a write failed: _db is an in-memory copy to write back to path

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, directory: str | os.PathLike[str] | None = None) -> Store:
        """Open (or create) the store in ``directory`` (default: ``paths.data_dir()``). Never raises."""
        if directory is None:
            from tutor.paths import data_dir

            directory = data_dir()
        folder = Path(directory)
        path = folder / STORE_FILENAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return cls._in_memory(
                f"Cannot create the progress folder {folder} ({files.reason(error)}): "
                "your progress will not be saved."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            return cls._read_only_copy(
                path, f"The progress folder {folder} is read-only: your progress is shown but not saved."
            )
        if path.is_file() and os.access(path, os.R_OK) and not os.access(path, os.W_OK):
            return cls._read_only_copy(
                path, f"The progress store {path} is read-only: your progress is shown but not saved."
            )
        try:
            if path.is_file() and files.stays_empty(path):
                raise sqlite3.DatabaseError("the file is empty")
            return cls(schema.connect(path), path, saving=True)
        except schema.NewerSchema as newer:
            return cls._read_only_copy(
                path,
                f"The progress store {path} was written by a newer nntutor (schema "
                f"{newer.version}, this version knows {schema.SCHEMA_VERSION}): it is left untouched "
                "and your progress is not saved.",
                migrate=False,
            )
        except (sqlite3.DatabaseError, OSError) as error:
            if schema.busy(error):  # still locked by another process: the file is fine, leave it be
                return cls._read_only_copy(
                    path,
                    f"The progress store {path} is busy (another nntutor holds it): your progress is "
                    "shown but not saved this session.",
                )
            reason = files.reason(error)
        try:
            moved_to = files.move_aside(path)
        except OSError as error:
            return cls._in_memory(
                f"The progress store {path} is unreadable ({reason}) and could not be "
                f"moved aside ({files.reason(error)}): your progress will not be saved."
            )
        try:
            store = cls(schema.connect(path), path, saving=True)
        except (sqlite3.DatabaseError, OSError, schema.NewerSchema) as error:
            return cls._in_memory(
                f"Cannot start a fresh progress store at {path} ({files.reason(error)}): "
                "your progress will not be saved."
            )
        store.notice = (
            f"The progress store was unreadable ({reason}); it was moved to {moved_to} "
            "and a fresh one was started."
        )
        return store

    @classmethod
    def open_read_only(cls, directory: str | os.PathLike[str] | None = None) -> Store:
        """The saved progress in ``directory`` (default: ``paths.data_dir()``), for commands that only
        read (``nntutor list``): creates, moves and changes nothing, even for a missing or corrupt
        store. ``saving`` is False; ``notice`` says why nothing could be read. Never raises."""
        if directory is None:
            from tutor.paths import data_dir

            directory = data_dir()
        path = Path(directory) / STORE_FILENAME
        if not path.exists():
            return cls(schema.empty_memory_db(), path, saving=False)
        try:
            db = files.snapshot(path)
        except schema.NewerSchema as newer:
            return cls._read_only_copy(
                path,
                f"The progress store {path} was written by a newer nntutor (schema {newer.version}, "
                f"this version knows {schema.SCHEMA_VERSION}).",
                migrate=False,
            )
        except (sqlite3.DatabaseError, OSError) as error:
            return cls(
                schema.empty_memory_db(),
                path,
                saving=False,
                notice=f"The progress store {path} is unreadable ({files.reason(error)}); the app will move "
                "it aside and start a fresh one when it next opens it.",
            )
        return cls(db, path, saving=False)

    @classmethod
    def in_memory(cls) -> Store:
        """A store that keeps progress for this session only (tests, demos)."""
        return cls._in_memory(None)

    @classmethod
    def _in_memory(cls, notice: str | None) -> Store:
        return cls(schema.empty_memory_db(), None, saving=notice is None, notice=notice)

    @classmethod
    def _read_only_copy(cls, path: Path, notice: str, *, migrate: bool = True) -> Store:
        """Show what a store we may not write holds (with what its ``-wal`` holds), from a copy."""
        try:
            db = files.snapshot(path, migrate=migrate)
        except (sqlite3.DatabaseError, OSError, schema.NewerSchema):
            db = schema.empty_memory_db()
        return cls(db, path, saving=False, notice=notice)

    def close(self) -> None:
        """Close the store; a store holding unsaved progress in memory tries once more to write it."""
        with self._lock:
            if self._retry:
                self._write_back()
            elif (
                self._identity is not None
                and files.identity(self.path) != self._identity
                and self._to_memory()
            ):
                # Deleted since the last write, with nothing written since: write it all back now,
                # or a learner who quits without another change would lose the session.
                self._write_back(went_away=True)
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- writing

    def record_attempt(
        self, exercise_id: str, passed: bool, duration_ms: float, diagnosis: str | None = None
    ) -> None:
        """One check of an exercise: passed or not, how long it took, and the diagnosis shown."""
        self._write(
            "INSERT INTO attempts (exercise, time, passed, duration_ms, diagnosis) VALUES (?, ?, ?, ?, ?)",
            (exercise_id, time.time(), int(bool(passed)), float(duration_ms), diagnosis or None),
        )

    def record_hint(self, exercise_id: str, hints_shown: int) -> None:
        """The learner has now seen ``hints_shown`` hints of this exercise (the count never goes down)."""
        self._write(
            "INSERT INTO hints (exercise, shown, time) VALUES (?, ?, ?) ON CONFLICT (exercise) "
            "DO UPDATE SET shown = max(shown, excluded.shown), time = excluded.time",
            (exercise_id, int(hints_shown), time.time()),
        )

    def record_reveal(self, exercise_id: str) -> None:
        """The learner revealed the solution (the first time is kept)."""
        self._write(
            "INSERT OR IGNORE INTO reveals (exercise, time) VALUES (?, ?)", (exercise_id, time.time())
        )

    def save_draft(self, exercise_id: str, text: str) -> None:
        """Keep what is in the editor. Cheap: an unchanged text is not written again."""
        with self._lock:
            if self._drafts.get(exercise_id) == text:
                return
            self._drafts[exercise_id] = text
            self._write(
                "INSERT INTO drafts (exercise, text, time) VALUES (?, ?, ?) ON CONFLICT (exercise) "
                "DO UPDATE SET text = excluded.text, time = excluded.time",
                (exercise_id, text, time.time()),
            )

    def clear_draft(self, exercise_id: str) -> None:
        """Forget the draft (the exercise opens with its starter again)."""
        with self._lock:
            self._drafts.pop(exercise_id, None)
            self._write("DELETE FROM drafts WHERE exercise = ?", (exercise_id,))

    def _write(self, sql: str, parameters: tuple) -> None:
        with self._lock:
            if self._identity is None:  # in memory: for good, or until a write-back works
                self._db.execute(sql, parameters)  # an error here is a real bug, not a disk problem
                if self._retry:
                    self._write_back()
                return
            if files.identity(self.path) != self._identity:  # one stat: the file was deleted or replaced
                copied = self._to_memory()
                self._db.execute(sql, parameters)
                if copied:
                    self._write_back(went_away=True)
                return
            try:
                self._db.execute(sql, parameters)
            except sqlite3.Error as error:
                copied = self._to_memory()
                self._db.execute(sql, parameters)
                if copied:
                    self._retry = True
                    self._tell(
                        f"Saving your progress failed ({files.reason(error)}). {_KEPT_IN_MEMORY}",
                        saving=False,
                    )

    def _to_memory(self) -> bool:
        """Go on with an in-memory copy of everything the open file holds (even a deleted file can
        still be read through the open connection). When that copy cannot be read, go on with an
        empty store that is never written back, so that it cannot overwrite the file; say so."""
        memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            self._db.backup(memory)
            failure = None
        except sqlite3.Error as error:
            memory.close()
            memory = schema.empty_memory_db()
            failure = files.reason(error)
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._db = memory
        self._identity = None
        if failure is not None:
            self._retry = False
            self._tell(
                f"Saving your progress failed and the progress file could not be read back ({failure}): "
                "nothing more is saved this session, and the file is left as it is.",
                saving=False,
            )
        return failure is None

    def _write_back(self, *, went_away: bool = False) -> None:
        """Write everything held in memory to ``path`` (recreating folder and file as needed) and go
        on with that file; when that fails, keep it in memory and try again at the next write."""
        assert self.path is not None
        path = self.path
        moved_to: Path | None = None
        created = False
        folder_gone = not path.parent.is_dir()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            found = files.identity(path)
            if found is not None and found != self._last_identity and path.is_file():
                # Someone else's file (a backup put back?): keep it beside ours. Only the file: a
                # -wal or -shm at the path is the one this store had open, already copied.
                moved_to = files.move_aside(path, "replaced", companions=False)
                found = None
            if found is None:
                files.remove_companions(path)  # a deleted store's -wal must not be applied to the new file
                created = True
            db = schema.connect(path)
            try:
                self._db.backup(db)
            except BaseException:
                db.close()
                raise
        except (sqlite3.Error, OSError, schema.NewerSchema) as error:
            if created:  # leave no half-made file behind, or the next try would take it for a stranger
                with contextlib.suppress(OSError):
                    path.unlink()
                    files.remove_companions(path)
            if not self._retry:
                self._retry = True
                cause = "was deleted and could not be recreated" if went_away else "cannot be written"
                self._tell(
                    f"Your progress file {cause} ({files.reason(error)}). {_KEPT_IN_MEMORY}", saving=False
                )
            return
        self._db.close()
        self._db = db
        self._identity = self._last_identity = files.identity(path)
        if moved_to is not None:
            notice = (
                f"Your progress file was replaced by another file; nntutor moved that one to {moved_to}, "
                "recreated yours and saved everything from this session."
            )
        elif self._retry:
            notice = f"Saving works again: everything from this session is saved in {path}."
        elif folder_gone:
            notice = (
                f"Your progress folder {path.parent} was deleted; nntutor recreated it and saved "
                "everything from this session."
            )
        else:
            notice = (
                "Your progress file was deleted; nntutor recreated it and saved everything from this session."
            )
        self._retry = False
        self._tell(notice, saving=True)

    def _tell(self, notice: str, *, saving: bool) -> None:
        self.saving = saving
        self.notice = notice
        if self.on_notice is not None:
            self.on_notice(notice, saving)

    # ----------------------------------------------------------------- reading

    def draft(self, exercise_id: str) -> str | None:
        """The saved editor text, or None when the learner has not typed anything yet."""
        row = self._read_one("SELECT text FROM drafts WHERE exercise = ?", (exercise_id,))
        return None if row is None else row[0]

    def hints_shown(self, exercise_id: str) -> int:
        row = self._read_one("SELECT shown FROM hints WHERE exercise = ?", (exercise_id,))
        return 0 if row is None else int(row[0])

    def revealed(self, exercise_id: str) -> bool:
        return self._read_one("SELECT 1 FROM reveals WHERE exercise = ?", (exercise_id,)) is not None

    def attempts(self, exercise_id: str) -> list[Attempt]:
        """Every check of this exercise, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT time, passed, duration_ms FROM attempts WHERE exercise = ? ORDER BY id",
                (exercise_id,),
            ).fetchall()
        return [Attempt(time=t, passed=bool(p), duration_ms=d) for t, p, d in rows]

    def status(self, exercise_id: str) -> Status:
        """Where the learner stands on this exercise (reads its rows only, not every exercise's)."""
        with self._lock:
            (passed,) = self._db.execute(
                "SELECT max(passed) FROM attempts WHERE exercise = ?", (exercise_id,)
            ).fetchone()
        if passed:
            return Status.PASSED  # passing wins over having revealed the solution
        if self.revealed(exercise_id):
            return Status.REVEALED
        return Status.NOT_STARTED if passed is None else Status.ATTEMPTED

    def statuses(self) -> dict[str, Status]:
        """The status of every exercise the learner has touched (others are NOT_STARTED)."""
        with self._lock:
            attempts = self._db.execute(
                "SELECT exercise, max(passed) FROM attempts GROUP BY exercise"
            ).fetchall()
            revealed = {row[0] for row in self._db.execute("SELECT exercise FROM reveals")}
        result = dict.fromkeys(revealed, Status.REVEALED)
        for exercise, passed in attempts:
            if passed:
                result[exercise] = Status.PASSED  # passing wins over having revealed the solution
            elif exercise not in result:
                result[exercise] = Status.ATTEMPTED
        return result

    def draft_time(self, exercise_id: str) -> float | None:
        """When the draft was last saved (Unix time), or None when there is none."""
        row = self._read_one("SELECT time FROM drafts WHERE exercise = ?", (exercise_id,))
        return None if row is None else float(row[0])

    def records(self) -> dict[str, ExerciseRecord]:
        """Everything the store holds about each exercise the learner has touched, in a few queries:
        what a progress report needs (exercises never touched are absent)."""
        with self._lock:
            attempts = self._db.execute(
                "SELECT exercise, count(*), max(passed), min(time), max(time) FROM attempts GROUP BY exercise"
            ).fetchall()
            hints = dict(self._db.execute("SELECT exercise, shown FROM hints").fetchall())
            reveals = dict(self._db.execute("SELECT exercise, time FROM reveals").fetchall())
            drafts = {row[0] for row in self._db.execute("SELECT exercise FROM drafts")}
            diagnoses: dict[str, list[str]] = {}
            for exercise, diagnosis in self._db.execute(
                "SELECT exercise, diagnosis FROM attempts WHERE diagnosis IS NOT NULL"
                " GROUP BY exercise, diagnosis ORDER BY min(id)"
            ):
                diagnoses.setdefault(exercise, []).append(diagnosis)
        by_attempts = {row[0]: row[1:] for row in attempts}
        result = {}
        for exercise in sorted(set(by_attempts) | set(hints) | set(reveals) | drafts):
            count, passed, first, last = by_attempts.get(exercise, (0, None, None, None))
            if passed:
                status = Status.PASSED
            elif exercise in reveals:
                status = Status.REVEALED
            else:
                status = Status.NOT_STARTED if passed is None else Status.ATTEMPTED
            result[exercise] = ExerciseRecord(
                status=status,
                attempts=int(count),
                hints_shown=int(hints.get(exercise, 0)),
                revealed_at=reveals.get(exercise),
                first_attempt=first,
                last_attempt=last,
                has_draft=exercise in drafts,
                diagnoses=tuple(diagnoses.get(exercise, ())),
            )
        return result

    def forget(self, exercise_id: str | None = None) -> None:
        """Start over: delete the attempts, hints, revealed solution and draft of ``exercise_id``, or of
        every exercise when it is None."""
        with self._lock:
            for table in ("attempts", "hints", "reveals", "drafts"):
                if exercise_id is None:
                    self._write(f"DELETE FROM {table}", ())
                else:
                    self._write(f"DELETE FROM {table} WHERE exercise = ?", (exercise_id,))
            if exercise_id is None:
                self._drafts.clear()
            else:
                self._drafts.pop(exercise_id, None)

    def _read_one(self, sql: str, parameters: tuple) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, parameters).fetchone()


_KEPT_IN_MEMORY = (
    "nntutor keeps your progress in memory and tries again at your next change; "
    "it is lost if you quit before saving works again."
)
