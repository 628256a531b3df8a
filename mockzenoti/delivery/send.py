"""One HTTP attempt: send, time it, classify the answer; the session; the test ping.

Classification (``AttemptResult.outcome``):

========================= ============ ==========================================
what happened             outcome      retried?
========================= ============ ==========================================
2xx                       success      no (delivered)
3xx (never followed)      redirect     no, unless listed in ``retry_statuses``
408, 429                  client_error yes
other 4xx                 client_error no, unless listed in ``retry_statuses``
5xx and others            server_error yes
no answer within timeout  timeout      yes
refused, reset, DNS ...   connection   yes
========================= ============ ==========================================
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import aiohttp
from yarl import URL

from mockzenoti import __version__
from mockzenoti.delivery.decision import AttemptResult, classify, parse_retry_after, retryable
from mockzenoti.delivery.http1 import HttpPool, ProtocolError
from mockzenoti.delivery.signing import Signer
from mockzenoti.delivery.targets import Target
from mockzenoti.delivery.watchdog import Watchdog

__all__ = [
    "USER_AGENT",
    "AttemptResult",
    "Sender",
    "client_session",
    "new_session",
    "parse_retry_after",
    "ping",
]

USER_AGENT = f"mockzenoti/{__version__} (Zenoti webhook mock)"
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
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, ttl_dns_cache=300),
        headers={"User-Agent": USER_AGENT},
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


class Sender:
    """Sends one target's requests: its URL, method, headers, timeout and signer.

    A plain ``http://`` URL without user info goes through the engine's lean
    ``HttpPool`` (``delivery/http1.py``); others through aiohttp's session.
    Either way the request carries ``Host``, ``User-Agent``, ``Accept``,
    ``Content-Type: application/json``, the target's headers, the signature
    headers and ``Content-Length``.
    """

    __slots__ = (
        "_address",
        "_base_headers",
        "_head",
        "_method",
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
        self._base_headers = {"Content-Type": "application/json", **target.headers}
        self.signer: Signer = target.signer()
        self.retry_statuses = target.retry_statuses
        self._address: tuple[str, int] | None = None
        self._head = b""
        if url.scheme == "http" and url.raw_host and url.port and url.raw_user is None:
            self._address = (url.raw_host, url.port)
            self._head = _request_head(url, target.method, self._base_headers)

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
            ) as resp:
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
            return _unreachable(exc, start)
        finally:
            watchdog.unwatch(task)
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
        except (ProtocolError, OSError) as exc:
            return _unreachable(exc, start)
        finally:
            watchdog.unwatch(task)
        return self._answered(
            answer.status, answer.headers.get("retry-after"), answer.body, now, start
        )

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


def _request_head(url: URL, method: str, headers: dict[str, str]) -> bytes:
    """The fixed part of a request's head: request line, ``Host`` and the constant headers."""
    host = url.raw_host or ""
    if ":" in host:
        host = f"[{host}]"
    if url.explicit_port is not None:
        host = f"{host}:{url.explicit_port}"
    merged = {"user-agent": ("User-Agent", USER_AGENT), "accept": ("Accept", "*/*")}
    for name, value in headers.items():
        merged[name.lower()] = (name, value)
    lines = [f"{method} {url.raw_path_qs or '/'} HTTP/1.1", f"Host: {host}"]
    lines.extend(f"{name}: {value}" for name, value in merged.values())
    return ("\r\n".join(lines) + "\r\n").encode()


def _timed_out(start: float) -> AttemptResult:
    return AttemptResult("timeout", None, "timed out", time.perf_counter() - start, None)


def _unreachable(exc: BaseException, start: float) -> AttemptResult:
    """A ``connection`` result: no answer came (refused, reset, DNS, malformed answer)."""
    message = f"{type(exc).__name__}: {exc}"[:_SNIPPET]
    return AttemptResult("connection", None, message, time.perf_counter() - start, None)


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
