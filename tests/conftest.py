"""Shared test setup: every test gets its own empty NNTUTOR_HOME, so no test reads or writes real progress."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def nntutor_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("nntutor-home")
    monkeypatch.setenv("NNTUTOR_HOME", str(home))
    return home
