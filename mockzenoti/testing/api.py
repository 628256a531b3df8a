"""The ``zenoti_api`` fixture: Zenoti's REST API over the world of the test's run.

One ``RestServer`` per session serves ``/v1`` on 127.0.0.1 from the
plugin's background loop (the control server's own ``/v1`` routes). Each
test gets a ``ZenotiApi`` with a key of its own: ``url`` (the base URL,
Zenoti's ``https://api.zenoti.com``) and ``headers``
(``Authorization: apikey <key>``). It answers for the test's latest
scenario run (``zenoti_emitter.run``) or world run (``send(zenoti_world)``)
as its events are accepted, and takes writes: the booking flow, no-shows,
cancelling and closing invoices fire their webhooks to the test's target
through the test's engine, and ``run.expected`` follows them.

After a scenario's stream, the world's clock follows the wall clock;
``advance("2h")`` moves it ahead (to mark a booking a no-show once it
started, without waiting).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from mockzenoti.delivery.clock import RealClock
from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.rest import Sandbox
from mockzenoti.scenarios.durations import to_ticks
from mockzenoti.server import routes_v1, routes_v1_writes
from mockzenoti.server.errors import error_middleware
from mockzenoti.server.sandboxes import RunApi, Sandboxes
from mockzenoti.server.settings import ServerSettings
from mockzenoti.server.v1 import SANDBOXES, V1_DELIVER
from mockzenoti.testing.loop import LoopThread
from mockzenoti.timefmt import TICKS_PER_SECOND

if TYPE_CHECKING:
    from mockzenoti.testing.emitter import ZenotiEmitter
    from mockzenoti.testing.runs import ZenotiRun

__all__ = ["RestServer", "ZenotiApi"]


class RestServer:
    """The session's ``/v1`` server, on the background loop until ``stop()``."""

    def __init__(self, thread: LoopThread) -> None:
        self.thread = thread
        self.sandboxes = Sandboxes(None, ServerSettings(port=0, outbox=":memory:"), RealClock())
        self.owners: dict[str, ZenotiApi] = {}
        self._runner: web.AppRunner | None = None
        self.url = thread.call(self._start())

    async def _start(self) -> str:
        app = web.Application(middlewares=[error_middleware])
        app[SANDBOXES] = self.sandboxes
        app[V1_DELIVER] = self._deliver
        app.add_routes(routes_v1.routes)
        app.add_routes(routes_v1_writes.routes)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        port: int = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    async def _deliver(self, api: RunApi, events: list[Event]) -> None:
        owner = self.owners.get(api.key)
        if owner is None:
            raise MockZenotiError("this test is over: its /v1 key answers no more", field="key")
        await owner.deliver(events)
        api.sandbox.publish(events)

    def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            self.thread.call(self._runner.cleanup())
            self._runner = None


class ZenotiApi:
    """``/v1`` for one test (the ``zenoti_api`` fixture); see the module docstring.

    ``url`` is the base URL (``/v1/...`` paths go after it), ``key`` the API
    key, ``headers`` the ``Authorization`` header to send. ``run`` is the run
    it answers for (None until the test starts a scenario or world run).
    """

    def __init__(self, server: RestServer, rate_limit: int = 0) -> None:
        self.server = server
        #: The test's emitter (it attaches itself): writes' webhooks go through its engine.
        self.emitter: ZenotiEmitter | None = None
        self.rate_limit = rate_limit
        self.url = server.url
        self.key = f"zenoti-test-{secrets.token_hex(12)}"
        self.headers = {"Authorization": f"apikey {self.key}"}
        self.run: ZenotiRun | None = None
        self.sandbox: Sandbox | None = None
        server.owners[self.key] = self

    def __repr__(self) -> str:
        return f"<ZenotiApi {self.url}/v1/ for {self.run!r}>"

    def attach(self, run: ZenotiRun, sandbox: Sandbox) -> None:
        """Answer for ``run`` (its world's ``sandbox``) from now on (on the loop's thread)."""
        self.run, self.sandbox = run, sandbox
        self.server.sandboxes.add(0, self.key, sandbox, self.rate_limit)

    async def deliver(self, events: list[Event]) -> None:
        """Send a write's events to the test's target, as events of the run (on the loop)."""
        run, emitter = self.run, self.emitter
        if emitter is None:
            raise MockZenotiError("this test has no zenoti_emitter to send with", field="emitter")
        await emitter.deliver_outside(events, run.run_id if run is not None else None)

    def advance(self, by: timedelta | str | float) -> str:
        """Move the world's clock ahead by ``by`` (``"2h"``, a timedelta, seconds) after the
        stream; returns the world's present as the webhooks write UTC times."""
        from mockzenoti.render._common import utc

        sandbox = self.sandbox
        if sandbox is None:
            raise MockZenotiError("no run of this test has a world yet", field="zenoti_api")
        seconds = to_ticks(by, field="by") / TICKS_PER_SECOND
        ticks = self.server.thread.call_soon(lambda: sandbox.advance(seconds))
        return utc(ticks)

    def close(self) -> None:
        """The test is over: its key answers no more."""
        key = self.key

        def forget() -> None:
            self.server.sandboxes.remove(key)
            self.server.owners.pop(key, None)

        self.server.thread.call_soon(forget)
