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
import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from mockzenoti import jsonfast
from mockzenoti.delivery.signing import SCHEMES, Scheme, Signer, verify
from mockzenoti.errors import ConfigError

__all__ = ["Sink", "SinkCall", "SinkSettings"]


@dataclass(frozen=True, slots=True)
class SinkSettings:
    """How the sink answers. The default accepts everything with 200.

    - ``secrets``/``scheme``: verify signatures (scheme defaults to ``zenoti``).
    - ``status``: the answer when not failing on purpose (200, 202, 302, 410 ...).
    - ``fail_first``: answer ``fail_status`` to the first N requests of each
      key; ``fail_by`` is ``event_id`` (per event) or ``id`` (per delivery).
      A request without one (Zenoti's empty test ping) is not failed this way.
    - ``fail_share``: the share of keys ``fail_first`` applies to (1: all). A key
      is chosen by a hash of itself and ``seed``, so the same events fail in
      every run, whatever the order they arrive in.
    - ``fail_probability``: answer ``fail_status`` at random (seeded by ``seed``).
    - ``retry_after``: a ``Retry-After`` value sent with failures (``"7"`` or an HTTP date).
    - ``latency``: seconds to wait before answering.
    """

    secrets: tuple[str, ...] = ()
    scheme: Scheme | None = None
    status: int = 200
    fail_first: int = 0
    fail_by: Literal["event_id", "id"] = "event_id"
    fail_share: float = 1.0
    fail_probability: float = 0.0
    fail_status: int = 500
    retry_after: str | None = None
    latency: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        secrets = (self.secrets,) if isinstance(self.secrets, str) else tuple(self.secrets)
        object.__setattr__(self, "secrets", secrets)
        if self.scheme is not None and self.scheme not in SCHEMES:
            raise ConfigError(f"unknown signature scheme {self.scheme!r}", field="scheme")
        Signer(self.verified_scheme, secrets)
        for name in ("status", "fail_status"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
                raise ConfigError(f"{name} is an HTTP status code", field=name)
        if isinstance(self.fail_first, bool) or not isinstance(self.fail_first, int):
            raise ConfigError("fail_first is a whole number", field="fail_first")
        if self.fail_first < 0:
            raise ConfigError("fail_first must not be negative", field="fail_first")
        if self.fail_by not in ("event_id", "id"):
            raise ConfigError("fail_by is 'event_id' or 'id'", field="fail_by")
        if not 0.0 <= self.fail_share <= 1.0:
            raise ConfigError("fail_share is in [0, 1]", field="fail_share")
        if not 0.0 <= self.fail_probability <= 1.0:
            raise ConfigError("fail_probability is in [0, 1]", field="fail_probability")
        if not self.latency >= 0:
            raise ConfigError("latency must not be negative", field="latency")

    def chosen(self, key: str) -> bool:
        """True when ``fail_first`` applies to ``key`` (a stable pick of ``fail_share``)."""
        if self.fail_share >= 1.0:
            return True
        digest = hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") < self.fail_share * 2.0**64

    @property
    def verified_scheme(self) -> Scheme:
        """``scheme`` when set, else ``zenoti`` with secrets, else ``none``."""
        return self.scheme or ("zenoti" if self.secrets else "none")


@dataclass(frozen=True, slots=True)
class SinkCall:
    """One request the sink received and what it answered.

    ``attempt`` is the how-manieth request of its key (``fail_by``) this is;
    ``duplicate`` is True when the sink had already accepted (2xx) the same
    ``event_id``: what a consumer must deduplicate. ``status`` is the answer
    given (or about to be given when the sender stopped waiting).
    """

    index: int
    method: str
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes
    json: Any
    status: int
    arrived_at: float
    signature_ok: bool | None
    event_id: str | None
    delivery_id: str | None
    attempt: int
    duplicate: bool
    reason: str | None = field(default=None)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready line for listings."""
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "event_id": self.event_id,
            "id": self.delivery_id,
            "event_type": self.json.get("event_type") if isinstance(self.json, dict) else None,
            "status": self.status,
            "attempt": self.attempt,
            "duplicate": self.duplicate,
            "signature_ok": self.signature_ok,
            "reason": self.reason,
            "arrived_at": self.arrived_at,
        }


class Sink:
    """A recording, verifying, misbehaving webhook receiver (see the module docstring)."""

    def __init__(self, settings: SinkSettings | None = None, **changes: Any) -> None:
        self._settings = replace(settings or SinkSettings(), **changes)
        self.calls: list[SinkCall] = []
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
        return [c.summary() for c in self.calls[max(0, since) :]]

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
                len(self.calls),
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
        for observer in tuple(self._observers):
            observer(call)
        for predicate, future in tuple(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)

    # -- serving -------------------------------------------------------------------------------

    async def received(self, request: web.Request) -> web.Response:
        """``GET .../received``: the counts and every request (``?since=N``: from index N on)."""
        try:
            since = int(request.query.get("since", "0"))
        except ValueError:
            return web.json_response(
                {"error": {"code": "invalid", "message": "since is a whole number",
                           "field": "since"}},
                status=400,
            )  # fmt: skip
        return web.json_response({"counts": self.counts(), "received": self.listing(since)})

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

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve standalone; returns ``url`` (port 0 picks a free port)."""
        if self._runner is not None:
            raise RuntimeError("the sink is already running")
        self._stopping = asyncio.Event()
        runner = web.AppRunner(
            self.app(), handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0]
        self._url = f"http://{host}:{bound[1]}/"
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
