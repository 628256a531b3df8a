"""Helpers for the control server's tests: a running server and a small JSON client."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from mockzenoti.delivery import Clock
from mockzenoti.server import ServerSettings, create_app
from mockzenoti.server.keys import SINKS
from mockzenoti.sink import Sink
from mockzenoti.testing import waiting


class ApiError(AssertionError):
    """An answer with another status than the one expected."""


@dataclass
class Answer:
    """One HTTP answer: status, headers, raw body, parsed JSON (or None)."""

    status: int
    headers: dict[str, str]
    body: bytes
    json: Any


class Api:
    """A running control server and a client for it."""

    def __init__(self, app: web.Application, base: str, session: aiohttp.ClientSession) -> None:
        self.app = app
        self.base = base
        self.session = session
        self.token: str | None = None
        self.port = int(base.rsplit(":", 1)[1])

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: bytes | str | io.BytesIO | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send a request; return the answer whatever its status."""
        sent = dict(headers or {})
        if self.token is not None and "Authorization" not in sent:
            sent["Authorization"] = f"Bearer {self.token}"
        kwargs: dict[str, Any] = {"headers": sent}
        if json_body is not None:
            kwargs["json"] = json_body
        elif data is not None:
            kwargs["data"] = data
        async with self.session.request(method, self.base + path, **kwargs) as resp:
            raw = await resp.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return Answer(resp.status, dict(resp.headers), raw, parsed)

    async def call(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        """Send a request; fail unless the status is ``expect``; return the JSON."""
        answer = await self.request(method, path, json_body=body)
        if answer.status != expect:
            raise ApiError(
                f"{method} {path} answered {answer.status}, not {expect}: {answer.body[:500]!r}"
            )
        return answer.json

    async def error(self, method: str, path: str, body: Any = None, *, expect: int) -> Any:
        """Send a request expected to fail; check the error shape; return the error object."""
        answer = await self.request(method, path, json_body=body)
        assert answer.status == expect, (answer.status, answer.body[:500])
        assert answer.headers["Content-Type"].startswith("application/json")
        assert set(answer.json) == {"error"}
        error = answer.json["error"]
        assert {"code", "message", "field"} <= set(error), error
        assert isinstance(error["message"], str) and error["message"]
        assert b"Traceback" not in answer.body
        return error

    def sink(self, name: str) -> Sink:
        """The server's sink ``name`` (created on first use)."""
        return self.app[SINKS].get_or_create(name).sink

    def sink_url(self, name: str) -> str:
        """Where the server's sink ``name`` receives webhooks."""
        return f"{self.base}/sink/{name}"

    async def target(self, name: str = "t1", **settings: Any) -> dict[str, Any]:
        """Create a target posting to the server's sink ``name`` (fast retries unless set)."""
        body = {"id": name, "url": self.sink_url(name), "retry": "fast", **settings}
        result: dict[str, Any] = await self.call("POST", "/targets", body, expect=201)
        return result

    async def wait_run(
        self, run_id: int, states: tuple[str, ...] = ("done", "stopped", "failed"), timeout=20.0
    ) -> dict[str, Any]:
        """Poll a run until its state is one of ``states`` (bounded by ``timeout``)."""
        run: dict[str, Any] = {}

        async def reached() -> bool:
            nonlocal run
            run = await self.call("GET", f"/runs/{run_id}")
            return run["state"] in states

        await eventually(reached, timeout, f"run {run_id} to reach {states}")
        return run


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "a condition"
) -> None:
    """Re-check ``check`` every few milliseconds until it is true; fail after ``timeout``."""
    await waiting.eventually(check, timeout=timeout, what=what)


@asynccontextmanager
async def running(
    settings: ServerSettings | None = None, port: int = 0, *, clock: Clock | None = None
) -> AsyncIterator[Api]:
    """A control server on 127.0.0.1 (``port`` 0: ephemeral) and a client session for it.

    A restarted server takes its predecessor's port, so that targets pointing
    at its sinks still reach them. ``clock`` replaces the engine's real clock
    (a ``FakeClock`` makes stored retry schedules pass in virtual time).
    """
    settings = settings or ServerSettings(port=0, outbox=":memory:")
    app = create_app(settings, clock=clock)
    runner = web.AppRunner(app, shutdown_timeout=settings.shutdown_grace)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession() as session:
            api = Api(app, base, session)
            api.token = settings.token
            yield api
    finally:
        await runner.cleanup()


def settings(**changes: Any) -> ServerSettings:
    """Test settings: port 0, an in-memory outbox, short grace, quick snapshots."""
    base: dict[str, Any] = {
        "port": 0,
        "outbox": ":memory:",
        "shutdown_grace": 2.0,
        "snapshot_interval": 0.05,
    }
    base.update(changes)
    return ServerSettings(**base)
