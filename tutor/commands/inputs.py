"""Files and folders named on the command line, checked before anything reads them.

A path a learner types can be anything: empty, too long for the OS, unreadable, a FIFO (reading it
blocks until someone writes), a device such as ``/dev/zero`` (it never ends), a folder, or a huge file.
Each is turned into a one-line ``UsageError`` here. The file type is checked with ``stat`` first, the
file is opened non-blocking, and at most ``cap + 1`` bytes are ever read, so nothing hangs and nothing
reads without bound.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tutor.commands import UsageError

MAX_ANSWER_BYTES = 1 << 20  # a learner's Python file: 1 MiB is ~20,000 lines
_SHOWN_LENGTH = 80  # characters of a path shown in an error; a longer one is cut


def shown(path_text: str) -> str:
    """``path_text`` fit for a one-line message: control characters escaped, long paths cut."""
    text = path_text if path_text.isprintable() else repr(path_text)[1:-1]
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 3] + "..."
    return text


def size_text(size: int) -> str:
    """1 MB, 10 MB: a cap as a learner reads it."""
    return f"{size / (1 << 20):g} MB"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_problem(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long for this system"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or str(error)


def stat_path(path_text: str, missing: str = "no such file or folder") -> os.stat_result:
    """``os.stat`` of a typed path, or a UsageError that says what is wrong with it."""
    if not path_text:
        raise UsageError("the path is empty")
    try:
        return os.stat(path_text)
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"{missing}: {shown(path_text)}") from None
    except ValueError:  # a NUL character: no file has that name
        raise UsageError(f"{missing}: {shown(path_text)}") from None
    except OSError as error:
        raise UsageError(f"cannot read {shown(path_text)}: {_os_problem(error)}") from None


def _open_regular(path_text: str, *, cap: int, kind: str, missing: str) -> int:
    """An open descriptor on the regular file ``path_text`` of at most ``cap`` bytes (by its size)."""
    mode = stat_path(path_text, missing).st_mode
    if stat.S_ISDIR(mode):
        raise UsageError(f"{shown(path_text)} is a folder, not {kind}")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{shown(path_text)} is {_file_kind(mode)}, not {kind}")
    try:
        # Non-blocking: should the path have become a FIFO since the stat, opening it does not wait.
        descriptor = os.open(path_text, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UsageError(f"cannot read {shown(path_text)}: {_os_problem(error)}") from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise UsageError(f"{shown(path_text)} is {_file_kind(opened.st_mode)}, not {kind}")
        if opened.st_size > cap:
            raise _too_big(path_text, cap, kind)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _too_big(path_text: str, cap: int, kind: str) -> UsageError:
    return UsageError(f"{shown(path_text)} is bigger than {size_text(cap)}, too big for {kind}")


def read_file(path_text: str, *, cap: int, kind: str, missing: str = "no such file") -> bytes:
    """The bytes of the regular file ``path_text``, at most ``cap`` of them (more is a UsageError);
    ``kind`` names what the file should be, for messages ("a Python file")."""
    descriptor = _open_regular(path_text, cap=cap, kind=kind, missing=missing)
    chunks = []
    remaining = cap + 1  # one byte more than allowed tells a file that grew since its stat
    try:
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise UsageError(f"cannot read {shown(path_text)}: {_os_problem(error)}") from None
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise _too_big(path_text, cap, kind)
    return b"".join(chunks)


def readable_folder(path_text: str, *, missing: str = "no such folder", kind: str = "a folder") -> Path:
    """``path_text`` as a Path when it is a folder whose entries can be listed."""
    mode = stat_path(path_text, missing).st_mode
    if not stat.S_ISDIR(mode):
        raise UsageError(f"{shown(path_text)} is not {kind}")
    try:
        with os.scandir(path_text) as entries:
            next(entries, None)
    except OSError as error:
        raise UsageError(f"cannot read {shown(path_text)}: {_os_problem(error)}") from None
    return Path(path_text)


def lesson_path(path_text: str, *, max_bytes: int) -> Path:
    """A readable lessons folder, or one lesson file: a readable regular ``.md`` file of at most
    ``max_bytes``. Anything else is a UsageError."""
    mode = stat_path(path_text).st_mode
    if stat.S_ISDIR(mode):
        return readable_folder(path_text, kind="a lessons folder")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{shown(path_text)} is {_file_kind(mode)}, not a lessons folder or a lesson file")
    if Path(path_text).suffix.lower() != ".md":
        raise UsageError(f"{shown(path_text)} is not a lesson file (lesson files end in .md)")
    os.close(_open_regular(path_text, cap=max_bytes, kind="a lesson file", missing="no such file or folder"))
    return Path(path_text)


def writable_folder(path_text: str, *, option: str) -> Path:
    """``path_text`` as an absolute Path: an existing folder we may write in, or one we can create
    (``option`` names the flag in the message for an empty value)."""
    if not path_text:
        raise UsageError(f"{option} is empty")
    if not os.path.lexists(path_text):
        if len(os.fsencode(os.path.abspath(path_text))) >= _path_max():
            raise UsageError(f"cannot create {shown(path_text)}: the path is too long for this system")
        try:
            os.makedirs(path_text)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"cannot create {shown(path_text)}: {reason}") from None
    folder = readable_folder(path_text, kind="a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write in {shown(path_text)}: permission denied")
    return folder.resolve()


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        return 4096
