"""aiohttp's side of sending: the process's ``ClientSession``, one request through it, the ping.

``https://`` targets, URLs with user info and ``--http-client aiohttp`` go
through aiohttp; plain ``http://`` targets through the engine's lean pool
(``http1.py``). This module is the only one of the delivery engine that
imports aiohttp, and the engine imports it only when a request needs it
(``send.SessionSlot``): a run to plain ``http://`` receivers never loads it
(importing aiohttp costs about 0.3 s of CPU, most of it making its default
TLS contexts).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from yarl import URL

from mockzenoti.delivery.decision import AttemptResult, classify
from mockzenoti.delivery.http1 import PROOF_WAIT
from mockzenoti.delivery.send import (
    SNIPPET,
    USER_AGENT,
    malformed,
    timed_out,
    tls_setting,
    unreachable,
)
from mockzenoti.delivery.targets import Target
from mockzenoti.delivery.watchdog import Watchdog

__all__ = ["PoliteConnector", "client_session", "new_session", "ping", "request"]

_MAX_READ = 1 << 20
# Attempts are timed by the engine's Watchdog: no aiohttp timer (nor the session's default).
_UNTIMED = aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None)

#: What ``request`` returns for an answer: status, ``Retry-After``, body, start time.
Answered = tuple[int, str | None, bytes, float]


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


async def request(
    session: aiohttp.ClientSession,
    method: str,
    url: URL,
    body: bytes,
    headers: Mapping[str, str],
    skip: tuple[str, ...],
    tls: ssl.SSLContext | bool,
    timeout: float,
    watchdog: Watchdog,
) -> Answered | AttemptResult:
    """Send one request through ``session``: its answer, or the result of a failed attempt.

    ``skip``: headers aiohttp must not add; ``tls``: aiohttp's ``ssl=``;
    ``watchdog`` keeps ``timeout``. Never raises for network trouble.
    """
    start = time.perf_counter()
    task = watchdog.watch(timeout)
    try:
        async with session.request(
            method,
            url,
            data=body,
            headers=headers,
            timeout=_UNTIMED,
            allow_redirects=False,
            skip_auto_headers=skip,
            ssl=tls,
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
        return timed_out(start)
    except TimeoutError:
        return timed_out(start)
    except (aiohttp.ClientError, OSError) as exc:
        if watchdog.expired(task):  # aiohttp turned the cancellation into its own error
            return timed_out(start)
        return _failure(exc, start)
    finally:
        watchdog.unwatch(task)
    version = resp.version
    if version is None or (version.major, version.minor) not in ((1, 0), (1, 1)):
        shown = "?" if version is None else f"{version.major}.{version.minor}"
        return malformed(f"HTTP/{shown} is not HTTP/1.0 or 1.1", start)
    if not 100 <= status <= 599:
        return malformed(f"status {status} is not 100 to 599", start)
    if status == 101:
        return malformed("the server switched protocols", start)
    return status, retry_after, raw, start


def _failure(exc: BaseException, start: float) -> AttemptResult:
    """aiohttp's error as an attempt's result: the lean pool's outcome for the same wire."""
    if isinstance(exc, aiohttp.ClientResponseError):  # its parser refused the answer
        lines = [line.strip() for line in str(exc.message).splitlines() if line.strip()]
        reason = " ".join(lines[:2]).rstrip(":") or "unreadable answer"
        return malformed(reason, start)
    written = not isinstance(exc, aiohttp.ClientConnectorError)  # connecting wrote nothing
    return unreachable(exc, start, written=written)


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
        return timed_out(start)
    except (aiohttp.ClientError, OSError) as exc:
        return unreachable(exc, start)
    outcome, _ = classify(status, frozenset())
    snippet = raw[:SNIPPET].decode("utf-8", "replace") if raw else None
    return AttemptResult(outcome, status, None, time.perf_counter() - start, snippet)
