"""The sandbox: every way learner code can die becomes a clear failure, the next check still passes,
and no process is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from grader_support import alive, assert_only_the_grader_runs, marked_environment, processes_with_marker

from tutor.grader import Grader, check_ids, has_check

GOOD_RELU = "def relu(inputs):\n    return [max(0, x) for x in inputs]\n"


@pytest.fixture(scope="module")
def grader():
    with marked_environment():
        shared = Grader()
        try:
            yield shared
        finally:
            shared.close()
    deadline = time.monotonic() + 5
    while processes_with_marker() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with_marker() == set(), "grader processes outlived close()"


@pytest.fixture
def checked(grader):
    """After each fault, a normal check must pass and only the worker and its runner may be running."""
    yield grader
    result = grader.grade("relu", GOOD_RELU)
    assert result.passed, result.feedback
    assert_only_the_grader_runs(grader)


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_infinite_loop_is_stopped_at_the_time_limit(checked):
    started = time.monotonic()
    result = checked.grade("relu", "x = 0\nwhile True:\n    x += 1\n", timeout=1)
    assert time.monotonic() - started < 4
    assert not result.passed
    assert "still running after 1 s" in result.summary
    assert "line 2" in result.feedback or "line 3" in result.feedback  # where it was looping


def test_infinite_loop_inside_the_function_names_the_case(checked):
    source = "def relu(inputs):\n    while True:\n        pass\n"
    result = checked.grade("relu", source, timeout=1)
    assert not result.passed
    assert "while checking the case" in result.feedback
    assert "line 2" in result.feedback or "line 3" in result.feedback


def test_an_exercise_may_allow_more_time(checked):
    source = "import time\ntime.sleep(1.2)\n" + GOOD_RELU
    assert checked.grade("relu", source, timeout=3).passed
    assert not checked.grade("relu", source, timeout=0.6).passed


def test_memory_exhaustion(checked):
    source = code("""
        chunks = []
        while True:
            chunks.append(bytearray(200 * 1024 * 1024))
    """)
    # Filling the 1 GB the grader allows takes 0.5-4 s here, depending on the kernel's mood: the
    # time limit is raised so that what is tested is the memory limit, not the clock.
    result = checked.grade("relu", source, timeout=30)
    assert not result.passed
    assert "MemoryError" in result.summary
    assert "more memory than the grader allows" in result.feedback


def test_a_huge_array_is_refused_too(checked):
    result = checked.grade("relu", "import numpy as np\nbig = np.ones((30000, 30000))\n")
    assert not result.passed
    assert "memory" in result.feedback


def test_huge_output_is_capped_and_counted(checked):
    source = "for _ in range(5000):\n    print('x' * 1000)\n" + GOOD_RELU
    result = checked.grade("relu", source)
    assert result.passed  # printing is allowed; it is only capped
    assert len(result.stdout) < 12 * 1024
    assert "more bytes of output not shown" in result.stdout
    assert "[... " in result.feedback


def test_endless_printing_is_stopped(checked):
    result = checked.grade("relu", "while True:\n    print('spam')\n", timeout=1)
    assert not result.passed
    assert "still running" in result.summary
    assert "printed" in result.feedback
    assert len(result.stdout) < 12 * 1024


def test_sys_exit(checked):
    result = checked.grade("relu", "import sys\nsys.exit(3)\n")
    assert not result.passed
    assert "sys.exit(3)" in result.summary


def test_sys_exit_inside_the_function(checked):
    result = checked.grade("relu", "import sys\ndef relu(inputs):\n    sys.exit()\n")
    assert not result.passed
    assert "sys.exit" in result.feedback


def test_os_exit(checked):
    result = checked.grade("relu", "import os\nprint('leaving')\nos._exit(4)\n")
    assert not result.passed
    assert "ended the process" in result.summary
    assert "os._exit()" in result.feedback
    assert "leaving" in result.stdout  # output before the exit is kept


def test_segfault(checked):
    result = checked.grade("relu", "import ctypes\n\nctypes.string_at(0)\n")
    assert not result.passed
    assert "segmentation fault" in result.summary
    assert "line 3" in result.feedback


def test_infinite_recursion(checked):
    result = checked.grade("relu", "def relu(inputs):\n    return relu(inputs)\n")
    assert not result.passed
    assert "RecursionError" in result.summary
    assert "infinite recursion" in result.feedback
    assert 'File "answer.py", line 2, in relu' in result.traceback
    assert "Previous line repeated" in result.traceback


def test_input_reads_nothing(checked):
    started = time.monotonic()
    result = checked.grade("relu", "n = input('How many? ')\n")
    assert time.monotonic() - started < 3  # it did not wait for a keyboard
    assert not result.passed
    assert "input()" in result.feedback


def test_exception_at_import_time_shows_the_learners_traceback(checked):
    source = "import numpy as np\n\nvalues = np.array([1, 2])\nboom = values[5]\n"
    result = checked.grade("relu", source, filename="mine.py")
    assert not result.passed
    assert "IndexError on line 4" in result.summary
    assert result.traceback.startswith("Traceback (most recent call last):")
    assert 'File "mine.py", line 4, in <module>' in result.traceback
    assert "boom = values[5]" in result.traceback
    assert "sandbox.py" not in result.traceback and "grader" not in result.traceback


def test_syntax_error_shows_the_line_and_a_caret(checked):
    result = checked.grade("relu", "def relu(inputs)\n    return inputs\n")
    assert not result.passed
    assert "syntax error on line 1" in result.summary
    assert "def relu(inputs)" in result.feedback
    caret_line = result.feedback.splitlines()[result.feedback.splitlines().index("    def relu(inputs)") + 1]
    assert caret_line.strip() == "^"


@pytest.mark.parametrize(
    "statement",
    [
        "import engine",
        "from engine.activations import relu",
        "import tutor.grader",
        "import importlib\nrelu = importlib.import_module('engine.activations').relu",
        "__import__('engine')",
    ],
)
def test_importing_the_project_is_refused(checked, statement):
    result = checked.grade("relu", statement + "\n")
    assert not result.passed
    assert "write this part yourself" in result.feedback.lower()


def test_numpy_and_math_are_allowed(checked):
    source = (
        "import math\nimport numpy as np\ndef relu(inputs):\n    return np.maximum(0, inputs) * math.cos(0)\n"
    )
    assert checked.grade("relu", source).passed


def test_learner_code_cannot_kill_the_grader(grader):
    grader.start()
    worker = grader.worker_pid
    source = "import os, signal\nfor pid in (os.getppid(), os.getpid() - 1, 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
    result = grader.grade("relu", source, timeout=2)
    assert not result.passed
    assert grader.worker_pid == worker and alive(worker)
    assert grader.grade("relu", GOOD_RELU).passed


def test_a_killed_worker_is_replaced(grader):
    grader.start()
    os.kill(grader.worker_pid, 9)
    time.sleep(0.1)
    assert grader.grade("relu", GOOD_RELU).passed  # a new worker started


def test_grandchildren_are_killed(checked):
    source = (
        code("""
        import os, time
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    """)
        + GOOD_RELU
    )
    result = checked.grade("relu", source, timeout=2)
    assert result.passed  # the forked process is killed with the check's process group


def test_files_written_by_learner_code_land_in_a_scratch_folder(checked, tmp_path):
    source = "open('scratch.txt', 'w').write('x')\n" + GOOD_RELU
    before = set(Path.cwd().iterdir())
    assert checked.grade("relu", source).passed
    assert set(Path.cwd().iterdir()) == before


def test_the_worker_exits_when_its_parent_dies(tmp_path):
    script = code("""
        import os, sys
        from tutor.grader import Grader
        grader = Grader()
        grader.start()
        print(grader.worker_pid, flush=True)
        os._exit(0)  # no clean-up: as if the app crashed
    """)
    output = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NNTUTOR_HOME": str(tmp_path)},
    )
    worker = int(output.stdout.strip())
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)


def test_close_stops_the_worker_and_a_closed_grader_restarts_on_demand():
    grader = Grader()
    try:
        assert grader.grade("relu", GOOD_RELU).passed
        first = grader.worker_pid
        grader.close()
        assert grader.worker_pid is None
        assert not alive(first)
        assert grader.grade("relu", GOOD_RELU).passed
        assert grader.worker_pid not in (None, first)
    finally:
        grader.close()


def test_unknown_check_and_bad_timeout_are_errors(grader):
    with pytest.raises(ValueError, match="did you mean relu"):
        grader.grade("relux", GOOD_RELU)
    with pytest.raises(ValueError, match="timeout"):
        grader.grade("relu", GOOD_RELU, timeout=0)


def test_check_ids_start_no_process_and_import_no_numpy():
    script = (
        "import sys\nfrom tutor.grader import check_ids, has_check\n"
        "ids = check_ids()\nassert has_check('relu') and not has_check('nope')\n"
        "print(len(ids), 'numpy' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    count, numpy_loaded = output.stdout.split()
    assert int(count) >= 19
    assert numpy_loaded == "False"


def test_registered_ids_match_the_worker(grader):
    # The app reads ids from the source; the worker registers them by import: they must agree.
    import importlib

    from tutor.grader.api import CHECKS
    from tutor.grader.registry import check_modules

    for module in check_modules():
        importlib.import_module(module)
    assert sorted(CHECKS) == check_ids()
    assert all(has_check(check_id) for check_id in CHECKS)


def test_result_json_has_the_documented_fields(grader):
    data = grader.grade("relu", GOOD_RELU).to_json()
    assert {"exercise", "passed", "summary", "cases", "stdout", "duration_ms"} <= set(data)
    assert data["exercise"] == "relu" and data["passed"] is True
    assert all(set(case) == {"name", "passed", "message"} for case in data["cases"])


def test_one_dimensional_exercises_are_called_with_lists_and_with_arrays(grader):
    source = code("""
        def relu(inputs):
            print(type(inputs).__name__)
            return [max(0, x) for x in inputs]
    """)
    result = grader.grade("relu", source)
    assert result.passed
    assert {"list", "ndarray"} <= set(result.stdout.split())


def test_concurrent_grades_from_threads_each_get_their_own_result(grader):
    from concurrent.futures import ThreadPoolExecutor

    sources = [GOOD_RELU, "def relu(inputs):\n    return inputs\n"] * 3
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda text: grader.grade("relu", text), sources))
    assert [result.passed for result in results] == [True, False] * 3


def test_a_check_reaches_a_learners_object_by_handle():
    # The next lessons grade classes across several calls: construct, call methods, read attributes.
    import numpy as np

    from tutor.grader.api import Submission
    from tutor.grader.sandbox import Runner
    from tutor.grader.wire import LearnerObject

    source = code("""
        import numpy as np
        class Layer:
            def __init__(self, n):
                self.weights = np.ones((2, n))
            def forward(self, inputs):
                self.output = np.dot(inputs, self.weights)
                return self.output
    """)
    runner = Runner()
    try:
        learner = runner.launch(5.0)
        assert learner.request({"op": "exec", "source": source, "filename": "answer.py", "timeout": 5.0})[
            "ok"
        ]
        submission = Submission("layer", learner, "answer.py", np.random.default_rng(0), {"Layer": None})
        layer = submission.function("Layer", "n")(3)
        assert isinstance(layer, LearnerObject) and layer.type_name == "Layer"
        forward = submission.method(layer, "forward", "inputs")
        assert np.array_equal(forward(np.array([[1.0, 2.0]])), [[3.0, 3.0, 3.0]])
        assert np.array_equal(submission.attribute(layer, "output"), [[3.0, 3.0, 3.0]])
        assert submission.attribute(layer, "missing") is None
        learner.close()
    finally:
        runner.stop()
