"""For the live page's browser tests: a server in a thread, Debian's Chromium, a JSON client.

``make test`` installs Debian's ``chromium`` when ``/usr/bin/chromium`` is
missing (tools/ensure_chromium.sh). Without it a browser test fails, naming
the command that installs it; it is skipped (with the reason shown in the
summary) only where installing is impossible: not root and no sudo.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from typing import Any

import pytest
import requests
from aiohttp import web

from mockzenoti.server import ServerSettings, create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def require_chromium() -> None:
    """Fail (or, where nothing can install it, skip) unless Debian's Chromium is there."""
    if os.access(CHROMIUM, os.X_OK):
        return
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        pytest.skip(
            f"{CHROMIUM} is missing and cannot be installed here (not root, no sudo): "
            "the live page's browser tests need Debian's chromium package"
        )
    pytest.fail(
        f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium); "
        "run that, or install Debian's chromium package by hand",
        pytrace=False,
    )


class ServerThread:
    """The control server on 127.0.0.1 (a free port) in a thread with its own event loop."""

    def __init__(self, **settings: Any) -> None:
        base: dict[str, Any] = {
            "port": 0,
            "outbox": ":memory:",
            "shutdown_grace": 1.0,
            "snapshot_interval": 0.25,
        }
        self.settings = ServerSettings(**(base | settings))
        self.port = 0
        self.app: web.Application | None = None
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="page-server", daemon=True)
        self.error: BaseException | None = None

    @property
    def base(self) -> str:
        """The server's URL."""
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # surfaced by __enter__
            self.error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        self.app = create_app(self.settings)
        runner = web.AppRunner(self.app, shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = runner.addresses[0][1]
            self._ready.set()
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        assert self._ready.wait(30), "the server did not start"
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        assert not self._thread.is_alive(), "the server did not stop"


class Client:
    """A small synchronous JSON client for a server (with its token, if any)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        """Send a request; fail unless the status is ``expect``; the JSON answer."""
        response = self.session.request(method, self.base + path, json=body, timeout=10)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json() if response.content else None
