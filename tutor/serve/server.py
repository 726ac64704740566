"""The classroom's web server: textual-serve's ``Server`` with a cap on sessions and its own page.

textual-serve (1.1.x) starts one app process per browser websocket (``AppService``: the command runs
in a shell with Textual's web driver, and is told to quit when the tab closes). It has no limit on
sessions, builds its page's URLs from the host it listens on (``0.0.0.0`` is no address a browser can
use) and loads a font from a font host. This subclass:

- counts the open sessions and refuses more than ``max_learners`` at once: the page is a plain
  "the class is full" page (HTTP 503), and a websocket that comes in over the cap anyway (two tabs
  loading at the same moment) gets the same words in its terminal and is closed;
- builds the page's URLs from the address the browser used (``Host`` header);
- serves a copy of textual-serve's page whose font comes from textual-serve's own static folder;
- prints its own start-up lines instead of textual-serve's banner.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

TEMPLATES = Path(__file__).with_name("templates")

log = logging.getLogger("textual-serve")


def full_message(max_learners: int) -> str:
    return (
        f"The class is full: {max_learners} learner{'s' if max_learners != 1 else ''} "
        "are using nntutor on this server right now, the most it takes. "
        "Try again when someone has closed their tab."
    )


FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>nntutor: the class is full</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto;">
<h1>The class is full</h1>
<p>{message}</p>
<p><a href="/">Try again</a></p>
</body></html>
"""


class ClassroomServer(Server):
    """Serves ``command`` (one learner's session) to at most ``max_learners`` browser tabs at once."""

    def __init__(
        self, command: str, *, host: str, port: int, max_learners: int, share_url: str, title: str
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.max_learners = max_learners
        self.share_url = share_url
        self.sessions = 0  # websockets open now, each with its app process

    @property
    def full(self) -> bool:
        return self.sessions >= self.max_learners

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(
            f"nntutor is serving the class on {self.share_url} "
            f"(at most {self.max_learners} learners at once). Press Ctrl+C to stop.",
            highlight=False,
            soft_wrap=True,
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            return web.Response(
                status=503,
                text=FULL_PAGE.format(message=html.escape(full_message(self.max_learners))),
                content_type="text/html",
                headers={"Retry-After": "30"},
            )
        return aiohttp_jinja2.render_template("app_index.html", request, self._page(request))

    def _page(self, request: web.Request) -> dict[str, Any]:
        """textual-serve's page context, with URLs on the address the browser used."""
        origin = f"{request.scheme}://{request.host}"
        websocket = ("wss" if request.scheme == "https" else "ws") + origin[len(request.scheme) :]
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket + str(request.app.router["websocket"].url_for()),
            "config": {"static": {"url": origin + "/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.full:
            websocket = web.WebSocketResponse()
            await websocket.prepare(request)
            await websocket.send_bytes(f"\r\n  {full_message(self.max_learners)}\r\n".encode())
            await websocket.close()
            return websocket
        self.sessions += 1
        log.info("session opened (%d of %d)", self.sessions, self.max_learners)
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1
            log.info("session closed (%d of %d)", self.sessions, self.max_learners)
