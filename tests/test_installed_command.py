"""The installed ``nntutor`` command, run from outside the source tree, as a learner runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

NNTUTOR = Path(sys.executable).with_name("nntutor")
pytestmark = pytest.mark.skipif(not NNTUTOR.exists(), reason="the nntutor command is not installed here")


def run(*args, cwd):
    return subprocess.run(
        [str(NNTUTOR), *args], capture_output=True, text=True, cwd=cwd, timeout=120, stdin=subprocess.DEVNULL
    )


def test_the_installed_command_finds_every_lesson(tmp_path):
    result = run("list", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    lessons = listing["lessons"]
    assert [lesson["order"] for lesson in lessons] == list(range(1, 18))
    assert sum(len(lesson["exercises"]) for lesson in lessons) >= 27


def test_help_lists_every_subcommand_and_bad_commands_exit_2(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("check", "list", "validate", "train"):
        assert command in result.stdout
    bad = run("frobnicate", cwd=tmp_path)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
