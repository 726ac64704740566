"""Shared test setup: every test gets its own empty NNTUTOR_HOME, so no test reads or writes real progress;
the tests that train networks carry the ``trains`` marker."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def nntutor_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("nntutor-home")
    monkeypatch.setenv("NNTUTOR_HOME", str(home))
    return home


# The test modules that train networks or draw what a trained network learned. float32 results differ
# between CPUs (OpenBLAS picks its kernels per CPU), so these must hold on any kernel: .ci/run runs them
# a second time with OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=1 (`pytest -m trains`).
TRAINING_MODULES = frozenset(
    {
        "test_engine_gradients",
        "test_engine_properties",
        "test_train_cli",
        "test_playground",
        "test_playground_snapshot",
        "test_plotting",
        "test_plot_widgets",
        "test_lesson_content",
        "test_app_lessons",
        "test_app_snapshots",
        "test_train_settings",
        "test_checkpoints",
        "test_playground_settings",
        "test_tmux_train",
        "test_tmux_playground",
        "test_own_run",
        "test_own_network_real",
        "test_tmux_own_network",
        "test_lessons_book_a",
        "test_lesson_content_book_b",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rpartition(".")[2] in TRAINING_MODULES:
            item.add_marker(pytest.mark.trains)
