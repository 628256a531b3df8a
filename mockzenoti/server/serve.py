"""Running the control server until SIGINT or SIGTERM: ``await serve(settings)``."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
from collections.abc import Callable

from aiohttp import web

from mockzenoti.errors import ConfigError
from mockzenoti.server.app import create_app
from mockzenoti.server.settings import ServerSettings

__all__ = ["serve", "url_for"]


def url_for(host: str, port: int) -> str:
    """The server's base URL (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def serve(
    settings: ServerSettings,
    *,
    ready: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until ``stop`` is set or the process gets SIGINT/SIGTERM, then shut down cleanly.

    ``ready(url)`` is called once the server listens (with the real port when
    ``settings.port`` is 0). A port in use or a locked outbox raises ``ConfigError``.
    """
    stop = stop or asyncio.Event()
    app = create_app(settings)
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=settings.shutdown_grace
    )
    try:
        await runner.setup()
    except BaseException:
        await runner.cleanup()  # leave the resources opened before the failure
        raise
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            what = "in use" if exc.errno == errno.EADDRINUSE else f"not available ({exc.strerror})"
            raise ConfigError(
                f"cannot listen on {settings.host}:{settings.port}: the address is {what}",
                field="port",
            ) from None
        port = runner.addresses[0][1]
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
                handled.append(sig)
        if ready is not None:
            ready(url_for(settings.host, port))
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await runner.cleanup()
