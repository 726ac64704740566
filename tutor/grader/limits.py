"""The grader's limits and tolerances, in one place: how long a check may run, how much it may use, and
how close a number must be to count as right.

Import-light (no NumPy): the app, the CLI, the lesson loader and the worker all read these.
"""

from __future__ import annotations

# Wall-clock limit of one check, in seconds: the default, and the most a lesson or --timeout may set.
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 120.0
# Checks that need longer than the default, with their own limit: used when neither the lesson nor the
# caller gives one (train-spiral trains the notebook's network for 10001 epochs, 10-20 s).
CHECK_TIMEOUTS: dict[str, float] = {"train-spiral": 60.0}


def check_timeout(check_id: str | None) -> float:
    """The time limit of check ``check_id`` when nobody sets one: its own, else the default."""
    return CHECK_TIMEOUTS.get(check_id or "", DEFAULT_TIMEOUT)


# How long the worker may take to import NumPy, the engine and the checks on a cold start.
STARTUP_TIMEOUT = 60.0
# On top of the check's own time limit: forking, reaping, and the reply.
REPLY_MARGIN = 10.0

# Address space of one check, and how much of the learner's printed output is kept.
MEMORY_LIMIT_BYTES = 1 << 30
OUTPUT_CAP_BYTES = 10 * 1024
# How much of the learner's printed output is passed on line by line while a check runs (the
# ``on_output`` of ``Grader.grade``); after that the lines are only counted, so an endless print loop
# cannot flood the app.
STREAM_CAP_BYTES = 256 * 1024

# Checks compare with np.isclose(received, expected, rtol=RTOL, atol=ATOL): loose enough for float32
# arithmetic, tight enough that a real mistake is far outside.
RTOL = 1e-4
ATOL = 1e-7

# A numeric (quiz) answer counts as right within this absolute difference, unless the lesson sets its own.
DEFAULT_TOLERANCE = 1e-6


def memory_limit_text() -> str:
    """The memory limit in words, for messages: '1 GiB'."""
    gib = MEMORY_LIMIT_BYTES / (1 << 30)
    if gib >= 1:
        return f"{gib:g} GiB"
    return f"{MEMORY_LIMIT_BYTES / (1 << 20):g} MiB"
