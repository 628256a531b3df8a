"""The demo's session: a control server, a receiver that fails on purpose, a paced run.

``Demo(options).main()`` (a coroutine) starts the control server in this
process on an in-memory outbox, then drives it through its own HTTP API as
any client would: ``PUT /sinks/demo`` (verify signatures, answer 503 to the
first attempt of a share of events), ``POST /targets`` (signed, Zenoti's
retry policy) and ``POST /runs`` (``day-in-the-life`` paced to last
``seconds``, with a fresh ``/v1`` key printed in the introduction). It
draws progress from the server's live counters, prints the summary and
returns the exit code.

Signals: the first SIGINT or SIGTERM stops the run (``DELETE /runs/{id}``:
no more events; those accepted are still delivered), then the summary is
printed; a second one quits at once. With ``linger`` the server stays up
after the run until a signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import click
from aiohttp import web

from mockzenoti.cli._demo_report import collect, render
from mockzenoti.cli._runtime import say
from mockzenoti.cli.progress import Mode, Progress
from mockzenoti.errors import ConfigError
from mockzenoti.server import ServerSettings, create_app
from mockzenoti.server.keys import HUB, RUNS
from mockzenoti.server.serve import url_for

if TYPE_CHECKING:
    from mockzenoti.catalog import Catalog

__all__ = ["SCENARIO", "Demo", "DemoOptions", "Plan", "plan"]

SCENARIO = "day-in-the-life"
SINK = TARGET = "demo"
SECRET = "demo-secret"
#: Zenoti waits 30 s before its first retry; the demo waits 0.3 s.
RETRY_SCALE = 0.01
FAIL_STATUS = 503


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """What ``mockzenoti demo`` was asked (see its ``--help``)."""

    seconds: float
    seed: str
    host: str
    port: int
    port_given: bool
    fail_share: float
    linger: bool
    progress: Mode
    catalog: Catalog
    rest_rate_limit: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """The run's length: its events, and the simulated time between the first and the last."""

    events: int
    simulated: float

    def pace(self, seconds: float) -> float:
        """The speed factor that plays the simulated span in ``seconds``."""
        return max(0.001, min(1_000_000.0, self.simulated / seconds)) if self.simulated else 1.0


def plan(seed: str, catalog: Catalog) -> Plan:
    """Simulate the scenario once (a fraction of a second) to learn its size and span."""
    from mockzenoti.scenarios import load_scenario
    from mockzenoti.timefmt import TICKS_PER_SECOND, parse_dotnet_utc

    count, first, last = 0, None, None
    for event in load_scenario(SCENARIO).simulate(seed, catalog=catalog):
        ticks = parse_dotnet_utc(event.timestamp)
        first = ticks if first is None else first
        last = ticks
        count += 1
    span = 0.0 if first is None or last is None else (last - first) / TICKS_PER_SECOND
    return Plan(count, span)


def _seed_number(seed: str) -> int:
    from mockzenoti.cli._delivery_settings import seed_number

    return seed_number(seed) % 2**31


class _Signals:
    """Counts SIGINT/SIGTERM: the first sets ``first``; the second quits the process."""

    def __init__(self) -> None:
        self.first = asyncio.Event()
        self.count = 0
        self.installed: list[signal.Signals] = []

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._on_signal)
                self.installed.append(sig)

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self.installed:
            loop.remove_signal_handler(sig)

    def _on_signal(self) -> None:
        self.count += 1
        if self.count == 1:
            self.first.set()
        else:
            say("quitting at once")
            os._exit(1)


class Demo:
    """One demo: see the module docstring."""

    def __init__(self, options: DemoOptions) -> None:
        self.options = options
        self.signals = _Signals()
        self.url = ""
        #: The run's Zenoti REST API key (printed, so that /v1 can be tried while it runs).
        self.api_key = secrets.token_hex(16)

    async def main(self) -> int:
        """Run the demo; the exit code (0: every delivery delivered)."""
        o = self.options
        loop = asyncio.get_running_loop()
        the_plan = await loop.run_in_executor(None, plan, o.seed, o.catalog)
        settings = ServerSettings(
            host=o.host,
            port=o.port,
            outbox=":memory:",
            catalog=o.catalog,
            retry_scale=RETRY_SCALE,
            shutdown_grace=2.0,
            rest_rate_limit=o.rest_rate_limit,
        )
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        self.signals.install()
        try:
            self.url = url_for(o.host, await self._listen(runner))
            self._intro(the_plan)
            async with aiohttp.ClientSession(raise_for_status=True) as client:
                code = await self._run(app, client, the_plan)
            if o.linger and not self.signals.first.is_set():
                click.echo(f"\nthe server stays up: open {self.url}/ to browse; Ctrl-C stops it")
                await self.signals.first.wait()
                say("stopping the server")
            return code
        finally:
            self.signals.remove()
            await runner.cleanup()

    async def _listen(self, runner: web.AppRunner) -> int:
        """Listen on the port asked; when the default one is taken, on a free one."""
        o = self.options
        try:
            await web.TCPSite(runner, o.host, o.port).start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or o.port_given:
                what = "in use" if exc.errno == errno.EADDRINUSE else exc.strerror
                raise ConfigError(
                    f"cannot listen on {o.host}:{o.port}: {what}", field="--port"
                ) from None
            say(f"port {o.port} is in use: the demo listens on a free port instead")
            await web.TCPSite(runner, o.host, 0).start()
        port: int = runner.addresses[0][1]
        return port

    def _intro(self, the_plan: Plan) -> None:
        o = self.options
        hours = the_plan.simulated / 3600
        share = f"{o.fail_share:.0%}"
        lines = [
            f"mockzenoti demo: open {self.url}/ to watch",
            f"  scenario  {SCENARIO}, seed {o.seed}: {the_plan.events:,} events, "
            f"{hours:.0f} simulated hours played in {o.seconds:g} s",
            f"  receiver  /sink/{SINK} checks signatures, answers {FAIL_STATUS} to the first "
            f"attempt of {share} of events",
            f"  target    {TARGET}: signed; Zenoti's retry policy, waits x{RETRY_SCALE:g} "
            f"(30 s -> {30 * RETRY_SCALE:g} s)",
            f"  REST      {self.url}/v1/ with 'Authorization: apikey {self.api_key}' "
            "(Zenoti's API over the run's world)",
            "  Ctrl-C stops the run early (what was accepted is still delivered); twice quits",
            "",
        ]
        click.echo("\n".join(lines))

    async def _run(
        self, app: web.Application, client: aiohttp.ClientSession, the_plan: Plan
    ) -> int:
        o = self.options
        base = self.url
        sink = {
            "secret": SECRET,
            "fail_first": 1,
            "fail_share": o.fail_share,
            "fail_status": FAIL_STATUS,
            "seed": _seed_number(o.seed),
        }
        target = {"id": TARGET, "url": f"{base}/sink/{SINK}", "secret": SECRET, "retry": "zenoti"}
        body = {
            "scenario": SCENARIO,
            "seed": o.seed,
            "events": the_plan.events,
            "pace": the_plan.pace(o.seconds),
            "retry_scale": RETRY_SCALE,
            "targets": [TARGET],
            "api_key": self.api_key,
        }
        await _send(client, "PUT", f"{base}/sinks/{SINK}", sink)
        await _send(client, "POST", f"{base}/targets", target)
        run = await _send(client, "POST", f"{base}/runs", body)
        run_id: int = run["id"]
        started = time.perf_counter()
        handle = app[RUNS].handles.get(run_id)
        progress = Progress(
            app[HUB].metrics,
            mode=o.progress,
            stream=sys.stderr,
            total=lambda: the_plan.events,
            events_total=the_plan.events,
            urls={TARGET: target["url"]},
        )
        ticker = asyncio.create_task(progress.run())
        stopped = False
        try:
            if handle is not None and handle.task is not None:
                stopped = await self._wait(client, run_id, handle.task)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            progress.finish()
        report = await collect(app, run_id, SINK, time.perf_counter() - started)
        report.update(stopped=stopped, url=base, linger=o.linger, planned=the_plan.events)
        report["fail_status"] = FAIL_STATUS
        click.echo("\n".join(render(report)))
        return 0 if report["ok"] else 1

    async def _wait(
        self, client: aiohttp.ClientSession, run_id: int, task: asyncio.Task[None]
    ) -> bool:
        """Wait for the run to end; on the first signal stop it and wait. True when stopped."""
        signalled = asyncio.ensure_future(self.signals.first.wait())
        try:
            await asyncio.wait({task, signalled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            signalled.cancel()
        if task.done():
            return False
        say("\nstopping: no new events; delivering those accepted (Ctrl-C again quits at once)")
        await _send(client, "DELETE", f"{self.url}/runs/{run_id}")
        await asyncio.wait({task})
        return True


async def _send(
    client: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> dict[str, Any]:
    """A request to the demo's own server; its JSON answer."""
    async with client.request(method, url, json=body) as response:
        answer: dict[str, Any] = await response.json()
        return answer
