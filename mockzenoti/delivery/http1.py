"""A lean HTTP/1.1 client for webhook requests to ``http://`` targets.

Why it exists: in a soak the sender process is the bottleneck, and about two
thirds of its CPU went to aiohttp's request path (a request object, a payload
object, a body-writer task, a response object, a stream reader and a
connector round trip per request). A webhook attempt needs far less: one
write of a request whose head is mostly fixed, and the status, a few headers
and the first bytes of the answer. ``send.Sender`` uses this pool for plain
``http://`` URLs without credentials; ``https://`` and URLs with user info go
through aiohttp's ``ClientSession`` as before.

What it does, and no more:

- connections are kept alive and reused per ``(host, port)``; at most
  ``limit`` are open (an idle connection to another host is closed to make
  room, else the request waits for one to come free); an idle connection is
  not reused after ``idle_timeout`` seconds, nor after its peer closed it;
- one request at a time per connection (no pipelining), written in one call;
- answers are framed by ``Content-Length``, by the chunked transfer coding,
  or by the end of the connection; interim ``1xx`` answers are skipped; only
  the first ``keep`` bytes of a body are kept, the rest is read and dropped;
- a connection is reused only after a complete answer that did not ask to
  close it (``Connection: close``, HTTP/1.0 without keep-alive, a body ended
  by the connection, or bytes after the answer);
- a request on a reused connection that ends before any byte of its answer
  is sent once more on a new connection: that is the keep-alive race (the
  server closed the idle connection as the request came; Node's and
  uvicorn's servers close idle connections after 5 s), and the server did
  not take the request;
- otherwise a malformed answer raises ``ProtocolError``; a connection that
  ends before its answer raises ``ServerDisconnected``; connecting raises
  ``OSError``; cancelling the waiting task (a timeout) closes the connection.
"""

from __future__ import annotations

import asyncio

from mockzenoti.delivery.http1_conn import Answer, Connection, ProtocolError, ServerDisconnected
from mockzenoti.delivery.waiters import Waiters

__all__ = ["Answer", "HttpPool", "ProtocolError", "ServerDisconnected"]


class HttpPool:
    """Keep-alive HTTP/1.1 connections shared by all requests of one engine."""

    def __init__(self, limit: int = 100, *, idle_timeout: float = 15.0, keep: int = 256) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._idle_timeout = idle_timeout
        self._keep = keep
        self._idle: dict[tuple[str, int], list[Connection]] = {}
        self._open = 0
        self._waiters = Waiters()  # requests waiting for a place under the limit
        self._closed = False

    @property
    def open_connections(self) -> int:
        """Connections open or being opened."""
        return self._open

    async def request(self, host: str, port: int, data: bytes) -> Answer:
        """Send ``data`` (a whole request: head and body) to ``host:port``; the answer."""
        key = (host, port)
        conn = self._reuse(key) or await self._connect(key)
        try:
            answer = await conn.exchange(data)
        except ServerDisconnected:
            conn.close()
            if conn.exchanges == 1 or conn.answering:  # a new connection, or a partial answer
                raise
            # The keep-alive race: the server closed the idle connection as the
            # request came, and answered nothing. Once more, on a new connection.
            conn = await self._connect(key)
            try:
                answer = await conn.exchange(data)
            except BaseException:
                conn.close()
                raise
        except BaseException:
            conn.close()
            raise
        if conn.reusable and not self._closed:
            conn.idle_since = asyncio.get_running_loop().time()
            self._idle.setdefault(key, []).append(conn)
            self._waiters.wake()  # a request waiting at the limit may take it (or close it)
        else:
            conn.close()
        return answer

    async def close(self) -> None:
        """Close every idle connection; requests under way close theirs when done."""
        self._closed = True
        for conns in self._idle.values():
            while conns:
                conns.pop().close()

    # -- connections --------------------------------------------------------------------------

    def _reuse(self, key: tuple[str, int]) -> Connection | None:
        idle = self._idle.get(key)
        if not idle:
            return None
        oldest_allowed = asyncio.get_running_loop().time() - self._idle_timeout
        while idle:
            conn = idle.pop()
            if conn.idle_since >= oldest_allowed and not conn.lost:
                return conn
            conn.close()
        return None

    async def _connect(self, key: tuple[str, int]) -> Connection:
        if self._closed:
            raise RuntimeError("the HTTP pool is closed")
        while self._open >= self._limit:
            if not self._evict_idle():
                await self._waiters.turn()
                conn = self._reuse(key)
                if conn is not None:
                    return conn
        self._open += 1
        made: list[Connection] = []

        def protocol() -> Connection:
            made.append(Connection(key, self._keep, self._forget))
            return made[0]

        try:
            _, conn = await asyncio.get_running_loop().create_connection(protocol, *key)
        except BaseException:
            if made:
                made[0].release_slot()
            else:
                self._freed()
            raise
        return conn

    def _evict_idle(self) -> bool:
        for conns in self._idle.values():
            if conns:
                conns.pop(0).close()
                return True
        return False

    def _freed(self) -> None:
        """A connection closed (or failed to open): its slot goes to the next waiter."""
        self._open -= 1
        self._waiters.wake()

    def _forget(self, conn: Connection) -> None:
        idle = self._idle.get(conn.key)
        if idle and conn in idle:
            idle.remove(conn)
        self._freed()
