"""One keep-alive HTTP/1.1 connection of ``HttpPool`` (``http1.py``): write, then parse.

The answer is parsed from the transport's bytes as they come: a head (status
line and header lines, at most 64 KiB), then a body framed by
``Content-Length``, by the chunked transfer coding (extensions and trailers
read and ignored) or by the end of the connection. Interim ``1xx`` answers are
skipped; ``101`` is an error. Only the first ``keep`` bytes of the body are
kept. ``reusable`` is true after a complete answer that did not ask to close
the connection and left no bytes behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import NamedTuple, cast

__all__ = ["Answer", "Connection", "ProtocolError", "ServerDisconnected"]

_MAX_HEAD = 64 * 1024
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILER, _UNTIL_CLOSE = range(7)
_NO_BODY = frozenset({204, 304})


class ProtocolError(Exception):
    """The peer's answer is not well-formed HTTP/1.x."""


class ServerDisconnected(ConnectionError):
    """The connection ended before a complete answer."""


class Answer(NamedTuple):
    """A response: status, headers (lower-case names), the first bytes of the body."""

    status: int
    headers: dict[str, str]
    body: bytes


class Connection(asyncio.Protocol):
    """One TCP connection: writes a request, parses its answer (see the module docstring).

    ``keep``: bytes of a body to keep; ``on_release``: called once when the
    connection closes or is closed, to give its place in the pool back.
    """

    def __init__(
        self, key: tuple[str, int], keep: int, on_release: Callable[[Connection], None]
    ) -> None:
        self.key = key
        self.idle_since = 0.0
        self.lost = False
        self.reusable = False
        self.answering = False  # some bytes of the current answer have come
        self.exchanges = 0  # requests written on this connection
        self._counted = True
        self._keep = keep
        self._on_release = on_release
        self._transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[Answer] | None = None
        self._buf = bytearray()
        self._state = _HEAD
        self._left = 0
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body = bytearray()
        self._keep_alive = False

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if self._state == _UNTIL_CLOSE:
                self._keep_alive = False
                self._finish()
            else:
                waiter.set_exception(ServerDisconnected("the server closed the connection"))
        self.release_slot()

    def eof_received(self) -> bool | None:
        return None  # the transport closes; connection_lost settles the answer

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # bytes nobody asked for: the connection cannot be trusted
            return
        self.answering = True
        self._buf += data
        try:
            self._parse()
        except ProtocolError as exc:
            if not self._waiter.done():
                self._waiter.set_exception(exc)
            self.close()

    # -- requests -----------------------------------------------------------------------------

    def exchange(self, data: bytes) -> asyncio.Future[Answer]:
        """Write one request; the future resolves with its answer."""
        assert self._transport is not None
        self.reusable = False
        self.answering = False
        self.exchanges += 1
        self._state = _HEAD
        self._waiter = waiter = asyncio.get_running_loop().create_future()
        self._transport.write(data)
        return waiter

    def release_slot(self) -> None:
        """Give the connection's place in the pool back (once)."""
        if self._counted:
            self._counted = False
            self._on_release(self)

    def close(self) -> None:
        """Close the connection and give its place back (idempotent)."""
        self.reusable = False
        if self._transport is not None and not self.lost:
            self._transport.close()
        self.release_slot()

    # -- parsing ------------------------------------------------------------------------------

    def _parse(self) -> None:
        while self._waiter is not None and not self._waiter.done():
            state = self._state
            if state == _HEAD:
                head = self._cut(b"\r\n\r\n", "response head")
                if head is None:
                    return
                self._start(head)
            elif state == _LENGTH:
                if not self._take_body():
                    return
                self._finish()
            elif state in (_CHUNK_SIZE, _CHUNK_END, _TRAILER):
                line = self._cut(b"\r\n", "chunk line")
                if line is None:
                    return
                self._chunk_line(state, line)
            elif state == _CHUNK_DATA:
                if not self._take_body():
                    return
                self._state = _CHUNK_END
            else:  # _UNTIL_CLOSE
                self._keep_body(self._buf, len(self._buf))
                return

    def _cut(self, separator: bytes, what: str) -> bytes | None:
        """The bytes before ``separator`` (taken with it), or None until it has come."""
        buf = self._buf
        end = buf.find(separator)
        if end < 0:
            if len(buf) > _MAX_HEAD:
                raise ProtocolError(f"{what} over 64 KiB")
            return None
        part = bytes(buf[:end])
        del buf[: end + len(separator)]
        return part

    def _take_body(self) -> bool:
        """Take what has come of the ``_left`` body bytes expected; True when all have."""
        take = min(self._left, len(self._buf))
        self._keep_body(self._buf, take)
        self._left -= take
        return not self._left

    def _start(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code = rest[:3]
        if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise ProtocolError(f"bad status line {lines[0][:80]!r}")
        status = int(code)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise ProtocolError(f"bad header line {line[:80]!r}")
            key = name.decode("latin-1").lower()
            text = value.strip().decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        if 100 <= status < 200:
            if status == 101:
                raise ProtocolError("the server switched protocols")
            return  # an interim answer: the real one follows
        connection = headers.get("connection", "").lower()
        if version == b"HTTP/1.1":
            self._keep_alive = "close" not in connection
        else:
            self._keep_alive = "keep-alive" in connection
        self._status = status
        self._headers = headers
        self._body = bytearray()
        coding = headers.get("transfer-encoding")
        length = headers.get("content-length")
        if status in _NO_BODY:
            self._finish()
        elif coding is not None:
            if coding.lower().rsplit(",", 1)[-1].strip() != "chunked":
                self._keep_alive = False
                self._state = _UNTIL_CLOSE
            else:
                self._state = _CHUNK_SIZE
        elif length is not None:
            if not length.isdigit():
                raise ProtocolError(f"bad Content-Length {length[:40]!r}")
            self._left = int(length)
            self._state = _LENGTH
            if not self._left:
                self._finish()
        else:
            self._keep_alive = False
            self._state = _UNTIL_CLOSE

    def _chunk_line(self, state: int, line: bytes) -> None:
        if state == _CHUNK_END:
            if line:
                raise ProtocolError("chunk data longer than its size")
            self._state = _CHUNK_SIZE
        elif state == _TRAILER:
            if not line:
                self._finish()
        else:
            size = line.split(b";", 1)[0].strip()
            try:
                self._left = int(size, 16)
            except ValueError:
                raise ProtocolError(f"bad chunk size {size[:40]!r}") from None
            self._state = _CHUNK_DATA if self._left else _TRAILER

    def _keep_body(self, buf: bytearray, take: int) -> None:
        room = self._keep - len(self._body)
        if room > 0:
            self._body += buf[: min(room, take)]
        del buf[:take]

    def _finish(self) -> None:
        waiter = self._waiter
        assert waiter is not None
        self._state = _HEAD
        self.reusable = self._keep_alive and not self._buf and not self.lost
        waiter.set_result(Answer(self._status, self._headers, bytes(self._body)))
