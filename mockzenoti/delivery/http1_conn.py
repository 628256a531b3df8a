"""One keep-alive HTTP/1.1 connection of ``HttpPool`` (``http1.py``): write, then parse.

Answers are parsed by ``httptools`` (llhttp, the parser of Node and aiohttp):
framing by ``Content-Length``, by the chunked transfer coding or by the end
of the connection, interim ``1xx`` answers skipped. On top of llhttp's own
checks, a status outside 100 to 599, a version other than HTTP/1.0 and 1.1,
``101`` (switching protocols) and a head over 64 KiB are malformed. A
malformed answer raises ``ProtocolError`` at once, with llhttp's reason; the
connection is closed. Only the first ``keep`` bytes of a body are kept.
``reusable`` is true after a complete answer that did not ask to close the
connection and left no bytes behind.

``written`` tells whether the whole request was handed to the transport
(and the transport did not have to pause for it): a request cut off after
that may have reached the receiver. It is an upper bound: a request still in
the transport's buffer when the connection closed counts as written too (the
buffer is at most 64 KiB; webhook bodies are far smaller). Watching the
buffer empty exactly made uvloop pause and resume the protocol at every
request, about a tenth of the sender's CPU.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

import httptools

__all__ = ["MAX_HEAD", "Answer", "Connection", "ProtocolError", "ServerDisconnected"]

#: The longest answer head accepted (status line and headers).
MAX_HEAD = 64 * 1024
_VERSIONS = frozenset({"1.0", "1.1"})


class ProtocolError(Exception):
    """The peer's answer is not well-formed HTTP/1.x (the message says what was wrong)."""


class ServerDisconnected(ConnectionError):
    """The connection ended before a complete answer.

    ``written``: the whole request had been handed to the network first.
    """

    def __init__(self, message: str, *, written: bool) -> None:
        super().__init__(message)
        self.written = written


class Answer:
    """A response: status, headers (lower-case names), the first bytes of the body.

    The headers stay as the parser gave them until read (the engine reads
    ``Retry-After`` of an answer that did not succeed, and nothing of the
    others); ``headers`` then builds the mapping (repeated names joined by ", ").
    """

    __slots__ = ("_built", "_raw", "body", "status")

    def __init__(self, status: int, raw: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.body = body
        self._raw = raw
        self._built: dict[str, str] | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Every header, by lower-case name."""
        if self._built is None:
            self._built = header_map(self._raw)
        return self._built

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (lower case), or None."""
        return self.headers.get(name)


def header_map(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Headers by lower-case name; a repeated name's values joined by ", "."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


class _Stop(Exception):
    """Raised from a parser callback to stop parsing (the reason is kept apart)."""


class Connection(asyncio.Protocol):
    """One TCP connection: writes a request, parses its answer (see the module docstring).

    ``keep``: bytes of a body to keep; ``on_release``: called once when the
    connection closes or is closed, to give its place in the pool back;
    ``on_answer``: called when the first byte of an answer comes (``proven``).
    """

    def __init__(
        self,
        key: tuple[str, int],
        keep: int,
        on_release: Callable[[Connection], None],
        on_answer: Callable[[Connection], None] | None = None,
    ) -> None:
        self.key = key
        self.proven = on_answer is None  # the server has answered on it (the pool's concern)
        self.proof_timer: asyncio.TimerHandle | None = None
        self._on_answer = on_answer
        self.idle_since = 0.0
        self.lost = False
        self.reusable = False
        self.answering = False  # some bytes of the current answer have come
        self.written = False  # the current request has left the transport's buffer
        self.exchanges = 0  # requests written on this connection
        self._counted = True
        self._keep = keep
        self._on_release = on_release
        self._transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[Answer] | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._reason: ProtocolError | None = None
        self._head_bytes = 0  # bytes of the current answer before its head was complete
        self._in_head = True
        self._interim = False
        self._keep_alive = False
        self._status = 0
        self._raw: list[tuple[bytes, bytes]] = []
        self._body = bytearray()

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def pause_writing(self) -> None:
        self.written = False

    def resume_writing(self) -> None:
        self.written = True

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if not self._in_head and self._ends_with_connection():
                self._keep_alive = False  # the body ends with the connection
                self._finish()
            else:
                where = "in the middle of its answer" if self.answering else "before answering"
                waiter.set_exception(
                    ServerDisconnected(
                        f"the server closed the connection {where}", written=self.written
                    )
                )
        self.release_slot()

    def eof_received(self) -> bool | None:
        return None  # the transport closes; connection_lost settles the answer

    def data_received(self, data: bytes) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            self.close()  # bytes nobody asked for: the connection cannot be trusted
            return
        self.answering = self.written = True
        if not self.proven and self._on_answer is not None:
            self._on_answer(self)
        if self._in_head:
            self._head_bytes += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(ProtocolError("malformed answer: the server switched protocols"))
        except (httptools.HttpParserError, _Stop) as exc:
            self._fail(self._reason or ProtocolError(f"malformed answer: {exc}"))
        else:
            if self._in_head and self._head_bytes > MAX_HEAD and not waiter.done():
                self._fail(ProtocolError("malformed answer: its head is over 64 KiB"))

    # -- llhttp's callbacks -------------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self._waiter is None or self._waiter.done():
            self._stop(ProtocolError("bytes after the answer"))  # never reused: see _fail
        self._in_head = True
        self._interim = False
        self._raw = []
        self._body = bytearray()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._raw.append((name, value))  # decoded only if read (``Answer``)

    def on_headers_complete(self) -> None:
        parser = self._parser
        status = parser.get_status_code()
        version = parser.get_http_version()
        if version not in _VERSIONS:
            self._stop(ProtocolError(f"malformed answer: HTTP/{version} is not HTTP/1.0 or 1.1"))
        if not 100 <= status <= 599:
            self._stop(ProtocolError(f"malformed answer: status {status} is not 100 to 599"))
        if status == 101:
            self._stop(ProtocolError("malformed answer: the server switched protocols"))
        if self._head_bytes > MAX_HEAD:
            # Bytes of the body may have come with the head: count them out only
            # when the head alone could be that long (llhttp holds no more than it).
            size = sum(len(k) + len(v) + 4 for k, v in self._raw)
            if size > MAX_HEAD:
                self._stop(ProtocolError("malformed answer: its head is over 64 KiB"))
        self._in_head = False
        if status < 200:
            self._interim = True  # 100 Continue, 103 Early Hints: the real answer follows
            return
        self._status = status
        self._keep_alive = parser.should_keep_alive()

    def _ends_with_connection(self) -> bool:
        """The answer's body is framed by the end of the connection (no length, not chunked)."""
        headers = header_map(self._raw)
        return (
            self._status not in (204, 304)
            and "content-length" not in headers
            and "chunked" not in headers.get("transfer-encoding", "").lower()
        )

    def on_body(self, body: bytes) -> None:
        room = self._keep - len(self._body)
        if room > 0:
            self._body += body[:room]

    def on_message_complete(self) -> None:
        if self._interim:
            self._head_bytes = 0
            return
        self._finish()

    # -- requests -----------------------------------------------------------------------------

    def exchange(self, data: bytes) -> asyncio.Future[Answer]:
        """Write one request; the future resolves with its answer."""
        transport = self._transport
        assert transport is not None
        self.reusable = False
        self.answering = False
        self.exchanges += 1
        self._head_bytes = 0
        self._in_head = True
        self._waiter = waiter = asyncio.get_running_loop().create_future()
        self.written = True  # unless writing pauses (pause_writing): see the module docstring
        transport.write(data)
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

    # -- the end of an answer -----------------------------------------------------------------

    def _stop(self, reason: ProtocolError) -> None:
        self._reason = reason
        raise _Stop(str(reason))

    def _fail(self, reason: ProtocolError) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(reason)
        self._reason = None
        self.close()

    def _finish(self) -> None:
        waiter = self._waiter
        assert waiter is not None
        self._in_head = True
        self._head_bytes = 0
        self.reusable = self._keep_alive and not self.lost
        waiter.set_result(Answer(self._status, self._raw, bytes(self._body)))
