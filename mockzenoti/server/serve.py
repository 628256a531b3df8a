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
from mockzenoti.server.keys import RUNS
from mockzenoti.server.runstate import RunHandle
from mockzenoti.server.settings import ServerSettings

__all__ = ["run_line", "serve", "url_for"]


def url_for(host: str, port: int) -> str:
    """The server's base URL (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def run_line(url: str, handle: RunHandle) -> str:
    """How a run's ``/v1`` is announced: its id, scenario, seed and key."""
    spec = handle.spec
    return (
        f"run {handle.id} ({spec.scenario}, seed {spec.seed}): Zenoti REST API at {url}/v1/ "
        f"with 'Authorization: apikey {spec.key}'"
    )


async def serve(
    settings: ServerSettings,
    *,
    ready: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until ``stop`` is set or the process gets SIGINT/SIGTERM, then shut down cleanly.

    ``ready(url)`` is called once the server listens (with the real port when
    ``settings.port`` is 0); ``announce(line)`` once for each run started or
    resumed, with its ``/v1`` key (``run_line``). A port in use or a locked
    outbox raises ``ConfigError``.
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
        url = url_for(settings.host, port)
        if ready is not None:
            ready(url)
        if announce is not None:
            runs = app[RUNS]
            for handle in list(runs.handles.values()):  # resumed before we listened
                announce(run_line(url, handle))
            runs.on_start.append(lambda handle: announce(run_line(url, handle)))
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await runner.cleanup()
