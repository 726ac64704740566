"""The progress store: statuses, drafts, durability, corrupt and read-only stores, migrations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tutor import store as store_module
from tutor.store import SCHEMA_VERSION, STORE_FILENAME, Status, Store


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
        store_module.os, "access", lambda path, mode: False if Path(path) == home else real_access(path, mode)
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
    store_module.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO attempts (exercise, time, passed, duration_ms) VALUES ('relu', 0, 1, 3)")
    db.commit()
    db.close()

    def add_notes(connection):
        connection.execute("CREATE TABLE notes (exercise TEXT PRIMARY KEY, text TEXT)")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, add_notes])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    with Store.open() as store:
        assert store.notice is None
        assert store.status("relu") is Status.PASSED
    db = sqlite3.connect(home / STORE_FILENAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_a_failing_migration_leaves_the_store_as_it_was(home, monkeypatch):
    Store.open().close()

    def broken(connection):
        connection.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("migration bug")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, broken])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    with pytest.raises(sqlite3.OperationalError):
        store_module._migrate(sqlite3.connect(home / STORE_FILENAME, isolation_level=None))
    db = sqlite3.connect(home / STORE_FILENAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_store_from_a_newer_nntutor_is_left_untouched(home):
    home.mkdir()
    db = sqlite3.connect(home / STORE_FILENAME)
    store_module.MIGRATIONS[0](db)
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
