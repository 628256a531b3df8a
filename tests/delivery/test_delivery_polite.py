"""Polite connections: a small listen backlog is never flooded, a fast receiver still gets 64.

Python's ``http.server`` (and ``wsgiref``, and many framework dev servers)
listen with a backlog of 5 and close the connection after each answer
(HTTP/1.0). Opening 64 connections at once overflowed that queue: dropped
connection attempts, 10 s timeouts. Both HTTP clients now open at most 4
connections per host at a time, and a new one only when every open one is
busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiohttp import web
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, Outbox, Target
from mockzenoti.delivery.http1 import HttpPool


class _Handler(BaseHTTPRequestHandler):
    """Reads the body, answers 200 (HTTP/1.0: the connection closes after each answer)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests += 1  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stdlib_server() -> Iterator[ThreadingHTTPServer]:
    """``http.server.ThreadingHTTPServer`` at its defaults (``request_queue_size`` 5)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    assert server.request_queue_size == 5
    server.requests = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.mark.asyncio
@pytest.mark.parametrize("client", ["auto", "aiohttp"])
async def test_a_stdlib_threaded_server_gets_every_first_attempt(
    stdlib_server: ThreadingHTTPServer, outbox: Outbox, client: str
) -> None:
    """300 events at the default options: 300 first attempts delivered, none timed out."""
    port = stdlib_server.server_address[1]
    target = Target(f"http://127.0.0.1:{port}/hook")
    report = await deliver(outbox, target, 300, options=DeliveryOptions(http_client=client))  # type: ignore[arg-type]
    assert report.counts["delivered"] == 300
    assert outbox.attempt_outcomes() == {"success": 300}
    assert stdlib_server.requests == 300  # type: ignore[attr-defined]


async def _holding_receiver(
    want: int, seconds: float
) -> tuple[web.AppRunner, int, Callable[[], int], Callable[[], Awaitable[None]]]:
    """A receiver that holds every request until ``want`` are open at once (or ``seconds``)."""
    state = {"open": 0, "most": 0}
    all_open = asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        await request.read()
        state["open"] += 1
        state["most"] = max(state["most"], state["open"])
        if state["open"] >= want:
            all_open.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_open.wait(), seconds)
        state["open"] -= 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hold)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, port, lambda: state["most"], runner.cleanup


@pytest.mark.asyncio
@pytest.mark.parametrize("client", ["auto", "aiohttp"])
async def test_a_fast_receiver_still_gets_64_requests_in_flight(
    outbox: Outbox, client: str
) -> None:
    """Bounded: the receiver lets everything go after 10 s whatever happens."""
    runner, port, most, cleanup = await _holding_receiver(64, 10.0)
    try:
        target = Target(f"http://127.0.0.1:{port}/hook")
        options = DeliveryOptions(concurrency=64, http_client=client)  # type: ignore[arg-type]
        loop = asyncio.get_running_loop()
        started = loop.time()
        report = await deliver(outbox, target, 64, options=options)
        assert report.counts["delivered"] == 64
        assert most() == 64
        assert loop.time() - started < 10  # all 64 were open before the receiver gave up
    finally:
        await cleanup()
        del runner


@pytest.mark.asyncio
async def test_the_pool_opens_at_most_four_connections_at_once(outbox: Outbox) -> None:
    """Counted at the event loop: concurrent ``create_connection`` calls never exceed 4."""
    runner, port, most, cleanup = await _holding_receiver(32, 10.0)
    loop = asyncio.get_running_loop()
    real = loop.create_connection
    dialing = {"now": 0, "most": 0}

    async def counted(*args: Any, **kwargs: Any) -> Any:
        dialing["now"] += 1
        dialing["most"] = max(dialing["most"], dialing["now"])
        try:
            await asyncio.sleep(0.002)  # a connection takes a moment: let the others pile up
            return await real(*args, **kwargs)
        finally:
            dialing["now"] -= 1

    loop.create_connection = counted  # type: ignore[method-assign]
    pool = HttpPool(64)
    try:
        request = b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
        answers = await asyncio.gather(
            *(pool.request("127.0.0.1", port, request) for _ in range(32))
        )
        assert [a.status for a in answers] == [200] * 32
        assert dialing["most"] == 4
        assert pool.opened == 32  # the receiver held them all: every one needed its own
        assert most() == 32
    finally:
        del loop.create_connection
        await pool.close()
        await cleanup()
        del runner


@pytest.mark.asyncio
async def test_a_new_connection_only_when_every_open_one_is_busy(outbox: Outbox) -> None:
    """One request at a time never needs a second connection."""
    runner, port, _most, cleanup = await _holding_receiver(1, 10.0)
    pool = HttpPool(64)
    try:
        request = b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
        for _ in range(10):
            assert (await pool.request("127.0.0.1", port, request)).status == 200
        assert pool.opened == 1
    finally:
        await pool.close()
        await cleanup()
        del runner
