"""Confining the learner's process (Linux): what it may read, write, reach and leave behind.

Each piece is detected and applied on its own, and degrades to nothing where the kernel refuses it;
:func:`support` says what this machine gives. docs/grader-security.md describes the guarantees.

- :func:`isolate_network`: the runner joins a new network namespace with no interface but a downed
  loopback (as root, or inside a new user namespace where unprivileged ones are allowed).
- :func:`new_pid_namespace`: each check's process tree lives in its own PID namespace; when its first
  process dies the kernel kills every process in it.
- :func:`landlock`: reads only below the given folders, writes only in the check's temp folder, no TCP
  bind/connect (ABI 4+), no signals or abstract sockets out of the sandbox (ABI 6+).
- :func:`drop_capabilities`, :func:`become_subreaper`, :func:`kill_children`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from functools import lru_cache

# Every mechanism here is Linux's; elsewhere each one reports "not available" and does nothing.
LINUX = sys.platform.startswith("linux")
_libc = ctypes.CDLL(None, use_errno=True)
if LINUX:
    _libc.syscall.restype = ctypes.c_long

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_READ = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
# Every filesystem right of each ABI version (1: 13 rights, 2: +REFER, 3: +TRUNCATE, 5: +IOCTL_DEV).
_FS_ALL_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
_FS_ALL_LATEST = (1 << 16) - 1
_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | (1 << 14) | (1 << 15)
_NET_BIND_TCP = 1
_NET_CONNECT_TCP = 2
_SCOPE_ABSTRACT_UNIX_SOCKET = 1
_SCOPE_SIGNAL = 2


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@lru_cache(maxsize=1)
def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers (0: none)."""
    if not LINUX:
        return 0
    version = _libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET,
        None,
        ctypes.c_size_t(0),
        ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
    )
    return max(int(version), 0)


def _prctl(option: int, value: int) -> bool:
    if not LINUX:
        return False
    return (
        _libc.prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
        == 0
    )


def _unshare(flags: int) -> bool:
    if not LINUX:
        return False
    return _libc.unshare(ctypes.c_int(flags)) == 0


def isolate_network() -> str:
    """Put this process (and its future children) in a new, empty network namespace.

    Returns how: "netns" (as root), "userns+netns" (unprivileged), or "" when neither is allowed.
    """
    if _unshare(CLONE_NEWNET):
        return "netns"
    uid, gid = os.getuid(), os.getgid()
    if _unshare(CLONE_NEWUSER | CLONE_NEWNET):
        # Map our own ids so files keep their owner; without this we would be "nobody" inside.
        with contextlib.suppress(OSError):
            with open("/proc/self/setgroups", "w") as file:
                file.write("deny")
            with open("/proc/self/uid_map", "w") as file:
                file.write(f"{uid} {uid} 1")
            with open("/proc/self/gid_map", "w") as file:
                file.write(f"{gid} {gid} 1")
        return "userns+netns"
    return ""


def new_pid_namespace() -> bool:
    """The next child of this process starts a new PID namespace (it is its init, pid 1)."""
    return _unshare(CLONE_NEWPID)


def set_parent_death_signal() -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def become_subreaper() -> bool:
    """Orphans among this process's descendants are re-parented to it, so it can find and kill them."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def drop_capabilities() -> None:
    """Drop every capability (root in a container keeps uid 0 but loses its powers)."""
    if not LINUX:
        return

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    for cap in range(64):
        _prctl(24, cap)  # PR_CAPBSET_DROP
    header = Header(0x20080522, 0)
    data = (Data * 2)()
    _libc.capset(ctypes.byref(header), ctypes.byref(data))


def landlock(read_paths: list[tuple[str, bool]], write_path: str) -> int:
    """Restrict this process: read (and execute) only below ``read_paths`` (list only, where ``whole`` is
    False; see :func:`readable_roots`), read and write only below
    ``write_path``; no TCP and no signals out where the ABI allows. Returns the ABI applied (0: none)."""
    abi = landlock_abi()
    if abi < 1:
        return 0
    fs_all = _FS_ALL_BY_ABI.get(abi, _FS_ALL_LATEST)
    attr = _RulesetAttr(
        fs_all,
        (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
        (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0,
    )
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = _libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        return 0
    try:
        for path, access in [
            *((p, _FS_READ if whole else _FS_READ_DIR) for p, whole in read_paths),
            (write_path, fs_all),
            ("/dev/null", _FS_READ_FILE | _FS_WRITE_FILE),
        ]:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    access &= _FILE_RIGHTS
                rule = _PathBeneathAttr(access & fs_all, fd)
                _libc.syscall(
                    _SYS_LANDLOCK_ADD_RULE,
                    ctypes.c_int(ruleset),
                    ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH),
                    ctypes.byref(rule),
                    ctypes.c_uint32(0),
                )
            finally:
                os.close(fd)
        if not _prctl(PR_SET_NO_NEW_PRIVS, 1):
            return 0
        if _libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return 0
        return abi
    finally:
        os.close(ruleset)


def readable_roots(python_paths: list[str], denied: list[str]) -> list[tuple[str, bool]]:
    """The folders the learner's process may read, as ``(path, whole)`` pairs: the system's, Python's and
    its packages'. A folder that contains a ``denied`` one (the project, the lessons, the store) is opened
    up entry by entry so the denied ones stay out; it stays listable (``whole`` False: its names can be
    read, which imports need, but not the files below it that are not allowed themselves)."""
    denied_real = [os.path.realpath(path) for path in denied if path and os.path.exists(path)]
    roots: list[tuple[str, bool]] = []
    seen: set[str] = set()

    def add(path: str, depth: int = 0) -> None:
        real = os.path.realpath(path)
        if real in seen or not os.path.exists(real):
            return
        if any(real == d or real.startswith(d + os.sep) for d in denied_real):
            return
        seen.add(real)
        if any(d.startswith(real + os.sep) for d in denied_real) and os.path.isdir(real) and depth < 6:
            roots.append((real, False))
            with contextlib.suppress(OSError):
                for entry in os.scandir(real):
                    add(entry.path, depth + 1)
            return
        roots.append((real, True))

    for path in ["/usr", "/lib", "/lib64", "/bin", "/etc", "/dev", "/sys/devices/system/cpu", *python_paths]:
        add(path)
    return roots


def kill_children(own_pid: int, patience: float = 0.01, limit: float = 5.0) -> int:
    """Kill and reap every process whose parent is ``own_pid`` (orphans a subreaper adopted), until
    none is left. Children already dying get ``patience`` seconds to end before ``/proc`` is searched.
    Returns how many were killed."""
    killed = 0
    started = time.monotonic()
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return killed
        waited = time.monotonic() - started
        if waited > limit:
            return killed
        if waited < patience:
            time.sleep(0.0005)
            continue
        for pid in _children_of(own_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.001)


def _children_of(parent: int) -> list[int]:
    try:
        entries = list(os.scandir("/proc"))
    except OSError:  # no /proc: the session kill is all there is
        return []
    found = []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and fields[0] != b"Z":
            found.append(int(entry.name))
    return found
