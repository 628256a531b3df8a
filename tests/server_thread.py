"""The control server on 127.0.0.1 (a free port) in a thread, for tests that call it synchronously.

The live page's browser tests and the schemathesis run both need a real
server while their own code blocks (Playwright's sync API, requests).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiohttp import web

from mockzenoti.server import ServerSettings, create_app

__all__ = ["ServerThread"]


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
