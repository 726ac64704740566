"""Cheats: learner files that try to pass without a right answer, or to reach outside their check.

Each file in tests/fixtures/cheats/ defines a wrong `relu`; each must fail (not pass, and not crash the
grader) and leave no process, no file outside its temp folder, no change to the store or the lessons.
Guarantees the kernel cannot give on this machine are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import pytest
from grader_support import assert_only_the_grader_runs, marked_environment

from tutor.grader import Grader

CHEATS = Path(__file__).parent / "fixtures" / "cheats"
ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
CHECK_SOURCE = ROOT / "tutor" / "grader" / "checks" / "activations.py"
# Cheats that start a process which acts later: wait that long before looking for what it did.
SETTLE = {"fork_setsid.py": 2.0}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_check_folder(parts: tuple[str, ...]) -> bool:
    """A check's own temp folder below the runner's (the next check's is made in advance)."""
    return len(parts) >= 2 and parts[0].startswith("nntutor-run-") and parts[1].startswith("check-")


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with a hash of its content (checks' own temp folders left out)."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if "__pycache__" in parts or _is_check_folder(parts):
            continue
        digest[str(path.relative_to(folder))] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        )
    return digest


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cheat-home")
    (folder / "progress.sqlite3").write_bytes(b"the store, untouched")
    return folder


@pytest.fixture(scope="module")
def temp_folder(tmp_path_factory) -> Path:
    """The grader's temp folder (TMPDIR): private to this module, so other programs' files do not count."""
    return tmp_path_factory.mktemp("cheat-tmp")


@pytest.fixture(scope="module")
def grader(home, temp_folder):
    saved = {name: os.environ.get(name) for name in ("NNTUTOR_HOME", "TMPDIR")}
    os.environ["NNTUTOR_HOME"] = str(home)  # the worker's store: what a cheat would forge
    os.environ["TMPDIR"] = str(temp_folder)
    try:
        with marked_environment():
            shared = Grader()
            try:
                shared.start()
                yield shared
            finally:
                shared.close()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.parametrize("cheat", sorted(path.name for path in CHEATS.glob("*.py")))
def test_cheat_fails_and_leaves_nothing_behind(grader, home, temp_folder, cheat):
    port = _free_port()
    targets = {
        "home": str(home),
        "lessons": str(LESSONS),
        "checks": str(CHECK_SOURCE),
        "package": str(ROOT / "tutor"),
        "tmp": str(temp_folder),
        "port": port,
    }
    source = f"TARGETS = {targets!r}\n" + (CHEATS / cheat).read_text()
    temp_before = _tree_digest(temp_folder)
    home_before = _tree_digest(home)
    lessons_before = _tree_digest(LESSONS)
    package_before = _tree_digest(ROOT / "tutor")

    result = grader.grade("relu", source, timeout=3)
    time.sleep(SETTLE.get(cheat, 0.0))

    assert not result.passed, result.feedback
    assert "bug in nntutor" not in result.feedback
    assert "Passed" not in result.summary
    assert_only_the_grader_runs(grader)
    with socket.socket() as client, pytest.raises(OSError):
        client.settimeout(0.5)
        client.connect(("127.0.0.1", port))  # nothing listens on the cheat's port
    confinement = grader.confinement
    if not confinement.get("landlock"):
        pytest.skip("this kernel has no Landlock: files outside the temp folder are not protected")
    assert _tree_digest(temp_folder) == temp_before
    assert _tree_digest(home) == home_before
    assert _tree_digest(LESSONS) == lessons_before
    assert _tree_digest(ROOT / "tutor") == package_before
    shown = result.feedback + result.stdout
    assert "@check(" not in shown and "solution:" not in shown and "def relu_check" not in shown


def test_the_learners_process_holds_no_check_and_no_expected_value(grader):
    source = (CHEATS / "array_frame_walk.py").read_text() + (
        "import sys\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tutor', 'engine')))\n"
        "print(any(f.f_globals.get('CHECKS') is not None for f in [sys._getframe()]))\n"
    )
    result = grader.grade("relu", source)
    assert not result.passed
    assert "[]\nFalse" in result.stdout


def test_the_learners_process_has_a_private_empty_folder_and_no_store(grader, home):
    source = (
        "import os\nprint(os.listdir('.'), 'NNTUTOR_HOME' in os.environ, os.environ['HOME'] == os.getcwd())\n"
        "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"
    )
    result = grader.grade("relu", source)
    assert result.passed, result.feedback
    assert "[] False True" in result.stdout


def test_no_network_where_the_kernel_allows_it(grader):
    if not grader.confinement.get("network") and grader.confinement.get("landlock", 0) < 4:
        pytest.skip("no network namespace and no Landlock network rules on this machine")
    source = (
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n    print('online')\n"
        "except OSError:\n    print('offline')\n"
        "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"
    )
    result = grader.grade("relu", source)
    assert result.passed and "offline" in result.stdout


def test_a_learner_exception_still_comes_back_as_a_diagnosis(grader):
    # Exceptions cross as data (type, message, frames): the judge still explains them.
    source = "import math\ndef relu(inputs):\n    return [math.exp(x) * 0 + max(0, x) for x in inputs] + undefined_name\n"
    result = grader.grade("relu", source)
    assert not result.passed
    assert "NameError" in result.feedback
    assert 'File "answer.py", line 3, in relu' in (result.traceback or "")


def test_the_runner_zygote_imports_no_check_no_engine_and_no_grader_api():
    import subprocess
    import sys

    script = (
        "import sys, tutor.grader.runner\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('engine', 'tutor')))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    loaded = output.stdout.strip()
    assert "tutor.grader.runner" in loaded
    for forbidden in ("engine", "tutor.grader.api", "tutor.grader.checks", "tutor.grader.judge"):
        assert f"'{forbidden}" not in loaded


@pytest.mark.parametrize("cheat", ["fork_setsid.py", "popen_new_session.py", "replace_isclose.py"])
def test_without_namespaces_and_landlock_nothing_outlives_the_check(grader, tmp_path, cheat, monkeypatch):
    # The fallback of a kernel without PID namespaces or Landlock: session kill plus the subreaper.
    monkeypatch.setenv("NNTUTOR_GRADER_WITHOUT", "landlock,pidns,netns")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    targets = {"home": str(tmp_path), "tmp": str(tmp_path), "port": _free_port()}
    source = f"TARGETS = {targets!r}\n" + (CHEATS / cheat).read_text()
    with marked_environment():
        fallback = Grader()
        try:
            assert fallback.confinement == {
                "landlock": 0,
                "network": "",
                "pid_namespace": False,
                "subreaper": True,
            }
            result = fallback.grade("relu", source, timeout=3)
            time.sleep(SETTLE.get(cheat, 0.0))
            assert not result.passed
            assert "bug in nntutor" not in result.feedback
            assert_only_the_grader_runs(fallback, others=[grader])
            assert not (tmp_path / "daemon-was-here.txt").exists()  # the daemon was gone before it wrote
        finally:
            fallback.close()
