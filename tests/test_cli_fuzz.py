"""Every subcommand over bad values of every flag and argument: one line, exit 2, no traceback, no hang.

Most cases call ``tutor.cli.main`` in-process (fast), under a SIGALRM hang guard; cases where a real
process matters (a FIFO, a device) run ``python -m tutor`` with a generous timeout. The guards are
there to turn a hang into a failure; they are not speed assertions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cli import main

HANG_GUARD_SECONDS = 60
FIXTURES = Path(__file__).parent / "fixtures"
GOOD_ANSWER = "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"


# ---------------------------------------------------------------------------------------- running


class Hung(Exception):
    pass


def run_in_process(args: list[str], capsys) -> tuple[int, str, str]:
    """``main(args)`` -> (exit status, stdout, stderr); SystemExit from argparse counts as an exit."""

    def hung(signum, frame):
        raise Hung(f"nntutor {' '.join(args)[:200]} still running after {HANG_GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        try:
            code = main(args)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return code, out, err


def run_process(args: list[str], env: dict | None = None) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    return result.returncode, result.stdout, result.stderr


def assert_one_line_usage_error(code: int, out: str, err: str, args) -> None:
    assert code == 2, (args, code, out[-500:], err[-500:])
    assert "Traceback" not in err and "Traceback" not in out
    assert err.endswith("\n") and err.count("\n") == 1, (args, err)
    assert len(err) < 400, (args, err)  # a long path is cut, not printed whole


# ----------------------------------------------------------------------------------- bad paths


def _fifo(tmp: Path) -> str:
    path = tmp / "pipe.md"
    os.mkfifo(path)
    return str(path)


def _sparse(tmp: Path, name: str, size: int) -> str:
    path = tmp / name
    with open(path, "wb") as file:
        file.truncate(size)  # sparse: no disk space, and nothing may read it anyway
    return str(path)


def _unreadable(tmp: Path, name: str, folder: bool) -> str:
    if os.geteuid() == 0:
        pytest.skip("root reads everything, so chmod cannot make a path unreadable")
    path = tmp / name
    if folder:
        path.mkdir()
        (path / "01-a.md").write_text("x")
    else:
        path.write_text(GOOD_ANSWER)
    path.chmod(0)
    return str(path)


def _loop(tmp: Path) -> str:
    (tmp / "loop").symlink_to(tmp / "loop")
    return str(tmp / "loop")


def _zero_link(tmp: Path) -> str:
    (tmp / "zero.md").symlink_to("/dev/zero")
    return str(tmp / "zero.md")


def _through_a_file(tmp: Path) -> str:
    (tmp / "plain.py").write_text(GOOD_ANSWER)
    return str(tmp / "plain.py" / "inside.md")


def _empty_folder(tmp: Path) -> str:
    (tmp / "empty").mkdir()
    return str(tmp / "empty")


# name -> (make the path, needs a real process)
BAD_PATHS: dict[str, tuple[Callable[[Path], str], bool]] = {
    "empty string": (lambda tmp: "", False),
    "missing": (lambda tmp: str(tmp / "missing.md"), False),
    "name too long": (lambda tmp: str(tmp / ("n" * 300 + ".md")), False),
    "path too long": (lambda tmp: "/".join(["d" * 200] * 30) + ".md", False),
    "through a file": (_through_a_file, False),
    "symlink loop": (_loop, False),
    "newline in the name": (lambda tmp: str(tmp / "a\nb.md"), False),
    "/dev/zero": (lambda tmp: "/dev/zero", True),
    "/dev/null": (lambda tmp: "/dev/null", True),
    "link to /dev/zero": (_zero_link, True),
    "FIFO": (_fifo, True),
    "unreadable file": (lambda tmp: _unreadable(tmp, "secret.md", folder=False), False),
    "unreadable folder": (lambda tmp: _unreadable(tmp, "locked", folder=True), False),
}
# Bad for a learner's file (check) and a lesson file (validate), but not for a folder (list, validate).
BAD_FILES = {
    **BAD_PATHS,
    "a folder": (lambda tmp: str(tmp), False),
    "answer over 1 MB": (lambda tmp: _sparse(tmp, "big.py", (1 << 20) + 1), False),
}
BAD_LESSON_PATHS = {
    **BAD_PATHS,
    "lesson over 10 MB": (lambda tmp: _sparse(tmp, "big.md", (10 << 20) + 1), False),
    "not a .md file": (lambda tmp: _sparse(tmp, "notes.txt", 10), False),
    "folder without lessons": (_empty_folder, False),
}
BAD_FOLDERS = {
    **BAD_PATHS,
    "a lesson file": (lambda tmp: _sparse(tmp, "01-a.md", 10), False),
}


def _read_only_folder(tmp: Path) -> str:
    if os.geteuid() == 0:
        pytest.skip("root writes everywhere, so chmod cannot make a folder read-only")
    path = tmp / "read-only"
    path.mkdir()
    path.chmod(0o555)
    return str(path)


# A workspace folder that is missing is created, so "missing" and an odd but valid name are not bad.
BAD_WORKSPACES = {
    **{name: case for name, case in BAD_PATHS.items() if name not in ("missing", "newline in the name")},
    "a file": (lambda tmp: _sparse(tmp, "plain.py", 10), False),
    "read-only folder": (_read_only_folder, False),
    "inside a read-only folder": (lambda tmp: _read_only_folder(tmp) + "/ws", False),
}

# subcommand arguments with {} where the path goes, and the bad paths that apply
PATH_COMMANDS = [
    (["check", "relu", "{}"], BAD_FILES),
    (["check", "relu", "{}", "--json"], BAD_FILES),
    (["validate", "{}"], BAD_LESSON_PATHS),
    (["validate", "--no-grade", "{}"], BAD_LESSON_PATHS),
    (["list", "--lessons", "{}"], BAD_FOLDERS),
    (["list", "--json", "--lessons", "{}"], BAD_FOLDERS),
    (["watch", "--dir", "{}"], BAD_WORKSPACES),
]
PATH_CASES = [
    pytest.param(command, name, make, real_process, id=f"{' '.join(command)}|{name}")
    for command, bad in PATH_COMMANDS
    for name, (make, real_process) in bad.items()
]


@pytest.mark.parametrize("command, name, make, real_process", PATH_CASES)
def test_a_bad_path_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, command, name, make, real_process):
    monkeypatch.chdir(tmp_path)  # a relative path that were created by mistake lands here
    path = make(tmp_path)
    args = [path if part == "{}" else part for part in command]
    if real_process:
        code, out, err = run_process(args)
    else:
        code, out, err = run_in_process(args, capsys)
    assert_one_line_usage_error(code, out, err, args)


# ----------------------------------------------------------------------------- bad flag values

ANSWER = "{answer}"  # replaced by a good answer file, so only the flag under test is wrong

BAD_FLAGS = {
    "app": [
        ["--bogus"],
        ["-x"],
        ["--version=1"],
        ["bogus"],
        [""],
        ["\x1b[31m"],
        ["--help=yes"],
    ],
    "check": [
        ["check"],
        ["check", "relu"],
        ["check", "relu", ANSWER, "extra"],
        ["check", "relu", ANSWER, "--bogus"],
        ["check", "", ANSWER],
        ["check", "no-such-exercise", ANSWER],
        ["check", "x" * 100_000, ANSWER],
        ["check", "relu\nline two", ANSWER],
        ["check", "../../etc/passwd", ANSWER],
        ["check", "relu\x00", ANSWER],
        *(
            ["check", "relu", ANSWER, "--timeout", value]
            for value in ["nan", "inf", "-inf", "-1", "0", "121", "1e999", "soon", "", "0x10"]
        ),
        ["check", "relu", ANSWER, "--timeout"],
        ["check", "relu", ANSWER, "--record=yes"],
    ],
    "watch": [
        ["watch", "extra"],
        ["watch", "--dir"],
        ["watch", "--dir", ""],
        ["watch", "--bogus"],
    ],
    "progress": [
        ["progress", "--json", "--csv"],
        ["progress", "extra"],
        ["progress", "--bogus"],
        ["progress", "--json=1"],
    ],
    "reset": [
        ["reset"],
        ["reset", "--yes"],
        ["reset", "relu", "--all", "--yes"],
        ["reset", "a", "b"],
        ["reset", "--bogus"],
        ["reset", "rellu", "--yes"],
        ["reset", "", "--yes"],
        ["reset", "x" * 100_000, "--yes"],
        ["reset", "relu\nline two", "--yes"],
        ["reset", "relu\x00", "--yes"],
        ["reset", "\x1b[31m", "--yes"],
        ["reset", "relu"],  # no terminal and no --yes
        ["reset", "--all"],
        ["reset", "--yes=no", "relu"],
    ],
    "validate": [
        ["validate", "--checks", "lessons"],
        ["validate", "a", "b"],
        ["validate", "--bogus"],
    ],
    "list": [
        ["list", "extra"],
        ["list", "--lessons"],
        ["list", "--bogus"],
    ],
    "train": [
        ["train", "--bogus"],
        ["train", "--plot", "--json"],
        *(["train", "--dataset", value] for value in ["moons", "", "SPIRAL"]),
        *(
            ["train", "--samples", value]
            for value in ["0", "-1", "100001", str(10**30), "1.5", "nan", "x", ""]
        ),
        *(["train", "--classes", value] for value in ["0", "1", "21", str(10**9), "x", "3.0"]),
        *(
            ["train", "--hidden", value]
            for value in ["", ",", "0", "-1", "4097", ",".join(["1"] * 11), "64,x", "1e3", "9" * 30]
        ),
        *(["train", "--activation", value] for value in ["tanh", "", "step"]),
        *(["train", "--optimizer", value] for value in ["adamw", "", "SGD"]),
        *(["train", "--lr", value] for value in ["0", "-1", "nan", "inf", "-inf", "x", ""]),
        *(["train", "--decay", value] for value in ["-1", "nan", "inf", "-inf", "x", "1e999"]),
        *(["train", "--momentum", value] for value in ["-0.1", "1", "1.5", "nan", "inf", "x"]),
        *(["train", "--beta1", value] for value in ["-0.1", "1", "nan", "inf", "x"]),
        *(["train", "--beta2", value] for value in ["-0.1", "1", "nan", "inf", "x"]),
        *(["train", "--epochs", value] for value in ["0", "-1", "1000001", str(10**30), "1e3", "x"]),
        *(["train", "--seed", value] for value in ["-1", str(2**32), str(10**30), "x", "0.5"]),
        *(["train", "--every", value] for value in ["-1", "x", "1.5"]),
        # Within every single bound, but too big for memory together:
        ["train", "--samples", "100000", "--classes", "20"],
        ["train", "--hidden", "4096,4096,4096"],
        ["train", "--samples", "100000", "--hidden", "4096"],
    ],
}
FLAG_CASES = [
    pytest.param(args, id=f"{command}|{' '.join(args)[:60]!r}")
    for command, cases in BAD_FLAGS.items()
    for args in cases
]


@pytest.mark.parametrize("args", FLAG_CASES)
def test_a_bad_flag_value_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, args):
    answer = tmp_path / "answer.py"
    answer.write_text(GOOD_ANSWER)
    args = [str(answer) if part == ANSWER else part for part in args]
    # No start-up on a terminal: were the app to start by mistake, it would fail, not hang.
    monkeypatch.setattr("tutor.app.run_app", lambda: pytest.fail("the app started"), raising=False)
    code, out, err = run_in_process(args, capsys)
    assert_one_line_usage_error(code, out, err, args)


def test_a_memory_refusal_says_how_much_and_what_to_change(capsys):
    code, _, err = run_in_process(["train", "--samples", "100000", "--classes", "20"], capsys)
    assert code == 2
    assert "--samples is too big" in err and "GiB of memory" in err and "1 GiB limit" in err


def test_plot_counts_the_decision_regions_in_the_memory_estimate(capsys, monkeypatch):
    # 4096,4096 trains within the limit; predicting a 400x200 grid through it would not fit too.
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("LINES", "300")
    code, _, err = run_in_process(["train", "--hidden", "4096,4096", "--plot"], capsys)
    assert code == 2 and err.startswith("nntutor train: error: --plot would need about") and "GiB" in err


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_an_infinite_or_nan_decay_is_a_decay_error(capsys, value):
    code, _, err = run_in_process(["train", "--decay", value], capsys)
    assert code == 2 and err.startswith("nntutor train: error: --decay must be")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["train", "--help"], ["check", "--help"]])
def test_version_and_help_exit_0_without_starting_the_app(capsys, args):
    code, out, err = run_in_process(args, capsys)
    assert code == 0 and out and not err


# ------------------------------------------------------------------------------- --plot's size


@pytest.mark.parametrize(
    "columns, lines",
    [("99999999999", "99999999999"), ("1", "1"), ("-5", "-5"), ("abc", "1e9"), ("0", "0")],
)
def test_plot_clamps_absurd_terminal_sizes(capsys, monkeypatch, columns, lines):
    from tutor.commands.train import MAX_PLOT_SIZE

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("LINES", lines)
    code, out, err = run_in_process(["train", "--epochs", "2", "--every", "0", "--plot"], capsys)
    assert code == 0, err
    drawing = out.splitlines()[1:]  # after the final log line
    assert 16 <= len(drawing) <= MAX_PLOT_SIZE[1]
    assert max(len(line) for line in drawing) <= MAX_PLOT_SIZE[0]


# ------------------------------------------------------------- lessons folders with odd contents


def test_a_folder_with_a_fifo_and_a_huge_lesson_neither_hangs_nor_reads_it(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    for lesson in (FIXTURES / "valid_lessons").glob("*.md"):
        (folder / lesson.name).write_text(lesson.read_text())
    os.mkfifo(folder / "03-pipe.md")
    _sparse(folder, "04-huge.md", (10 << 20) + 1)
    code, out, err = run_process(["validate", "--no-grade", str(folder)])
    assert code == 1 and "Traceback" not in err
    assert "04-huge.md:1: the file is 10.5 MB; a lesson may be at most 1 MB" in out
    assert "03-pipe" not in out
    code, out, err = run_process(["list", "--lessons", str(folder)])
    assert code == 0 and "Traceback" not in err and "a lesson may be at most 1 MB" in out


# --------------------------------------------------------------------- property-based checks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flag=st.sampled_from(
        [
            "--samples",
            "--classes",
            "--hidden",
            "--lr",
            "--decay",
            "--momentum",
            "--beta1",
            "--beta2",
            "--epochs",
            "--seed",
            "--every",
        ]
    ),
    value=st.one_of(
        st.text(max_size=40),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.lists(st.integers(-10, 10**6), min_size=1, max_size=14).map(lambda xs: ",".join(map(str, xs))),
    ),
)
def test_any_train_flag_value_is_refused_in_one_line_or_accepted_within_bounds(flag, value):
    """Parsing and checking only (no training): whatever the value, argparse or the checks refuse it
    with a one-line usage error, or the run it describes is within every bound."""
    import argparse

    from tutor.cli import build_parser
    from tutor.commands import UsageError
    from tutor.commands.train import _config_from
    from tutor.training_config import MAX_EPOCHS, MEMORY_LIMIT

    try:
        args = build_parser("train").parse_args(["train", f"{flag}={value}"])
    except SystemExit as exit_:
        assert exit_.code == 2
        return
    assert isinstance(args, argparse.Namespace)
    try:
        config = _config_from(args)
    except UsageError as error:
        assert "\n" not in str(error)
        return
    assert config.memory_estimate() <= MEMORY_LIMIT and 0 < config.epochs <= MAX_EPOCHS


@settings(max_examples=150, deadline=None)
@given(path=st.text(max_size=300))
def test_any_typed_path_is_read_or_refused_with_a_usage_error(path):
    from tutor.commands import UsageError
    from tutor.commands.inputs import lesson_path, read_file, readable_folder

    for check in (
        lambda: read_file(path, cap=1 << 20, kind="a Python file"),
        lambda: lesson_path(path, max_bytes=10 << 20),
        lambda: readable_folder(path),
    ):
        try:
            check()
        except UsageError as error:
            assert "\n" not in str(error)
