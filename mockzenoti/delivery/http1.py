"""A lean HTTP/1.1 client for webhook requests to ``http://`` targets.

Why it exists: in a soak the sender process is the bottleneck, and about two
thirds of its CPU went to aiohttp's request path (a request object, a payload
object, a body-writer task, a response object, a stream reader and a
connector round trip per request). A webhook attempt needs far less: one
write of a request whose head is mostly fixed, and the status, a few headers
and the first bytes of the answer, parsed by ``httptools`` (llhttp; see
``http1_conn.py``). ``send.Sender`` uses this pool for plain ``http://`` URLs
without credentials; ``https://`` and URLs with user info go through
aiohttp's ``ClientSession``.

What it does, and no more:

- connections are kept alive and reused per ``(host, port)``; at most
  ``limit`` are open in all (an idle connection to another host is closed to
  make room, else the request waits);
- polite opening: a request takes an idle connection when there is one, or
  one handed over as it comes free; a new connection is opened only while
  more requests wait than connections are being opened, and at most
  ``connecting`` (4) are being opened per host at once. A connection counts
  as being opened until the first byte of an answer comes on it (or
  ``PROOF_WAIT`` seconds pass): the kernel completes a connection before the
  server accepts it, so a connection that returned from ``connect()`` may
  still wait in the server's listen queue. A server with a small listen
  backlog (Python's ``http.server``: 5) is never flooded, and a fast one
  (or one holding its answers) still gets ``limit`` requests in flight;
- an idle connection is not reused after ``idle_timeout`` seconds, nor after
  its peer closed it;
- one request at a time per connection (no pipelining), written in one call;
- a connection is reused only after a complete answer that did not ask to
  close it;
- every request is sent once: a connection that ends before its answer
  raises ``ServerDisconnected`` (with ``written``: the whole request had left,
  so the receiver may have it), even on a reused connection (the keep-alive
  race); the engine's retry decision decides what comes next. A malformed
  answer raises ``ProtocolError``; connecting raises ``OSError``; cancelling
  the waiting task (a timeout) closes the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

from mockzenoti.delivery.http1_conn import Answer, Connection, ProtocolError, ServerDisconnected

__all__ = ["PROOF_WAIT", "Answer", "HttpPool", "ProtocolError", "ServerDisconnected"]

Key = tuple[str, int]
#: Seconds a new connection counts as still being opened when no answer has come on it.
PROOF_WAIT = 0.1


class _Host:
    """One ``(host, port)``: idle connections, requests waiting, connections being opened.

    ``dialing``: connection attempts under way (each will serve a waiting
    request); ``opening``: those plus new connections the server has not yet
    shown it took (no byte of an answer yet, for at most ``PROOF_WAIT``).
    """

    __slots__ = ("dialing", "idle", "opening", "waiting")

    def __init__(self) -> None:
        self.idle: list[Connection] = []
        self.waiting: deque[asyncio.Future[Connection]] = deque()
        self.dialing = 0
        self.opening = 0

    def waiters(self) -> int:
        """Requests waiting (a cancelled one may still be counted until it reaches the front)."""
        waiting = self.waiting
        while waiting and waiting[0].done():
            waiting.popleft()
        return len(waiting)


class HttpPool:
    """Keep-alive HTTP/1.1 connections shared by all requests of one engine."""

    def __init__(
        self,
        limit: int = 100,
        *,
        idle_timeout: float = 15.0,
        keep: int = 256,
        connecting: int = 4,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if connecting < 1:
            raise ValueError("connecting must be at least 1")
        self._limit = limit
        self._idle_timeout = idle_timeout
        self._keep = keep
        self._connecting = connecting
        self._hosts: dict[Key, _Host] = {}
        self._open = 0  # connections open or being opened
        self._dials: set[asyncio.Task[None]] = set()
        self._proofs: set[asyncio.TimerHandle] = set()
        self._growing = False
        self._closed = False
        #: Connections opened so far (for tests and the curious).
        self.opened = 0

    @property
    def open_connections(self) -> int:
        """Connections open or being opened."""
        return self._open

    async def request(self, host: str, port: int, data: bytes) -> Answer:
        """Send ``data`` (a whole request: head and body) to ``host:port``; the answer."""
        key = (host, port)
        conn = await self._acquire(key)
        try:
            answer = await conn.exchange(data)
        except BaseException:
            conn.close()
            raise
        self._release(conn)
        return answer

    async def close(self) -> None:
        """Close every idle connection and stop opening new ones.

        Requests under way close their connections when done; requests still
        waiting for a connection get ``RuntimeError``.
        """
        self._closed = True
        for task in tuple(self._dials):
            task.cancel()
        for task in tuple(self._dials):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for handle in self._proofs:
            handle.cancel()
        self._proofs.clear()
        for host in self._hosts.values():
            while host.idle:
                host.idle.pop().close()
            while host.waiting:
                waiter = host.waiting.popleft()
                if not waiter.done():
                    waiter.set_exception(RuntimeError("the HTTP pool is closed"))

    # -- taking and giving back ---------------------------------------------------------------

    async def _acquire(self, key: Key) -> Connection:
        if self._closed:
            raise RuntimeError("the HTTP pool is closed")
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host()
        conn = self._fresh_idle(host)
        if conn is not None:
            return conn
        waiter: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
        host.waiting.append(waiter)
        self._grow(key, host)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over as we were cancelled: pass it on
            raise

    def _fresh_idle(self, host: _Host) -> Connection | None:
        idle = host.idle
        if not idle:
            return None
        oldest_allowed = asyncio.get_running_loop().time() - self._idle_timeout
        while idle:
            conn = idle.pop()
            if conn.idle_since >= oldest_allowed and not conn.lost:
                return conn
            conn.close()
        return None

    def _release(self, conn: Connection) -> None:
        """After a complete answer: hand the connection to a waiting request, keep it, or close."""
        if not conn.reusable or self._closed:
            conn.close()
            return
        host = self._hosts[conn.key]
        while host.waiting:
            waiter = host.waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        conn.idle_since = asyncio.get_running_loop().time()
        host.idle.append(conn)
        if len(self._hosts) > 1:
            self._serve_starved()  # a request for another host may close it to make room

    # -- opening ------------------------------------------------------------------------------

    def _grow(self, key: Key, host: _Host) -> None:
        """Open connections for waiting requests, politely (see the module docstring)."""
        if self._growing:
            return
        self._growing = True
        try:
            self._grow_now(key, host)
        finally:
            self._growing = False

    def _grow_now(self, key: Key, host: _Host) -> None:
        while (
            not self._closed and host.opening < self._connecting and host.waiters() > host.dialing
        ):
            if self._open >= self._limit and not self._evict_idle():
                return  # at the limit: a connection that closes or comes free serves it
            host.dialing += 1
            host.opening += 1
            self._open += 1
            task = asyncio.get_running_loop().create_task(self._dial(key, host))
            self._dials.add(task)
            task.add_done_callback(self._dials.discard)

    async def _dial(self, key: Key, host: _Host) -> None:
        made: list[Connection] = []

        def protocol() -> Connection:
            made.append(Connection(key, self._keep, self._forget, self._proven))
            return made[0]

        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(protocol, *key)
        except BaseException as exc:
            host.dialing -= 1
            if made:
                made[0].proven = True  # not counted twice by _forget
            host.opening -= 1
            if not isinstance(exc, asyncio.CancelledError):
                self._hand_failure(host, exc)  # first: the freed place must not dial for it
            if made:
                made[0].release_slot()
            else:
                self._freed()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        host.dialing -= 1
        self.opened += 1
        if not conn.proven:
            handle = loop.call_later(PROOF_WAIT, self._proven, conn)
            conn.proof_timer = handle
            self._proofs.add(handle)
        conn.reusable = True
        self._release(conn)
        self._grow(key, host)

    def _proven(self, conn: Connection) -> None:
        """``conn`` no longer counts as being opened (an answer came, time passed, it closed)."""
        if conn.proven:
            return
        conn.proven = True
        handle = conn.proof_timer
        if handle is not None:
            handle.cancel()
            self._proofs.discard(handle)
            conn.proof_timer = None
        host = self._hosts.get(conn.key)
        if host is not None:
            host.opening -= 1
            if host.waiting:
                self._grow(conn.key, host)

    def _hand_failure(self, host: _Host, exc: BaseException) -> None:
        """A connection could not be opened: the oldest waiting request gets the error."""
        while host.waiting:
            waiter = host.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(exc)
                return

    def _evict_idle(self) -> bool:
        for host in self._hosts.values():
            if host.idle:
                host.idle.pop(0).close()  # frees its slot
                return True
        return False

    def _freed(self) -> None:
        """A connection closed (or failed to open): its place may serve a waiting request."""
        self._open -= 1
        self._serve_starved()

    def _serve_starved(self) -> None:
        if self._open >= self._limit and not any(h.idle for h in self._hosts.values()):
            return
        for key, host in self._hosts.items():
            if host.waiting and host.waiters() > host.dialing:
                self._grow(key, host)

    def _forget(self, conn: Connection) -> None:
        self._proven(conn)
        host = self._hosts.get(conn.key)
        if host is not None and conn in host.idle:
            host.idle.remove(conn)
        self._freed()
