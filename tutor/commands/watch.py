"""``nntutor watch [--dir DIR]``: the code exercises as files, graded every time one is saved.

Writes every code exercise to a workspace folder (default ``./nntutor-exercises``; see
``tutor.workspace``), never overwriting a file that is there, then watches the folder with
``watchfiles``. Each save is graded by the warm grader worker and the feedback printed; passes and drafts
go to the same progress store as the app. Keys: ``n``/``p`` next/previous exercise, ``h`` next hint,
``l`` list, ``d`` take the app's newer draft (when there is one; the file is kept as ``.bak``), ``q`` quit.

How it runs: the main thread owns the screen and the store and waits in ``select`` on stdin and a
wake-up pipe. Two threads post to it through a queue: the watcher (``watchfiles.watch`` with a
``stop_event``) and the grader (one save at a time; a file saved again while waiting is graded once,
as it is when its turn comes). Keys are therefore never blocked by a check. On a terminal stdin is put
in cbreak mode and restored on every way out (``q``, Ctrl-C, an error). Without a terminal on stdin (a
pipe) keys are read from it all the same, and end of input quits.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.commands import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.builds_on import Missing
    from tutor.grader import CheckResult
    from tutor.store import Store
    from tutor.workspace import ExerciseFile

KEYS = "n next  p previous  h hint  l list  q quit"
DEBOUNCE_MS = 300  # watchfiles groups the writes of one save (editors often write twice)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        metavar="DIR",
        default=None,
        help="the workspace folder (default: ./nntutor-exercises; created when missing)",
    )


# ------------------------------------------------------------------------------------ messages


@dataclass
class Saved:
    """Files changed in the workspace."""

    paths: set[str]


@dataclass
class Graded:
    """A check finished (``result``), or could not run (``error``, one line)."""

    item: ExerciseFile
    code: str
    result: CheckResult | None
    error: str | None = None


# ------------------------------------------------------------------------------------- session


class WatchSession:
    """What the learner sees and what each key and save does; no threads, no terminal (testable)."""

    def __init__(
        self,
        files: list[ExerciseFile],
        store: Store,
        console: Console,
        *,
        grade: Callable[[ExerciseFile], None],
        root: Path,
        clear: bool = False,
    ) -> None:
        from tutor.progress import UNFINISHED, status_name

        self.files = files
        self.store = store
        self.console = console
        self.grade = grade  # queues a check of one file (the result arrives as a Graded message)
        self.root = root
        self.clear = clear
        self.by_path = {str(item.path.resolve()): item for item in files}
        self.current = next(
            (i for i, item in enumerate(files) if status_name(store.status(item.id)) in UNFINISHED), 0
        )
        self.body: list[Any] = []  # what is shown under the title: feedback, a hint, the list
        self.grading: set[str] = set()

    @property
    def item(self) -> ExerciseFile:
        return self.files[self.current]

    # --- events ------------------------------------------------------------------------------

    def saved(self, paths: set[str]) -> None:
        for path in sorted(paths):
            item = self.by_path.get(str(Path(path).resolve()))
            if item is not None and item.path.is_file():
                self.grading.add(item.id)
                self.current = self.files.index(item)
                self.grade(item)
        self.render()

    def graded(self, message: Graded) -> None:
        from rich.text import Text

        from tutor.workspace import code_of

        item = message.item
        self.grading.discard(item.id)
        self.current = self.files.index(item)
        if message.result is None:
            self.body = [Text(message.error or "The check could not run.", style="bold red")]
        else:
            result = message.result
            self.store.save_draft(item.id, code_of(message.code))
            from tutor.progress import check_diagnosis

            self.store.record_attempt(
                item.id, bool(result.passed), result.duration_ms, check_diagnosis(result)
            )
            if result.passed:
                verdict = Text("✓ Passed. Press n for the next exercise.", style="bold green")
            else:
                verdict = Text("✗ Not passed yet: edit the file and save it again.", style="bold red")
            self.body = [verdict, Text(""), Text(result.feedback)]
        self.render()

    def key(self, key: str) -> bool:
        """Act on one key; False means quit."""
        if key in ("q", "Q", "\x04"):
            return False
        if key in ("n", "p"):
            step = 1 if key == "n" else -1
            self.current = (self.current + step) % len(self.files)
            self.body = []
        elif key == "h":
            self._hint()
        elif key == "l":
            self.body = [self._list()]
        elif key == "d":
            self._take_draft()
        else:
            return True
        self.render()
        return True

    def _hint(self) -> None:
        from rich.text import Text

        hints = self.item.exercise.hints
        shown = min(self.store.hints_shown(self.item.id), len(hints))
        if shown >= len(hints):
            self.body = [Text("No more hints." if hints else "This exercise has no hints.", style="yellow")]
            return
        shown += 1
        self.store.record_hint(self.item.id, shown)
        self.body = [Text(f"Hint {shown} of {len(hints)}: {hints[shown - 1]}", style="yellow")]

    def _take_draft(self) -> None:
        from rich.text import Text

        from tutor.workspace import take_draft

        try:
            backup = take_draft(self.item, self.store)
        except OSError as error:
            self.body = [
                Text(f"Could not write {self.item.path}: {error.strerror or error}", style="bold red")
            ]
            return
        if backup is None:
            self.body = [Text("The app has no newer draft of this exercise.", style="yellow")]
        else:
            self.body = [Text(f"Took the app's draft; your file is kept as {backup.name}.", style="green")]

    def _list(self) -> Any:
        from rich.text import Text

        from tutor.store import Status

        marks = {
            Status.PASSED: ("✓", "green"),
            Status.ATTEMPTED: ("•", "yellow"),
            Status.REVEALED: ("◆", "magenta"),
            Status.NOT_STARTED: ("·", "dim"),
        }
        text = Text()
        statuses = self.store.statuses()
        for index, item in enumerate(self.files):
            mark, style = marks[statuses.get(item.id, Status.NOT_STARTED)]
            pointer = "▶" if index == self.current else " "
            text.append(f"{pointer} {mark} ", style=style)
            text.append(f"{item.lesson.order}.{item.number} {item.id}\n")
        return text

    # --- the screen ------------------------------------------------------------------------------

    def render(self) -> None:
        from rich.text import Text

        from tutor.store import Status
        from tutor.workspace import newer_draft

        console = self.console
        if self.clear:
            console.clear()
        item = self.item
        status = self.store.status(item.id)
        title = Text(f"{item.id}", style="bold")
        title.append(f"  lesson {item.lesson.order}, exercise {item.number}: {status.value}", style="dim")
        if item.id in self.grading:
            title.append("  checking…", style="bold cyan")
        console.print(title)
        console.print(Text(_shown_path(item.path), style="cyan"))
        if newer_draft(item, self.store) is not None:
            console.print(Text("The app has a newer draft of this exercise: d takes it.", style="yellow"))
        console.print()
        body = self.body or [Text("Edit the file in your editor and save it to check it.", style="dim")]
        lines = 0
        limit = max(console.size.height - 8, 4) if self.clear else None
        for part in body:
            if limit is not None and isinstance(part, Text):
                part_lines = part.plain.count("\n") + 1
                if lines + part_lines > limit:
                    kept = part.plain.splitlines()[: max(limit - lines, 1)]
                    console.print(Text("\n".join(kept) + "\n…", style=part.style))
                    break
                lines += part_lines
            console.print(part)
        statuses = self.store.statuses()
        passed = sum(statuses.get(entry.id) is Status.PASSED for entry in self.files)
        width = 20
        done = round(width * passed / len(self.files))
        progress = Text("\n")
        progress.append("█" * done, style="green")
        progress.append("░" * (width - done), style="dim")
        progress.append(f" {passed}/{len(self.files)} code exercises passed")
        console.print(progress)
        console.print(Text(KEYS + ("  d take draft" if newer_draft(item, self.store) else ""), style="dim"))


def _not_ready(exercise_id: str, missing: Sequence[Missing]) -> str:
    """One line: why an exercise that builds on earlier ones cannot be checked yet."""
    reasons = "; ".join(f"{gap.exercise_id}: {gap.reason}" for gap in missing)
    return f"Cannot check {exercise_id} yet: it runs with your code of earlier exercises ({reasons})."


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------------- the loop


def workspace_folder(path_text: str | None) -> Path:
    """The workspace folder: an existing folder we may write in, or one we can create."""
    from tutor.commands.inputs import writable_folder
    from tutor.workspace import DEFAULT_FOLDER

    return writable_folder(DEFAULT_FOLDER if path_text is None else path_text, option="--dir")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tutor.commands.inputs import shown
    from tutor.curriculum import load_curriculum
    from tutor.store import Store
    from tutor.workspace import layout, sync

    root = workspace_folder(args.dir)
    files = layout(load_curriculum(), root)
    if not files:
        raise UsageError("the course has no code exercises to watch")
    console = Console(highlight=False)
    with Store.open() as store:
        if store.notice:
            console.print(f"note: {store.notice}", markup=False)
        try:
            report = sync(files, store)
        except OSError as error:
            raise UsageError(
                f"cannot write the exercises in {shown(str(root))}: {error.strerror or error}"
            ) from None
        console.print(
            f"{len(report.written)} exercise files written, {len(report.kept)} kept as they were, in {root}",
            markup=False,
        )
        for item in report.newer_drafts:
            console.print(
                f"The app has a newer draft of {item.id}: go to it and press d to take it.", markup=False
            )
        return _watch(root, files, store, console)


def _watch(root: Path, files: list[ExerciseFile], store: Store, console: Console) -> int:
    import watchfiles

    from tutor.builds_on import from_store
    from tutor.grader import default_grader

    events: queue.Queue[Saved | Graded] = queue.Queue()
    wake_read, wake_write = os.pipe()
    stop = threading.Event()
    jobs: queue.Queue[ExerciseFile | None] = queue.Queue()
    queued: set[str] = set()
    queued_lock = threading.Lock()

    def post(message: Saved | Graded) -> None:
        events.put(message)
        with contextlib.suppress(OSError):  # the loop has ended
            os.write(wake_write, b".")

    def watcher() -> None:
        try:
            for changes in watchfiles.watch(
                root, stop_event=stop, debounce=DEBOUNCE_MS, rust_timeout=500, raise_interrupt=False
            ):
                paths = {path for _, path in changes if path.endswith(".py")}
                if paths:
                    post(Saved(paths))
        except Exception as error:  # the folder went away, too many watches...
            if not stop.is_set():
                console.print(f"Watching {root} stopped: {error}", markup=False)

    def grader() -> None:
        from tutor.commands.inputs import MAX_ANSWER_BYTES, read_file

        while (item := jobs.get()) is not None:
            with queued_lock:
                queued.discard(item.id)
            try:
                code = read_file(str(item.path), cap=MAX_ANSWER_BYTES, kind="a Python file").decode(
                    "utf-8-sig"
                )
            except UsageError as error:
                post(Graded(item, "", None, f"Cannot check it: {error}"))
                continue
            except UnicodeDecodeError:
                post(Graded(item, "", None, "Cannot check it: the file is not UTF-8 text; save it as UTF-8."))
                continue
            graded, filename, combined = code, item.path.name, None
            if item.exercise.builds_on:  # the loop runs with the learner's own passed classes
                combined = from_store(item.exercise, code, store)
                if combined.missing:
                    post(Graded(item, code, None, _not_ready(item.id, combined.missing)))
                    continue
                graded, filename = combined.text, combined.filename
            try:
                check = item.exercise.check or item.id
                result = default_grader().grade(
                    check, graded, filename=filename, timeout=item.exercise.timeout
                )
            except Exception as error:  # the grader's own failure, not the learner's code
                post(Graded(item, code, None, f"The grader failed: {type(error).__name__}: {error}"))
                continue
            if combined is not None:
                result.traceback = combined.relabel(result.traceback)
            post(Graded(item, code, result))

    def grade(item: ExerciseFile) -> None:
        with queued_lock:
            if item.id in queued:
                return  # already waiting: it is read when its turn comes
            queued.add(item.id)
        jobs.put(item)

    session = WatchSession(files, store, console, grade=grade, root=root, clear=console.is_terminal)
    threads = [threading.Thread(target=watcher, daemon=True), threading.Thread(target=grader, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        with _keyboard() as key_fd:
            session.render()
            _loop(session, events, wake_read, key_fd)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        jobs.put(None)
        threads[0].join(timeout=2)
        os.close(wake_write)
        os.close(wake_read)
    console.print("Stopped watching. Your progress is saved.", markup=False)
    return 0


def _loop(session: WatchSession, events: queue.Queue, wake_read: int, key_fd: int | None) -> None:
    import select

    while True:
        sources = [wake_read] if key_fd is None else [wake_read, key_fd]
        ready, _, _ = select.select(sources, [], [])
        if wake_read in ready:
            os.read(wake_read, 4096)
            while True:
                try:
                    message = events.get_nowait()
                except queue.Empty:
                    break
                if isinstance(message, Saved):
                    session.saved(message.paths)
                else:
                    session.graded(message)
        if key_fd is not None and key_fd in ready:
            data = os.read(key_fd, 1024)
            if not data:
                return  # end of input
            for key in data.decode("utf-8", "replace"):
                if not session.key(key):
                    return


class _keyboard:
    """stdin's descriptor for keys (None when there is none), in cbreak mode on a terminal and
    restored on the way out whatever happens."""

    def __enter__(self) -> int | None:
        self.saved: Any = None
        try:
            self.fd: int | None = sys.stdin.fileno()
        except (AttributeError, ValueError, OSError):
            self.fd = None
            return None
        if os.isatty(self.fd):
            import termios
            import tty

            self.saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        return self.fd

    def __exit__(self, *exc_info: object) -> None:
        if self.saved is not None and self.fd is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
