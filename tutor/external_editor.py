"""The learner's own text editor: which one to run, and editing a text in it through a file.

``editor_command()`` reads ``$VISUAL``, then ``$EDITOR`` (either may carry arguments, e.g.
``code --wait``), then falls back to the usual terminal editors; ``edit_text(text, filename)`` writes the
text to a private temporary file, runs the editor on it, waits for it and returns what was saved.
Nothing here knows about Textual: the app suspends itself around ``edit_text``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Tried in this order when neither $VISUAL nor $EDITOR names an editor that can be run.
FALLBACK_EDITORS = ("notepad",) if sys.platform == "win32" else ("editor", "nano", "vim", "vi")
MAX_EDITED_BYTES = 1 << 20  # the same cap as `nntutor check` puts on a learner's file


class EditorError(Exception):
    """No editor could be run, or it failed: the message is one line for the learner."""


def editor_command(environ: dict[str, str] | None = None) -> list[str]:
    """The editor to run, as an argument list (the file name is appended to it)."""
    environ = dict(os.environ) if environ is None else environ
    tried: list[str] = []
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if not value:
            continue
        try:
            argv = shlex.split(value)
        except ValueError:
            tried.append(f"${variable} ({value!r} cannot be parsed)")
            continue
        if argv and shutil.which(argv[0], path=environ.get("PATH")):
            return argv
        tried.append(f"${variable}={value}")
    for name in FALLBACK_EDITORS:
        if shutil.which(name, path=environ.get("PATH")):
            return [name]
    tried.append(", ".join(FALLBACK_EDITORS))
    raise EditorError(
        f"No editor found (tried {'; '.join(tried)}): set $EDITOR, e.g. `export EDITOR=nano`, and try again."
    )


def edit_text(text: str, filename: str, *, command: list[str] | None = None) -> str:
    """Open ``text`` in the editor as a file called ``filename``; return the text saved when the editor
    exits. Raises EditorError when the editor cannot run, fails, or leaves a file that cannot be read."""
    argv = editor_command() if command is None else command
    with tempfile.TemporaryDirectory(prefix="nntutor-edit-") as folder:
        path = Path(folder) / filename
        path.write_text(text, encoding="utf-8")
        try:
            completed = subprocess.run([*argv, str(path)], check=False)
        except OSError as error:
            raise EditorError(f"Could not run the editor {argv[0]}: {error.strerror or error}.") from None
        if completed.returncode != 0:
            raise EditorError(
                f"The editor {argv[0]} exited with status {completed.returncode}: your code is unchanged."
            )
        try:
            if path.stat().st_size > MAX_EDITED_BYTES:
                raise EditorError("The edited file is bigger than 1 MB: your code is unchanged.")
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise EditorError("The editor deleted the file: your code is unchanged.") from None
        except UnicodeDecodeError:
            raise EditorError("The edited file is not UTF-8 text: your code is unchanged.") from None
        except OSError as error:
            raise EditorError(f"Could not read the edited file: {error.strerror or error}.") from None
