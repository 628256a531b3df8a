"""One HTTP attempt: send, time it, classify the answer (aiohttp's side: ``client.py``).

Outcomes (``AttemptResult.outcome``; which are retried: ``decision.py``):
``success`` (2xx), ``redirect`` (3xx, never followed), ``client_error``
(4xx), ``server_error`` (5xx), ``timeout`` (no answer within the target's
timeout), ``connection`` (refused, reset, closed before an answer: every
request is sent once, a reused connection too) and ``protocol`` (a malformed
answer: a bad status line, a status outside 100 to 599, a version other than
HTTP/1.0 or 1.1, a bad ``Content-Length`` or chunk size, a NUL in a header,
an over-long head, switching protocols). ``written`` says whether the whole
request had been handed to the network when no answer came.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from yarl import URL

from mockzenoti import __version__
from mockzenoti.delivery.decision import AttemptResult, classify, parse_retry_after, retryable
from mockzenoti.delivery.http1 import HttpPool, ProtocolError, ServerDisconnected
from mockzenoti.delivery.signing import Signer
from mockzenoti.delivery.targets import Target, tls_context
from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.security.secrecy import redact_passwords

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "SNIPPET",
    "USER_AGENT",
    "AttemptResult",
    "Sender",
    "SessionSlot",
    "failure_text",
    "malformed",
    "parse_retry_after",
    "timed_out",
    "tls_setting",
    "unreachable",
]

USER_AGENT = f"mockzenoti/{__version__} (Zenoti webhook mock)"
#: Characters of an answer's body (or of an error) kept in the attempt log.
SNIPPET = 256


class SessionSlot:
    """The aiohttp ``ClientSession`` an engine sends through, made when first asked for.

    ``given``: the process's session (``client.client_session``), used as is;
    without one, a session of ``limit`` connections is made on the first call
    (so a run to plain ``http://`` targets never imports aiohttp) and closed by
    ``close``.
    """

    __slots__ = ("_given", "_limit", "_made")

    def __init__(self, given: aiohttp.ClientSession | None = None, limit: int = 100) -> None:
        self._given = given
        self._limit = limit
        self._made: aiohttp.ClientSession | None = None

    def __call__(self) -> aiohttp.ClientSession:
        """The session (call it on the event loop: a new one is bound to it)."""
        if self._given is not None:
            return self._given
        if self._made is None:
            from mockzenoti.delivery.client import new_session

            self._made = new_session(self._limit)
        return self._made

    async def close(self) -> None:
        """Close the session this slot made (a given one belongs to its giver)."""
        made, self._made = self._made, None
        if made is not None:
            await made.close()


class Sender:
    """Sends one target's requests: its URL, method, headers, timeout and signer.

    A plain ``http://`` URL without user info goes through the engine's lean
    ``HttpPool`` (``delivery/http1.py``); others through aiohttp's session.
    Either way the request carries ``Host``, ``User-Agent``, ``Accept``,
    ``Content-Type`` (the target's ``content_type``: ``application/json``
    unless told otherwise, or none), the target's headers, the signature
    headers and ``Content-Length`` (``request_headers`` lists them). An
    ``https://`` target's certificate is checked against its ``ca_cert`` (or
    the system's CAs), or not at all when it is ``insecure``.
    """

    __slots__ = (
        "_address",
        "_base_headers",
        "_head",
        "_method",
        "_skip",
        "_ssl",
        "_timeout",
        "_url",
        "retry_statuses",
        "signer",
    )

    def __init__(self, target: Target) -> None:
        url = URL(target.url)
        self._url = url
        self._method = target.method
        self._timeout = target.timeout
        self._base_headers = dict(target.headers)
        self._skip: tuple[str, ...] = ("Content-Type",)  # aiohttp would add one for bytes
        if target.content_type is not None:
            self._base_headers = {"Content-Type": target.content_type, **target.headers}
            self._skip = ()
        self._ssl = tls_setting(target)
        self.signer: Signer = target.signer()
        self.retry_statuses = target.retry_statuses
        self._address: tuple[str, int] | None = None
        self._head = b""
        if url.scheme == "http" and url.raw_host and url.port and url.raw_user is None:
            self._address = (url.raw_host, url.port)
            self._head = _request_head(url, target.method, self._base_headers)

    def request_headers(self, body: bytes, delivery_id: str, now: float) -> dict[str, str]:
        """The headers of the request that sends ``body`` at ``now``, in the order sent.

        The same for both clients (aiohttp adds ``Accept-Encoding`` of its own);
        ``now`` is the attempt's time: the standard scheme's timestamp is signed.
        """
        headers = _fixed_headers(self._url, self._base_headers)
        headers.update(self.signer.headers(body, delivery_id, now))
        headers["Content-Length"] = str(len(body))
        return headers

    @property
    def lean(self) -> bool:
        """True when requests go through the engine's ``HttpPool`` (plain ``http://``)."""
        return self._address is not None

    async def send(
        self,
        session: Callable[[], aiohttp.ClientSession],
        pool: HttpPool | None,
        body: bytes,
        delivery_id: str,
        now: float,
        watchdog: Watchdog,
    ) -> AttemptResult:
        """POST/PUT/PATCH ``body`` once; never raises for network trouble.

        ``watchdog`` (the engine's) keeps the target's timeout. Without a
        ``pool`` every request goes through aiohttp: ``session()`` gives the
        session (a ``SessionSlot``), asked for only then.
        """
        signed = self.signer.headers(body, delivery_id, now)
        if pool is not None and self._address is not None:
            return await self._send_lean(pool, body, signed, now, watchdog)
        from mockzenoti.delivery.client import request  # aiohttp: loaded when first needed

        headers = self._base_headers
        if signed:
            headers = headers.copy()
            headers.update(signed)
        answer = await request(
            session(),
            self._method,
            self._url,
            body,
            headers,
            self._skip,
            self._ssl,
            self._timeout,
            watchdog,
        )
        if isinstance(answer, AttemptResult):
            return answer
        status, retry_after, raw, start = answer
        return self._answered(status, retry_after, raw, now, start)

    async def _send_lean(
        self,
        pool: HttpPool,
        body: bytes,
        signed: dict[str, str],
        now: float,
        watchdog: Watchdog,
    ) -> AttemptResult:
        assert self._address is not None
        lines = "".join([f"{name}: {value}\r\n" for name, value in signed.items()])
        data = b"%s%sContent-Length: %d\r\n\r\n%s" % (self._head, lines.encode(), len(body), body)
        start = time.perf_counter()
        task = watchdog.watch(self._timeout)
        try:
            answer = await pool.request(*self._address, data)
        except asyncio.CancelledError:
            if not watchdog.expired(task):
                raise
            return timed_out(start)
        except ProtocolError as exc:
            latency = time.perf_counter() - start
            return AttemptResult("protocol", None, str(exc)[:SNIPPET], latency, None)
        except ServerDisconnected as exc:
            return unreachable(exc, start, written=exc.written)
        except OSError as exc:
            return unreachable(exc, start, written=False)
        finally:
            watchdog.unwatch(task)
        status = answer.status  # Retry-After matters only when it did not succeed
        retry_after = answer.header("retry-after") if status >= 300 else None
        return self._answered(status, retry_after, answer.body, now, start)

    def _answered(
        self, status: int, retry_after: str | None, raw: bytes, now: float, start: float
    ) -> AttemptResult:
        """The result of an attempt that got an answer (either client's).

        ``retry_after``: the answer's ``Retry-After`` header (used when it did not succeed).
        """
        latency = time.perf_counter() - start
        if 200 <= status < 300:
            outcome, wait = "success", None
        else:
            outcome, wait = (
                classify(status, self.retry_statuses)[0],
                parse_retry_after(retry_after, now),
            )
        snippet = raw[:SNIPPET].decode("utf-8", "replace") if raw else None
        return AttemptResult(outcome, status, None, latency, snippet, wait)


def _fixed_headers(url: URL, headers: dict[str, str]) -> dict[str, str]:
    """``Host``, ``User-Agent``, ``Accept`` and the target's headers (these win, by name)."""
    host = url.raw_host or ""
    if ":" in host:
        host = f"[{host}]"
    if url.explicit_port is not None:
        host = f"{host}:{url.explicit_port}"
    merged = {
        "host": ("Host", host),
        "user-agent": ("User-Agent", USER_AGENT),
        "accept": ("Accept", "*/*"),
    }
    for name, value in headers.items():
        merged[name.lower()] = (name, value)
    return dict(merged.values())


def _request_head(url: URL, method: str, headers: dict[str, str]) -> bytes:
    """The fixed part of a request's head: request line, ``Host`` and the constant headers."""
    lines = [f"{method} {url.raw_path_qs or '/'} HTTP/1.1"]
    lines.extend(f"{name}: {value}" for name, value in _fixed_headers(url, headers).items())
    return ("\r\n".join(lines) + "\r\n").encode()


def timed_out(start: float) -> AttemptResult:
    """A ``timeout`` result: no answer came within the target's timeout."""
    return AttemptResult("timeout", None, "timed out", time.perf_counter() - start, None)


def failure_text(exc: BaseException) -> str:
    """Why no answer came, in words, the cause first: ``connection refused: [Errno 111] ...``.

    The causes named: ``certificate not trusted``, ``TLS failed``, ``host not
    found``, ``connection refused``, ``connection reset``, ``host unreachable``,
    ``closed without an answer``; anything else is the exception's name and text.
    """
    cert = getattr(exc, "certificate_error", None)
    if cert is not None or isinstance(exc, ssl.SSLCertVerificationError):
        detail = getattr(cert or exc, "verify_message", None) or str(cert or exc)
        return f"certificate not trusted: {detail}"
    aio = sys.modules.get("aiohttp")  # its errors come only from it, once it is loaded
    if isinstance(exc, ssl.SSLError) or (aio is not None and isinstance(exc, aio.ClientSSLError)):
        return f"TLS failed: {getattr(exc, 'os_error', None) or exc}"
    cause = getattr(exc, "os_error", None) or exc
    number = getattr(cause, "errno", None)
    dns = getattr(aio, "ClientConnectorDNSError", None) if aio is not None else None
    if isinstance(cause, socket.gaierror) or (dns is not None and isinstance(exc, dns)):
        return f"host not found: {cause}"
    if isinstance(cause, ConnectionRefusedError) or number == errno.ECONNREFUSED:
        return f"connection refused: {cause}"
    if isinstance(cause, ConnectionResetError) or number == errno.ECONNRESET:
        return f"connection reset: {cause}"
    if number in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return f"host unreachable: {cause}"
    if isinstance(exc, ServerDisconnected) or (
        aio is not None and isinstance(exc, aio.ServerDisconnectedError)
    ):
        return f"closed without an answer: {exc}"
    return f"{type(exc).__name__}: {exc}"


def unreachable(exc: BaseException, start: float, *, written: bool = True) -> AttemptResult:
    """A ``connection`` result: no answer came (refused, reset, closed, DNS, TLS)."""
    message = redact_passwords(failure_text(exc))[:SNIPPET]
    latency = time.perf_counter() - start
    return AttemptResult("connection", None, message, latency, None, None, written)


def malformed(reason: str, start: float) -> AttemptResult:
    """A ``protocol`` result: the answer was not well-formed HTTP/1.x."""
    message = f"malformed answer: {reason}"[:SNIPPET]
    return AttemptResult("protocol", None, message, time.perf_counter() - start, None)


def tls_setting(target: Target) -> ssl.SSLContext | bool:
    """aiohttp's ``ssl=`` for a target: False (``insecure``), its CA's context, or True."""
    if target.insecure:
        return False
    return tls_context(target.ca_cert) if target.ca_cert is not None else True


def is_retryable(result: AttemptResult, retry_statuses: frozenset[int]) -> bool:
    """True when a failed attempt should be retried (budget permitting)."""
    return retryable(result.outcome, result.status, retry_statuses)
