"""Where nntutor keeps its files.

Per-user data (the progress store) lives in platformdirs' user data dir unless the
``NNTUTOR_HOME`` environment variable names another folder (the tests use it).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# lessons/ sits beside tutor/ both in a source checkout and in site-packages
# (the wheel ships it as a top-level folder).
LESSONS_DIR = PACKAGE_DIR.parent / "lessons"


def data_dir() -> Path:
    """The folder for the learner's progress store (not created here)."""
    override = os.environ.get("NNTUTOR_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("nntutor", appauthor=False))


def cache_dir() -> Path:
    """The folder for what nntutor can always rebuild (the parsed lessons): ``cache`` inside
    ``NNTUTOR_HOME`` when that is set, else platformdirs' user cache dir (not created here)."""
    override = os.environ.get("NNTUTOR_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nntutor", appauthor=False))
