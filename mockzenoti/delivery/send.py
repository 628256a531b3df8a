"""One HTTP attempt: send, time it, classify the answer; the session; the test ping.

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
import contextlib
import errno
import socket
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from yarl import URL

from mockzenoti import __version__
from mockzenoti.delivery.decision import AttemptResult, classify, parse_retry_after, retryable
from mockzenoti.delivery.http1 import PROOF_WAIT, HttpPool, ProtocolError, ServerDisconnected
from mockzenoti.delivery.signing import Signer
from mockzenoti.delivery.targets import Target, tls_context
from mockzenoti.delivery.watchdog import Watchdog
from mockzenoti.security.secrecy import redact_passwords

__all__ = [
    "USER_AGENT",
    "AttemptResult",
    "PoliteConnector",
    "Sender",
    "client_session",
    "failure_text",
    "new_session",
    "parse_retry_after",
    "ping",
    "tls_setting",
]

USER_AGENT = f"mockzenoti/{__version__} (Zenoti webhook mock)"
_DNS_ERRORS: tuple[type[BaseException], ...] = tuple(
    e for e in (getattr(aiohttp, "ClientConnectorDNSError", None),) if e is not None
)
_SNIPPET = 256
_MAX_READ = 1 << 20
# Attempts are timed by the engine's Watchdog: no aiohttp timer (nor the session's default).
_UNTIMED = aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None)


@contextlib.asynccontextmanager
async def client_session(limit: int = 100) -> AsyncIterator[aiohttp.ClientSession]:
    """The process's one ``ClientSession``: pooled connections, at most ``limit`` open.

    Use it as a context (``async with client_session() as session``) or in an
    aiohttp ``cleanup_ctx``; pass the session to engines and runners.
    """
    async with new_session(limit) as session:
        yield session


def new_session(limit: int) -> aiohttp.ClientSession:
    """A ``ClientSession`` for deliveries: pooled connections, no cookies, bodies as sent.

    Zenoti keeps no cookies between webhooks, and neither does mockzenoti: a
    receiver's ``Set-Cookie`` is ignored (``DummyCookieJar``, which also spares
    every request a cookie lookup).
    """
    session = aiohttp.ClientSession(
        connector=PoliteConnector(limit=limit, ttl_dns_cache=300),
        headers={"User-Agent": USER_AGENT},
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    )
    # aiohttp sends an idempotent request (PUT) once more, silently, when a reused
    # connection closes before its answer (as its own test client does, turn it off):
    # every request must be an attempt in the log, and the retry decision decides.
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    return session


class PoliteConnector(aiohttp.TCPConnector):
    """aiohttp's connector, opening at most ``connecting`` connections per host at a time.

    aiohttp reuses an idle connection when it has one and otherwise opens a
    new one at once: 64 requests at a cold start are 64 connection attempts,
    which overflow a small listen backlog (Python's ``http.server``: 5). Here
    a new connection counts as being opened until the first answer comes on
    it (``proven``, called by the sender) or ``PROOF_WAIT`` seconds pass, and
    others wait their turn: the lean pool's rule (``http1.py``).
    """

    def __init__(self, *args: Any, connecting: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connecting = connecting
        self._turns: dict[Any, asyncio.Semaphore] = {}
        self._unproven: dict[Any, tuple[asyncio.Semaphore, asyncio.TimerHandle]] = {}

    async def _create_connection(self, req: Any, traces: Any, timeout: Any) -> Any:
        key = req.connection_key
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = asyncio.Semaphore(self._connecting)
        await turn.acquire()
        try:
            proto = await super()._create_connection(req, traces, timeout)
        except BaseException:
            turn.release()
            raise
        handle = asyncio.get_running_loop().call_later(PROOF_WAIT, self.proven, proto)
        self._unproven[proto] = (turn, handle)
        return proto

    def proven(self, protocol: Any) -> None:
        """An answer came on ``protocol``'s connection (or time passed): the next may open."""
        entry = self._unproven.pop(protocol, None)
        if entry is not None:
            turn, handle = entry
            handle.cancel()
            turn.release()


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
        session: aiohttp.ClientSession,
        pool: HttpPool | None,
        body: bytes,
        delivery_id: str,
        now: float,
        watchdog: Watchdog,
    ) -> AttemptResult:
        """POST/PUT/PATCH ``body`` once; never raises for network trouble.

        ``watchdog`` (the engine's) keeps the target's timeout. Without a
        ``pool`` every request goes through ``session``.
        """
        signed = self.signer.headers(body, delivery_id, now)
        if pool is not None and self._address is not None:
            return await self._send_lean(pool, body, signed, now, watchdog)
        headers = self._base_headers
        if signed:
            headers = headers.copy()
            headers.update(signed)
        start = time.perf_counter()
        task = watchdog.watch(self._timeout)
        try:
            async with session.request(
                self._method,
                self._url,
                data=body,
                headers=headers,
                timeout=_UNTIMED,
                allow_redirects=False,
                skip_auto_headers=self._skip,
                ssl=self._ssl,
            ) as resp:
                connector = session.connector
                if isinstance(connector, PoliteConnector):
                    # An empty answer has already given its connection back: ask the response.
                    connector.proven(getattr(resp, "_protocol", None))
                length = resp.content_length
                # Nothing to read for an empty answer (a receiver's usual 200).
                raw = await resp.read() if length is None or 0 < length <= _MAX_READ else b""
                status = resp.status
                retry_after = resp.headers.get("Retry-After")
        except asyncio.CancelledError:
            if not watchdog.expired(task):
                raise
            return _timed_out(start)
        except TimeoutError:
            return _timed_out(start)
        except (aiohttp.ClientError, OSError) as exc:
            if watchdog.expired(task):  # aiohttp turned the cancellation into its own error
                return _timed_out(start)
            return _aiohttp_failure(exc, start)
        finally:
            watchdog.unwatch(task)
        version = resp.version
        if version is None or (version.major, version.minor) not in ((1, 0), (1, 1)):
            shown = "?" if version is None else f"{version.major}.{version.minor}"
            return _malformed(f"HTTP/{shown} is not HTTP/1.0 or 1.1", start)
        if not 100 <= status <= 599:
            return _malformed(f"status {status} is not 100 to 599", start)
        if status == 101:
            return _malformed("the server switched protocols", start)
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
            return _timed_out(start)
        except ProtocolError as exc:
            latency = time.perf_counter() - start
            return AttemptResult("protocol", None, str(exc)[:_SNIPPET], latency, None)
        except ServerDisconnected as exc:
            return _unreachable(exc, start, written=exc.written)
        except OSError as exc:
            return _unreachable(exc, start, written=False)
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
        snippet = raw[:_SNIPPET].decode("utf-8", "replace") if raw else None
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


def _timed_out(start: float) -> AttemptResult:
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
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return f"TLS failed: {getattr(exc, 'os_error', None) or exc}"
    cause = getattr(exc, "os_error", None) or exc
    number = getattr(cause, "errno", None)
    if isinstance(exc, _DNS_ERRORS) or isinstance(cause, socket.gaierror):
        return f"host not found: {cause}"
    if isinstance(cause, ConnectionRefusedError) or number == errno.ECONNREFUSED:
        return f"connection refused: {cause}"
    if isinstance(cause, ConnectionResetError) or number == errno.ECONNRESET:
        return f"connection reset: {cause}"
    if number in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return f"host unreachable: {cause}"
    if isinstance(exc, ServerDisconnected | aiohttp.ServerDisconnectedError):
        return f"closed without an answer: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _unreachable(exc: BaseException, start: float, *, written: bool = True) -> AttemptResult:
    """A ``connection`` result: no answer came (refused, reset, closed, DNS, TLS)."""
    message = redact_passwords(failure_text(exc))[:_SNIPPET]
    latency = time.perf_counter() - start
    return AttemptResult("connection", None, message, latency, None, None, written)


def _malformed(reason: str, start: float) -> AttemptResult:
    """A ``protocol`` result: the answer was not well-formed HTTP/1.x."""
    message = f"malformed answer: {reason}"[:_SNIPPET]
    return AttemptResult("protocol", None, message, time.perf_counter() - start, None)


def _aiohttp_failure(exc: BaseException, start: float) -> AttemptResult:
    """aiohttp's error as an attempt's result: the lean pool's outcome for the same wire."""
    if isinstance(exc, aiohttp.ClientResponseError):  # its parser refused the answer
        lines = [line.strip() for line in str(exc.message).splitlines() if line.strip()]
        reason = " ".join(lines[:2]).rstrip(":") or "unreadable answer"
        return _malformed(reason, start)
    written = not isinstance(exc, aiohttp.ClientConnectorError)  # connecting wrote nothing
    return _unreachable(exc, start, written=written)


def tls_setting(target: Target) -> ssl.SSLContext | bool:
    """aiohttp's ``ssl=`` for a target: False (``insecure``), its CA's context, or True."""
    if target.insecure:
        return False
    return tls_context(target.ca_cert) if target.ca_cert is not None else True


async def ping(session: aiohttp.ClientSession, target: Target) -> AttemptResult:
    """Zenoti's test button: an empty POST, no body, no signature (extra headers kept)."""
    headers = dict(target.headers)
    timeout = aiohttp.ClientTimeout(total=target.timeout)
    start = time.perf_counter()
    try:
        async with session.post(
            URL(target.url),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            skip_auto_headers=("Content-Type",),
            ssl=tls_setting(target),
        ) as resp:
            raw = await resp.read()
            status = resp.status
    except TimeoutError:
        return _timed_out(start)
    except (aiohttp.ClientError, OSError) as exc:
        return _unreachable(exc, start)
    outcome, _ = classify(status, frozenset())
    snippet = raw[:_SNIPPET].decode("utf-8", "replace") if raw else None
    return AttemptResult(outcome, status, None, time.perf_counter() - start, snippet)


def is_retryable(result: AttemptResult, retry_statuses: frozenset[int]) -> bool:
    """True when a failed attempt should be retried (budget permitting)."""
    return retryable(result.outcome, result.status, retry_statuses)
