"""The progress store: statuses, drafts, durability, corrupt and read-only stores, migrations."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tutor.store import SCHEMA_VERSION, STORE_FILENAME, Status, Store
from tutor.store import schema as store_schema


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("NNTUTOR_HOME", str(folder))
    return folder


def test_opens_in_nntutor_home_and_creates_the_folder(home):
    with Store.open() as store:
        assert store.saving and store.notice is None
        assert store.path == home / STORE_FILENAME
    assert (home / STORE_FILENAME).is_file()


def test_uses_wal_and_records_the_schema_version(home):
    Store.open().close()
    db = sqlite3.connect(home / STORE_FILENAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_status_follows_attempts_and_reveals(home):
    with Store.open() as store:
        assert store.status("relu") is Status.NOT_STARTED
        store.record_attempt("relu", False, 40.0)
        assert store.status("relu") is Status.ATTEMPTED
        store.record_reveal("relu")
        assert store.status("relu") is Status.REVEALED
        store.record_attempt("relu", True, 35.5)
        assert store.status("relu") is Status.PASSED  # passing wins over revealing
        store.record_attempt("relu", False, 12.0)
        assert store.status("relu") is Status.PASSED  # a later failure does not undo a pass
        store.record_reveal("step")
        assert store.statuses() == {"relu": Status.PASSED, "step": Status.REVEALED}
        assert [a.passed for a in store.attempts("relu")] == [False, True, False]
        assert store.attempts("relu")[1].duration_ms == 35.5
        assert store.revealed("relu") and not store.revealed("sigmoid")


def test_status_values_are_the_words_the_learner_sees():
    assert [s.value for s in Status] == ["not started", "attempted", "passed", "solution revealed"]


def test_hints_count_never_goes_down(home):
    with Store.open() as store:
        assert store.hints_shown("relu") == 0
        store.record_hint("relu", 1)
        store.record_hint("relu", 2)
        store.record_hint("relu", 1)
        assert store.hints_shown("relu") == 2


def test_progress_and_drafts_survive_reopening(home):
    with Store.open() as store:
        store.record_attempt("relu", True, 10)
        store.record_hint("step", 1)
        store.save_draft("step", "def step(inputs):\n    return [1]\n")
        store.save_draft("sigmoid", "first")
        store.save_draft("sigmoid", "second")
    with Store.open() as store:
        assert store.status("relu") is Status.PASSED
        assert store.hints_shown("step") == 1
        assert store.draft("step") == "def step(inputs):\n    return [1]\n"
        assert store.draft("sigmoid") == "second"
        assert store.draft("relu") is None
        store.clear_draft("sigmoid")
    with Store.open() as store:
        assert store.draft("sigmoid") is None


def test_a_killed_process_keeps_every_saved_draft(home):
    # The store commits on every call: kill -9 right after save_draft loses nothing.
    script = textwrap.dedent("""
        import os, signal
        from tutor.store import Store
        store = Store.open()
        for n in range(50):
            store.save_draft("relu", f"draft {n}")
        store.record_attempt("relu", True, 5)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], env={**os.environ, "NNTUTOR_HOME": str(home)})
    assert result.returncode == -9
    with Store.open() as store:
        assert store.draft("relu") == "draft 49"
        assert store.status("relu") is Status.PASSED


def test_corrupt_store_is_moved_aside_and_a_fresh_one_started(home):
    home.mkdir()
    (home / STORE_FILENAME).write_bytes(b"this is not an SQLite database, just some junk " * 50)
    with Store.open() as store:
        assert store.saving
        assert "moved to" in store.notice
        moved = [p for p in home.iterdir() if p.name.startswith(STORE_FILENAME + ".corrupt-")]
        assert len(moved) == 1
        assert str(moved[0]) in store.notice
        assert moved[0].read_bytes().startswith(b"this is not an SQLite database")
        store.record_attempt("relu", True, 1)
    with Store.open() as store:
        assert store.notice is None
        assert store.status("relu") is Status.PASSED


def test_truncated_store_is_moved_aside(home):
    with Store.open() as store:
        for n in range(200):
            store.record_attempt(f"exercise-{n}", n % 2 == 0, n)
    data = (home / STORE_FILENAME).read_bytes()
    (home / STORE_FILENAME).write_bytes(data[:100] + b"\x00" * 50)  # header survives, pages do not
    with Store.open() as store:
        assert store.saving and "moved to" in store.notice
        assert store.statuses() == {}


def test_unusable_data_dir_gives_a_notice_and_the_app_can_go_on(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NNTUTOR_HOME", str(blocker / "nntutor"))
    with Store.open() as store:
        assert not store.saving
        assert "will not be saved" in store.notice and str(blocker / "nntutor") in store.notice
        store.record_attempt("relu", True, 1)  # still works for this session
        store.save_draft("relu", "x")
        assert store.status("relu") is Status.PASSED and store.draft("relu") == "x"


def test_read_only_folder_shows_saved_progress_but_does_not_save(home, monkeypatch):
    with Store.open() as store:
        store.record_attempt("relu", True, 1)
        store.save_draft("step", "my draft")
    real_access = os.access
    # Simulated so that the test also means something when run as root (which may write anywhere).
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if Path(path) == home else real_access(path, mode)
    )
    before = (home / STORE_FILENAME).read_bytes()
    with Store.open() as store:
        assert not store.saving
        assert "read-only" in store.notice and str(home) in store.notice
        assert store.status("relu") is Status.PASSED
        assert store.draft("step") == "my draft"
        store.record_attempt("step", True, 1)
        assert store.status("step") is Status.PASSED
    assert (home / STORE_FILENAME).read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_really_read_only_folder(home):
    with Store.open() as store:
        store.record_attempt("relu", True, 1)
    home.chmod(0o500)
    try:
        with Store.open() as store:
            assert not store.saving and "read-only" in store.notice
            assert store.status("relu") is Status.PASSED
    finally:
        home.chmod(0o700)


def test_a_failing_write_turns_saving_off_without_losing_the_session(home):
    store = Store.open()
    store.record_attempt("relu", True, 1)

    class BrokenConnection:
        """Stands in for a connection whose disk has gone away."""

        def __init__(self, real):
            self.real = real

        def execute(self, sql, *args):
            if sql.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE")):
                raise sqlite3.OperationalError("disk I/O error")
            return self.real.execute(sql, *args)

        def backup(self, target):
            self.real.backup(target)

        def close(self):
            self.real.close()

    store._db = BrokenConnection(store._db)
    store.save_draft("step", "typed")
    assert not store.saving and "disk I/O error" in store.notice
    assert store.draft("step") == "typed"
    assert store.status("relu") is Status.PASSED
    store.close()


def test_older_schema_is_migrated(home, monkeypatch):
    home.mkdir()
    db = sqlite3.connect(home / STORE_FILENAME)
    store_schema.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO attempts (exercise, time, passed, duration_ms) VALUES ('relu', 0, 1, 3)")
    db.commit()
    db.close()

    def add_notes(connection):
        connection.execute("CREATE TABLE notes (exercise TEXT PRIMARY KEY, text TEXT)")

    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, add_notes])
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", len(store_schema.MIGRATIONS))
    with Store.open() as store:
        assert store.notice is None
        assert store.status("relu") is Status.PASSED
    db = sqlite3.connect(home / STORE_FILENAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(store_schema.MIGRATIONS)
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_a_failing_migration_leaves_the_store_as_it_was(home, monkeypatch):
    Store.open().close()

    def broken(connection):
        connection.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("migration bug")

    current = store_schema.SCHEMA_VERSION
    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, broken])
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", current + 1)
    with pytest.raises(sqlite3.OperationalError):
        store_schema.migrate(sqlite3.connect(home / STORE_FILENAME, isolation_level=None))
    db = sqlite3.connect(home / STORE_FILENAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == current
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_store_from_a_newer_nntutor_is_left_untouched(home):
    home.mkdir()
    db = sqlite3.connect(home / STORE_FILENAME)
    for step in store_schema.MIGRATIONS:  # a newer store went through every step this version knows
        step(db)
    db.execute("INSERT INTO attempts (exercise, time, passed, duration_ms) VALUES ('relu', 0, 1, 3)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    before = (home / STORE_FILENAME).read_bytes()
    with Store.open() as store:
        assert not store.saving and "newer nntutor" in store.notice
        store.record_attempt("step", True, 1)
    assert (home / STORE_FILENAME).read_bytes() == before
    assert not [p for p in home.iterdir() if ".corrupt-" in p.name]


def test_safe_to_share_with_one_other_thread(home):
    with Store.open() as store:
        errors = []

        def hammer(prefix):
            try:
                for n in range(200):
                    store.save_draft(f"{prefix}", f"text {n}")
                    store.record_attempt(f"{prefix}", n == 199, 1)
                    store.statuses()
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)

        other = threading.Thread(target=hammer, args=("worker",))
        other.start()
        hammer("ui")
        other.join()
        assert errors == []
        assert store.draft("worker") == "text 199" and store.draft("ui") == "text 199"
        assert store.status("worker") is Status.PASSED and store.status("ui") is Status.PASSED


def test_in_memory_store():
    store = Store.in_memory()
    assert store.saving and store.notice is None and store.path is None
    store.record_attempt("relu", False, 1)
    assert store.status("relu") is Status.ATTEMPTED


# ----------------------------------------------------------------- losing the file under a running store


def _reopened(home) -> Store:
    """A fresh store on what is on disk now (as the next start of nntutor would see it)."""
    store = Store.open(home)
    assert store.saving and store.notice is None, store.notice
    return store


@pytest.fixture
def told():
    """What a store's on_notice was told, in order."""
    return []


def _open_listening(home, told) -> Store:
    store = Store.open(home)
    store.on_notice = lambda notice, saving: told.append((notice, saving))
    return store


def test_deleted_file_is_recreated_at_the_next_write_with_everything(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", False, 1)
    store.save_draft("relu", "before")
    store.record_hint("relu", 1)
    (home / STORE_FILENAME).unlink()
    assert told == []  # nothing is noticed before a write
    store.record_attempt("relu", True, 2)
    assert told == [
        (
            "Your progress file was deleted; nntutor recreated it and saved everything from this session.",
            True,
        )
    ]
    assert store.saving and store.notice == told[0][0]
    store.save_draft("step", "after")
    assert len(told) == 1  # the recreated file is the store's own now
    with _reopened(home) as fresh:
        assert [a.passed for a in fresh.attempts("relu")] == [False, True]
        assert fresh.draft("relu") == "before" and fresh.draft("step") == "after"
        assert fresh.hints_shown("relu") == 1
    store.close()


def test_store_deleted_after_the_last_write_is_recreated_when_it_closes(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    store.save_draft("step", "typed before the folder went")
    shutil.rmtree(home)
    store.close()  # the learner quits without another change
    assert told and told[0][1] is True
    with _reopened(home) as fresh:
        assert fresh.statuses() == {"relu": Status.PASSED}
        assert fresh.draft("step") == "typed before the folder went"


def test_deleted_folder_is_recreated_at_the_next_write_with_everything(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    store.save_draft("relu", "kept")
    store.record_reveal("step")
    shutil.rmtree(home)
    store.save_draft("sigmoid", "typed after the folder went")
    assert told == [
        (
            f"Your progress folder {home} was deleted; nntutor recreated it and saved everything from "
            "this session.",
            True,
        )
    ]
    store.clear_draft("relu")
    store.close()
    with _reopened(home) as fresh:
        assert fresh.statuses() == {"relu": Status.PASSED, "step": Status.REVEALED}
        assert fresh.draft("relu") is None and fresh.draft("sigmoid") == "typed after the folder went"


def test_file_replaced_by_another_is_kept_beside_the_recreated_one(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    elsewhere = home.parent / "elsewhere"
    with Store.open(elsewhere) as other:
        other.record_attempt("other", True, 1)
    os.replace(elsewhere / STORE_FILENAME, home / STORE_FILENAME)  # e.g. a backup put back in place
    store.record_attempt("step", True, 1)
    notice, saving = told[-1]
    assert saving and "replaced by another file" in notice
    moved = [p for p in home.iterdir() if p.name.startswith(STORE_FILENAME + ".replaced-")]
    assert len(moved) == 1 and str(moved[0]) in notice
    store.close()
    with _reopened(home) as fresh:
        assert fresh.statuses() == {"relu": Status.PASSED, "step": Status.PASSED}
    other_copy = sqlite3.connect(moved[0])
    assert other_copy.execute("SELECT exercise FROM attempts").fetchall() == [("other",)]


def _fill_the_disk(monkeypatch, store: Store) -> None:
    """A real SQLITE_FULL ("database or disk is full") from SQLite itself: the open connection and
    every connection the store opens later may not grow the file by a single page."""
    real_connect = store_schema.connect

    def full_disk_connect(path):
        db = real_connect(path)
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    (pages,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    monkeypatch.setattr(store_schema, "connect", full_disk_connect)


def test_a_full_disk_keeps_progress_in_memory_retries_and_says_when_saving_works_again(
    home, told, monkeypatch
):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    _fill_the_disk(monkeypatch, store)
    big = "x = 1\n" * 5000  # needs new pages
    store.save_draft("relu", big)
    assert not store.saving
    assert told == [
        (
            "Saving your progress failed (database or disk is full). nntutor keeps your progress in "
            "memory and tries again at your next change; it is lost if you quit before saving works again.",
            False,
        )
    ]
    assert store.draft("relu") == big  # the session goes on
    store.record_attempt("step", False, 1)  # retried, still full: no second notice
    assert len(told) == 1 and not store.saving
    with Store.open_read_only(home) as disk:
        assert disk.draft("relu") is None and disk.statuses() == {"relu": Status.PASSED}
    monkeypatch.undo()  # space again (NNTUTOR_HOME goes too; the store knows its path)
    store.record_hint("step", 1)
    assert told[-1] == (
        f"Saving works again: everything from this session is saved in {home / STORE_FILENAME}.",
        True,
    )
    assert store.saving and len(told) == 2
    store.save_draft("step", "on disk again")
    store.close()
    with _reopened(home) as fresh:
        assert fresh.draft("relu") == big and fresh.draft("step") == "on disk again"
        assert fresh.status("step") is Status.ATTEMPTED and fresh.hints_shown("step") == 1


def test_closing_tries_once_more_to_save_what_is_held_in_memory(home, told, monkeypatch):
    store = _open_listening(home, told)
    _fill_the_disk(monkeypatch, store)
    store.save_draft("relu", "y = 2\n" * 5000)
    assert not store.saving
    monkeypatch.undo()
    store.close()
    assert told[-1][1] is True
    with _reopened(home) as fresh:
        assert fresh.draft("relu") == "y = 2\n" * 5000


def test_a_folder_in_the_way_is_retried_until_it_is_gone(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    shutil.rmtree(home)
    (home / STORE_FILENAME).mkdir(parents=True)  # the file's name is taken: it cannot be recreated
    store.save_draft("relu", "first")
    assert not store.saving and len(told) == 1
    notice, saving = told[0]
    assert not saving
    assert notice.startswith("Your progress file was deleted and could not be recreated (")
    assert "keeps your progress in memory" in notice
    store.save_draft("relu", "second")
    assert len(told) == 1 and (home / STORE_FILENAME).is_dir()
    assert sorted(p.name for p in home.iterdir()) == [STORE_FILENAME]  # no half-made files left
    (home / STORE_FILENAME).rmdir()
    store.record_attempt("step", True, 1)
    assert store.saving and told[-1][0].startswith("Saving works again")
    store.close()
    with _reopened(home) as fresh:
        assert fresh.draft("relu") == "second"
        assert fresh.statuses() == {"relu": Status.PASSED, "step": Status.PASSED}


def test_a_store_without_a_file_never_looks_for_one(home, told):
    store = Store.in_memory()
    store.on_notice = lambda notice, saving: told.append(notice)
    store.record_attempt("relu", True, 1)
    store.close()
    assert told == [] and not home.exists()


# ----------------------------------------------------------------- empty stores, crashes, read-only opens


def test_an_empty_file_gets_the_notice_of_a_corrupt_store(home):
    home.mkdir()
    (home / STORE_FILENAME).write_bytes(b"")
    with Store.open() as store:
        assert store.saving
        assert store.notice.startswith(
            "The progress store was unreadable (the file is empty); it was moved to "
        )
        moved = [p for p in home.iterdir() if ".corrupt-" in p.name]
        assert len(moved) == 1 and moved[0].stat().st_size == 0 and str(moved[0]) in store.notice


CRASHING_WRITER = textwrap.dedent("""
    import os, signal
    from tutor.store import Store
    store = Store.open()
    store.record_attempt("relu", True, 5)
    store.save_draft("step", "typed just before the crash")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _crash_after_writing(home) -> dict[str, bytes]:
    """Run a writer that is killed; return the bytes of the store and its -wal it left behind."""
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER], env={**os.environ, "NNTUTOR_HOME": str(home)}
    )
    assert result.returncode == -9
    wal = home / (STORE_FILENAME + "-wal")
    assert wal.stat().st_size > 0  # the writes are in the -wal, not yet in the file itself
    return {p.name: p.read_bytes() for p in home.iterdir()}


def test_a_read_only_store_after_a_crash_shows_what_its_wal_holds(home, monkeypatch):
    left = _crash_after_writing(home)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if Path(path) == home else real_access(path, mode)
    )
    with Store.open() as store:
        assert not store.saving and "read-only" in store.notice
        assert store.status("relu") is Status.PASSED
        assert store.draft("step") == "typed just before the crash"
    assert {p.name: p.read_bytes() for p in home.iterdir()} == left  # nothing changed or created


def test_open_read_only_after_a_crash_shows_the_wal_and_changes_nothing(home):
    left = _crash_after_writing(home)
    with Store.open_read_only() as store:
        assert store.notice is None and not store.saving
        assert store.status("relu") is Status.PASSED
        assert store.draft("step") == "typed just before the crash"
        store.record_attempt("relu", False, 1)  # kept in memory only
    assert {p.name: p.read_bytes() for p in home.iterdir()} == left


@pytest.mark.parametrize("content", [b"", b"not a database at all " * 100], ids=["empty", "corrupt"])
def test_open_read_only_on_a_bad_store_says_so_and_moves_nothing(home, content):
    home.mkdir()
    (home / STORE_FILENAME).write_bytes(content)
    with Store.open_read_only() as store:
        assert store.statuses() == {}
        assert store.notice.startswith(f"The progress store {home / STORE_FILENAME} is unreadable (")
        assert "the app will move it aside" in store.notice
    assert [p.name for p in home.iterdir()] == [STORE_FILENAME]
    assert (home / STORE_FILENAME).read_bytes() == content


def test_open_read_only_without_a_store_creates_nothing(home):
    with Store.open_read_only() as store:
        assert store.statuses() == {} and store.notice is None
    assert not home.exists()


@pytest.mark.parametrize("content", [None, b"", b"garbage" * 100], ids=["missing", "empty", "corrupt"])
def test_nntutor_list_creates_and_moves_nothing(home, content, capsys):
    from tutor.cli import main

    if content is not None:
        home.mkdir()
        (home / STORE_FILENAME).write_bytes(content)
    before = sorted(p.name for p in home.iterdir()) if home.exists() else None
    assert main(["list", "--json"]) == 0
    after = sorted(p.name for p in home.iterdir()) if home.exists() else None
    assert after == before
    if content is not None:
        assert (home / STORE_FILENAME).read_bytes() == content
        assert "is unreadable" in capsys.readouterr().err


def test_nntutor_list_shows_a_crashed_stores_wal(home, capsys):
    from tutor.cli import main

    left = _crash_after_writing(home)
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    statuses = {e["id"]: e["status"] for lesson in data["lessons"] for e in lesson["exercises"]}
    assert statuses["relu"] == "passed"
    assert {p.name: p.read_bytes() for p in home.iterdir()} == left


# ----------------------------------------------------------------- under a running app


async def test_deleting_the_file_and_the_folder_under_the_app_is_told_at_once_and_loses_nothing(home):
    from app_support import APP_LESSONS, StandInGrader, type_text, wait_until_loaded
    from textual.widgets import TextArea

    from tutor.app import NNTutorApp

    def notices() -> list[str]:
        return [notification.message for notification in app._notifications]

    async def check(pilot) -> None:  # the check saves the draft first, then records the attempt
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()

    app = NNTutorApp(lessons_dir=APP_LESSONS, store_dir=home, grader=StandInGrader())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await wait_until_loaded(pilot)
        await pilot.press("ctrl+n")  # the code exercise
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        await pilot.press("down", "down", "down", "end")
        await type_text(pilot, "  # first try")
        await check(pilot)  # fails: output is None
        assert app.store.status("neuron-output") is Status.ATTEMPTED
        assert notices() == []

        (home / STORE_FILENAME).unlink()
        await pilot.press(*["backspace"] * len("None  # first try"))
        await type_text(pilot, "sum(i*w for i,w in zip(inputs,weights))+bias")
        await check(pilot)  # passes
        assert (
            "Your progress file was deleted; nntutor recreated it and saved everything from this session."
            in notices()
        )
        assert app.store.saving

        shutil.rmtree(home)
        await type_text(pilot, "  # done")
        final_text = app.focused.text
        await pilot.press("escape", "escape")  # out of the editor, out of the lesson: the draft is saved
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HomeScreen"
        assert any(f"Your progress folder {home} was deleted" in message for message in notices())
        assert app.store.saving
    with _reopened(home) as fresh:
        assert [a.passed for a in fresh.attempts("neuron-output")] == [False, True]
        assert fresh.draft("neuron-output") == final_text and final_text.endswith("+bias  # done\n")


async def test_a_failing_write_under_the_app_is_told_at_once(home, monkeypatch):
    from app_support import APP_LESSONS, StandInGrader

    from tutor.app import NNTutorApp

    app = NNTutorApp(lessons_dir=APP_LESSONS, store_dir=home, grader=StandInGrader())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        _fill_the_disk(monkeypatch, app.store)
        app.store.save_draft("neuron-output", "z = 3\n" * 5000)
        await pilot.pause()
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and errors[0].message.startswith("Saving your progress failed (database")
        monkeypatch.undo()
        app.store.record_attempt("neuron-output", True, 1)
        await pilot.pause()
        assert any(n.message.startswith("Saving works again") for n in app._notifications)
    with _reopened(home) as fresh:
        assert fresh.draft("neuron-output") == "z = 3\n" * 5000


def test_a_store_that_cannot_be_read_back_is_never_written_over(home, told):
    store = _open_listening(home, told)
    store.record_attempt("relu", True, 1)
    with _reopened(home) as disk:
        before = disk.statuses()

    class Unreadable:
        """A connection whose writes and copies both fail."""

        def __init__(self, real):
            self.real = real

        def execute(self, sql, *args):
            raise sqlite3.OperationalError("disk I/O error")

        def backup(self, target):
            raise sqlite3.OperationalError("disk I/O error")

        def close(self):
            self.real.close()

    store._db = Unreadable(store._db)
    store.save_draft("step", "typed")
    assert not store.saving and told[-1][0].startswith("Saving your progress failed and the progress file")
    assert store.draft("step") == "typed"  # the session goes on, in memory
    store.record_attempt("step", True, 1)
    store.close()
    assert len(told) == 1
    with _reopened(home) as fresh:
        assert fresh.statuses() == before and fresh.draft("step") is None  # not overwritten by the empty copy


def test_a_version_1_store_gains_the_diagnosis_column_and_keeps_its_attempts(home):
    home.mkdir()
    db = sqlite3.connect(home / STORE_FILENAME)
    store_schema.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO attempts (exercise, time, passed, duration_ms) VALUES ('relu', 0, 0, 3)")
    db.commit()
    db.close()
    with Store.open() as store:
        store.record_attempt("relu", False, 1.0, "Missing keepdims.")
        store.record_attempt("relu", False, 1.0, "Wrong axis.")
        store.record_attempt("relu", False, 1.0, "Missing keepdims.")
        store.record_attempt("step", True, 1.0)
        records = store.records()
    assert records["relu"].attempts == 4
    assert records["relu"].diagnoses == ("Missing keepdims.", "Wrong axis.")
    assert records["step"].diagnoses == ()


def test_two_processes_opening_a_new_store_at_once_both_get_it(home):
    # Two tabs of one learner start together: neither may take the other's half-made file for a
    # corrupt one (the migration reads the schema version again under the write lock).
    import subprocess
    import sys

    code = (
        "import sys; from tutor.store import Store; s = Store.open(sys.argv[1]); "
        "s.record_attempt('relu', True, 1.0); print(s.notice); s.close()"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code, str(home)], stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    outputs = [process.communicate(timeout=60)[0].strip() for process in processes]
    assert outputs == ["None"] * 6
    assert sorted(path.name for path in home.iterdir() if "corrupt" in path.name) == []
    with Store.open() as store:
        assert store.attempts("relu") and len(store.attempts("relu")) == 6
