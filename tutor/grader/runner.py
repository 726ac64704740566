"""The learner's side of grading: a warm zygote (``python -m tutor.grader.runner FD``) and the per-check
process it forks.

The zygote imports NumPy, math and nnfs, and nothing of the checks, the engine or the grader's API, so a
process forked from it holds no expected value and no check code. The grading worker (the judge) talks to
it on the control socket ``FD``: ``{"op": "start"}`` with three file descriptors passed along (the RPC
socket, the output pipe and the trace pipe) forks one confined process for a check; ``{"op": "end"}``
kills that process and everything it started, reaps them and answers with the wait status.

The per-check process runs the learner's file and then answers the judge's requests on the RPC socket
(:mod:`tutor.grader.wire` messages): ``exec``, ``lookup`` a top-level name, ``call`` a function (or a
method of an object by handle) with argument values (a handle among them stands for its object),
``getattr`` and ``setattr`` of an object by handle, and ``new``, a plain object with given attribute
values (a stand-in layer for the learner's optimizer). It sends back values only; exceptions as data
(type, message, frames).
"""

from __future__ import annotations

import builtins
import contextlib
import faulthandler
import gc
import io
import linecache
import math  # noqa: F401 - warm for the learner's code
import os
import resource
import shutil
import signal
import socket
import sys
import sysconfig
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

from tutor.grader import confine, recursion, wire
from tutor.grader.limits import DEFAULT_TIMEOUT, MAX_TIMEOUT, MEMORY_LIMIT_BYTES

with contextlib.suppress(ImportError):
    import nnfs  # noqa: F401 - warm for the learner's code

# Learner code may not import the project itself: the exercises are about writing these pieces.
REFUSED_PACKAGES = ("engine", "tutor")
PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
MAX_FRAMES = 1200
_LEARNER_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


# -- refusing the project -------------------------------------------------------------------------------


def _refusal(name: str) -> ImportError:
    error = ImportError(
        f"`import {name}` is refused: nntutor's own code is not available to your answers. "
        "Write this part yourself (with NumPy); that is the exercise.",
        name=name,
    )
    error.refused_by_grader = True  # type: ignore[attr-defined]
    return error


class _RefuseProjectFinder:
    """Meta-path finder that refuses the project's packages (catches importlib.import_module too)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in REFUSED_PACKAGES:
            raise _refusal(name)
        return None


def _hide_project() -> None:
    for name in list(sys.modules):
        if name.partition(".")[0] in REFUSED_PACKAGES:
            del sys.modules[name]
    sys.meta_path.insert(0, _RefuseProjectFinder())
    sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != PROJECT_ROOT]
    sys.path_importer_cache.clear()


# -- the zygote ------------------------------------------------------------------------------------------


class Zygote:
    def __init__(self, control: socket.socket):
        self.control = control
        self.pid = os.getpid()
        self.base = tempfile.mkdtemp(prefix="nntutor-run-")
        # For tests of the fallbacks: NNTUTOR_GRADER_WITHOUT="landlock,pidns,netns" (read from the
        # worker's environment at start; learner code cannot change it).
        self.without = set(os.environ.get("NNTUTOR_GRADER_WITHOUT", "").split(","))
        self.network = "" if "netns" in self.without else confine.isolate_network()
        self.subreaper = confine.become_subreaper()
        python_paths = [sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")]
        python_paths += [
            p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p or p.endswith(".zip"))
        ]
        # The project's packages and lessons (a source checkout or an installed copy) and the store.
        denied = [os.path.join(PROJECT_ROOT, name) for name in ("tutor", "engine", "lessons")]
        denied.append(os.environ.get("NNTUTOR_HOME", ""))
        denied += [os.path.join(p, name) for p in python_paths for name in ("tutor", "engine", "lessons")]
        self.read_roots = confine.readable_roots(python_paths, [d for d in denied if d])
        self.current: int | None = None
        self.folder: str | None = None
        self.sequence = 0
        self.spare: tuple[int, str, list[int]] | None = None

    def serve(self) -> int:
        gc.collect()
        gc.freeze()  # fewer copy-on-write pages in each check's process
        wire.send(self.control.fileno(), {"ready": True, "support": self.support()})
        while True:
            try:
                message, fds = self._receive()
            except (OSError, wire.WireError):
                return 0
            if message is None:
                return 0
            for fd in fds:
                os.close(fd)
            if message.get("op") == "start":
                reply, handed = self.start()
                socket.send_fds(self.control, [wire.pack(reply)], handed)
                for fd in handed:
                    os.close(fd)
            else:
                wire.send(self.control.fileno(), self.end(float(message.get("grace") or 0)))
                self.prepare()

    def support(self) -> dict:
        return {
            "network": self.network,
            "landlock": 0 if "landlock" in self.without else confine.landlock_abi(),
            "subreaper": self.subreaper,
            "pid_namespace": "pidns" not in self.without and _probe_pid_namespace(),
        }

    def _receive(self) -> tuple[dict | None, list[int]]:
        data, fds, _flags, _address = socket.recv_fds(self.control, 1 << 20, 8)
        if not data:
            return None, fds
        reader = wire.Reader(-1)
        reader.buffer += data
        message = reader.message()
        while message is None:
            more = self.control.recv(1 << 20)
            if not more:
                return None, fds
            reader.buffer += more
            message = reader.message()
        return message, fds

    def prepare(self) -> None:
        """Fork the next check's process now, while nothing is being graded: it confines itself and
        waits for the learner's file, so a check does not wait for that set-up."""
        self.sequence += 1
        folder = tempfile.mkdtemp(prefix=f"check-{self.sequence}-", dir=self.base)
        rpc_ours, rpc_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        output_read, output_write = os.pipe()
        trace_read, trace_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 70
            try:
                for item in (self.control, rpc_ours):
                    item.close()
                os.close(output_read)
                os.close(trace_read)
                _check_process(
                    rpc_theirs.fileno(), output_write, trace_write, folder, self.read_roots, self.without
                )
                status = 0
            except BaseException:
                status = 70
            finally:
                os._exit(status)
        rpc_theirs.close()
        os.close(output_write)
        os.close(trace_write)
        self.spare = (pid, folder, [rpc_ours.detach(), output_read, trace_read])

    def start(self) -> tuple[dict, list[int]]:
        """Hand the prepared process to the judge: its pid, and the judge's ends of its channels."""
        if self.current is not None:
            self.end()
        if self.spare is not None and os.waitpid(self.spare[0], os.WNOHANG)[0]:
            self._drop_spare()  # it died waiting (killed from outside): make another
        if self.spare is None:
            self.prepare()
        assert self.spare is not None
        pid, self.folder, fds = self.spare
        self.spare = None
        self.current = pid
        return {"pid": pid}, fds

    def _drop_spare(self) -> None:
        if self.spare is not None:
            pid, folder, fds = self.spare
            self.spare = None
            for fd in fds:
                os.close(fd)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            shutil.rmtree(folder, ignore_errors=True)

    def end(self, grace: float = 0.0) -> dict:
        pid, self.current = self.current, None
        status = None
        if pid is not None and grace > 0:
            deadline = time.monotonic() + min(grace, 2.0)
            while time.monotonic() < deadline:
                reaped, wait_status = os.waitpid(pid, os.WNOHANG)
                if reaped:
                    status, pid = wait_status, None
                    break
                time.sleep(0.002)
        if pid is not None:
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill()
            _, status = os.waitpid(pid, 0)
        spare, self.spare = self.spare, None  # kill_children would kill it: it is remade afterwards
        leftover = confine.kill_children(self.pid)
        if spare is not None:
            self.spare = spare
            self._drop_spare()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        return {"status": status, "leftover": leftover}


def _probe_pid_namespace() -> bool:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if confine.new_pid_namespace() else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _check_process(
    rpc: int, output: int, trace: int, folder: str, read_roots: list[tuple[str, bool]], without: set[str]
) -> None:
    """In the forked process of one check: new session, PID namespace, limits, confinement; then serve."""
    os.setsid()
    confine.set_parent_death_signal()
    if "pidns" not in without and confine.new_pid_namespace():
        # The next child is pid 1 of a new namespace: when it ends, the kernel kills all it started.
        child = os.fork()
        if child:
            for fd in (rpc, output, trace):
                os.close(fd)
            _, status = os.waitpid(child, 0)
            if os.WIFSIGNALED(status):
                number = os.WTERMSIG(status)
                signal.signal(number, signal.SIG_DFL)
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                os.kill(os.getpid(), number)
            os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)
        confine.set_parent_death_signal()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(devnull)
    os.close(output)
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(_LEARNER_ENV, HOME=folder, TMPDIR=folder)
    tempfile.tempdir = folder
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Lowered to the check's own limit when the learner's file arrives (lowering needs no privilege).
    cpu_seconds = int(MAX_TIMEOUT) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if "landlock" not in without:
        confine.landlock(read_roots, folder)
    if os.geteuid() == 0:
        confine.drop_capabilities()
    faulthandler.enable(file=trace, all_threads=False)
    _redirect_standard_streams()
    _hide_project()
    Learner(rpc, trace).serve()


def _redirect_standard_streams() -> None:
    """Fresh unbuffered text streams on fds 0-2 (a print just before os._exit is not lost)."""
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
        )
        setattr(sys, name, stream)


# -- the learner's process ---------------------------------------------------------------------------------


class Learner:
    """Runs the learner's file, then answers the judge's requests with values."""

    def __init__(self, fd: int, trace: int):
        self.fd = fd
        self.trace = trace
        self.reader = wire.Reader(fd)
        self.namespace: dict = {}
        self.filename = "answer.py"
        self.objects: list[object] = []

    def register(self, value: object) -> int:
        self.objects.append(value)
        return len(self.objects) - 1

    def encode(self, value: object):
        return wire.encode(value, self.register)

    def serve(self) -> None:
        while True:
            try:
                request = self.reader.receive()
            except wire.WireError:
                return
            if request is None:
                return
            op = request.get("op")
            handler = getattr(self, f"op_{op}", None)
            try:
                reply = handler(request) if handler else {"bad": f"unknown op {op!r}"}
            except wire.WireError as error:
                reply = {"bad": str(error)}
            except (wire.ValueTooBig, MemoryError):
                reply = {"too_big": True}
            sys.stdout.flush()
            sys.stderr.flush()
            data = wire.pack(reply)
            if len(data) > wire.MAX_MESSAGE_BYTES:
                data = wire.pack({"too_big": len(data)})
            wire.write_all(self.fd, data)

    def op_exec(self, request: dict) -> dict:
        timeout = min(float(request.get("timeout") or DEFAULT_TIMEOUT), MAX_TIMEOUT)
        cpu_seconds = int(timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        # Just before the judge's deadline, write where the code is: the timeout message can then point
        # at the learner's line that was still running.
        faulthandler.dump_traceback_later(max(timeout - min(0.3, timeout * 0.1), 0.05), file=self.trace)
        source = str(request["source"])
        self.filename = filename = str(request.get("filename") or "answer.py")
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except SyntaxError as error:
            return {
                "syntax": [
                    error.msg,
                    error.filename,
                    error.lineno,
                    error.offset,
                    error.text,
                    getattr(error, "end_lineno", None),
                    getattr(error, "end_offset", None),
                ]
            }
        except ValueError as error:
            return {"unreadable": str(error)}
        except (RecursionError, MemoryError):
            return {"unreadable": "nested too deeply"}
        self.namespace = {"__name__": "__main__", "__file__": filename, "__builtins__": _guarded_builtins()}
        try:
            with np.errstate(all="warn", under="ignore"):  # underflow to 0 is harmless (NumPy's default)
                exec(code, self.namespace)
        except SystemExit as error:
            return {"exit": None if error.code is None else repr(error.code), "names": self.names()}
        except BaseException as error:
            return {"error": self.describe_error(error), "names": self.names()}
        return {"ok": True, "names": self.names()}

    def names(self) -> list[str]:
        return [str(key) for key in self.namespace if not str(key).startswith("__")]

    def op_lookup(self, request: dict) -> dict:
        name = request["name"]
        if name not in self.namespace:
            return {"defined": False}
        value = self.namespace[name]
        return self.describe_value(value)

    def describe_value(self, value: object) -> dict:
        if callable(value) and not isinstance(value, np.ndarray):
            code = getattr(value, "__code__", None)
            info = None
            if code is not None:
                info = [str(code.co_filename), str(code.co_name), int(code.co_firstlineno)]
            return {"defined": True, "callable": True, "code": info, "value": self.encode(value)}
        return {"defined": True, "callable": False, "value": self.encode(value)}

    def target(self, request: dict):
        handle = request.get("handle")
        if handle is not None:
            value = self.objects[int(handle)]
            attribute = request.get("attribute")
            return getattr(value, str(attribute)) if attribute else value
        return self.namespace[request["name"]]

    def op_getattr(self, request: dict) -> dict:
        try:
            value = self.target(request)
        except (KeyError, IndexError, AttributeError):
            return {"defined": False}
        except BaseException as error:
            return {"error": self.describe_error(error)}
        return self.describe_value(value)

    def resolve(self, value: object) -> object:
        """An argument the judge sent: a handle the learner's process gave out stands for its object
        (a layer passed to an optimizer's method); anything else is the value itself."""
        if isinstance(value, wire.LearnerObject) and value.handle is not None:
            if not 0 <= value.handle < len(self.objects):
                raise wire.WireError("unknown handle")
            return self.objects[value.handle]
        return value

    def op_setattr(self, request: dict) -> dict:
        """Set an attribute of an object by handle to a value (a check setting a layer's weights)."""
        try:
            target = self.objects[int(request["handle"])]
            setattr(target, str(request["attribute"]), wire.decode(request.get("value")))
        except (KeyError, IndexError, ValueError):
            return {"bad": "no such object"}
        except BaseException as error:
            return {"error": self.describe_error(error)}
        return {"ok": True}

    def op_new(self, request: dict) -> dict:
        """A plain object with the given attributes (values), for a check to pass to the learner's
        code: a stand-in layer for an optimizer, say."""
        import types

        attributes = wire.decode(request.get("attributes") or {"$dict": []})
        if not isinstance(attributes, dict) or not all(isinstance(key, str) for key in attributes):
            return {"bad": "attributes must be a dict of names"}
        return {"value": self.encode(types.SimpleNamespace(**attributes))}

    def op_call(self, request: dict) -> dict:
        args = [self.resolve(wire.decode(arg)) for arg in request.get("args", [])]
        keep = [int(index) for index in request.get("keep", [])]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                function = self.target(request)
                with np.errstate(all="warn", under="ignore"):  # underflow to 0 is harmless (NumPy's default)
                    result = function(*args)
            except SystemExit as error:
                return {"exit": None if error.code is None else repr(error.code)}
            except BaseException as error:
                return {"error": self.describe_error(error, args), "warnings": _warning_texts(caught)}
        reply = {"value": self.encode(result), "warnings": _warning_texts(caught)}
        reply["after"] = [self.encode(args[index]) if index < len(args) else None for index in keep]
        return reply

    def op_finish(self, request: dict) -> dict:
        return {"ok": True}

    def describe_error(self, error: BaseException, args=()) -> dict:
        try:
            frames = traceback.extract_tb(error.__traceback__)
        except (RecursionError, MemoryError):
            frames = traceback.StackSummary()
        if len(frames) > MAX_FRAMES:
            frames = traceback.StackSummary.from_list([*frames[:100], *frames[-(MAX_FRAMES - 100) :]])
        bases = [cls.__name__ for cls in type(error).__mro__ if cls.__module__ == "builtins"]
        name = getattr(error, "name", None)
        try:
            message = str(error)
        except BaseException:
            message = ""
        return {
            "type": type(error).__name__,
            "module": type(error).__module__,
            "bases": bases,
            "message": message[:4000],
            "name": name if isinstance(name, str) else None,
            "refused": bool(getattr(error, "refused_by_grader", False)),
            # Judged here, where the frames' arguments are: one word crosses, not the arguments.
            "recursion": recursion.classify(error, self.filename)
            if isinstance(error, RecursionError)
            else None,
            "frames": [[f.filename, f.lineno, f.name, (f.line or "")[:300]] for f in frames],
        }


def _warning_texts(caught) -> list[str]:
    return [str(item.message)[:500] for item in caught[:20]]


def _guarded_builtins() -> dict:
    """A copy of the builtins whose ``__import__`` refuses the project's packages."""
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name.partition(".")[0] in REFUSED_PACKAGES:
            raise _refusal(name)
        return real_import(name, globals, locals, fromlist, level)

    names = dict(vars(builtins))
    names["__import__"] = guarded_import
    return names


def main() -> int:
    control = socket.socket(fileno=int(sys.argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    confine.set_parent_death_signal()
    zygote = Zygote(control)
    zygote.prepare()
    try:
        return zygote.serve()
    finally:
        with contextlib.suppress(Exception):
            zygote.end()
            zygote._drop_spare()
        shutil.rmtree(zygote.base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
