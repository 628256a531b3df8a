"""The sink: a webhook receiver that records everything and misbehaves on purpose.

    async with Sink(SinkSettings(secrets=("s3cret",), fail_first=2)) as sink:
        ...  # deliver to sink.url
        await sink.wait_for(10)           # 10 requests arrived (no polling)
        sink.events                       # payloads it accepted, in arrival order
        sink.calls[0].headers["zenoti-webhook-signature"]

It verifies signatures when given secrets (``zenoti`` or ``standard``
scheme; an unsigned or wrongly signed request with a body gets 401), and can
fail the first N attempts of each event (keyed by envelope ``event_id``, or
``id`` per delivery), fail at random with a seeded probability, answer a
fixed status, add latency, and send ``Retry-After`` with its failures.
``fail_share`` narrows ``fail_first`` to a share of the keys (20 % of events
fail their first attempt: ``fail_first=1, fail_share=0.2``).

Run it standalone on 127.0.0.1 (port 0: an ephemeral port, see ``url``), or
mount it in another aiohttp application under ``/sink/{name}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from mockzenoti import jsonfast
from mockzenoti.delivery.signing import verify
from mockzenoti.sink.records import SinkCall, SinkSettings

__all__ = ["Sink", "SinkCall", "SinkSettings"]

#: ``GET /received``'s paging parameters: name, default, lowest, highest.
_PAGING = (("since", 0, 0, 2**62), ("offset", 0, 0, 2**62), ("limit", 1000, 1, 10_000))


class Sink:
    """A recording, verifying, misbehaving webhook receiver (see the module docstring)."""

    def __init__(self, settings: SinkSettings | None = None, **changes: Any) -> None:
        self._settings = replace(settings or SinkSettings(), **changes)
        self.calls: list[SinkCall] = []
        self._recorded = 0  # requests recorded since the last reset: the next call's index
        self._arrivals: Counter[str] = Counter()
        self._accepted: set[str] = set()
        self._rng = random.Random(self._settings.seed)
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._observers: list[Callable[[SinkCall], None]] = []
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._url: str | None = None

    # -- settings and records ------------------------------------------------------------------

    @property
    def settings(self) -> SinkSettings:
        """The current settings."""
        return self._settings

    def configure(self, **changes: Any) -> SinkSettings:
        """Change settings while running (e.g. start or stop failing)."""
        self._settings = replace(self._settings, **changes)
        if "seed" in changes:
            self._rng = random.Random(self._settings.seed)
        return self._settings

    def reset(self) -> None:
        """Forget every call and per-event counter (settings stay)."""
        self.calls.clear()
        self._recorded = 0
        self._arrivals.clear()
        self._accepted.clear()
        self._rng = random.Random(self._settings.seed)

    @property
    def call_count(self) -> int:
        """Requests received."""
        return len(self.calls)

    @property
    def last(self) -> SinkCall | None:
        """The latest request, or None."""
        return self.calls[-1] if self.calls else None

    @property
    def accepted(self) -> list[SinkCall]:
        """Requests answered 2xx, in arrival order."""
        return [c for c in self.calls if 200 <= c.status < 300]

    @property
    def events(self) -> list[Any]:
        """Parsed payloads of the requests the sink accepted (2xx), in arrival order."""
        return [c.json for c in self.accepted if c.json is not None]

    def event_ids(self) -> set[str]:
        """``event_id`` of every event accepted at least once."""
        return set(self._accepted)

    def listing(self, since: int = 0) -> list[dict[str, Any]]:
        """Every request (from index ``since`` on) as a summary line, duplicates marked."""
        return [c.summary() for c in self.calls if c.index >= since]

    def received_page(
        self,
        *,
        limit: int = 1000,
        offset: int = 0,
        since: int = 0,
        payloads: bool = False,
        name: str | None = None,
        forgotten: int = 0,
    ) -> dict[str, Any]:
        """``GET .../received``'s answer, one shape for a standalone sink and a server's.

        The requests kept with an ``index`` of at least ``since``, paged by
        ``offset``/``limit`` (``next_offset`` is None on the last page), each a
        summary line (with its ``payload`` when asked), and the ``counts``
        (``forgotten``: requests a server's sink no longer keeps).
        """
        calls = self.calls if since <= 0 else [c for c in self.calls if c.index >= since]
        page = calls[offset : offset + limit]
        items = []
        for call in page:
            item = call.summary()
            if payloads:
                item["payload"] = call.json
            items.append(item)
        end = offset + len(page)
        return {
            "name": name,
            "counts": {**self.counts(), "forgotten": forgotten},
            "items": items,
            "total": len(calls),
            "limit": limit,
            "offset": offset,
            "next_offset": end if end < len(calls) else None,
        }

    def subscribe(self, callback: Callable[[SinkCall], None]) -> Callable[[], None]:
        """Call ``callback(call)`` for each request as it is recorded; returns an unsubscribe.

        The callback runs in the handler before the answer is sent: keep it quick.
        """
        self._observers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._observers.remove(callback)

        return unsubscribe

    def counts(self) -> dict[str, int]:
        """Requests, accepted, rejected, unique events, duplicates, bad signatures."""
        accepted = sum(1 for c in self.calls if 200 <= c.status < 300)
        return {
            "calls": len(self.calls),
            "accepted": accepted,
            "rejected": len(self.calls) - accepted,
            "unique_events": len(self._accepted),
            "duplicates": sum(1 for c in self.calls if c.duplicate),
            "bad_signatures": sum(1 for c in self.calls if c.signature_ok is False),
        }

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return as soon as ``predicate()`` is true (checked on every request)."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

    async def wait_for(self, n: int = 1, *, timeout: float = 5.0, accepted: bool = False) -> None:
        """Wait until ``n`` requests arrived (``accepted=True``: ``n`` answered 2xx).

        Raises ``TimeoutError`` saying how many arrived.
        """

        def enough() -> bool:
            got = len(self.accepted) if accepted else len(self.calls)
            return got >= n

        try:
            await self.wait_until(enough, timeout)
        except TimeoutError:
            got = len(self.accepted) if accepted else len(self.calls)
            raise TimeoutError(f"sink got {got} of {n} requests in {timeout}s") from None

    # -- the handler ---------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """The aiohttp handler: record, verify, decide, (wait), answer."""
        body = await request.read()
        arrived = time.time()
        s = self._settings
        parsed: Any = None
        if body:
            with contextlib.suppress(ValueError):
                parsed = jsonfast.loads(body)
        envelope = parsed if isinstance(parsed, dict) else {}
        event_id, delivery_id = envelope.get("event_id"), envelope.get("id")
        key = str(envelope.get(s.fail_by) or event_id or delivery_id or "")
        self._arrivals[key] += 1
        attempt = self._arrivals[key]
        signature_ok: bool | None = None
        status, reason = s.status, None
        if s.secrets and body:
            signature_ok = verify(s.verified_scheme, s.secrets, body, request.headers, now=arrived)
        if signature_ok is False:
            status, reason = 401, "signature"
        elif key and attempt <= s.fail_first and s.chosen(key):
            status, reason = s.fail_status, "fail_first"
        elif s.fail_probability and self._rng.random() < s.fail_probability:
            status, reason = s.fail_status, "fail_probability"
        ok = 200 <= status < 300
        duplicate = ok and event_id is not None and event_id in self._accepted
        if ok and event_id is not None:
            self._accepted.add(event_id)
        self._record(
            SinkCall(
                self._recorded,
                request.method,
                request.path,
                CIMultiDictProxy(CIMultiDict(request.headers)),
                body,
                parsed,
                status,
                arrived,
                signature_ok,
                event_id,
                delivery_id,
                attempt,
                duplicate,
                reason,
            )
        )
        if s.latency:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), s.latency)
        headers = {}
        if reason is not None and s.retry_after is not None:
            headers["Retry-After"] = s.retry_after
        if 300 <= status < 400:
            headers["Location"] = "/moved"
        return web.json_response({"ok": ok, "reason": reason}, status=status, headers=headers)

    def _record(self, call: SinkCall) -> None:
        self.calls.append(call)
        self._recorded += 1
        for observer in tuple(self._observers):
            observer(call)
        for predicate, future in tuple(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)

    # -- serving -------------------------------------------------------------------------------

    async def received(self, request: web.Request) -> web.Response:
        """``GET /received``: ``received_page`` (``since``, ``offset``, ``limit``, ``payloads``)."""
        query = request.query
        numbers: dict[str, int] = {}
        for key, default, low, high in _PAGING:
            text = query.get(key, str(default))
            if not (text.isdigit() and low <= int(text) <= high):
                message = f"{key} is a whole number from {low} to {high} (got {text!r})"
                return web.json_response(
                    {"error": {"code": "invalid", "message": message, "field": key}}, status=422
                )
            numbers[key] = int(text)
        payloads = query.get("payloads", "false").lower() in ("1", "true", "yes")
        page = self.received_page(
            limit=numbers["limit"],
            offset=numbers["offset"],
            since=numbers["since"],
            payloads=payloads,
        )
        return web.json_response(page)

    def app(self) -> web.Application:
        """An application answering every path with this sink (mountable with ``add_subapp``).

        ``GET /received`` lists what arrived instead of being recorded.
        """
        app = web.Application()
        app.router.add_get("/received", self.received)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    def mount(self, app: web.Application, name: str) -> None:
        """Serve this sink at ``/sink/{name}`` (and below) in ``app``."""
        app.router.add_route("*", f"/sink/{name}", self.handle)
        app.router.add_route("*", f"/sink/{name}/{{tail:.*}}", self.handle)

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, ssl_context: ssl.SSLContext | None = None
    ) -> str:
        """Serve standalone; returns ``url`` (port 0: a free port; https with ``ssl_context``)."""
        if self._runner is not None:
            raise RuntimeError("the sink is already running")
        self._stopping = asyncio.Event()
        runner = web.AppRunner(
            self.app(), handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0]
        scheme = "https" if ssl_context is not None else "http"
        self._url = f"{scheme}://{host}:{bound[1]}/"
        return self._url

    async def stop(self) -> None:
        """Stop serving (handlers still waiting out their latency return at once)."""
        self._stopping.set()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def url(self) -> str:
        """The base URL while running standalone (``http://127.0.0.1:<port>/``)."""
        if self._url is None:
            raise RuntimeError("the sink is not running; use `async with sink` or start()")
        return self._url

    async def __aenter__(self) -> Sink:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
