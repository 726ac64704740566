"""Driving ``nntutor serve`` in a real browser: headless Chromium (Debian's) through Playwright.

``ServeProcess`` starts ``nntutor serve`` on a free loopback port in its own process group and ends it
(and everything it started) when done. ``Tab`` is one browser tab's view of its tutor: xterm.js draws
on a canvas, so the screen text is read from what the server sends over the tab's websocket (terminal
output with its escape sequences taken out), which is what xterm.js draws.

``browser_or_skip()`` gives the Chromium path, or skips with the reason; under CI (``CI`` set) a missing
browser or Playwright is a failure, since .ci/run installs both.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

NNTUTOR = Path(sys.executable).with_name("nntutor")
# xterm.js at textual-serve's default font size: 9 x 21 pixels a cell, so this is an 80x24 terminal.
CELL = (9, 21)
VIEWPORT_80x24 = {"width": 80 * CELL[0], "height": 24 * CELL[1]}

_ESCAPES = re.compile(
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78cDEHMNOZ])"
)


def browser_or_skip() -> str:
    """The Chromium executable for Playwright; skip (fail under CI) when it or Playwright is missing."""
    reasons = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("Playwright is not installed (pip install '.[test]')")
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        reasons.append("textual-serve is not installed (pip install '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        reasons.append("no chromium on PATH (Debian: apt-get install chromium)")
    if reasons:
        message = "; ".join(reasons)
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {message}")
        pytest.skip(message)
    assert chromium is not None
    return chromium


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """``nntutor serve`` on a free loopback port; ``stop()`` ends it and all it started."""

    def __init__(self, class_dir: Path, *, max_learners: int = 30, home: Path | None = None) -> None:
        self.class_dir = class_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ)
        if home is not None:
            env["NNTUTOR_HOME"] = str(home)
        self.log = class_dir.parent / f"serve-{self.port}.log"
        self._log_file = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                *(str(NNTUTOR), "serve", "--port", str(self.port)),
                *("--class-dir", str(class_dir), "--max-learners", str(max_learners)),
            ],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: stop() can end every session with it
        )
        self._wait_listening()

    def _wait_listening(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nntutor serve exited: {self.log.read_text(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5):
                return
            time.sleep(0.1)
        raise AssertionError("nntutor serve did not listen within 30 s")

    def stop(self) -> None:
        """Ctrl+C's signal first (the server tells each session to quit), then the process group."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this test started, and only it
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self._log_file.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def processes_mentioning(text: str) -> list[int]:
    """PIDs of live processes whose command line holds ``text`` (a test's class folder)."""
    found = []
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


class Tab:
    """One browser tab on the tutor: keys in, screen text out (from the websocket)."""

    def __init__(self, context: Any, url: str) -> None:
        self.page = context.new_page()
        self.output = bytearray()
        self.page.on("websocket", self._websocket)
        self.response = self.page.goto(url)

    def _websocket(self, websocket: Any) -> None:
        def received(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                self.output.extend(payload)

        websocket.on("framereceived", received)

    def text(self, since: int = 0) -> str:
        """Everything the tab's terminal was sent after byte ``since``, as plain text."""
        return _ESCAPES.sub(b"", bytes(self.output[since:])).decode("utf-8", "replace")

    def mark(self) -> int:
        return len(self.output)

    def wait_for(self, phrase: str, since: int = 0, timeout: float = 45.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if phrase in self.text(since):
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{phrase!r} never appeared; the terminal got:\n{self.text(since)[-3000:]}")

    def _focus(self) -> None:
        # Keys reach the tutor through xterm.js's hidden text area, which a click would also focus.
        self.page.focus(".xterm-helper-textarea")

    def type(self, text: str) -> None:
        self._focus()
        self.page.keyboard.type(text, delay=20)

    def press(self, *keys: str) -> None:
        self._focus()
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(150)
